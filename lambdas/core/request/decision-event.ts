import type { AuditEventBody } from '../audit/audit-chain.js';
import type { AuditEntry } from '../audit/events.js';
import type { RequestRecord } from '../model.js';
import type { ReviewSeat } from './review.js';

// What a decision on a review page puts in the audit trail, read from what the stage stores (the conditional write
// of claimStage), pure. The page's own post and a later post that settles a decision whose process crashed before
// auditing it (issue #13) build the event here, so the two cannot drift.

/** The review link a decision is audited from: its seat and the hash of its id. */
export interface AuditedSeat extends ReviewSeat {
  readonly linkHash: string;
}

/**
 * The `decision.recorded` event of the stage `seat` names, from the decision stored on it; undefined when the stage
 * holds no approver's decision of this version. `settledBy` names the approver whose later post wrote the event when
 * that is not the decider (the link is then theirs, not the decider's).
 */
export function decisionRecordedEntry(request: RequestRecord, seat: AuditedSeat, settledBy?: string): AuditEntry | undefined {
  const stage = request.stages[seat.stageIndex];
  if (request.version !== seat.version || stage === undefined) return undefined;
  const { decision, decidedBy } = stage;
  if (decision === undefined || decision === 'expired' || decidedBy === undefined || stage.decidedAt === undefined) return undefined;
  return {
    type: 'decision.recorded',
    actor: decidedBy,
    data: {
      stage: seat.stage,
      stageIndex: seat.stageIndex,
      version: seat.version,
      decision,
      comment: stage.comment ?? null,
      statements: (stage.statements ?? []).map((s) => ({ rule: s.rule, statement: s.statement })),
      channel: 'web',
      linkHash: seat.linkHash,
      contentHash: request.contentHash,
      ...(settledBy !== undefined && settledBy !== decidedBy ? { settledBy } : {}),
    },
  };
}

/** Whether an event is the `decision.recorded` of this stage of this version (the trail holds at most one). */
export function recordsDecisionOf(seat: ReviewSeat): (event: Pick<AuditEventBody, 'type' | 'data'>) => boolean {
  return (e) => e.type === 'decision.recorded' && e.data['stageIndex'] === seat.stageIndex && e.data['version'] === seat.version;
}

/**
 * Whether the workflow went past the stage's wait already: a later stage opened. Until then the task waiting on the
 * stage (if any) is nudged again; a nudge it no longer needs is answered TaskTimedOut and changes nothing.
 */
export function workflowPassed(request: RequestRecord, stageIndex: number): boolean {
  return request.stages.slice(stageIndex + 1).some((s) => s.openedAt !== undefined);
}
