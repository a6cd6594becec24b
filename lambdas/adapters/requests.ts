import type { DecisionResult, Finding, Outcome, PublicationClassification, RequestRecord, Stage } from '../core/model.js';
import { requireEnv } from '../shared/env.js';
import { getItem, putIfAbsent, updateItem } from './dynamo.js';

// The requests table: one item per request, keyed by requestId. Every transition that matters is a
// conditional write, so two writers can never both win.
const table = requireEnv('REQUESTS_TABLE');
const key = (requestId: string) => ({ requestId });

export async function createRequest(record: RequestRecord): Promise<boolean> {
  return putIfAbsent(table, { ...record }, 'requestId');
}

export async function getRequest(requestId: string): Promise<RequestRecord | undefined> {
  return (await getItem(table, key(requestId))) as RequestRecord | undefined;
}

export async function recordExecution(requestId: string, executionArn: string): Promise<RequestRecord | undefined> {
  return (await updateItem({
    table,
    key: key(requestId),
    update: 'SET executionArn = :arn',
    condition: 'attribute_exists(requestId)',
    values: { ':arn': executionArn },
  })) as RequestRecord | undefined;
}

export async function saveChecks(
  requestId: string,
  version: number,
  findings: readonly Finding[],
  publication: PublicationClassification,
): Promise<void> {
  await updateItem({
    table,
    key: key(requestId),
    update: 'SET findings = :f, publication = :p',
    condition: 'version = :v',
    values: { ':f': findings, ':p': publication, ':v': version },
  });
}

export async function saveRoute(requestId: string, version: number, stages: readonly Stage[]): Promise<void> {
  await updateItem({
    table,
    key: key(requestId),
    update: 'SET stages = :s, #status = :awaiting',
    condition: 'version = :v AND #status = :checking',
    names: { '#status': 'status' },
    values: { ':s': stages, ':v': version, ':awaiting': 'awaiting-approval', ':checking': 'checking' },
  });
}

/** Opens a stage for decisions. Idempotent: opening an already-open stage keeps its first deadline. */
export async function openStage(requestId: string, index: number, deadline: string, timeoutSeconds: number): Promise<RequestRecord | undefined> {
  const opened = await updateItem({
    table,
    key: key(requestId),
    update: `SET stages[${index}].#st = :pending, stages[${index}].deadline = :d, stages[${index}].timeoutSeconds = :t`,
    condition: `stages[${index}].#st = :waiting`,
    names: { '#st': 'status' },
    values: { ':pending': 'pending', ':waiting': 'waiting', ':d': deadline, ':t': timeoutSeconds },
  });
  return (opened ?? (await getItem(table, key(requestId)))) as RequestRecord | undefined;
}

/**
 * Claims a stage for one decision: the conditional write that makes the first valid decision win
 * (GOVERNANCE.md §3). Returns undefined when somebody (or the deadline) got there first.
 */
export async function claimStage(requestId: string, version: number, index: number, result: DecisionResult): Promise<RequestRecord | undefined> {
  const status = result.decision === 'approve' ? 'approved' : result.decision === 'reject' ? 'rejected' : result.decision;
  return (await updateItem({
    table,
    key: key(requestId),
    update: `SET stages[${index}].#st = :s, stages[${index}].decision = :dec, stages[${index}].decidedBy = :by, stages[${index}].decidedAt = :at, stages[${index}].#c = :c`,
    condition: `version = :v AND #status = :awaiting AND stages[${index}].#st = :pending`,
    names: { '#st': 'status', '#status': 'status', '#c': 'comment' },
    values: {
      ':s': status,
      ':dec': result.decision,
      ':by': result.decidedBy ?? null,
      ':at': result.decidedAt,
      ':c': result.comment ?? null,
      ':v': version,
      ':awaiting': 'awaiting-approval',
      ':pending': 'pending',
    },
  })) as RequestRecord | undefined;
}

export async function finishRequest(requestId: string, outcome: Outcome): Promise<RequestRecord | undefined> {
  return (await updateItem({
    table,
    key: key(requestId),
    update: 'SET #status = :o, outcome = :o',
    condition: 'attribute_not_exists(outcome) OR outcome = :o',
    names: { '#status': 'status' },
    values: { ':o': outcome },
  })) as RequestRecord | undefined;
}

/** True exactly once per request: the outcome e-mail is sent by whoever flips this flag. */
export async function claimOutcomeNotification(requestId: string): Promise<boolean> {
  const updated = await updateItem({
    table,
    key: key(requestId),
    update: 'SET outcomeNotified = :t',
    condition: 'attribute_not_exists(outcomeNotified)',
    values: { ':t': true },
  });
  return updated !== undefined;
}

/** Gives the notification back when sending failed, so the retried task sends it. */
export async function releaseOutcomeNotification(requestId: string): Promise<void> {
  await updateItem({ table, key: key(requestId), update: 'REMOVE outcomeNotified' });
}
