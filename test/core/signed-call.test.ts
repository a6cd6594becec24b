import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lambdas/core/errors.js';
import { conflictOf, signedContent, type ExpectedCall, type SignedCallRecord } from '../../lambdas/core/request/signed-call.js';

// Issue #11, "a signed delivery is good for one call": the signed body names its action and request, and a
// webhook-id accepted for one call is a conflict on any other.

function problemsOf(body: unknown, expected: ExpectedCall): readonly string[] {
  try {
    signedContent(body, expected);
  } catch (error) {
    if (error instanceof ValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected a ValidationError, but the body was taken');
}

const post = { kind: 'brand-post', submitter: 'ada@example.org', account: 'physics-x', title: 'Open day', text: 'Saturday.' };

describe('signedContent', () => {
  it('takes a submission with or without "action": "submit" and returns it without the envelope', () => {
    expect(signedContent(post, { action: 'submit' })).toEqual(post);
    expect(signedContent({ action: 'submit', ...post }, { action: 'submit' })).toEqual(post);
  });

  it('refuses at intake a body signed for another action, or naming a request', () => {
    // Prepare: what a captured withdrawal or new version would bring to intake
    const withdrawal = { action: 'withdraw', requestId: 'req_A' };
    const version = { action: 'new-version', requestId: 'req_A', ...post };

    // Act
    const fromWithdrawal = problemsOf(withdrawal, { action: 'submit' });
    const fromVersion = problemsOf(version, { action: 'submit' });

    // Assess: both fields named, each once
    expect(fromWithdrawal).toHaveLength(2);
    expect(fromWithdrawal[0]).toMatch(/^action: POST \/v1\/requests takes "action": "submit", not "withdraw"/);
    expect(fromWithdrawal[1]).toMatch(/^requestId: a submission names no request/);
    expect(fromVersion[0]).toMatch(/^action: .*not "new-version"/);
  });

  it('requires a withdrawal to name the action and the request of its path', () => {
    expect(signedContent({ action: 'withdraw', requestId: 'req_B' }, { action: 'withdraw', requestId: 'req_B' })).toEqual({});
    // an intake body replayed to another request's withdraw: no action, no request id
    expect(problemsOf(post, { action: 'withdraw', requestId: 'req_B' })).toEqual([
      'action: required; a call to POST /v1/requests/{requestId}/withdraw must sign "action": "withdraw"',
      'requestId: required; a call to POST /v1/requests/{requestId}/withdraw must sign "requestId": "req_B", the request of its path',
    ]);
    // a withdrawal of request A replayed to request B
    expect(problemsOf({ action: 'withdraw', requestId: 'req_A' }, { action: 'withdraw', requestId: 'req_B' })).toEqual([
      'requestId: "req_A" is not the request of this path ("req_B")',
    ]);
    // a new version's body replayed to withdraw
    expect(problemsOf({ action: 'new-version', requestId: 'req_B', ...post }, { action: 'withdraw', requestId: 'req_B' })[0]).toMatch(
      /^action: .*takes "action": "withdraw", not "new-version"/,
    );
  });

  it('requires a new version to name "new-version" and its request, and returns the submission', () => {
    expect(signedContent({ action: 'new-version', requestId: 'req_B', ...post }, { action: 'new-version', requestId: 'req_B' })).toEqual(
      post,
    );
    expect(problemsOf({ action: 'withdraw', requestId: 'req_B' }, { action: 'new-version', requestId: 'req_B' })[0]).toMatch(/^action: /);
  });

  it('refuses a body that is no JSON object, saying what to send', () => {
    expect(problemsOf(undefined, { action: 'withdraw', requestId: 'req_B' })).toEqual([
      'body: must be a JSON object, "action": "withdraw" and "requestId": "req_B" (POST /v1/requests/{requestId}/withdraw)',
    ]);
    expect(problemsOf([1, 2], { action: 'submit' })[0]).toMatch(/^body: must be a JSON object, a submission/);
  });

  it('quotes an unexpected value briefly, whatever its size', () => {
    const [problem] = problemsOf({ action: 'x'.repeat(100_000), requestId: 'req_B' }, { action: 'withdraw', requestId: 'req_B' });
    expect(problem?.length).toBeLessThan(200);
  });
});

describe('conflictOf', () => {
  const first: SignedCallRecord = {
    webhookId: 'msg_1',
    action: 'submit',
    requestId: 'req_A',
    bodyHash: 'h1',
    acceptedAt: '2026-12-05T10:00:00.000Z',
  };

  it('sees the same call again as a retry', () => {
    expect(conflictOf(first, { ...first, acceptedAt: '2026-12-05T11:00:00.000Z' })).toBeUndefined();
  });

  it('refuses the id on another route, another request or with another body, saying which', () => {
    expect(conflictOf(first, { ...first, action: 'withdraw', requestId: 'req_B' })).toBe(
      'webhook-id msg_1 was already used at 2026-12-05T10:00:00.000Z for POST /v1/requests (it created request req_A); a webhook-id is good for one call: sign each call with a new webhook-id',
    );
    const withdrawal: SignedCallRecord = { ...first, action: 'withdraw' };
    expect(conflictOf(withdrawal, { ...withdrawal, requestId: 'req_B' })).toMatch(
      /for POST \/v1\/requests\/\{requestId\}\/withdraw for request req_A;/,
    );
    expect(conflictOf(first, { ...first, bodyHash: 'h2' })).toMatch(/^webhook-id msg_1 was already used for a different body;/);
  });
});
