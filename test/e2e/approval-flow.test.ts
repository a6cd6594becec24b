import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack, decide, reviewLink, samplePost, waitFor } from './stack.js';

// The brand-post route end to end on the running local stack: supervisor → comms, a rejection,
// a publication's ethics stage, and a post blocked by its checks.

let stack: Stack;
beforeAll(async () => {
  stack = await Stack.start();
});
afterAll(async () => {
  await stack.dispose();
});

async function submitted(overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await stack.submit(samplePost(overrides));
  expect(res.status).toBe(202);
  const body = (await res.json()) as { requestId: string; status: string };
  expect(body.status).toBe('checking');
  return body.requestId;
}

describe('a brand post approved by supervisor then comms', () => {
  it('ends approved with an intact audit chain, and review links decide only on POST', async () => {
    // Prepare
    const requestId = await submitted({ title: 'Approved path' });
    const supervisorMail = await stack.mailTo('grace@example.org', 'Approved path');
    const supervisorLink = reviewLink(supervisorMail);
    expect(supervisorMail.text).not.toMatch(/token/i);

    // Act: GET and HEAD render and change nothing
    const get = await fetch(supervisorLink);
    const head = await fetch(supervisorLink, { method: 'HEAD' });
    const html = await get.text();
    const afterViews = await stack.status(requestId);

    // Assess
    expect(get.status).toBe(200);
    expect(head.status).toBe(200);
    expect(html).toContain('<form method="post">');
    expect(html).toContain('Approved path');
    expect(afterViews.status).toBe('awaiting-approval');
    expect(afterViews.stages[0]).toMatchObject({ stage: 'supervisor', status: 'pending', decision: null });

    // Act: the supervisor approves; comms is asked; one comms member approves
    const first = await decide(supervisorLink, 'approve');
    expect(first.status).toBe(200);
    expect(first.html).toContain('your decision is recorded');
    const commsMail = await stack.mailTo('carl@example.org', 'Approved path');
    expect(commsMail.subject).toContain('Communications');
    await stack.mailTo('cara@example.org', 'Approved path');
    const second = await decide(reviewLink(commsMail), 'approve');
    expect(second.status).toBe(200);

    // Assess
    const final = await stack.waitForStatus(requestId, 'approved');
    expect(final.stages.map((s) => [s.stage, s.status, s.decidedBy])).toEqual([
      ['supervisor', 'approved', 'grace@example.org'],
      ['comms', 'approved', 'carl@example.org'],
    ]);
    const outcome = await stack.mailTo('ada@example.org', 'approved');
    expect(outcome.text).toContain('grace@example.org');
    // The outcome mail goes out just before its audit event is appended: wait for the last event.
    const audit = await waitFor('the notification audit event', async () => {
      const a = await stack.audit(requestId);
      return a.events.some((e) => e.type === 'notification.sent') ? a : undefined;
    });
    expect(audit.verification.ok).toBe(true);
    const types = audit.events.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'request.submitted',
        'checks.completed',
        'route.planned',
        'approval.requested',
        'decision.recorded',
        'request.outcome',
        'notification.sent',
      ]),
    );
    expect(audit.events.map((e) => e.seq)).toEqual(audit.events.map((_e, i) => i + 1));
    expect(JSON.stringify(audit.events)).not.toContain('local1.');
  });

  it('answers a second POST on a decided link with "already decided", naming who and when', async () => {
    const requestId = await submitted({ title: 'Double click' });
    const link = reviewLink(await stack.mailTo('grace@example.org', 'Double click'));
    expect((await decide(link, 'approve')).status).toBe(200);

    const again = await decide(link, 'reject', 'changed my mind');

    expect(again.status).toBe(409);
    expect(again.html).toContain('Already decided');
    expect(again.html).toContain('grace@example.org');
    const status = await stack.status(requestId);
    expect(status.stages[0]).toMatchObject({ decision: 'approve', decidedBy: 'grace@example.org' });
  });

  it('lets the second comms member see that the first already decided', async () => {
    await submitted({ title: 'Two comms' });
    await decide(reviewLink(await stack.mailTo('grace@example.org', 'Two comms')), 'approve');
    const carl = reviewLink(await stack.mailTo('carl@example.org', 'Two comms'));
    const cara = reviewLink(await stack.mailTo('cara@example.org', 'Two comms'));

    expect((await decide(carl, 'approve')).status).toBe(200);
    const late = await decide(cara, 'approve');
    const page = await (await fetch(cara)).text();

    expect(late.status).toBe(409);
    expect(late.html).toContain('carl@example.org');
    expect(page).not.toContain('<form method="post">');
  });
});

