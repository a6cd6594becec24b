import { outcomeOfDecision, stageStatusOf } from '../core/request/arbiter.js';
import type { StageOpening } from '../core/request/stage-clock.js';
import type { Assignee, StageDecision, PublicationClassification, RequestRecord, Stage, StagePhase } from '../core/model.js';
import { getItem, updateItem } from './dynamo.js';
import type { RequestItem } from './items/request-item.js';
import { key, parsed, table } from './requests-table.js';

// The writes on a request's stages (lambdas/adapters/requests.ts re-exports them): opening a stage, its deliveries and
// failed asks, the conditional claim of a decision, an override of the classification, the task token a stage waits
// with, and an escalation. Each is conditional on the version and the stage's state, so a late or repeated write is
// refused, never applied twice.

/**
 * Opens a stage for decisions with its schedule (lambdas/core/request/stage-clock.ts). Returns undefined when the stage was
 * not waiting (another attempt opened it first: its schedule stands).
 */
export async function openStage(
  requestId: string,
  version: number,
  index: number,
  opening: StageOpening,
): Promise<RequestRecord | undefined> {
  return parsed(
    requestId,
    await updateItem({
      table,
      key: key(requestId),
      update: `SET stages[${index}].#st = :pending, stages[${index}].deadline = :d, stages[${index}].timeoutSeconds = :t, stages[${index}].openedAt = :o, stages[${index}].schedule = :sch`,
      condition: `version = :v AND stages[${index}].#st = :waiting`,
      names: { '#st': 'status' },
      values: {
        ':pending': 'pending',
        ':waiting': 'waiting',
        ':d': opening.deadline,
        ':t': opening.schedule.deadlineSeconds,
        ':o': opening.openedAt,
        ':sch': opening.schedule,
        ':v': version,
      },
    }),
  );
}

/** Notes that every e-mail of the stage's phase went out (request-approval finished it). */
export async function markDelivered(requestId: string, version: number, index: number, phase: StagePhase): Promise<void> {
  await updateItem({
    table,
    key: key(requestId),
    update: `SET stages[${index}].delivered = :p`,
    condition: `version = :v AND stages[${index}].phase = :p`,
    values: { ':p': phase, ':v': version },
  });
}

/** Counts a failed attempt to ask a stage's assignees; returns the count. */
export async function recordFailedAsk(requestId: string, version: number, index: number): Promise<number> {
  const updated = parsed(
    requestId,
    await updateItem({
      table,
      key: key(requestId),
      update: `SET stages[${index}].failedAsks = if_not_exists(stages[${index}].failedAsks, :zero) + :one`,
      condition: 'version = :v',
      values: { ':zero': 0, ':one': 1, ':v': version },
    }),
  );
  return updated?.stages[index]?.failedAsks ?? 0;
}

/**
 * A stage's decision as its conditional write left the request, with the task token the stage waits on then: no task
 * can start waiting on a decided stage (registerWait's condition), so it is the one to nudge. Server-side only.
 */
export interface ClaimedStage {
  readonly request: RequestRecord;
  readonly waitToken: string | undefined;
}

/**
 * Claims a stage for one decision: the conditional write that makes the first valid decision win
 * (GOVERNANCE.md §3). A decision that ends the request writes the request's outcome in the same write
 * (lambdas/core/request/arbiter.ts). Returns undefined when somebody, the deadline or a withdrawal got there first.
 */
export async function claimStage(
  requestId: string,
  version: number,
  index: number,
  stageCount: number,
  result: StageDecision,
): Promise<ClaimedStage | undefined> {
  // The write is conditional on the number of stages too: a classification override may add or drop a later
  // stage, and whether this decision ends the request depends on it. If only the count moved, claim again.
  let count = stageCount;
  for (let attempt = 0; attempt < 3; attempt++) {
    const claimed = await claimWithCount(requestId, version, index, count, result);
    if (claimed !== undefined) {
      const { waitTokens, ...request } = claimed;
      return { request, waitToken: waitTokens?.[String(index)] };
    }
    const latest = parsed(requestId, await getItem(table, key(requestId)));
    const stillOpen =
      latest !== undefined &&
      latest.version === version &&
      latest.status === 'awaiting-approval' &&
      latest.outcome === undefined &&
      latest.stages[index]?.status === 'pending';
    if (!stillOpen || latest.stages.length === count) return undefined;
    count = latest.stages.length;
  }
  return undefined;
}

