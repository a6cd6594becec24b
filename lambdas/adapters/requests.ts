import { outcomeOfDecision, stageStatusOf } from '../core/request/arbiter.js';
import type { StageSchedule } from '../core/request/stage-clock.js';
import type { Assignee, StageDecision, Finding, Outcome, PublicationClassification, RequestRecord, Stage, StagePhase, Submission } from '../core/model.js';
import { envTable, getItem, putIfAbsent, updateItem, type Item, type Table } from './dynamo.js';
import { requestItem, withoutLegacyRouteFinding, type RequestItem } from './items/request-item.js';
import { parseItem } from './items/stored-item.js';

// The requests table: one item per request, keyed by requestId. Every transition that matters is a
// conditional write, so two writers can never both win. The use cases see this module as their RequestStore
// (lambdas/use-cases/ports.ts); the table is REQUESTS_TABLE, read on first use.
const table = envTable('REQUESTS_TABLE');
const key = (requestId: string) => ({ requestId });

export async function createRequest(record: RequestRecord): Promise<boolean> {
  return putIfAbsent(table, { ...record }, 'requestId');
}

export async function getRequest(requestId: string): Promise<RequestItem | undefined> {
  return readRequestFrom(table, requestId);
}

/** A request read from the given table (the audit CLI reads a store it opened itself), parsed. */
export async function readRequestFrom(from: Table, requestId: string): Promise<RequestItem | undefined> {
  return parsedFrom(from, requestId, await getItem(from, key(requestId)));
}

function parsed(requestId: string, item: Item | undefined): RequestItem | undefined {
  return parsedFrom(table, requestId, item);
}

/** The item as read, parsed (lambdas/adapters/items/request-item.ts): StoredItemError if it is not a request. */
function parsedFrom(from: Table, requestId: string, item: Item | undefined): RequestItem | undefined {
  return item === undefined ? undefined : parseItem(requestItem, withoutLegacyRouteFinding(item), from.name, key(requestId));
}

export async function recordExecution(requestId: string, executionArn: string): Promise<RequestRecord | undefined> {
  return parsed(requestId, await updateItem({
    table,
    key: key(requestId),
    update: 'SET executionArn = :arn',
    condition: 'attribute_exists(requestId)',
    values: { ':arn': executionArn },
  }));
}

export async function saveChecks(
  requestId: string,
  version: number,
  findings: readonly Finding[],
  publication: PublicationClassification | undefined,
): Promise<void> {
  // An account opening has no publication classification (GOVERNANCE.md §4 concerns posts).
  await updateItem({
    table,
    key: key(requestId),
    update: `SET findings = :f${publication === undefined ? '' : ', publication = :p'}`,
    condition: 'version = :v',
    values: { ':f': findings, ':v': version, ...(publication === undefined ? {} : { ':p': publication }) },
  });
}

export async function saveRoute(requestId: string, version: number, stages: readonly Stage[]): Promise<void> {
  await updateItem({
    table,
    key: key(requestId),
    update: 'SET stages = :s, #status = :awaiting, waitTokens = :map',
    condition: 'version = :v AND #status = :checking',
    names: { '#status': 'status' },
    values: { ':s': stages, ':v': version, ':awaiting': 'awaiting-approval', ':checking': 'checking', ':map': {} },
  });
}

/** Why no approval route could be planned for this version (PlanRoute): the request goes back to the submitter. */
export async function saveRouteFailure(requestId: string, version: number, routeFailure: NonNullable<RequestRecord['routeFailure']>): Promise<void> {
  await updateItem({
    table,
    key: key(requestId),
    update: 'SET routeFailure = :f',
    condition: 'version = :v',
    values: { ':f': routeFailure, ':v': version },
  });
}

/**
 * Opens a stage for decisions with its schedule (lambdas/core/request/stage-clock.ts). Returns undefined when the stage was
 * not waiting (another attempt opened it first: its schedule stands).
 */
