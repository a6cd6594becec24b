import { createTransport, type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newVersionBody, withdrawalBody } from '../../local/webhook-client.js';
import { Stack, decide, reviewLink, samplePost, waitFor, type OutboxMessage } from './stack.js';

// GOVERNANCE.md §3 on the running stack: changes and new versions, withdrawal, and links that mail scanners
// cannot trigger. Deadlines run in a second stack whose clock is scaled (see the last describe).

let stack: Stack;
beforeAll(async () => {
  stack = await Stack.start();
});
afterAll(async () => {
  await stack.dispose();
});

function signed(s: Stack, path: string, body: string, id?: string): Promise<Response> {
  return s.signedPost(path, body, id === undefined ? {} : { id });
}

async function submitted(s: Stack, title: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await s.submit(samplePost({ title, ...overrides }));
  expect(res.status).toBe(202);
  return ((await res.json()) as { requestId: string }).requestId;
}

function linkIn(mail: OutboxMessage, path: string): string {
  const match = new RegExp(`https?://\\S+/${path}/[A-Za-z0-9_-]{43}`).exec(mail.text);
  if (match === null) throw new Error(`no /${path}/ link in "${mail.subject}"`);
  return match[0];
}

describe('request changes, then a new version', () => {
  it('sends the comment to the submitter, restarts the route on a new version, and shows the approver what changed', async () => {
    // Prepare: the supervisor asks for changes
    const requestId = await submitted(stack, 'Needs work', {
      text: 'Join us on Saturday for the open day.\nBring friends. https://example.org/open-day',
    });
    const v1Link = reviewLink(await stack.mailTo('grace@example.org', 'Needs work'));
    expect((await decide(v1Link, 'request-changes', 'Say which Saturday, please.')).status).toBe(200);
    const back = await stack.mailTo('ada@example.org', 'returned for changes');
    expect(back.text).toContain('Say which Saturday, please.');
    await stack.waitForStatus(requestId, 'changes-requested');

    // Act: a new version through the API
    const body = newVersionBody(
      requestId,
      samplePost({
        title: 'Needs work',
        text: 'Join us on Saturday 5 December for the open day.\nBring friends. https://example.org/open-day',
      }),
    );
    const res = await signed(stack, `/v1/requests/${requestId}/versions`, body, 'msg_version_2');
    const again = await signed(stack, `/v1/requests/${requestId}/versions`, body, 'msg_version_2');

    // Assess
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ requestId, version: 2, status: 'checking' });
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const v2Mail = await waitFor('the version 2 approval mail', async () =>
      (await stack.outbox()).find((m) => m.to.includes('grace@example.org') && m.text.includes('version 2')),
    );
    const v2Page = await (await fetch(reviewLink(v2Mail))).text();
    expect(v2Page).toContain('What changed since version 1');
    expect(v2Page).toContain('- Join us on Saturday for the open day.');
    expect(v2Page).toContain('+ Join us on Saturday 5 December for the open day.');
    const old = await decide(v1Link, 'approve');
    expect(old.status).toBe(410);
    expect(old.html).toContain('now at version 2');
    const status = await stack.status(requestId);
    expect(status).toMatchObject({ version: 2, status: 'awaiting-approval' });
    expect(status.stages[0]).toMatchObject({ stage: 'supervisor', status: 'pending' });
    const audit = await stack.audit(requestId);
    expect(audit.verification.ok).toBe(true);
    expect(audit.events.filter((e) => e.type === 'request.version')).toHaveLength(1);
  });

  it('refuses a new version while the request is still being decided', async () => {
    const requestId = await submitted(stack, 'Too early');
    await stack.mailTo('grace@example.org', 'Too early');
    const res = await signed(stack, `/v1/requests/${requestId}/versions`, newVersionBody(requestId, samplePost({ title: 'Too early' })));
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toContain('awaiting-approval');
  });

  it("takes a mailed reply in the request's thread as the new version", async () => {
    const smtp: Transporter = createTransport({ host: '127.0.0.1', port: stack.smtpPort, secure: false, ignoreTLS: true });
    const original = `<e2e-thread-${Date.now()}@example.org>`;
    await smtp.sendMail({
      from: 'ada@example.org',
      to: 'submit+physics-x@example.org',
      subject: 'Mailed draft',
      text: 'Lab tour on Friday. https://example.org/tour',
      messageId: original,
    });
    await decide(reviewLink(await stack.mailTo('grace@example.org', 'Mailed draft')), 'request-changes', 'Which lab?');
    await stack.mailTo('ada@example.org', 'returned for changes');

    await smtp.sendMail({
      from: 'ada@example.org',
      to: 'submit+physics-x@example.org',
      subject: 'Re: Mailed draft',
      text: 'Tour of the detector lab on Friday. https://example.org/tour\n\nOn Friday, Signoff wrote:\n> Which lab?',
      inReplyTo: original,
      references: [original],
    });
    smtp.close();

    const v2 = await waitFor('the version 2 approval mail', async () =>
      (await stack.outbox()).find(
        (m) => m.to.includes('grace@example.org') && m.subject.includes('Mailed draft') && m.text.includes('version 2'),
      ),
    );
    expect(v2.text).toContain('Tour of the detector lab on Friday.');
    expect(v2.text).not.toContain('Which lab?');
  });
});

