import { appendAudit } from './adapters/audit.js';
import { claimStage, getRequest } from './adapters/requests.js';
import { NotFoundError } from './core/errors.js';
import type { DecisionResult } from './core/model.js';
import { stageRef } from './core/task-payloads.js';
import { taskHandler } from './shared/middleware.js';

// ExpireStage: the stage's deadline passed (States.Timeout) or was gone before it began. Expiry is a
// conditional write like any decision: if a decision claimed the stage first, that decision stands and
// is returned to the workflow, so exactly one outcome wins. Nothing is ever approved by silence.
export const handler = taskHandler(stageRef, async ({ requestId, version, stageIndex }): Promise<DecisionResult> => {
  const expiry: DecisionResult = { stageIndex, decision: 'expired', decidedAt: new Date().toISOString() };
  const claimed = await claimStage(requestId, version, stageIndex, expiry);
  if (claimed !== undefined) {
    await appendAudit(requestId, { type: 'stage.expired', actor: 'signoff', data: { stageIndex, version, stage: claimed.stages[stageIndex]?.stage ?? null } });
    return expiry;
  }
  const stage = (await getRequest(requestId))?.stages[stageIndex];
  if (stage === undefined) throw new NotFoundError(`request ${requestId} has no stage ${stageIndex}`);
  if (stage.decision === undefined || stage.decidedAt === undefined) return expiry;
  return { stageIndex, decision: stage.decision, decidedBy: stage.decidedBy, decidedAt: stage.decidedAt, comment: stage.comment };
});
