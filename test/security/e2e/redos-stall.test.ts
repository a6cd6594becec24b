import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TEXT_CHARS } from '../../../lambdas/core/request/submission.js';
import { signedHeaders } from '../../../local/webhook-client.js';
import { Stack, WEBHOOK_SECRET, samplePost, waitFor } from '../../e2e/stack.js';
import { paddedText } from '../../fixtures/adversarial.js';

// Issue #11 against the running local stack: texts made to make the checks backtrack, at the longest the intake
// accepts, do not take the stack down. Before the fix, the first of them held the stack's one event loop in
// P-PERSONAL-DATA's labelled-phone pattern for tens of minutes: nothing after it was answered or mailed.

let stack: Stack;
beforeAll(async () => {
  stack = await Stack.start();
});
afterAll(async () => {
  // A stack whose event loop is stuck never runs its SIGTERM handler: end it for sure, then clean up.
  await stack.stop('SIGKILL');
  await stack.dispose();
});

/** Seconds the intake has to answer: it answers in milliseconds unless something holds the event loop. */
const ANSWER_WITHIN_MS = 10_000;

/** Submits a body, signed, and returns the request id the intake answered with; fails if no answer comes in time. */
async function submitted(body: Record<string, unknown>): Promise<string> {
  const raw = JSON.stringify(body);
  const res = await fetch(`${stack.baseUrl}/v1/requests`, {
    method: 'POST',
    headers: signedHeaders(WEBHOOK_SECRET, raw),
    body: raw,
    signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
  }).catch((error: unknown) => {
    throw new Error(`the intake did not answer "${String(body['title'])}" within ${ANSWER_WITHIN_MS} ms (${String(error)})`);
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { requestId: string }).requestId;
}

describe('adversarial texts at the maximum length', () => {
  it('keep the stack answering: a request right after them gets its approval e-mail, and they get their findings', async () => {
    // Prepare: the review's finding ("call", spaces, "x") and a second one aimed at P-CONFIDENTIAL's password label
    const call = paddedText({ prefix: 'call', pad: ' ', suffix: 'x' }, MAX_TEXT_CHARS);
    const password = paddedText({ prefix: 'pwd', pad: '\t', suffix: '”' }, MAX_TEXT_CHARS);
    expect(call).toHaveLength(MAX_TEXT_CHARS);

    // Act
    const first = await submitted(samplePost({ title: 'Adversarial call', text: call, media: [], attestations: { aiUsed: false } }));
    const second = await submitted(
      samplePost({ title: 'Adversarial password', text: password, media: [], attestations: { aiUsed: false } }),
    );
    const ordinary = await submitted(samplePost({ title: 'Right after the adversarial ones' }));

    // Assess: the ordinary request is routed and mailed to Ada's manager as usual…
    const approvalMail = await stack.mailTo('grace@example.org', 'Right after the adversarial ones', 30_000);
    expect(approvalMail.text).toContain('/approvals/');
    const routed = await waitFor('the ordinary request to wait for its supervisor', async () => {
      const status = await stack.status(ordinary);
      return status.stages[0]?.status === 'pending' ? status : undefined;
    });
    expect(routed.stages[0]).toMatchObject({ stage: 'supervisor' });
    // …and each adversarial one is returned to its submitter as any over-long X post is, with its findings.
    for (const requestId of [first, second]) {
      const final = await stack.waitForStatus(requestId, 'changes-requested', 30_000);
      expect(final.findings).toContainEqual(expect.objectContaining({ rule: 'P-PLATFORM-LIMIT', severity: 'block' }));
      expect(final.stages).toEqual([]);
    }
  });
});
