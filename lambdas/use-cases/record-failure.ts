import { FAILING_STEPS, type FailingStep, type RequestRecord } from '../core/model.js';
import type { AuditLog, RequestStore } from './ports.js';

// RecordFailure (statemachines/approval.asl.json): a task failed after its retries, and the execution is about to fail.
// Before it does, the request says so (issue #13): its status becomes `failed` unless it had ended, its `failure`
// names the step and the error, and the trail has workflow.failed — so the submitter's system, the comms team and the
// auditor see on the request what only the execution's history and the alarms showed before. Both writes are once
// per version however often the task runs (the first failure of a version stands). The error's cause (a stack, a
// message) stays in the execution's history.

export interface RecordFailurePorts {
  readonly requests: Pick<RequestStore, 'recordFailure'>;
  readonly audit: Pick<AuditLog, 'appendAuditUnless'>;
}

export interface FailedTask {
  readonly requestId: string;
  readonly version: number;
  readonly executionArn: string;
  /** What the failed step's Catch put at `$.failed`: its error, under the step's name. */
  readonly failed: Partial<Record<FailingStep, { readonly Error: string }>>;
}

/** Records the failure; returns the request as it now stands (undefined: it is gone, or on another version). */
export async function recordFailure(
  task: FailedTask,
  ports: RecordFailurePorts,
  now: Date = new Date(),
): Promise<RequestRecord | undefined> {
  const step = FAILING_STEPS.find((s) => task.failed[s] !== undefined);
  if (step === undefined) throw new Error('RecordFailure was given no failed step');
  const error = task.failed[step]?.Error ?? 'unknown';
  const { requestId, version, executionArn } = task;
  const request = await ports.requests.recordFailure(requestId, version, { step, error, at: now.toISOString(), executionArn });
  if (request === undefined) return undefined;
  // What the store kept (a rerun's first write stands), so that a late run audits what the first would have.
  const failure = request.failure ?? { step, error, executionArn };
  await ports.audit.appendAuditUnless(
    requestId,
    {
      type: 'workflow.failed',
      actor: 'signoff',
      data: { executionArn: failure.executionArn, version, step: failure.step, error: failure.error },
    },
    (e) => e.type === 'workflow.failed' && e.data['executionArn'] === failure.executionArn,
  );
  return request;
}
