import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack, decide, reviewLink, samplePost, waitFor } from './stack.js';

// Executions survive a restart (issue: foundation §5). The process is killed (SIGKILL: no clean-up)
// while a request waits for its second approval; after a start on the same data directory, the link
// already e-mailed still completes the request, and no e-mail goes out twice.

let stack: Stack;
beforeAll(async () => {
  stack = await Stack.start();
});
afterAll(async () => {
  await stack.dispose();
});

describe('a crash while waiting for the second approval', () => {
  it('resumes the execution: the e-mailed link completes the request, no e-mail is sent twice', async () => {
    // Prepare: supervisor approves, comms is asked
    const res = await stack.submit(samplePost({ title: 'Survives a crash' }));
    const { requestId } = (await res.json()) as { requestId: string };
    await decide(reviewLink(await stack.mailTo('grace@example.org', 'Survives a crash')), 'approve');
    const commsLink = reviewLink(await stack.mailTo('carl@example.org', 'Survives a crash'));
    await stack.mailTo('cara@example.org', 'Survives a crash');
    // "Waiting" means the request-approval task has finished its work (both comms mails sent and
    // audited) and the execution sits in the callback wait. A crash inside the send itself is the
    // at-least-once window recorded in docs/decisions.md.
    await waitFor('both comms approvals to be requested', async () => {
      const audit = await stack.audit(requestId);
      return audit.events.filter((e) => e.type === 'approval.requested').length === 3 ? true : undefined;
    });
    const before = await stack.outbox();

    // Act: crash and start again on the same data directory
    await stack.restart('SIGKILL');
    expect(stack.output).toContain('Resumed          1 unfinished execution(s)');
    const afterRestart = await stack.outbox();
    const decision = await decide(commsLink, 'approve');

    // Assess
    expect(afterRestart.map((m) => m.id)).toEqual(before.map((m) => m.id));
    expect(decision.status).toBe(200);
    const final = await stack.waitForStatus(requestId, 'approved');
    expect(final.stages.map((s) => s.decidedBy)).toEqual(['grace@example.org', 'carl@example.org']);
    await stack.mailTo('ada@example.org', 'approved');
    const mails = (await stack.outbox()).filter((m) => m.subject.includes('Survives a crash'));
    const perRecipient = new Map<string, number>();
    for (const m of mails) for (const to of m.to) perRecipient.set(`${to} ${m.subject}`, (perRecipient.get(`${to} ${m.subject}`) ?? 0) + 1);
    expect([...perRecipient.values()].every((n) => n === 1)).toBe(true);
    expect(mails).toHaveLength(5); // the acknowledgement to ada, grace, carl, cara, and the outcome to ada
    const audit = await stack.audit(requestId);
    expect(audit.verification.ok).toBe(true);
    expect(audit.events.filter((e) => e.type === 'approval.requested')).toHaveLength(3);
  });

  it('keeps answering a decided link after a normal restart', async () => {
    const res = await stack.submit(samplePost({ title: 'Decided then restarted' }));
    const { requestId } = (await res.json()) as { requestId: string };
    const link = reviewLink(await stack.mailTo('grace@example.org', 'Decided then restarted'));
    await decide(link, 'reject', 'Not this week.');
    await stack.waitForStatus(requestId, 'rejected');

    await stack.restart('SIGTERM');
    const again = await decide(link, 'approve');

    expect(again.status).toBe(409);
    expect(again.html).toContain('grace@example.org');
    expect((await stack.status(requestId)).status).toBe('rejected');
  });
});