describe('a rejection', () => {
  it('needs a reason, then ends the request rejected and tells the submitter why', async () => {
    const requestId = await submitted({ title: 'Rejected path' });
    const link = reviewLink(await stack.mailTo('grace@example.org', 'Rejected path'));

    const withoutReason = await decide(link, 'reject');
    expect(withoutReason.status).toBe(400);
    expect(withoutReason.html).toContain('needs a reason');
    expect((await stack.status(requestId)).stages[0]?.status).toBe('pending');

    const rejected = await decide(link, 'reject', 'Clashes with the institute-wide announcement.');
    expect(rejected.status).toBe(200);

    const final = await stack.waitForStatus(requestId, 'rejected');
    expect(final.stages[0]).toMatchObject({ status: 'rejected', comment: 'Clashes with the institute-wide announcement.' });
    expect(final.stages[1]?.status).toBe('waiting');
    const mail = await stack.mailTo('ada@example.org', 'rejected');
    expect(mail.text).toContain('Clashes with the institute-wide announcement.');
    expect((await stack.outbox()).some((m) => m.subject.includes('Rejected path') && m.to.includes('carl@example.org'))).toBe(false);
  });
});

describe('a publication', () => {
  it('gets the ethics stage after comms (GOVERNANCE.md §4)', async () => {
    const thread = ['Why we build detectors — a thread.', 'Part one: what a detector sees.', 'Part two: why it matters.'].join('\n---\n');
    const requestId = await submitted({ title: 'Detector thread', format: 'thread', text: thread, media: [] });
    await decide(reviewLink(await stack.mailTo('grace@example.org', 'Detector thread')), 'approve');
    await decide(reviewLink(await stack.mailTo('cara@example.org', 'Detector thread')), 'approve');

    const ethicsMail = await stack.mailTo('eve@example.org', 'Detector thread');
    expect(ethicsMail.subject).toContain('Ethics');
    const during = await stack.status(requestId);
    expect(during.publication?.is).toBe(true);
    expect(during.publication?.reasons.join(' ')).toContain('thread');
    expect(during.stages.map((s) => s.stage)).toEqual(['supervisor', 'comms', 'ethics']);

    await decide(reviewLink(ethicsMail), 'approve');
    const final = await stack.waitForStatus(requestId, 'approved');
    expect(final.stages[2]).toMatchObject({ stage: 'ethics', decidedBy: 'eve@example.org' });
  });
});

describe('a post blocked by its checks', () => {
  it('goes back to the submitter with every blocking finding, and no approver is asked', async () => {
    const requestId = await submitted({
      title: 'No alt text',
      media: [
        { type: 'image', url: 'https://example.org/a.jpg' },
        { type: 'video', url: 'https://example.org/v.mp4' },
      ],
    });

    const final = await stack.waitForStatus(requestId, 'changes-requested');
    const mail = await stack.mailTo('ada@example.org', 'returned for changes');

    expect(final.findings.filter((f) => f.rule === 'P-ALT-TEXT')).toHaveLength(2);
    expect(final.stages).toEqual([]);
    expect(mail.text).toContain('P-ALT-TEXT');
    expect(mail.text).toContain('media[0]');
    expect(mail.text).toContain('media[1]');
    expect((await stack.outbox()).some((m) => m.subject.includes('No alt text') && m.to.includes('grace@example.org'))).toBe(false);
  });
});
