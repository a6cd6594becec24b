import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedHeaders } from '../../../local/webhook-client.js';
import { API_TOKEN, Stack, WEBHOOK_SECRET, reviewLink, samplePost } from '../../e2e/stack.js';

// Issue #11, limits with clear 4xx answers: inputs that reached code which failed with a 500, or were taken as they
// came, each get an answer that names what is wrong, and nothing is created or decided. Driven from outside over
// HTTP against the running local stack.

let stack: Stack;
beforeAll(async () => {
  stack = await Stack.start();
});
afterAll(async () => {
  await stack.dispose();
});

interface ErrorBody {
  readonly error: string;
  readonly problems?: readonly string[];
}

async function errorOf(res: Response): Promise<ErrorBody> {
  return (await res.json()) as ErrorBody;
}

const get = (path: string) => fetch(`${stack.baseUrl}${path}`, { headers: { authorization: `Bearer ${API_TOKEN}` } });

describe('signed bodies', () => {
  it('refuses a body nested 60,000 levels deep with a 400 (it was a 500)', async () => {
    // Prepare: within the 128 KiB limit
    const raw = `{"kind":${'['.repeat(60_000)}${']'.repeat(60_000)}}`;

    // Act
    const res = await stack.submit(undefined, { raw });

    // Assess
    expect(res.status).toBe(400);
    expect((await errorOf(res)).problems).toEqual(['body: nested deeper than 32 levels of objects and arrays']);
  });

  it('refuses a webhook-timestamp that is not digits only with a 401, though its leading number was signed', async () => {
    // Prepare: signed for "<now>", sent as "<now>abc"
    const body = JSON.stringify(samplePost({ title: 'Timestamp with letters' }));
    const headers = signedHeaders(WEBHOOK_SECRET, body);
    headers['webhook-timestamp'] = `${headers['webhook-timestamp'] ?? ''}abc`;
    const before = (await stack.outbox()).length;

    // Act
    const res = await fetch(`${stack.baseUrl}/v1/requests`, { method: 'POST', headers, body });

    // Assess
    expect(res.status).toBe(401);
    expect((await errorOf(res)).error).toBe('webhook-timestamp must be whole seconds since 1970, digits only');
    expect((await stack.outbox(before)).filter((m) => m.subject.includes('Timestamp with letters'))).toEqual([]);
  });

  it.each([
    ['a CR LF', 'Open day\r\nBcc: everyone@example.org', 'U+000D'],
    ['a line separator', 'Open day\u2028Second line', 'U+2028'],
    ['an escape sequence', 'Open day\u001b[2J', 'U+001B'],
  ])('refuses a title with %s, naming the title (400)', async (_what, title, codePoint) => {
    // Act
    const res = await stack.submit(samplePost({ title }));

    // Assess
    expect(res.status).toBe(400);
    expect((await errorOf(res)).problems).toEqual([
      `title: must be a single line: no line breaks, tabs or other control characters (found ${codePoint})`,
    ]);
  });

  it('refuses an account opening whose handle holds a line break, naming the handle (400)', async () => {
    // Act
    const res = await stack.submit({
      kind: 'account-opening',
      submitter: 'alan@example.org',
      unit: 'physics',
      platform: 'bluesky',
      handle: '@physics\n.example.org',
      admins: ['ada@example.org', 'bob@example.org'],
      questionnaire: { project: 'Outreach', endOfLife: 'Archived' },
      attestations: { smmAdmin: true, credentialStore: 'vault://comms/social/physics-bluesky', commentPolicy: true },
    });

    // Assess
    expect(res.status).toBe(400);
    expect((await errorOf(res)).problems).toContainEqual(expect.stringMatching(/^handle: must be a single line.*U\+000A/u));
  });
});

describe('paths', () => {
  it.each([['/approvals/%E0%A4%A'], ['/v1/requests/%E0%A4%A'], ['/withdraw/%FF']])(
    'answers a malformed percent-escape in %s with a 400 (it was a 500)',
    async (path) => {
      // Act
      const res = await get(path);

      // Assess
      expect(res.status).toBe(400);
      expect((await errorOf(res)).error).toMatch(/^the path parameter \w+ is not valid percent-encoded UTF-8$/u);
    },
  );

  it("answers a request id over 2,048 bytes with a 414 (it was a 500 from DynamoDB's key limit)", async () => {
    // Act
    const res = await get(`/v1/requests/${'a'.repeat(3_000)}`);

    // Assess
    expect(res.status).toBe(414);
    expect((await errorOf(res)).error).toBe('the path parameter requestId is 3000 bytes; the limit is 2048');
  });

  it('still finds nothing for an id that decodes cleanly: 404', async () => {
    expect((await get('/v1/requests/req_%41%42')).status).toBe(404);
  });
});

describe('the review form', () => {
  async function openReview(title: string): Promise<{ requestId: string; link: string; csrf: string }> {
    const res = await stack.submit(samplePost({ title }));
    expect(res.status).toBe(202);
    const { requestId } = (await res.json()) as { requestId: string };
    const link = reviewLink(await stack.mailTo('grace@example.org', title));
    const csrf = /name="csrf" value="([^"]*)"/.exec(await (await fetch(link)).text())?.[1] ?? '';
    return { requestId, link, csrf };
  }

  const postForm = (link: string, body: string) =>
    fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });

  it('refuses a comment over 5,000 characters with a 400 naming the comment; nothing is decided', async () => {
    // Prepare
    const { requestId, link, csrf } = await openReview('Long comment');

    // Act
    const res = await postForm(
      link,
      new URLSearchParams({ csrf, decision: 'request-changes', comment: 'Please change this. '.repeat(251) }).toString(),
    );

    // Assess
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('comment: 5,019 characters is too long; the limit is 5,000. Nothing was decided.');
    const status = await stack.status(requestId);
    expect(status.stages[0]).toMatchObject({ status: 'pending', decision: null });
    expect((await stack.audit(requestId)).events.map((e) => e.type)).not.toContain('decision.recorded');
  });

  it('refuses a form over 64 KiB with a 413; nothing is decided', async () => {
    // Prepare: the comment within 5,000 characters of 4 bytes, padded with a field the page does not have
    const { requestId, link, csrf } = await openReview('Large form');
    const body = `${new URLSearchParams({ csrf, decision: 'approve', comment: 'Fine.' }).toString()}&padding=${'x'.repeat(70_000)}`;

    // Act
    const res = await postForm(link, body);

    // Assess
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('the limit is 65,536. Nothing was decided.');
    expect((await stack.status(requestId)).stages[0]).toMatchObject({ status: 'pending', decision: null });
  });

  it('takes a comment of 5,000 characters', async () => {
    const { requestId, link, csrf } = await openReview('Comment at the limit');
    const res = await postForm(link, new URLSearchParams({ csrf, decision: 'reject', comment: 'x'.repeat(5_000) }).toString());
    expect(res.status).toBe(200);
    expect((await stack.waitForStatus(requestId, 'rejected')).stages[0]?.comment).toHaveLength(5_000);
  });
});
