import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_TOKEN, Stack, samplePost, waitFor } from './stack.js';

// The webhook intake contract (DESIGN.md "Webhook intake") against the running local stack.

let stack: Stack;
beforeAll(async () => {
  stack = await Stack.start();
});
afterAll(async () => {
  await stack.dispose();
});

describe('signature', () => {
  it('refuses a body signed with another secret: 401, and nothing is created', async () => {
    const before = (await stack.outbox()).length;
    const res = await stack.submit(samplePost({ title: 'Bad signature' }), { secret: 'whsec_b3RoZXJzZWNyZXRvdGhlcnNlY3JldG90aGVy' });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toContain('signature');
    expect((await stack.outbox()).length).toBe(before);
  });

  it('refuses a stale timestamp (older than five minutes): 401', async () => {
    const res = await stack.submit(samplePost({ title: 'Stale' }), { timestamp: new Date(Date.now() - 6 * 60 * 1000) });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toMatch(/timestamp|old/i);
  });

  it('refuses a request without signature headers: 401', async () => {
    const res = await fetch(`${stack.baseUrl}/v1/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(samplePost()),
    });
    expect(res.status).toBe(401);
  });

  it('refuses a body whose bytes changed after signing: 401', async () => {
    const raw = JSON.stringify(samplePost({ title: 'Tampered' }));
    const res = await stack.submit(undefined, { raw, id: 'msg_tamper' }).then(async (first) => {
      expect(first.status).toBe(202);
      // Same headers, different bytes: replay the signature of `raw` over a modified body.
      return fetch(`${stack.baseUrl}/v1/requests`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': 'msg_other',
          'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
          'webhook-signature': 'v1,AAAA',
        },
        body: raw.replace('Tampered', 'Tampered!'),
      });
    });
    expect(res.status).toBe(401);
  });
});

describe('idempotency on webhook-id', () => {
  it('answers the same id and body with the same answer, and makes no second request', async () => {
    const body = samplePost({ title: 'Idempotent' });
    const first = await stack.submit(body, { id: 'msg_idem_1' });
    const second = await stack.submit(body, { id: 'msg_idem_1' });
    const a = (await first.json()) as { requestId: string; status: string };
    const b = (await second.json()) as { requestId: string; status: string };

    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(b).toEqual(a);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    await stack.mailTo('grace@example.org', 'Idempotent');
    const audit = await stack.audit(a.requestId);
    expect(audit.events.filter((e) => e.type === 'request.submitted')).toHaveLength(1);
    const mails = (await stack.outbox()).filter((m) => m.subject.includes('Idempotent'));
    expect(mails.filter((m) => m.to.includes('grace@example.org'))).toHaveLength(1);
    expect(mails.filter((m) => m.to.includes('ada@example.org'))).toHaveLength(1); // the acknowledgement
  });

  it('refuses the same id with a different body: 409', async () => {
    await stack.submit(samplePost({ title: 'First body' }), { id: 'msg_idem_2' });
    const res = await stack.submit(samplePost({ title: 'Second body' }), { id: 'msg_idem_2' });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toContain('msg_idem_2');
  });
});

describe('validation', () => {
  it('names an unknown account: 400', async () => {
    const res = await stack.submit(samplePost({ account: 'nonexistent-account' }));
    const body = (await res.json()) as { problems: string[] };
    expect(res.status).toBe(400);
    expect(body.problems.join('\n')).toContain('nonexistent-account');
  });

  it('names an unknown submitter: 400', async () => {
    const res = await stack.submit(samplePost({ submitter: 'mallory@elsewhere.example' }));
    const body = (await res.json()) as { problems: string[] };
    expect(res.status).toBe(400);
    expect(body.problems.join('\n')).toContain('mallory@elsewhere.example');
  });

  it('lists every problem at once', async () => {
    const res = await stack.submit(samplePost({ title: '', media: [{ type: 'gif', url: 'not a url' }], colour: 'blue' }));
    const body = (await res.json()) as { problems: string[] };
    expect(res.status).toBe(400);
    const all = body.problems.join('\n');
    expect(all).toContain('title');
    expect(all).toContain('media.0.type');
    expect(all).toContain('media.0.url');
    expect(all).toContain('colour');
  });

  it('refuses a body that is not JSON: 400', async () => {
    const res = await stack.submit(undefined, { raw: '{"kind": "brand-post",' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { problems: string[] }).problems.join()).toContain('not valid JSON');
  });

  it('refuses a body over the size limit: 413', async () => {
    const res = await stack.submit(samplePost({ text: 'x'.repeat(200 * 1024) }));
    expect(res.status).toBe(413);
  });
});

describe('request status', () => {
  it('needs the bearer token', async () => {
    const res = await stack.submit(samplePost({ title: 'Status auth' }));
    const { requestId } = (await res.json()) as { requestId: string };
    const anonymous = await fetch(`${stack.baseUrl}/v1/requests/${requestId}`);
    const wrong = await fetch(`${stack.baseUrl}/v1/requests/${requestId}`, { headers: { authorization: 'Bearer nope' } });
    const right = await waitFor('status', async () => {
      const r = await fetch(`${stack.baseUrl}/v1/requests/${requestId}`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
      return r.status === 200 ? r : undefined;
    });
    expect(anonymous.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(((await right.json()) as { requestId: string }).requestId).toBe(requestId);
  });

  it('answers 404 for an unknown request', async () => {
    const res = await fetch(`${stack.baseUrl}/v1/requests/req_doesnotexist`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
    expect(res.status).toBe(404);
  });
});

describe('review links', () => {
  it('answers 404 for a link that does not exist, on GET and POST', async () => {
    const fake = `${stack.baseUrl}/approvals/${'A'.repeat(43)}`;
    expect((await fetch(fake)).status).toBe(404);
    expect(
      (await fetch(fake, { method: 'POST', body: 'decision=approve', headers: { 'content-type': 'application/x-www-form-urlencoded' } }))
        .status,
    ).toBe(404);
    expect((await fetch(`${stack.baseUrl}/approvals/short`)).status).toBe(404);
  });
});
