import { DeliveryFailedError, NotFoundError } from '../core/errors.js';
import type { RequestRecord, StageDecision } from '../core/model.js';
import { positionAt, stageOpening, stageSchedule } from '../core/request/stage-clock.js';
import type { CallbackHint } from '../core/request/task-payloads.js';
import { logger } from '../shared/logger.js';
import type { ApprovalStore, AuditLog, RequestStore } from './ports.js';
import { auditAsksSent } from './request-approval.js';

// The one step that decides what a stage does next (GOVERNANCE.md §3), run when the stage starts and after every end
// of its callback task. It reads the stage from the store and routes on what is recorded there:
//   decided (by an approver, or expired)  → the decision, for RouteDecision;
//   undecided, time left in a phase        → wait again, in that phase (asked, reminded, escalated);
//   undecided, the last deadline passed    → expire it with a conditional write (a decision that won first stands).
// Whatever the callback said is a hint: SendTaskSuccess without a recorded decision changes nothing and is audited
// as refused (anyone allowed to call SendTaskSuccess with a token could send one). Nothing is approved by silence.

export interface AdvanceStagePorts {
  readonly requests: Pick<RequestStore, 'getRequest' | 'openStage' | 'claimStage' | 'recordFailedAsk'>;
  readonly audit: Pick<AuditLog, 'appendAudit' | 'appendAuditUnless'>;
  /** The deliveries of the stage's asks, audited when it is decided if a run died before auditing them. */
  readonly approvals: Pick<ApprovalStore, 'deliveryOf' | 'markDelivery'>;
  /** Workflow seconds per real second: 1 on AWS; the local runtime may run deadlines faster. */
  readonly timeScale: number;
  /** The longest wait before the stage is read again, in real seconds (SIGNOFF_STAGE_RECHECK_SECONDS). */
  readonly recheckSeconds: number;
}

export interface StageTask {
  readonly requestId: string;
  readonly version: number;
  readonly stageIndex: number;
  readonly callback: CallbackHint;
}

/** Asking the assignees failed after the state machine's retries this many times: the execution fails (alarmed). */
const MAX_FAILED_ASKS = 3;

interface Decided<Next> {
  readonly next: 'decided';
  readonly decision: StageDecision['decision'];
  readonly stageCount: number;
  /** After an approval, the next stage's first step (that stage opened here); null otherwise. */
  readonly nextStageStep: Next;
}
interface Wait {
  readonly next: 'wait';
  readonly wait: { readonly phase: 'requested' | 'reminded' | 'escalated'; readonly seconds: number; readonly deadline: string };
}
/** A stage's first step, taken as it opens (task-payloads.ts `openingStep`). */
export type OpeningStep = Decided<null> | Wait;
/** AdvanceStage's step (task-payloads.ts `stageStep`). */
export type StageStep = Decided<OpeningStep | null> | Wait;

/** A step as a stage's first: a decision found as the stage opens goes on from the store, not from a `nextStageStep`. */
export const openingOf = (step: StageStep): OpeningStep => (step.next === 'decided' ? { ...step, nextStageStep: null } : step);

function decided(request: RequestRecord, stageIndex: number): Decided<null> | undefined {
  const stageCount = request.stages.length;
  const stage = request.stages[stageIndex];
  if (stage?.decision !== undefined && stage.decidedAt !== undefined)
    return { next: 'decided', decision: stage.decision, stageCount, nextStageStep: null };
  if (stage?.status === 'expired') return { next: 'decided', decision: 'expired', stageCount, nextStageStep: null };
  // The request ended otherwise (withdrawn): nothing is left to wait for; NotifySubmitter keeps the recorded outcome.
  if (request.outcome !== undefined) return { next: 'decided', decision: 'expired', stageCount, nextStageStep: null };
  return undefined;
}

const whereOf = (request: RequestRecord, stageIndex: number) => ({
  stage: request.stages[stageIndex]?.stage ?? 'unknown',
  stageIndex,
  version: request.version,
});

/** A success handed to the task of an undecided stage: refused, and audited (who sent it cannot be known here). */
async function refuseSuccess(request: RequestRecord, stageIndex: number, ports: AdvanceStagePorts): Promise<void> {
  await ports.audit.appendAudit(request.requestId, {
    type: 'callback.refused',
    actor: 'unknown',
    data: {
      ...whereOf(request, stageIndex),
      hint: 'success',
      reason: 'the task was told the stage was decided, but no decision is recorded',
    },
  });
}

