import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack, decide, reviewLink, samplePost, waitFor } from './stack.js';

// A workflow task that fails after its retries shows on the request (issue #13): the local DynamoDB or SES refuses a
// call for good (SIGNOFF_LOCAL_REFUSE_AT, local/crash-points.ts), the task's Catch goes to RecordFailure, and the
// request's status API, its trail and the log say which step failed with which error — where before the request stood
// in `checking` or `approved` for ever and only the execution's history knew.

let stack: Stack;
beforeAll(async () => {
  stack = await Stack.start();
});
afterAll(async () => {
  await stack.dispose();
});

async function submitted(title: string): Promise<string> {
  const res = await stack.submit(samplePost({ title }));
  expect(res.status).toBe(202);
  return ((await res.json()) as { requestId: string }).requestId;
}

/** The request's trail once it has workflow.failed: RecordFailure writes the request first, its event next. */
const failedTrail = (requestId: string) =>
  waitFor('workflow.failed in the trail', async () => {
    const audit = await stack.audit(requestId);
    return audit.events.some((e) => e.type === 'workflow.failed') ? audit : undefined;
  });

describe('a task that fails after its retries', () => {
  it('at RunChecks: the request is failed, says where and why, is audited and can be withdrawn', async () => {
    // Prepare: a stack whose DynamoDB refuses the checks' audit event
    await stack.restart('SIGTERM', { SIGNOFF_LOCAL_REFUSE_AT: 'audit:checks.completed' });

    // Act
    const requestId = await submitted('Refused at the checks');
    const status = await stack.waitForStatus(requestId, 'failed');

    // Assess
    expect(status.failure).toEqual({ step: 'RunChecks', error: 'ValidationException', at: expect.any(String) });
    // The findings and the route are one write before the checks' event, which was refused: the route stands as
    // planned, its first stage opened, and nobody was asked (below).
    expect(status.stages.map((s) => [s.stage, s.status, s.decision])).toEqual([
      ['supervisor', 'pending', null],
      ['comms', 'waiting', null],
    ]);
    const audit = await failedTrail(requestId);
    expect(audit.verification.ok).toBe(true);
    expect(audit.events.map((e) => e.type)).toEqual(['request.submitted', 'workflow.started', 'notification.sent', 'workflow.failed']);
    expect(audit.events.at(-1)?.data).toMatchObject({ step: 'RunChecks', error: 'ValidationException', version: 1 });
    expect(stack.output).toMatch(new RegExp(`workflow failed.*${requestId}`));
    // Nobody was asked to approve it.
    expect((await stack.outbox()).filter((m) => m.subject.includes('Refused at the checks')).map((m) => m.to)).toEqual([
      ['ada@example.org'],
    ]);

    // The acknowledgement's withdraw link says what happened; the submitter can close it.
    const acknowledgement = await stack.mailTo('ada@example.org', 'Refused at the checks');
    const withdrawLink = /https?:\/\/\S+\/withdraw\/[A-Za-z0-9_-]{43}/u.exec(acknowledgement.text)?.[0] ?? 'no withdraw link';
    expect(await (await fetch(withdrawLink)).text()).toContain('its workflow failed at RunChecks');
    const body = JSON.stringify({ action: 'withdraw', requestId });
    const withdrawn = await stack.signedPost(`/v1/requests/${requestId}/withdraw`, body);
    expect(withdrawn.status).toBe(200);
    const closed = await stack.status(requestId);
    expect([closed.status, closed.failure?.step]).toEqual(['withdrawn', 'RunChecks']);
  });

  it('at NotifySubmitter: the request stays approved, and says its outcome mail failed', async () => {
    // Prepare: a stack whose SES refuses every mail after the acknowledgement and the three asks
    await stack.restart('SIGTERM', { SIGNOFF_LOCAL_REFUSE_AT: 'ses:SendEmail#5' });
    const title = 'Refused at the outcome';
    const requestId = await submitted(title);
    await decide(reviewLink(await stack.mailTo('grace@example.org', title)), 'approve');
    const carl = await stack.mailTo('carl@example.org', title);
    await stack.mailTo('cara@example.org', title);

    // Act
    expect((await decide(reviewLink(carl), 'approve')).status).toBe(200);
    const failed = await waitFor('the failure to be recorded', async () => {
      const s = await stack.status(requestId);
      return s.failure === null ? undefined : s;
    });

    // Assess
    expect(failed.status).toBe('approved');
    expect(failed.failure).toMatchObject({ step: 'NotifySubmitter', error: 'MessageRejected' });
    const audit = await failedTrail(requestId);
    expect(audit.verification.ok).toBe(true);
    const types = audit.events.map((e) => e.type);
    expect(types.filter((t) => t === 'workflow.failed')).toHaveLength(1);
    expect(types.indexOf('request.outcome')).toBeLessThan(types.indexOf('workflow.failed'));
    expect((await stack.outbox()).filter((m) => m.subject.includes(title))).toHaveLength(4);
  });
});