export async function openStage(requestId: string, version: number, index: number, opening: { readonly openedAt: string; readonly schedule: StageSchedule; readonly deadline: string }): Promise<RequestRecord | undefined> {
  return parsed(requestId, await updateItem({
    table,
    key: key(requestId),
    update: `SET stages[${index}].#st = :pending, stages[${index}].deadline = :d, stages[${index}].timeoutSeconds = :t, stages[${index}].openedAt = :o, stages[${index}].schedule = :sch`,
    condition: `version = :v AND stages[${index}].#st = :waiting`,
    names: { '#st': 'status' },
    values: { ':pending': 'pending', ':waiting': 'waiting', ':d': opening.deadline, ':t': opening.schedule.deadlineSeconds, ':o': opening.openedAt, ':sch': opening.schedule, ':v': version },
  }));
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
  const updated = parsed(requestId, await updateItem({
    table,
    key: key(requestId),
    update: `SET stages[${index}].failedAsks = if_not_exists(stages[${index}].failedAsks, :zero) + :one`,
    condition: 'version = :v',
    values: { ':zero': 0, ':one': 1, ':v': version },
  }));
  return updated?.stages[index]?.failedAsks ?? 0;
}

/**
 * Claims a stage for one decision: the conditional write that makes the first valid decision win
 * (GOVERNANCE.md §3). A decision that ends the request writes the request's outcome in the same write
 * (lambdas/core/request/arbiter.ts). Returns undefined when somebody, the deadline or a withdrawal got there first.
 */
export async function claimStage(requestId: string, version: number, index: number, stageCount: number, result: StageDecision): Promise<RequestRecord | undefined> {
  // The write is conditional on the number of stages too: a classification override may add or drop a later
  // stage, and whether this decision ends the request depends on it. If only the count moved, claim again.
  let count = stageCount;
  for (let attempt = 0; attempt < 3; attempt++) {
    const claimed = await claimWithCount(requestId, version, index, count, result);
    if (claimed !== undefined) return claimed;
    const latest = await getRequest(requestId);
    const stillOpen = latest !== undefined && latest.version === version && latest.status === 'awaiting-approval' && latest.outcome === undefined && latest.stages[index]?.status === 'pending';
    if (!stillOpen || latest.stages.length === count) return undefined;
    count = latest.stages.length;
  }
  return undefined;
}

async function claimWithCount(requestId: string, version: number, index: number, stageCount: number, result: StageDecision): Promise<RequestRecord | undefined> {
  const ends = outcomeOfDecision(result.decision, index === stageCount - 1);
  const statements = result.statements !== undefined && result.statements.length > 0 ? result.statements : undefined;
  return parsed(requestId, await updateItem({
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
  }));
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
  return parsed(requestId, await updateItem({
    table,
    key: key(requestId),
    update: 'SET publication = :p, stages = :stages',
    condition: `version = :v AND #status = :awaiting AND stages[${index}].#st = :pending AND attribute_not_exists(outcome) AND size(stages) = :n`,
    names: { '#st': 'status', '#status': 'status' },
    values: { ':p': publication, ':stages': stages, ':v': version, ':n': stageCount, ':awaiting': 'awaiting-approval', ':pending': 'pending' },
  }));
}

/**
 * Registers the token of the callback task now waiting on a stage (asked, reminded or escalated). Only while
 * the stage is still open: otherwise the decision already won, and the caller hands it to the workflow.
 */
export async function registerWait(requestId: string, version: number, index: number, token: string, phase: StagePhase): Promise<RequestRecord | undefined> {
  return parsed(requestId, await updateItem({
    table,
    key: key(requestId),
    update: `SET waitTokens.#i = :t, stages[${index}].phase = :p`,
    condition: `version = :v AND #status = :awaiting AND stages[${index}].#st = :pending AND attribute_not_exists(outcome)`,
    names: { '#i': String(index), '#st': 'status', '#status': 'status' },
    values: { ':t': token, ':p': phase, ':v': version, ':awaiting': 'awaiting-approval', ':pending': 'pending' },
  }));
}

/** The task token the stage's decision must be handed to. Server-side only: never rendered, mailed or logged. */
export async function waitTokenOf(requestId: string, index: number): Promise<string | undefined> {
  return parsed(requestId, await getItem(table, key(requestId)))?.waitTokens?.[String(index)];
}

export async function recordEscalation(requestId: string, version: number, index: number, deputies: readonly Assignee[], at: string, deadline: string): Promise<RequestRecord | undefined> {
  return parsed(requestId, await updateItem({
    table,
    key: key(requestId),
    update: `SET stages[${index}].escalatedTo = :d, stages[${index}].escalatedAt = :at, stages[${index}].escalationDeadline = :dl`,
    condition: `version = :v AND stages[${index}].#st = :pending AND attribute_not_exists(stages[${index}].escalatedAt)`,
    names: { '#st': 'status' },
    values: { ':d': deputies, ':at': at, ':dl': deadline, ':v': version, ':pending': 'pending' },
  }));
}