/**
 * A failure of the callback task of an undecided stage. Its own timeout is the clock's business. Otherwise: if the
 * function that asks had finished, the failure was sent to the task by someone else (refused, audited); if not, it
 * is the function's own failure after its retries, counted, and the execution fails after MAX_FAILED_ASKS.
 */
async function weighFailure(request: RequestRecord, stageIndex: number, error: string, ports: AdvanceStagePorts): Promise<void> {
  // Its own timeout is the clock's business; SendInFlightError says another run of the task may still be mailing
  // (its lease, issue #13), which is no failure to ask: the next wait tries again.
  if (error === 'States.Timeout' || error === 'SendInFlightError') return;
  const stage = request.stages[stageIndex];
  const where = whereOf(request, stageIndex);
  if (stage?.phase !== undefined && stage.delivered === stage.phase) {
    // Every e-mail of the phase went out before this failure arrived: it was sent to the task, not raised by it.
    await ports.audit.appendAudit(request.requestId, {
      type: 'callback.refused',
      actor: 'unknown',
      data: { ...where, hint: 'failure', error: error.slice(0, 256), reason: 'a failure was reported for a task that had finished asking' },
    });
    return;
  }
  const failed = await ports.requests.recordFailedAsk(request.requestId, request.version, stageIndex);
  logger.warn('asking the assignees failed', { requestId: request.requestId, stageIndex, error, failed });
  if (failed >= MAX_FAILED_ASKS)
    throw new DeliveryFailedError(`asking the ${where.stage} stage of ${request.requestId} failed ${failed} times: ${error}`);
}

async function auditExpiry(request: RequestRecord, stageIndex: number, ports: AdvanceStagePorts): Promise<void> {
  const { requestId, version } = request;
  await ports.audit.appendAuditUnless(
    requestId,
    { type: 'stage.expired', actor: 'signoff', data: { stageIndex, version, stage: request.stages[stageIndex]?.stage ?? 'unknown' } },
    (e) => e.type === 'stage.expired' && e.data['stageIndex'] === stageIndex && e.data['version'] === version,
  );
}

async function auditOpening(
  request: RequestRecord,
  stageIndex: number,
  publishAt: string | undefined,
  ports: AdvanceStagePorts,
): Promise<void> {
  const stage = request.stages[stageIndex];
  const stored = stage === undefined ? undefined : stageSchedule(stage, publishAt);
  if (stage === undefined || stored === undefined) return;
  const { openedAt, schedule } = stored;
  const at = (seconds: number) => new Date(Date.parse(openedAt) + seconds * 1000).toISOString();
  const { version } = request;
  await ports.audit.appendAuditUnless(
    request.requestId,
    {
      type: 'stage.opened',
      actor: 'signoff',
      data: {
        stage: stage.stage,
        stageIndex,
        version,
        deadline: stage.deadline ?? at(schedule.deadlineSeconds),
        remindAfterSeconds: schedule.remindSeconds,
        escalationDeadline: at(schedule.secondDeadlineSeconds),
        tooLate: schedule.tooLate,
      },
    },
    (e) => e.type === 'stage.opened' && e.data['stageIndex'] === stageIndex && e.data['version'] === version,
  );
}

export async function advanceStage(task: StageTask, ports: AdvanceStagePorts, now: Date = new Date()): Promise<StageStep> {
  const { requestId, version, stageIndex } = task;
  const request = await ports.requests.getRequest(requestId);
  if (request === undefined || request.stages[stageIndex] === undefined || request.version !== version)
    throw new NotFoundError(`request ${requestId} has no stage ${stageIndex} in version ${version}`);
  return stepOf(request, task, ports, now);
}

/**
 * AdvanceStage's step from a request as the store returned it, for the stage the task names (RunChecks takes the
 * first stage's from the write that saved the route and opened that stage: one read, one write and one invocation
 * fewer per request, issue #18).
 */
