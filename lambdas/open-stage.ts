import { appendAudit } from './adapters/audit.js';
import { getRequest, openStage } from './adapters/requests.js';
import { NotFoundError } from './core/errors.js';
import { stageTimes } from './core/route.js';
import { stageRef } from './core/task-payloads.js';
import { taskHandler } from './shared/middleware.js';

// OpenStage: fixes the stage's times when it starts (GOVERNANCE.md §3): a reminder at half-time, the deadline
// (default 72 h, never later than one hour before publishAt), and a second deadline after escalation. The
// waiting states that follow use exactly these timeouts; nothing else keeps time.
export const handler = taskHandler(stageRef, async ({ requestId, stageIndex }) => {
  const request = await getRequest(requestId);
  const stage = request?.stages[stageIndex];
  if (request === undefined || stage === undefined) throw new NotFoundError(`request ${requestId} has no stage ${stageIndex}`);
  // A retried task keeps the first opening's times: computed from when the stage opened, not from now.
  const opened = stage.status !== 'waiting' && stage.deadline !== undefined ? new Date(Date.parse(stage.deadline) - stage.timeoutSeconds * 1000) : new Date();
  const times = stageTimes(opened, stage.timeoutSeconds, request.submission.kind === 'brand-post' ? request.submission.publishAt : undefined);
  if (stage.status === 'waiting') {
    await openStage(requestId, stageIndex, times.deadline, times.remindSeconds + times.remainingSeconds);
    await appendAudit(requestId, {
      type: 'stage.opened',
      actor: 'signoff',
      data: { stage: stage.stage, stageIndex, deadline: times.deadline, remindAfterSeconds: times.remindSeconds, escalationDeadline: times.escalationDeadline, tooLate: times.tooLate },
    });
  }
  return { stageIndex, ...times };
});
