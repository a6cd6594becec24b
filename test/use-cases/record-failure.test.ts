import { describe, expect, it } from 'vitest';
import { recordFailure } from '../../lambdas/use-cases/record-failure.js';
import { brandPost, NOW, taskPorts } from './memory-ports.js';

// RecordFailure (issue #13): a task that failed after its retries is recorded on the request — status `failed` unless
// the request had ended, the step and its error kept, workflow.failed in the trail — once per execution.

const EXECUTION = 'arn:aws:states:eu-west-1:123456789012:execution:signoff-approval:req_memory-v1';
const failedAt = (step: 'RunChecks' | 'NotifySubmitter', error: string) => ({
  requestId: 'req_memory',
  version: 1,
  executionArn: EXECUTION,
  failed: { [step]: { Error: error } },
});

describe('recordFailure', () => {
  it('marks an open request failed with the step and its error, and audits workflow.failed', async () => {
    // Prepare
    const ports = taskPorts(brandPost({ status: 'checking', stages: [] }));

    // Act
    const request = await recordFailure(failedAt('RunChecks', 'ValidationException'), ports, NOW);

    // Assess
    const failure = { step: 'RunChecks', error: 'ValidationException', at: NOW.toISOString(), executionArn: EXECUTION };
    expect(request?.status).toBe('failed');
    expect(request?.failure).toEqual(failure);
    expect((await ports.requests.getRequest('req_memory'))?.failure).toEqual(failure);
    expect(ports.audit.events.map((e) => [e.type, e.data])).toEqual([
      ['workflow.failed', { executionArn: EXECUTION, version: 1, step: 'RunChecks', error: 'ValidationException' }],
    ]);
  });

  it('keeps the outcome of a request that had ended: the failure is what came after it', async () => {
    // Prepare
    const ports = taskPorts(brandPost({ status: 'approved', outcome: 'approved' }));

    // Act
    const request = await recordFailure(failedAt('NotifySubmitter', 'MessageRejected'), ports, NOW);

    // Assess
    expect(request?.status).toBe('approved');
    expect(request?.outcome).toBe('approved');
    expect(request?.failure?.step).toBe('NotifySubmitter');
    expect(ports.audit.types()).toEqual(['workflow.failed']);
  });

  it('writes once however often it runs: a rerun keeps and audits the first failure', async () => {
    // Prepare
    const ports = taskPorts(brandPost({ status: 'checking', stages: [] }));
    await recordFailure(failedAt('RunChecks', 'ValidationException'), ports, NOW);

    // Act
    const later = new Date(NOW.getTime() + 60_000);
    const again = await recordFailure(failedAt('RunChecks', 'States.Timeout'), ports, later);

    // Assess
    expect(again?.failure).toEqual({ step: 'RunChecks', error: 'ValidationException', at: NOW.toISOString(), executionArn: EXECUTION });
    expect(ports.audit.types()).toEqual(['workflow.failed']);
  });

  it('records nothing on a request that moved to another version, and refuses a payload naming no step', async () => {
    // Prepare
    const ports = taskPorts(brandPost({ status: 'checking', stages: [], version: 2 }));

    // Act
    const request = await recordFailure(failedAt('RunChecks', 'ValidationException'), ports, NOW);

    // Assess
    expect(request).toBeUndefined();
    expect((await ports.requests.getRequest('req_memory'))?.status).toBe('checking');
    expect(ports.audit.events).toEqual([]);
    await expect(recordFailure({ requestId: 'req_memory', version: 2, executionArn: EXECUTION, failed: {} }, ports, NOW)).rejects.toThrow(
      /no failed step/,
    );
  });
});
