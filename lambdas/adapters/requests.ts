import type { Finding, Outcome, PublicationClassification, RequestRecord, Stage, Submission } from '../core/model.js';
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
      condition: 'attribute_exists(requestId) AND attribute_not_exists(outcome) AND (#status = :checking OR #status = :awaiting)',
      names: { '#status': 'status' },
      values: { ':w': 'withdrawn', ':checking': 'checking', ':awaiting': 'awaiting-approval' },
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
 * Sets a once-per-version flag on the request; true for the one caller that set it. `outcomeNotified`: the
 * outcome e-mail; `acknowledged`: the acknowledgement. At most once: a crash between the flag and the mail loses
 * that mail (the request itself is unaffected), never repeats it; a failed send gives the flag back.
 */
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
