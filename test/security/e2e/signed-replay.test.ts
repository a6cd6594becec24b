import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedHeaders } from '../../../local/webhook-client.js';
import { Stack, WEBHOOK_SECRET, samplePost } from '../../e2e/stack.js';

// Issue #11, "a signed delivery is good for one call": Standard Webhooks signs webhook-id, timestamp and body, not
// the path. A delivery captured on its way to one signed route verified on every other for five minutes — an intake
// delivery replayed to /v1/requests/{other}/withdraw withdrew another request. Driven from outside: each delivery is
// built once, as a client sends it, and replayed byte for byte (same headers, same body) to another route.

let stack: Stack;
beforeAll(async () => {
  stack = await Stack.start();
});
afterAll(async () => {
  await stack.dispose();
});

interface Delivery {
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** A delivery as a client signs it (its own webhook-id unless given). */
function delivery(body: string, id?: string): Delivery {
  return { headers: signedHeaders(WEBHOOK_SECRET, body, id), body };
}

function send(path: string, d: Delivery): Promise<Response> {
  return fetch(`${stack.baseUrl}${path}`, { method: 'POST', headers: d.headers, body: d.body });
}

async function submitted(title: string, id?: string): Promise<{ requestId: string; delivery: Delivery }> {
  const d = delivery(JSON.stringify(samplePost({ title })), id);
  const res = await send('/v1/requests', d);
  expect(res.status).toBe(202);
  const { requestId } = (await res.json()) as { requestId: string };
  // The approval e-mail: the request is waiting, so a withdrawal would win.
  await stack.mailTo('grace@example.org', title);
  return { requestId, delivery: d };
}

const withdrawal = (requestId: string) => JSON.stringify({ action: 'withdraw', requestId });

async function auditTypes(requestId: string): Promise<string[]> {
  return (await stack.audit(requestId)).events.map((e) => e.type);
}

describe('a captured delivery replayed to another route', () => {
  it("an intake delivery replayed to another request's withdraw withdraws nothing", async () => {
    // Prepare: Ada's request B is waiting; a delivery of another submission (A) is captured on its way in
    const b = await submitted('Replay target B');
    const a = await submitted('Captured intake A');

    // Act: the captured intake delivery, byte for byte, to B's withdraw
    const res = await send(`/v1/requests/${b.requestId}/withdraw`, a.delivery);

    // Assess: refused, naming the fields the signed body lacks; B still waits and its trail has no withdrawal
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { problems: string[] };
    expect(answer.problems).toEqual([expect.stringMatching(/^action: required/u), expect.stringMatching(/^requestId: required/u)]);
    expect((await stack.status(b.requestId)).status).toBe('awaiting-approval');
    expect(await auditTypes(b.requestId)).not.toContain('request.withdrawn');
  });

  it('a withdrawal of request A replayed to request B withdraws nothing', async () => {
    // Prepare: Ada withdraws A; the delivery is captured
    const a = await submitted('Withdrawn A');
    const b = await submitted('Not withdrawn B');
    const captured = delivery(withdrawal(a.requestId));
    expect((await send(`/v1/requests/${a.requestId}/withdraw`, captured)).status).toBe(200);

    // Act
    const res = await send(`/v1/requests/${b.requestId}/withdraw`, captured);

    // Assess
    expect(res.status).toBe(400);
    expect(((await res.json()) as { problems: string[] }).problems).toEqual([
      `requestId: "${a.requestId}" is not the request of this path ("${b.requestId}")`,
    ]);
    expect((await stack.status(b.requestId)).status).toBe('awaiting-approval');
  });

  it('a withdrawal replayed to intake creates nothing', async () => {
    // Prepare
    const a = await submitted('Withdrawal replayed to intake');
    const captured = delivery(withdrawal(a.requestId));

    // Act
    const res = await send('/v1/requests', captured);

    // Assess
    expect(res.status).toBe(400);
    expect(((await res.json()) as { problems: string[] }).problems[0]).toMatch(
      /^action: POST \/v1\/requests takes "action": "submit", not "withdraw"/u,
    );
  });
});

describe('one webhook-id, one call', () => {
  it('refuses a webhook-id accepted at intake when it comes again on withdraw, even with a body naming that request (409)', async () => {
    // Prepare: a sender that reuses its ids
    const a = await submitted('Reused id', `msg_reused_${Date.now()}`);
    const webhookId = a.delivery.headers['webhook-id'];

    // Act: a correctly signed withdrawal of the same request, under the same webhook-id
    const res = await send(`/v1/requests/${a.requestId}/withdraw`, delivery(withdrawal(a.requestId), webhookId));

    // Assess
    expect(res.status).toBe(409);
    const { error } = (await res.json()) as { error: string };
    expect(error).toContain(`webhook-id ${webhookId ?? ''} was already used`);
    expect(error).toContain('for POST /v1/requests (it created request');
    expect((await stack.status(a.requestId)).status).toBe('awaiting-approval');
  });

  it('answers a retried withdrawal (same webhook-id, same body) as the first time, and a new id for it with 409', async () => {
    // Prepare
    const a = await submitted('Withdrawal retried');
    const first = delivery(withdrawal(a.requestId));

    // Act
    const once = await send(`/v1/requests/${a.requestId}/withdraw`, first);
    const retry = await send(`/v1/requests/${a.requestId}/withdraw`, {
      ...first,
      headers: signedHeaders(WEBHOOK_SECRET, first.body, first.headers['webhook-id']),
    });
    const another = await send(`/v1/requests/${a.requestId}/withdraw`, delivery(withdrawal(a.requestId)));

    // Assess
    expect(once.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await retry.json()).toEqual({ requestId: a.requestId, status: 'withdrawn' });
    expect(another.status).toBe(409);
    expect((await auditTypes(a.requestId)).filter((t) => t === 'request.withdrawn')).toHaveLength(1);
  });

  it('still answers a retried intake delivery with its first answer, and takes "action": "submit"', async () => {
    // Prepare
    const d = delivery(JSON.stringify({ action: 'submit', ...samplePost({ title: 'Explicit submit' }) }));

    // Act
    const first = await send('/v1/requests', d);
    const again = await send('/v1/requests', { ...d, headers: signedHeaders(WEBHOOK_SECRET, d.body, d.headers['webhook-id']) });

    // Assess
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(await first.json());
  });
});
