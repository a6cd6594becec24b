import { appendAudit } from '../adapters/audit.js';
import { getRequest, startNewVersion, withdrawRequest } from '../adapters/requests.js';
import { startExecution, stopExecution } from '../adapters/workflow.js';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors.js';
import { contentHashOf } from '../core/ids.js';
import type { RequestRecord, Submission } from '../core/model.js';
import { requireEnv } from '../shared/env.js';

// What a submitter may do to a request after submitting it (GOVERNANCE.md §3): withdraw it while it is not
// decided, and answer "request changes" with a new version, which restarts the route at the first stage.

const stateMachineArn = requireEnv('STATE_MACHINE_ARN');

export interface Withdrawn {
  readonly request: RequestRecord;
  /** False when another outcome had already won; `request.outcome` says which. */
  readonly won: boolean;
}

export async function withdraw(requestId: string, actor: string, channel: 'api' | 'link'): Promise<Withdrawn> {
  const withdrawn = await withdrawRequest(requestId);
  if (withdrawn === undefined) {
    const current = await getRequest(requestId);
    if (current === undefined) throw new NotFoundError(`request ${requestId} does not exist`);
    return { request: current, won: false };
  }
  await appendAudit(requestId, { type: 'request.withdrawn', actor, data: { channel, version: withdrawn.version } });
  // Waiting tasks end with the execution; open review links now read "withdrawn".
  if (withdrawn.executionArn !== undefined) await stopExecution(withdrawn.executionArn, 'Withdrawn', `withdrawn by ${actor}`);
  return { request: withdrawn, won: true };
}

export interface NewVersion {
  readonly requestId: string;
  readonly version: number;
  /** False when this was a retry of a version already started with the same idempotency key. */
  readonly created: boolean;
}

export async function submitNewVersion(requestId: string, submission: Submission, idempotencyKey: string, now: Date): Promise<NewVersion> {
  const current = (await getRequest(requestId)) as (RequestRecord & { versionKey?: string }) | undefined;
  if (current === undefined) throw new NotFoundError(`request ${requestId} does not exist`);
  if (current.versionKey === idempotencyKey) return { requestId, version: current.version, created: false };
  const problems: string[] = [];
  if (submission.submitter !== current.submission.submitter) problems.push(`submitter: a new version must come from ${current.submission.submitter}, who submitted the request`);
  if (submission.kind !== current.submission.kind) problems.push(`kind: a new version must be a ${current.submission.kind} like the request (got ${submission.kind})`);
  if (problems.length > 0) throw new ValidationError(problems);
  if (current.outcome !== 'changes-requested') {
    throw new ConflictError(`request ${requestId} is ${current.status}; a new version is accepted only after changes were requested`);
  }
  const next = await startNewVersion(current, submission, contentHashOf(submission), idempotencyKey, now);
  if (next === undefined) {
    const again = (await getRequest(requestId)) as (RequestRecord & { versionKey?: string }) | undefined;
    if (again?.versionKey === idempotencyKey) return { requestId, version: again.version, created: false };
    throw new ConflictError(`request ${requestId} changed while this version was submitted; it is now ${again?.status ?? 'gone'}`);
  }
  await appendAudit(requestId, {
    type: 'request.version',
    actor: submission.submitter,
    data: { version: next.version, contentHash: next.contentHash, previousContentHash: current.contentHash, idempotencyKey },
  });
  await startExecution(stateMachineArn, `${requestId}-v${next.version}`, { requestId, version: next.version });
  return { requestId, version: next.version, created: true };
}
