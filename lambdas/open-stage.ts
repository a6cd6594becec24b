import { appendAudit } from './adapters/audit.js';
import { getRequest, openStage } from './adapters/requests.js';
import { NotFoundError } from './core/errors.js';
import { stageDeadline } from './core/route.js';
import { stageRef } from './core/task-payloads.js';
import { taskHandler } from './shared/middleware.js';

// OpenStage: fixes the stage's deadline when the stage starts (GOVERNANCE.md §3: default 72 h, never
// later than one hour before publishAt). The next state waits with exactly this timeout.
export const handler = taskHandler(stageRef, async ({ requestId, stageIndex }) => {
  const request = await getRequest(requestId);
  const stage = request?.stages[stageIndex];
  if (request === undefined || stage === undefined) throw new NotFoundError(`request ${requestId} has no stage ${stageIndex}`);
  if (stage.status !== 'waiting' && stage.deadline !== undefined) {
    // Already opened by an earlier attempt of this task: keep the first deadline.
    const left = Math.max(1, Math.floor((Date.parse(stage.deadline) - Date.now()) / 1000));
    return { stageIndex, timeoutSeconds: left, deadline: stage.deadline, tooLate: stage.status === 'expired' };
  }
  const due = stageDeadline(new Date(), stage.timeoutSeconds, request.submission.publishAt);
  await openStage(requestId, stageIndex, due.deadline, due.timeoutSeconds);
  await appendAudit(requestId, {
    type: 'stage.opened',
    actor: 'signoff',
    data: { stage: stage.stage, stageIndex, deadline: due.deadline, timeoutSeconds: due.timeoutSeconds, tooLate: due.tooLate },
  });
  return { stageIndex, ...due };
});