export async function stepOf(
  read: RequestRecord,
  task: StageTask,
  ports: AdvanceStagePorts,
  now: Date,
  openNext = true,
): Promise<StageStep> {
  const { requestId, version, stageIndex, callback: hint } = task;
  let request = read;
  let stage = request.stages[stageIndex];
  if (stage === undefined || request.version !== version)
    throw new NotFoundError(`request ${requestId} has no stage ${stageIndex} in version ${version}`);
  const publishAt = request.submission.kind === 'brand-post' ? request.submission.publishAt : undefined;

  if (stage.status === 'waiting') {
    // Opening fixes the stage's times (stageOpening). Conditional: a retried step keeps the first opening's times.
    const opened = await ports.requests.openStage(requestId, version, stageIndex, stageOpening(stage, now, publishAt));
    request = opened ?? (await ports.requests.getRequest(requestId)) ?? request;
    stage = request.stages[stageIndex] ?? stage;
  }
  // The stage's first step (no callback yet) audits its opening, once per stage and version: a run again after one
  // that opened the stage and died before auditing it finds the stage open already, and writes the event from the
  // times the stage stored, which are those the first run computed (issue #13).
  if (hint === null) await auditOpening(request, stageIndex, publishAt, ports);

  const recorded = decided(request, stageIndex);
  // An expiry this step claimed before, in a run that died before auditing it, is audited now (once).
  if (stage.status === 'expired') await auditExpiry(request, stageIndex, ports);
  if (recorded !== undefined) {
    // Decided by an approver: the asks of the phase it was decided in that a dead run sent and never audited (the
    // workflow moves on and never asks that phase again).
    const timing = stage.deciderId === undefined || stage.phase === undefined ? undefined : stageSchedule(stage, publishAt);
    if (timing !== undefined && stage.phase !== undefined) {
      const seconds = stage.phase === 'escalated' ? timing.schedule.secondDeadlineSeconds : timing.schedule.deadlineSeconds;
      const deadline = new Date(Date.parse(timing.openedAt) + seconds * 1000).toISOString();
      await auditAsksSent(request, stageIndex, stage.phase, deadline, ports);
    }
    // Approved: the next stage the store holds opens here, and its first step goes with the decision (RouteDecision
    // → NextStage → MoreStages → StageDecided): one read, one invocation and one transition fewer per stage (#18).
    const following = request.stages[stageIndex + 1];
    if (!openNext || recorded.decision !== 'approve' || following === undefined) return recorded;
    const opened = await stepOf(request, { requestId, version, stageIndex: stageIndex + 1, callback: null }, ports, now, false);
    return { ...recorded, nextStageStep: openingOf(opened) };
  }
  if (hint !== null && 'kind' in hint) await refuseSuccess(request, stageIndex, ports);
  const timing = stageSchedule(stage, publishAt);
  if (timing === undefined) throw new NotFoundError(`stage ${stageIndex} of ${requestId} is open without a schedule`);
  const position = positionAt(timing.openedAt, timing.schedule, now, ports.timeScale);

  if (position.phase === 'over') {
    const expiry: StageDecision = { stageIndex, decision: 'expired', decidedAt: now.toISOString() };
    const claimed = (await ports.requests.claimStage(requestId, version, stageIndex, request.stages.length, expiry))?.request;
    if (claimed !== undefined) {
      await auditExpiry(claimed, stageIndex, ports);
      return { next: 'decided', decision: 'expired', stageCount: claimed.stages.length, nextStageStep: null };
    }
    // A decision (or a withdrawal) won the race: that is what the workflow follows (an approval's next stage is
    // opened by the AdvanceStage MoreStages goes to, with no `nextStageStep` here).
    const latest = await ports.requests.getRequest(requestId);
    return (
      (latest === undefined ? undefined : decided(latest, stageIndex)) ?? {
        next: 'decided',
        decision: 'expired',
        stageCount: request.stages.length,
        nextStageStep: null,
      }
    );
  }

  if (hint !== null && 'Error' in hint) await weighFailure(request, stageIndex, hint.Error, ports);
  // Never longer than the recheck: a decision whose post ended before it nudged the task (the process died between
  // the claim and SendTaskSuccess) is read from the store then. Waiting again in the same phase mails nobody: each
  // phase's mail is delivered once per person (request-approval.ts).
  const seconds = Math.min(position.secondsLeft, Math.max(1, Math.ceil(ports.recheckSeconds * ports.timeScale)));
  return { next: 'wait', wait: { phase: position.phase, seconds, deadline: position.deadline } };
}