async function claimWithCount(
  requestId: string,
  version: number,
  index: number,
  stageCount: number,
  result: StageDecision,
): Promise<RequestItem | undefined> {
  const ends = outcomeOfDecision(result.decision, index === stageCount - 1);
  const statements = result.statements !== undefined && result.statements.length > 0 ? result.statements : undefined;
  return parsed(
    requestId,
    await updateItem({
      table,
      key: key(requestId),
      update: `SET stages[${index}].#st = :s, stages[${index}].decision = :dec, stages[${index}].decidedBy = :by, stages[${index}].deciderId = :byId, stages[${index}].decidedAt = :at, stages[${index}].#c = :c${statements ? `, stages[${index}].statements = :stm` : ''}${ends ? ', #status = :o, outcome = :o' : ''}`,
      condition: `version = :v AND #status = :awaiting AND stages[${index}].#st = :pending AND attribute_not_exists(outcome) AND size(stages) = :n`,
      names: { '#st': 'status', '#status': 'status', '#c': 'comment' },
      values: {
        ':s': stageStatusOf(result.decision),
        ':dec': result.decision,
        ':by': result.decidedBy ?? null,
        ':byId': result.deciderId ?? null,
        ':at': result.decidedAt,
        ':c': result.comment ?? null,
        ...(statements ? { ':stm': statements } : {}),
        ':v': version,
        ':n': stageCount,
        ':awaiting': 'awaiting-approval',
        ':pending': 'pending',
        ...(ends ? { ':o': ends } : {}),
      },
    }),
  );
}

/**
 * A communications approver's override of the publication classification (GOVERNANCE.md §4), with the route it
 * gives: only while their stage is open and the route is the one they saw, so a decision or another override
 * that came first wins.
 */
export async function overridePublication(
  requestId: string,
  version: number,
  index: number,
  stageCount: number,
  publication: PublicationClassification,
  stages: readonly Stage[],
): Promise<RequestRecord | undefined> {
  return parsed(
    requestId,
    await updateItem({
      table,
      key: key(requestId),
      update: 'SET publication = :p, stages = :stages',
      condition: `version = :v AND #status = :awaiting AND stages[${index}].#st = :pending AND attribute_not_exists(outcome) AND size(stages) = :n`,
      names: { '#st': 'status', '#status': 'status' },
      values: {
        ':p': publication,
        ':stages': stages,
        ':v': version,
        ':n': stageCount,
        ':awaiting': 'awaiting-approval',
        ':pending': 'pending',
      },
    }),
  );
}

/**
 * Registers the token of the callback task now waiting on a stage (asked, reminded or escalated). Only while
 * the stage is still open: otherwise the decision already won, and the caller hands it to the workflow.
 */
export async function registerWait(
  requestId: string,
  version: number,
  index: number,
  token: string,
  phase: StagePhase,
): Promise<RequestRecord | undefined> {
  return parsed(
    requestId,
    await updateItem({
      table,
      key: key(requestId),
      update: `SET waitTokens.#i = :t, stages[${index}].phase = :p`,
      condition: `version = :v AND #status = :awaiting AND stages[${index}].#st = :pending AND attribute_not_exists(outcome)`,
      names: { '#i': String(index), '#st': 'status', '#status': 'status' },
      values: { ':t': token, ':p': phase, ':v': version, ':awaiting': 'awaiting-approval', ':pending': 'pending' },
    }),
  );
}

/** The task token the stage's decision must be handed to. Server-side only: never rendered, mailed or logged. */
export async function waitTokenOf(requestId: string, index: number): Promise<string | undefined> {
  return parsed(requestId, await getItem(table, key(requestId)))?.waitTokens?.[String(index)];
}

export async function recordEscalation(
  requestId: string,
  version: number,
  index: number,
  deputies: readonly Assignee[],
  at: string,
  deadline: string,
): Promise<RequestRecord | undefined> {
  return parsed(
    requestId,
    await updateItem({
      table,
      key: key(requestId),
      update: `SET stages[${index}].escalatedTo = :d, stages[${index}].escalatedAt = :at, stages[${index}].escalationDeadline = :dl`,
      condition: `version = :v AND stages[${index}].#st = :pending AND attribute_not_exists(stages[${index}].escalatedAt)`,
      names: { '#st': 'status' },
      values: { ':d': deputies, ':at': at, ':dl': deadline, ':v': version, ':pending': 'pending' },
    }),
  );
}

/** Withdrawal by the submitter: wins only while nothing has ended the request. */