/** Withdrawal by the submitter: wins only while nothing has ended the request. */
export async function withdrawRequest(requestId: string): Promise<RequestRecord | undefined> {
  return parsed(requestId, await updateItem({
    table,
    key: key(requestId),
    update: 'SET #status = :w, outcome = :w',
    condition: 'attribute_exists(requestId) AND attribute_not_exists(outcome) AND (#status = :checking OR #status = :awaiting)',
    names: { '#status': 'status' },
    values: { ':w': 'withdrawn', ':checking': 'checking', ':awaiting': 'awaiting-approval' },
  }));
}

/**
 * A new version after changes were requested: the old one moves to previousVersions and the route starts
 * again from the first stage (GOVERNANCE.md §3). Conditional on the version the submitter answered.
 */
export async function startNewVersion(current: RequestRecord, submission: Submission, contentHash: string, versionKey: string, now: Date): Promise<RequestRecord | undefined> {
  const previous = { version: current.version, submission: current.submission, contentHash: current.contentHash, outcome: current.outcome };
  return parsed(current.requestId, await updateItem({
    table,
    key: key(current.requestId),
    update:
      'SET version = :next, submission = :sub, contentHash = :h, #status = :checking, stages = :empty, findings = :empty, waitTokens = :map, previousVersions = list_append(if_not_exists(previousVersions, :empty), :prev), versionedAt = :now, versionKey = :key, executionArn = :none REMOVE outcome, outcomeNotified, publication, acknowledged, adminsNotified, registration, routeFailure',
    condition: 'version = :v AND outcome = :cr',
    names: { '#status': 'status' },
    values: {
      ':next': current.version + 1,
      ':sub': submission,
      ':h': contentHash,
      ':checking': 'checking',
      ':empty': [],
      ':map': {},
      ':prev': [previous],
      ':now': now.toISOString(),
      ':key': versionKey,
      ':none': null,
      ':v': current.version,
      ':cr': 'changes-requested',
    },
  }));
}

/**
 * Records how the request ended. Idempotent for the same outcome; when another outcome already won (a
 * withdrawal, say), nothing changes and the winner is returned for the caller to see.
 */
export async function finishRequest(requestId: string, outcome: Outcome): Promise<RequestRecord | undefined> {
  const updated = parsed(requestId, await updateItem({
    table,
    key: key(requestId),
    update: 'SET #status = :o, outcome = :o',
    condition: 'attribute_not_exists(outcome) OR outcome = :o',
    names: { '#status': 'status' },
    values: { ':o': outcome },
  }));
  return updated ?? (await getRequest(requestId));
}

/**
 * Sets a once-per-version flag on the request; true for the one caller that set it. `outcomeNotified`: the
 * outcome e-mail; `acknowledged`: the acknowledgement. At most once: a crash between the flag and the mail loses
 * that mail (the request itself is unaffected), never repeats it; a failed send gives the flag back.
 */
/** Where an approved account opening went in the registry (or why it could not), for the outcome mail and status. */
export async function saveRegistration(requestId: string, version: number, registration: NonNullable<RequestRecord['registration']>): Promise<RequestRecord | undefined> {
  return parsed(requestId, await updateItem({
    table,
    key: key(requestId),
    update: 'SET registration = :r',
    condition: 'version = :v',
    values: { ':r': registration, ':v': version },
  }));
}

/** Once-only side effects of a request, each claimed by a conditional write before it happens. */
export type RequestFlag = 'outcomeNotified' | 'acknowledged' | 'adminsNotified';

export async function claimFlag(requestId: string, flag: RequestFlag, version: number): Promise<boolean> {
  const updated = await updateItem({
    table,
    key: key(requestId),
    update: 'SET #f = :v',
    condition: 'version = :v AND attribute_not_exists(#f)',
    names: { '#f': flag },
    values: { ':v': version },
  });
  return updated !== undefined;
}

/** Gives a flag back when sending failed, so the retried task sends the mail. */
export async function releaseFlag(requestId: string, flag: RequestFlag): Promise<void> {
  await updateItem({ table, key: key(requestId), update: 'REMOVE #f', names: { '#f': flag } });
}