describe('withdrawal', () => {
  it('withdraws through the API: open links then say so and decide nothing; a second withdrawal is refused', async () => {
    const requestId = await submitted(stack, 'Withdrawn by API');
    const link = reviewLink(await stack.mailTo('grace@example.org', 'Withdrawn by API'));

    const res = await signed(stack, `/v1/requests/${requestId}/withdraw`, withdrawalBody(requestId));
    const page = await (await fetch(link)).text();
    const late = await decide(link, 'approve');
    const second = await signed(stack, `/v1/requests/${requestId}/withdraw`, withdrawalBody(requestId));

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ requestId, status: 'withdrawn' });
    expect(page).toContain('withdrew');
    expect(page).not.toContain('<form method="post">');
    expect(late.status).toBe(410);
    expect(second.status).toBe(409);
    expect((await stack.status(requestId)).status).toBe('withdrawn');
    const types = (await stack.audit(requestId)).events.map((e) => e.type);
    expect(types).toContain('request.withdrawn');
    expect(types).not.toContain('decision.recorded');
  });

  it('withdraws through the link in the acknowledgement: GET only asks, POST withdraws', async () => {
    const requestId = await submitted(stack, 'Withdrawn by link');
    const ack = await stack.mailTo('ada@example.org', 'Received: Withdrawn by link');
    const link = linkIn(ack, 'withdraw');

    const view = await fetch(link);
    const viewHtml = await view.text();
    const head = await fetch(link, { method: 'HEAD' });
    expect(view.status).toBe(200);
    expect(head.status).toBe(200);
    expect(viewHtml).toContain('Withdraw this request?');
    expect((await stack.status(requestId)).status).not.toBe('withdrawn');

    const post = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'confirm=withdraw',
    });
    expect(post.status).toBe(200);
    expect(await post.text()).toContain('Request withdrawn');
    expect((await stack.status(requestId)).status).toBe('withdrawn');
  });

  it('refuses to withdraw a request that is already decided', async () => {
    const requestId = await submitted(stack, 'Decided first');
    await decide(reviewLink(await stack.mailTo('grace@example.org', 'Decided first')), 'reject', 'Not now.');
    await stack.waitForStatus(requestId, 'rejected');
    const res = await signed(stack, `/v1/requests/${requestId}/withdraw`, withdrawalBody(requestId));
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toContain('rejected');
  });
});

