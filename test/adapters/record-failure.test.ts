import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord, WorkflowFailure } from '../../lambdas/core/model.js';
import { startTestDynamo, type TestDynamo } from './local-dynamo.js';
import { brandPostRecord } from './stored-fixtures.js';

// recordFailure (issue #13) against dynalite's real conditional writes: the failed step lands on the request once per
// version, the status becomes `failed` only while no outcome stands, and a failed request can still be withdrawn.

type Requests = typeof import('../../lambdas/adapters/requests.js');
let requests: Requests;
let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo({ REQUESTS_TABLE: 'signoff-requests' });
  requests = await import('../../lambdas/adapters/requests.js');
});

afterAll(async () => {
  await dynamo.close();
});

const EXECUTION = 'arn:aws:states:eu-west-1:123456789012:execution:signoff-approval:req';
const failure = (error: string, at = '2026-12-05T11:00:00.000Z'): WorkflowFailure => ({
  step: 'RunChecks',
  error,
  at,
  executionArn: EXECUTION,
});

async function stored(requestId: string, overrides: Partial<RequestRecord> = {}): Promise<RequestRecord> {
  const { failure: _none, ...record } = brandPostRecord;
  const request: RequestRecord = { ...record, requestId, status: 'checking', version: 1, previousVersions: [], ...overrides };
  expect(await requests.createRequest(request)).toBe(true);
  return request;
}

describe('recordFailure', () => {
  it('marks an open request failed; a rerun keeps the first failure', async () => {
    // Prepare
    await stored('req_FAILEDOPENFAILEDOPEN01');

    // Act
    const first = await requests.recordFailure('req_FAILEDOPENFAILEDOPEN01', 1, failure('ValidationException'));
    const again = await requests.recordFailure('req_FAILEDOPENFAILEDOPEN01', 1, failure('States.Timeout', '2026-12-05T12:00:00.000Z'));

    // Assess
    expect(first?.status).toBe('failed');
    expect(first?.failure).toEqual(failure('ValidationException'));
    expect(again?.failure).toEqual(failure('ValidationException'));
    expect((await requests.getRequest('req_FAILEDOPENFAILEDOPEN01'))?.failure).toEqual(failure('ValidationException'));
  });

  it('keeps the status and outcome of an ended request, and records the failure beside them', async () => {
    // Prepare
    await stored('req_FAILEDENDEDFAILEDEND1', { status: 'approved', outcome: 'approved' });

    // Act
    const request = await requests.recordFailure('req_FAILEDENDEDFAILEDEND1', 1, failure('MessageRejected'));

    // Assess
    expect(request?.status).toBe('approved');
    expect(request?.outcome).toBe('approved');
    expect(request?.failure?.error).toBe('MessageRejected');
  });

  it('writes nothing on another version or an absent request', async () => {
    // Prepare
    await stored('req_FAILEDVERSIONFAILEDV1', { version: 2 });

    // Act
    const other = await requests.recordFailure('req_FAILEDVERSIONFAILEDV1', 1, failure('ValidationException'));
    const absent = await requests.recordFailure('req_FAILEDABSENTFAILEDAB1', 1, failure('ValidationException'));

    // Assess
    expect(other).toBeUndefined();
    expect(absent).toBeUndefined();
    const read = await requests.getRequest('req_FAILEDVERSIONFAILEDV1');
    expect(read?.status).toBe('checking');
    expect(read?.failure).toBeUndefined();
  });

  it('lets the submitter withdraw a failed request, which then has an outcome', async () => {
    // Prepare
    await stored('req_FAILEDWITHDRAWFAILED1');
    await requests.recordFailure('req_FAILEDWITHDRAWFAILED1', 1, failure('ValidationException'));

    // Act
    const withdrawn = await requests.withdrawRequest('req_FAILEDWITHDRAWFAILED1');

    // Assess
    expect(withdrawn?.status).toBe('withdrawn');
    expect(withdrawn?.outcome).toBe('withdrawn');
    expect(withdrawn?.failure?.step).toBe('RunChecks');
  });
});
