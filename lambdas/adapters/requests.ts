import type {
  CheckedRoute,
  Finding,
  Outcome,
  PublicationClassification,
  RequestRecord,
  Submission,
  WorkflowFailure,
} from '../core/model.js';
import { getItem, putIfAbsent, updateItem, type Table } from './dynamo.js';
import type { RequestItem } from './items/request-item.js';
import { key, parsed, parsedFrom, table } from './requests-table.js';

export * from './request-stages.js';

// The requests table: one item per request, keyed by requestId. Every transition that matters is a
// conditional write, so two writers can never both win. The use cases see this module as their RequestStore
// (lambdas/use-cases/ports.ts); the table is REQUESTS_TABLE, read on first use.
// Stage writes (open, deliver, claim, escalate, wait) are in request-stages.ts, re-exported here: one RequestStore.

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

export async function recordExecution(requestId: string, executionArn: string): Promise<RequestRecord | undefined> {
  return parsed(
    requestId,
    await updateItem({
      table,
      key: key(requestId),
      update: 'SET executionArn = :arn',
      condition: 'attribute_exists(requestId)',
      values: { ':arn': executionArn },
    }),
  );
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

/**
 * The checks' findings and the planned route in one write (RunChecks, when no finding blocks): the first stage opened,
 * the request awaiting approval. Conditional on the version still being checked.
 */
export async function saveRoute(requestId: string, version: number, route: CheckedRoute): Promise<RequestRecord | undefined> {
  const { findings, publication, stages } = route;
  return parsed(
    requestId,
    await updateItem({
      table,
      key: key(requestId),
      update: `SET findings = :f, stages = :s, #status = :awaiting, waitTokens = :map${publication === undefined ? '' : ', publication = :p'}`,
      condition: 'version = :v AND #status = :checking',
      names: { '#status': 'status' },
      values: {
        ':f': findings,
        ':s': stages,
        ':v': version,
        ':awaiting': 'awaiting-approval',
        ':checking': 'checking',
        ':map': {},
        ...(publication === undefined ? {} : { ':p': publication }),
      },
    }),
  );
}

/** Why no approval route could be planned for this version (RunChecks): the request goes back to the submitter. */
export async function saveRouteFailure(
  requestId: string,
  version: number,
  routeFailure: NonNullable<RequestRecord['routeFailure']>,
): Promise<void> {
  await updateItem({
    table,
    key: key(requestId),
    update: 'SET routeFailure = :f',
    condition: 'version = :v',
    values: { ':f': routeFailure, ':v': version },
  });
}

export async function withdrawRequest(requestId: string): Promise<RequestRecord | undefined> {
  return parsed(
    requestId,
    await updateItem({
      table,
      key: key(requestId),
      update: 'SET #status = :w, outcome = :w',
      // A failed request (its workflow ended at a failed step) may be withdrawn too: that closes it with an outcome.
      condition: 'attribute_exists(requestId) AND attribute_not_exists(outcome) AND #status IN (:checking, :awaiting, :failed)',
      names: { '#status': 'status' },
      values: { ':w': 'withdrawn', ':checking': 'checking', ':awaiting': 'awaiting-approval', ':failed': 'failed' },
    }),
  );
}

/**
 * A new version after changes were requested: the old one moves to previousVersions and the route starts
 * again from the first stage (GOVERNANCE.md §3). Conditional on the version the submitter answered.
 */
export async function startNewVersion(
  current: RequestRecord,
  submission: Submission,
  contentHash: string,
  versionKey: string,
  now: Date,
): Promise<RequestRecord | undefined> {
  const previous = { version: current.version, submission: current.submission, contentHash: current.contentHash, outcome: current.outcome };
  return parsed(
    current.requestId,
    await updateItem({
      table,
      key: key(current.requestId),
      update: `SET version = :next, submission = :sub, contentHash = :h, #status = :checking, stages = :empty, findings = :empty, waitTokens = :map, previousVersions = list_append(if_not_exists(previousVersions, :empty), :prev), versionedAt = :now, versionKey = :key, executionArn = :none REMOVE outcome, publication, registration, routeFailure, failure, ${FLAG_ATTRIBUTES}`,
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
    }),
  );
}

/**
 * Records how the request ended. Idempotent for the same outcome; when another outcome already won (a
 * withdrawal, say), nothing changes and the winner is returned for the caller to see.
 */
export async function finishRequest(requestId: string, outcome: Outcome): Promise<RequestRecord | undefined> {
  const updated = parsed(
    requestId,
    await updateItem({
      table,
      key: key(requestId),
      update: 'SET #status = :o, outcome = :o',
      condition: 'attribute_not_exists(outcome) OR outcome = :o',
      names: { '#status': 'status' },
      values: { ':o': outcome },
    }),
  );
  return updated ?? (await getRequest(requestId));
}

/**
 * Records that a workflow step failed after its retries (RecordFailure, issue #13). The request's status becomes
 * `failed` unless it had ended: an outcome stands, and the failure is what came after it (its mail, say). The first
 * failure recorded for the version stands; a rerun changes nothing. Undefined when the request is gone or is on
 * another version.
 */
export async function recordFailure(requestId: string, version: number, failure: WorkflowFailure): Promise<RequestRecord | undefined> {
  const values = { ':f': failure, ':v': version };
  const failed = await updateItem({
    table,
    key: key(requestId),
    update: 'SET failure = if_not_exists(failure, :f), #status = :failed',
    condition: 'version = :v AND attribute_not_exists(outcome)',
    names: { '#status': 'status' },
    values: { ...values, ':failed': 'failed' },
  });
  if (failed !== undefined) return parsed(requestId, failed);
  return parsed(
    requestId,
    await updateItem({ table, key: key(requestId), update: 'SET failure = if_not_exists(failure, :f)', condition: 'version = :v', values }),
  );
}

/** Where an approved account opening went in the registry (or why it could not), for the outcome mail and status. */
export async function saveRegistration(
  requestId: string,
  version: number,
  registration: NonNullable<RequestRecord['registration']>,
): Promise<RequestRecord | undefined> {
  return parsed(
    requestId,
    await updateItem({
      table,
      key: key(requestId),
      update: 'SET registration = :r',
      condition: 'version = :v',
      values: { ':r': registration, ':v': version },
    }),
  );
}

/** Once-only side effects of a request (a mail per version), each claimed by a conditional write before it happens. */
export type RequestFlag = 'outcomeNotified' | 'acknowledged' | 'adminsNotified';
const FLAGS: readonly RequestFlag[] = ['outcomeNotified', 'acknowledged', 'adminsNotified'];

/**
 * Beside each flag (the version that claimed it): `<flag>Lease`, the time (ms) until which its claimant may still be
 * sending, present only while it is; `<flag>MessageId`, SES's id once it was sent. A new version removes all three.
 */
const leaseOf = (flag: RequestFlag) => `${flag}Lease` as const;
const messageIdOf = (flag: RequestFlag) => `${flag}MessageId` as const;
const FLAG_ATTRIBUTES = FLAGS.flatMap((f) => [f, leaseOf(f), messageIdOf(f)]).join(', ');

/** What claiming a flag found: this caller holds it now, it was sent, another caller may still be sending, or the request moved on. */
export type FlagClaim =
  | { readonly state: 'claimed' }
  | { readonly state: 'sent'; readonly messageId: string | undefined }
  | { readonly state: 'in-flight'; readonly until: Date }
  | { readonly state: 'stale' };

/**
 * Claims a flag for this version until `leaseUntil` (the claimant's own deadline): set if it was never set, or taken
 * over when its earlier claimant's lease passed without the mail marked sent (that claimant died, issue #13). A flag
 * whose lease passed was claimed by a caller that is certainly gone: Lambda ends an invocation at its deadline.
 */
export async function claimFlag(requestId: string, flag: RequestFlag, version: number, leaseUntil: Date, now: Date): Promise<FlagClaim> {
  const updated = await updateItem({
    table,
    key: key(requestId),
    update: 'SET #f = :v, #l = :until',
    condition: 'version = :v AND (attribute_not_exists(#f) OR #l < :now)',
    names: { '#f': flag, '#l': leaseOf(flag) },
    values: { ':v': version, ':until': leaseUntil.getTime(), ':now': now.getTime() },
  });
  if (updated !== undefined) return { state: 'claimed' };
  const item = await getRequest(requestId);
  if (item?.version !== version || item[flag] === undefined) return { state: 'stale' };
  const lease = item[leaseOf(flag)];
  if (lease !== undefined) return { state: 'in-flight', until: new Date(lease) };
  return { state: 'sent', messageId: item[messageIdOf(flag)] };
}

/** The mail went out: the lease ends and SES's id is kept, so a retried task audits the send it finds (once). */
export async function markFlagSent(requestId: string, flag: RequestFlag, version: number, messageId: string): Promise<void> {
  await updateItem({
    table,
    key: key(requestId),
    update: 'SET #m = :m REMOVE #l',
    condition: '#f = :v',
    names: { '#f': flag, '#l': leaseOf(flag), '#m': messageIdOf(flag) },
    values: { ':v': version, ':m': messageId },
  });
}

/** Gives a flag back when sending failed, so the retried task sends the mail. */
export async function releaseFlag(requestId: string, flag: RequestFlag): Promise<void> {
  await updateItem({ table, key: key(requestId), update: 'REMOVE #f, #l', names: { '#f': flag, '#l': leaseOf(flag) } });
}
