import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRASH_EXIT_CODE } from '../../local/crash-points.js';
import { Stack, decide, reviewLink, samplePost, waitFor } from './stack.js';

// A decision whose post ends with the process (issue #13): the stack exits at a named point of the supervisor's
// decision (SIGNOFF_LOCAL_CRASH_AT, local/crash-points.ts) after the decision is stored, before its audit event or the
// nudge of the waiting task. Started again on the same data directory, the same post on the same link settles it
// (the form resent as the browser kept it, or the link opened and posted afresh: the decided page has no form):
// the request moves on to the communications stage, the trail holds the decision once, nothing is mailed twice.

/** The review page's form, as the approver's browser holds it: posted again, it sends the same decision and token. */
async function reviewForm(link: string): Promise<() => Promise<number>> {
  const page = await (await fetch(link)).text();
  const csrf = /name="csrf" value="([^"]*)"/.exec(page)?.[1] ?? '';
  const body = new URLSearchParams({ csrf, decision: 'approve', comment: '' }).toString();
  return async () => {
    const res = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    await res.text();
    return res.status;
  };
}

let stack: Stack;
beforeAll(async () => {
  stack = await Stack.start();
});
afterAll(async () => {
  await stack.dispose();
});

describe('a crash in the middle of a decision', () => {
  const cases = ['audit:decision.recorded', 'sfn:SendTaskSuccess'].flatMap((point) => [
    { point, retry: 'the form resent' },
    { point, retry: 'the link opened and posted afresh' },
  ]);
  it.each(cases)('at $point: $retry settles it', async ({ point, retry }) => {
    // Prepare: a request waiting for its supervisor, on a stack that ends at the crash point
    await stack.restart('SIGTERM', { SIGNOFF_LOCAL_CRASH_AT: point });
    const title = `Crash at ${point}, ${retry}`;
    const { requestId } = (await (await stack.submit(samplePost({ title }))).json()) as { requestId: string };
    const link = reviewLink(await stack.mailTo('grace@example.org', title));
    await waitFor('the supervisor to be asked', async () => {
      const audit = await stack.audit(requestId);
      return audit.events.some((e) => e.type === 'approval.requested') ? true : undefined;
    });

    // Act: the post gets no answer and the process ends; start again without the crash point, post the same again
    const post = await reviewForm(link);
    const lost = await post().catch(() => 'no answer');
    const code = await stack.exited();
    await stack.restart('SIGKILL', {});
    const status = retry === 'the form resent' ? await post() : (await decide(link, 'approve')).status;
    const again = await post();

    // Assess
    expect(lost).toBe('no answer');
    expect(code).toBe(CRASH_EXIT_CODE);
    expect([status, again]).toEqual([409, 409]);
    await stack.mailTo('carl@example.org', title);
    await stack.mailTo('cara@example.org', title);
    await waitFor('both comms approvals to be requested', async () => {
      const audit = await stack.audit(requestId);
      return audit.events.filter((e) => e.type === 'approval.requested').length === 3 ? true : undefined;
    });
    const audit = await stack.audit(requestId);
    expect(audit.verification.ok).toBe(true);
    const decisions = audit.events.filter((e) => e.type === 'decision.recorded');
    expect(decisions.map((e) => [e.actor, e.data['stageIndex'], e.data['decision']])).toEqual([['grace@example.org', 0, 'approve']]);
    const mails = (await stack.outbox()).filter((m) => m.subject.includes(title));
    const sent = mails.map((m) => `${m.to.join(',')} ${m.subject}`);
    expect(new Set(sent).size).toBe(sent.length);
    expect(mails).toHaveLength(4); // the acknowledgement to ada, grace, carl and cara
  });
});
