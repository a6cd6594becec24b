import { appendAudit } from './adapters/audit.js';
import { claimStage, getRequest } from './adapters/requests.js';
import { NotFoundError } from './core/errors.js';
import type { DecisionResult } from './core/model.js';
import { stageRef } from './core/task-payloads.js';
import { taskHandler } from './shared/middleware.js';

// ExpireStage: the stage's last deadline passed (States.Timeout), its publish time left no time at all, or a
// waiting task found the stage no longer open (AlreadyDecidedError). Expiry is a conditional write like any
// decision: if a decision claimed the stage first, that decision stands and is returned to the workflow, so
// exactly one outcome wins. Nothing is ever approved by silence.
export const handler = taskHandler(stageRef, async ({ requestId, version, stageIndex }): Promise<DecisionResult> => {
  const request = await getRequest(requestId);
  const stage = request?.stages[stageIndex];
  if (request === undefined || stage === undefined) throw new NotFoundError(`request ${requestId} has no stage ${stageIndex}`);
  const expiry = { stageIndex, decision: 'expired', decidedAt: new Date().toISOString() } as const;
  const claimed = await claimStage(requestId, version, stageIndex, request.stages.length, expiry);
  if (claimed !== undefined) {
    await appendAudit(requestId, { type: 'stage.expired', actor: 'signoff', data: { stageIndex, version, stage: stage.stage } });
    return { ...expiry, stageCount: claimed.stages.length };
  }
  // Something else won the stage: hand the workflow that decision (or, if the request ended otherwise — withdrawn,
  // a newer version — an expiry, which the outcome already recorded overrides).
  const latestRequest = (await getRequest(requestId)) ?? request;
  const latest = latestRequest.stages[stageIndex] ?? stage;
  const stageCount = latestRequest.stages.length;
  if (latest.decision === undefined || latest.decidedAt === undefined) return { ...expiry, stageCount };
  return { stageIndex, decision: latest.decision, decidedBy: latest.decidedBy, decidedAt: latest.decidedAt, comment: latest.comment, statements: latest.statements ?? undefined, stageCount };
});