describe('links and mail scanners', () => {
  const SCANNERS = [
    'Mozilla/5.0 (compatible; Microsoft Office Protocol Discovery) SafeLinks',
    'Mimecast URL Protect/1.0',
    'Proofpoint URL Defense (urldefense)',
    'Barracuda Sentinel (EE)',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36',
  ];

  it('lets 100 GET and HEAD requests with scanner user agents decide nothing', async () => {
    const requestId = await submitted(stack, 'Scanned links');
    const link = reviewLink(await stack.mailTo('grace@example.org', 'Scanned links'));

    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        fetch(link, { method: i % 2 === 0 ? 'GET' : 'HEAD', headers: { 'user-agent': SCANNERS[i % SCANNERS.length] ?? '' } }).then(
          (r) => r.status,
        ),
      ),
    );

    expect(answers.every((s) => s === 200)).toBe(true);
    const status = await stack.status(requestId);
    expect(status.stages[0]).toMatchObject({ status: 'pending', decision: null });
    expect((await stack.audit(requestId)).events.some((e) => e.type === 'decision.recorded')).toBe(false);
  });

  it('refuses a POST that did not come from the page (no CSRF token): nothing is decided', async () => {
    const requestId = await submitted(stack, 'Blind post');
    const link = reviewLink(await stack.mailTo('grace@example.org', 'Blind post'));
    const res = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'decision=approve',
    });
    expect(res.status).toBe(403);
    expect((await stack.status(requestId)).stages[0]?.status).toBe('pending');
  });
});

describe('deadlines (workflow time scaled: 72 h pass in 8 s)', () => {
  // 259,200 workflow seconds in 8 real seconds: the reminder comes after 4 s, escalation after 8 s,
  // expiry after 16 s. No test waits for a fixed time: each waits for the e-mail or status it expects.
  let fast: Stack;
  beforeAll(async () => {
    fast = await Stack.start({ SIGNOFF_TIME_SCALE: String(259_200 / 8) });
  });
  afterAll(async () => {
    await fast.dispose();
  });

  it('reminds at half-time, and the first link still decides', async () => {
    const requestId = await submitted(fast, 'Reminded');
    const first = reviewLink(await fast.mailTo('grace@example.org', 'Approval needed (Supervisor): Reminded'));
    const reminder = await fast.mailTo('grace@example.org', 'Reminder: approval needed (Supervisor): Reminded', 20_000);
    expect(reminder.text).toContain('your first link still works');

    const decision = await decide(first, 'approve');

    expect(decision.status).toBe(200);
    await fast.mailTo('carl@example.org', 'Reminded', 20_000);
    expect((await fast.status(requestId)).stages[0]).toMatchObject({ status: 'approved', decidedBy: 'grace@example.org' });
  }, 60_000);

  it('escalates to the deputy at the deadline, then expires: nothing is approved by silence', async () => {
    const requestId = await submitted(fast, 'Nobody answers');
    const first = reviewLink(await fast.mailTo('grace@example.org', 'Approval needed (Supervisor): Nobody answers'));
    const escalated = await fast.mailTo('alan@example.org', 'Escalated to you', 30_000);
    expect(escalated.text).toContain('deputy');
    const notice = await (await fetch(first)).text();
    expect(notice).toContain('escalated');
    expect(notice).toContain('Alan Turing');

    const final = await fast.waitForStatus(requestId, 'expired', 40_000);
    const told = await fast.mailTo('ada@example.org', 'expired without a decision: Nobody answers', 20_000);

    expect(final.stages[0]).toMatchObject({ status: 'expired', decision: 'expired', decidedBy: null });
    expect(told.text).toContain('nothing was approved');
    expect((await decide(reviewLink(escalated), 'approve')).status).toBe(410);
    const types = (await fast.audit(requestId)).events.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['approval.requested', 'approval.reminded', 'approval.escalated', 'stage.expired', 'request.outcome']),
    );
  }, 90_000);

  it('lets the deputy decide after escalation', async () => {
    const requestId = await submitted(fast, 'Deputy decides');
    const escalated = await fast.mailTo('alan@example.org', 'Escalated to you: approval needed (Supervisor): Deputy decides', 30_000);
    expect((await decide(reviewLink(escalated), 'approve')).status).toBe(200);
    await fast.mailTo('carl@example.org', 'Deputy decides', 20_000);
    expect((await fast.status(requestId)).stages[0]).toMatchObject({ status: 'approved', decidedBy: 'alan@example.org' });
  }, 60_000);
});
