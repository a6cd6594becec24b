import { checkedAuditEntry, type AuditEntry } from '../core/audit/events.js';
import {
  GetCommand,
  QueryCommand,
  ScanCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { chainEvent, indexAttributesOf, stampAfter, type AuditEvent } from '../core/audit/audit-chain.js';
import { hourIndexOf, type Checkpoint, type CheckpointHead, type Period } from '../core/audit/audit-checkpoint.js';
import { ConcurrentUpdateError } from '../core/errors.js';
import type { EventFilter, StoredEvent } from '../core/audit/audit-reader.js';
import { AUDIT_TIME_INDEX } from './tables.js';
import { envTable, putIfAbsent, putItem, queryAll, queryLast, type Item, type Table } from './dynamo.js';
import { auditEventItem, checkpointHeadsItem, checkpointItem } from './items/audit-items.js';
import { parseItem } from './items/stored-item.js';

// The audit table: partition requestId, sort seq. Appends are conditional on the seq being free,
// so two writers racing for the same position cannot fork a chain; the loser re-reads the head.
//
// Beside the hashed event fields each item carries attributes for reading, outside the hash:
//   day, atKey  the time index (lambdas/adapters/tables.ts), for date-range exports and hourly checkpoints
//   account     the request's account, copied from the chain's head (the first event names it)
//   prevAt      the time of the event before, so that an export finds a chain's first event in its range
//               without reading the one before it
// Checkpoints live in the same table under the reserved partition `checkpoint`, sorted by hour.
//
// auditTable(table) gives every operation on one table (by default AUDIT_TABLE, read on first use); the functions
// below take the table first.
const MAX_ATTEMPTS = 8;

export const CHECKPOINT_PARTITION = 'checkpoint';
/** Heads per item: a busy hour's heads are split over items of their own (DynamoDB items stop at 400 KB). */
const HEADS_PER_ITEM = 2000;

export type { AuditEntry } from '../core/audit/events.js';

/**
 * What one caller knows of a chain: every event from seq 1 when `complete`, else only the last one it saw (or none,
 * for a chain known to be empty, which is complete). Events never change once put and seqs are contiguous, so what
 * is known stays true; it may only fall behind, which the conditional put on the next seq detects.
 */
interface KnownChain {
  events: StoredEvent[];
  complete: boolean;
}

/** Chains a caller knows, by request id: an invocation's (forInvocation), kept for its appends. */
type KnownChains = Map<string, KnownChain>;

/**
 * Appends `entry` after the last event known of the chain, unless the chain holds an event `present` accepts (when
 * `present` is given): exactly once, even when two writers race (the one that loses the conditional put on the next
 * seq reads what the winner appended and checks it too). A chain not known yet is read first: whole when `present`
 * must be checked, only its last event when not. A chain known already is not read at all unless the put finds its
 * place taken: then only what came after is read. Undefined when the event was there already.
 */
async function appendKnown(
  table: Table,
  known: KnownChains,
  requestId: string,
  entry: AuditEntry,
  present: ((event: AuditEvent) => boolean) | undefined,
  now: Date,
): Promise<AuditEvent | undefined> {
  const checked = checkedAuditEntry(entry);
  let chain = known.get(requestId);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    // Read when nothing is known, when `present` needs the events before the last, or after a lost put.
    if (chain === undefined || attempt > 0 || (present !== undefined && !chain.complete)) {
      chain = await readOn(table, requestId, chain, present !== undefined);
      known.set(requestId, chain);
    }
    if (present !== undefined && chain.events.some((s) => present(s.event))) return undefined;
    const last = chain.events.at(-1);
    const appended = await putAfter(table, requestId, checked, last, now);
    if (appended !== undefined) {
      if (chain.complete) chain.events.push(appended);
      else chain.events = [appended];
      return appended.event;
    }
  }
  throw new ConcurrentUpdateError(`could not append to the audit chain of ${requestId} after ${MAX_ATTEMPTS} attempts`);
}

/**
 * The chain read on from what is known of it: a complete chain gets the events after its last. Otherwise, when the
 * whole chain is wanted (`present` must see every event) it is read from seq 1, else only its last event (one item).
 */
async function readOn(table: Table, requestId: string, chain: KnownChain | undefined, whole: boolean): Promise<KnownChain> {
  if (chain?.complete === true || whole) {
    const events = chain?.complete === true ? chain.events : [];
    for await (const s of chainEvents(table, requestId, (events.at(-1)?.event.seq ?? 0) + 1)) events.push(s);
    return { events, complete: true };
  }
  const head = await queryLast(table, 'requestId', requestId);
  return head === undefined ? { events: [], complete: true } : { events: [stored(table, head)], complete: false };
}

/** The event after `last` (the chain's head as known), put only if its seq is still free; undefined if it was not. */
async function putAfter(
  table: Table,
  requestId: string,
  checked: ReturnType<typeof checkedAuditEntry>,
  last: StoredEvent | undefined,
  now: Date,
): Promise<StoredEvent | undefined> {
  const head = last?.event;
  const event = chainEvent(head, { requestId, at: stampAfter(head, now), ...checked });
  const account = last === undefined ? checked.data['account'] : last.account;
  const reading = { ...(typeof account === 'string' ? { account } : {}), ...(head !== undefined ? { prevAt: head.at } : {}) };
  const item: Item = { ...event, ...indexAttributesOf(event), ...reading };
  return (await putIfAbsent(table, item, 'seq')) ? { event, ...reading } : undefined;
}

/**
 * Appends for one invocation (AuditLog.forInvocation): chains it read or wrote are remembered, so its second append to
 * a chain needs no query — a put after the last event it knows, and a read of what came after only when another
 * writer took that place. `created` names chains known to be empty: requests this caller has just created.
 */
function forInvocation(table: Table, created: readonly string[] = []): InvocationAudit {
  const known: KnownChains = new Map(created.map((requestId) => [requestId, { events: [], complete: true }]));
  return {
    async appendAudit(requestId, entry, now = new Date()) {
      const event = await appendKnown(table, known, requestId, entry, undefined, now);
      // Never: without `present` nothing counts as there already.
      if (event === undefined) throw new ConcurrentUpdateError(`the append to the audit chain of ${requestId} was refused`);
      return event;
    },
    appendAuditUnless: (requestId, entry, present, now = new Date()) => appendKnown(table, known, requestId, entry, present, now),
  };
}

async function readAudit(table: Table, requestId: string): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  for await (const item of queryAll(table, 'requestId', requestId)) events.push(stored(table, item).event);
  return events;
}

/** An event item parsed (lambdas/adapters/items/audit-items.ts): StoredItemError if it is not one. */
function stored(table: Table, item: Item): StoredEvent {
  const { account, prevAt, ...event } = parseItem(auditEventItem, item, table.name, { requestId: item['requestId'], seq: item['seq'] });
  return { event, ...(account !== undefined ? { account } : {}), ...(prevAt !== undefined ? { prevAt } : {}) };
}

function filterExpression(filter: EventFilter, names: Record<string, string>, values: Record<string, unknown>): string | undefined {
  const parts: string[] = [];
  if (filter.account !== undefined) {
    names['#acc'] = 'account';
    values[':acc'] = filter.account;
    parts.push('#acc = :acc');
  }
  if (filter.types !== undefined && filter.types.length > 0) {
    names['#type'] = 'type';
    filter.types.forEach((t, i) => {
      values[`:t${i}`] = t;
    });
    parts.push(`#type IN (${filter.types.map((_t, i) => `:t${i}`).join(', ')})`);
  }
  return parts.length > 0 ? parts.join(' AND ') : undefined;
}

/** A query's pages, the next one asked for while the items of this one are handed out (the store works meanwhile). */
async function* pages(client: DynamoDBDocumentClient, input: QueryCommandInput): AsyncGenerator<Item> {
  const page = (startKey: QueryCommandInput['ExclusiveStartKey']): Promise<QueryCommandOutput> =>
    client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
  let pending: Promise<QueryCommandOutput> | undefined = page(input.ExclusiveStartKey);
  try {
    while (pending !== undefined) {
      const out: QueryCommandOutput = await pending;
      pending = out.LastEvaluatedKey !== undefined ? page(out.LastEvaluatedKey) : undefined;
      yield* out.Items ?? [];
    }
  } finally {
    // A consumer that stops early leaves at most one page in flight; its outcome no longer matters.
    pending?.catch(() => undefined);
  }
}

function splitAtKey(atKey: string): { requestId: string; seq: number } {
  const [, requestId = '', seq = '0'] = atKey.split('#');
  return { requestId, seq: Number(seq) };
}

/**
 * One UTC day's events from the time index with `atKey` in [fromKey, toKey], in time order, after `startAfter`
 * (an atKey) when given. An `at` on the hour as `toKey` excludes events at that instant: their keys sort after it.
 */
function eventsOfDay(
  table: Table,
  day: string,
  fromKey: string,
  toKey: string,
  filter: EventFilter = {},
  startAfter?: string,
): AsyncGenerator<StoredEvent> {
  const names: Record<string, string> = { '#d': 'day', '#k': 'atKey' };
  const values: Record<string, unknown> = { ':d': day, ':from': fromKey, ':to': toKey };
  const condition = filterExpression(filter, names, values);
  const start = startAfter === undefined ? undefined : { day, atKey: startAfter, ...splitAtKey(startAfter) };
  return mapItems(
    table,
    pages(table.client, {
      TableName: table.name,
      IndexName: AUDIT_TIME_INDEX.name,
      KeyConditionExpression: '#d = :d AND #k BETWEEN :from AND :to',
      // Pages of 500 items: against dynalite, a third less peak memory than 1 MB pages for 8 % less speed.
      Limit: 500,
      ...(condition !== undefined ? { FilterExpression: condition } : {}),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ...(start !== undefined ? { ExclusiveStartKey: start } : {}),
    }),
  );
}

async function* mapItems(table: Table, items: AsyncIterable<Item>): AsyncGenerator<StoredEvent> {
  for await (const item of items) yield stored(table, item);
}

/** A chain's events with seq in [fromSeq, toSeq], in order. */
function chainEvents(
  table: Table,
  requestId: string,
  fromSeq = 1,
  toSeq = Number.MAX_SAFE_INTEGER,
  filter: EventFilter = {},
): AsyncGenerator<StoredEvent> {
  const names: Record<string, string> = { '#r': 'requestId', '#s': 'seq' };
  const values: Record<string, unknown> = { ':r': requestId, ':lo': fromSeq, ':hi': toSeq };
  const condition = filterExpression(filter, names, values);
  return mapItems(
    table,
    pages(table.client, {
      TableName: table.name,
      KeyConditionExpression: '#r = :r AND #s BETWEEN :lo AND :hi',
      ...(condition !== undefined ? { FilterExpression: condition } : {}),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ConsistentRead: true,
    }),
  );
}

async function eventAt(table: Table, requestId: string, seq: number): Promise<StoredEvent | undefined> {
  const out = await table.client.send(new GetCommand({ TableName: table.name, Key: { requestId, seq }, ConsistentRead: true }));
  return out.Item === undefined ? undefined : stored(table, out.Item);
}

/** A chain's first and last events (undefined for a request with no events). */
async function chainEnds(table: Table, requestId: string): Promise<{ first: StoredEvent; last: StoredEvent } | undefined> {
  const one = async (forward: boolean) => {
    const out = await table.client.send(
      new QueryCommand({
        TableName: table.name,
        KeyConditionExpression: '#r = :r',
        ExpressionAttributeNames: { '#r': 'requestId' },
        ExpressionAttributeValues: { ':r': requestId },
        ScanIndexForward: forward,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return out.Items?.[0];
  };
  const [first, last] = await Promise.all([one(true), one(false)]);
  return first === undefined || last === undefined ? undefined : { first: stored(table, first), last: stored(table, last) };
}

/** The time of the earliest event in the table: one pass over it, read only before the first checkpoint exists. */
async function earliestEventAt(table: Table): Promise<string | undefined> {
  let earliest: string | undefined;
  let startKey: Item | undefined;
  do {
    const out = await table.client.send(
      new ScanCommand({
        TableName: table.name,
        ProjectionExpression: '#at',
        FilterExpression: 'attribute_exists(#at) AND NOT begins_with(#r, :cp)',
        ExpressionAttributeNames: { '#at': 'at', '#r': 'requestId' },
        ExpressionAttributeValues: { ':cp': CHECKPOINT_PARTITION },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of out.Items ?? []) {
      const at = item['at'];
      if (typeof at === 'string' && (earliest === undefined || at < earliest)) earliest = at;
    }
    startKey = out.LastEvaluatedKey;
  } while (startKey !== undefined);
  return earliest;
}

/** The head of every chain that moved in `period`: its last event there. Memory: one entry per such chain. */
async function headsOf(table: Table, period: Period): Promise<CheckpointHead[]> {
  const heads = new Map<string, CheckpointHead>();
  for await (const { event, account } of eventsOfDay(table, period.from.slice(0, 10), period.from, period.to)) {
    const known = heads.get(event.requestId);
    if (known === undefined || event.seq > known.seq) {
      heads.set(event.requestId, {
        requestId: event.requestId,
        seq: event.seq,
        hash: event.hash,
        ...(account !== undefined ? { account } : {}),
      });
    }
  }
  return [...heads.values()];
}

// ---- Checkpoints ---------------------------------------------------------------------------------------

const headsPartition = (hourIndex: number) => `${CHECKPOINT_PARTITION}#${hourIndex}`;

/** A checkpoint item parsed, with its heads (lambdas/adapters/items/audit-items.ts): StoredItemError if it is not one. */
async function checkpointFrom(table: Table, item: Item): Promise<Checkpoint> {
  const c = parseItem(checkpointItem, item, table.name, { requestId: CHECKPOINT_PARTITION, seq: item['seq'] });
  let heads: CheckpointHead[] = c.heads ?? [];
  if (c.headChunks !== undefined) {
    heads = [];
    const partition = headsPartition(c.seq);
    for await (const part of queryAll(table, 'requestId', partition))
      heads.push(...parseItem(checkpointHeadsItem, part, table.name, { requestId: partition, seq: part['seq'] }).heads);
  }
  return {
    kind: 'checkpoint',
    period: c.period,
    heads,
    previous: c.previous,
    at: c.at,
    hash: c.hash,
    signature: c.signature,
    keyId: c.keyId,
  };
}

async function latestCheckpoint(table: Table): Promise<Checkpoint | undefined> {
  const item = await queryLast(table, 'requestId', CHECKPOINT_PARTITION);
  return item === undefined ? undefined : checkpointFrom(table, item);
}

async function firstCheckpoint(table: Table): Promise<Checkpoint | undefined> {
  const out = await table.client.send(
    new QueryCommand({
      TableName: table.name,
      KeyConditionExpression: '#r = :r',
      ExpressionAttributeNames: { '#r': 'requestId' },
      ExpressionAttributeValues: { ':r': CHECKPOINT_PARTITION },
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  const item = out.Items?.[0];
  return item === undefined ? undefined : checkpointFrom(table, item);
}

/**
 * Stores a checkpoint unless one for its hour exists. Returns the checkpoint that holds the hour: this one, or the
 * one another writer stored first.
 */
async function putCheckpoint(table: Table, checkpoint: Checkpoint): Promise<Checkpoint> {
  const hourIndex = hourIndexOf(checkpoint.period.from);
  const { heads, ...rest } = checkpoint;
  let item: Item = { requestId: CHECKPOINT_PARTITION, seq: hourIndex, ...rest, heads };
  if (heads.length > HEADS_PER_ITEM) {
    // Parts first, deterministic in content: a writer that loses the race below rewrites them with the same heads
    // only if its own checkpoint saw the same hour, which it did (the hour was sealed before either started).
    const parts = Math.ceil(heads.length / HEADS_PER_ITEM);
    for (let i = 0; i < parts; i++)
      await putItem(table, {
        requestId: headsPartition(hourIndex),
        seq: i,
        heads: heads.slice(i * HEADS_PER_ITEM, (i + 1) * HEADS_PER_ITEM),
      });
    item = { requestId: CHECKPOINT_PARTITION, seq: hourIndex, ...rest, headChunks: parts };
  }
  if (await putIfAbsent(table, item, 'seq')) return checkpoint;
  const winner = await table.client.send(
    new GetCommand({ TableName: table.name, Key: { requestId: CHECKPOINT_PARTITION, seq: hourIndex }, ConsistentRead: true }),
  );
  if (winner.Item === undefined) throw new ConcurrentUpdateError(`checkpoint for ${checkpoint.period.from} vanished`);
  return checkpointFrom(table, winner.Item);
}

/** Checkpoints of the hours [fromHour, toHour), after `afterHour` when given, in order. */
async function* checkpointsBetween(table: Table, fromHour: number, toHour: number, afterHour?: number): AsyncGenerator<Checkpoint> {
  const lo = afterHour === undefined ? fromHour : Math.max(fromHour, afterHour + 1);
  if (lo >= toHour) return;
  const items = pages(table.client, {
    TableName: table.name,
    KeyConditionExpression: '#r = :r AND #s BETWEEN :lo AND :hi',
    ExpressionAttributeNames: { '#r': 'requestId', '#s': 'seq' },
    ExpressionAttributeValues: { ':r': CHECKPOINT_PARTITION, ':lo': lo, ':hi': toHour - 1 },
    ConsistentRead: true,
  });
  for await (const item of items) yield checkpointFrom(table, item);
}

// ---- The table ------------------------------------------------------------------------------------------

/** The appends of one invocation (forInvocation). */
export interface InvocationAudit {
  appendAudit(requestId: string, entry: AuditEntry, now?: Date): Promise<AuditEvent>;
  appendAuditUnless(
    requestId: string,
    entry: AuditEntry,
    present: (event: AuditEvent) => boolean,
    now?: Date,
  ): Promise<AuditEvent | undefined>;
}

/**
 * Every operation on one audit table. Its own appends know nothing of the chain beforehand: each reads what it needs
 * (the head alone for appendAudit, the chain for appendAuditUnless, which must see every event).
 */
export interface AuditTable extends InvocationAudit {
  readAudit(requestId: string): Promise<AuditEvent[]>;
  forInvocation(created?: readonly string[]): InvocationAudit;
  eventsOfDay(day: string, fromKey: string, toKey: string, filter?: EventFilter, startAfter?: string): AsyncGenerator<StoredEvent>;
  chainEvents(requestId: string, fromSeq?: number, toSeq?: number, filter?: EventFilter): AsyncGenerator<StoredEvent>;
  eventAt(requestId: string, seq: number): Promise<StoredEvent | undefined>;
  chainEnds(requestId: string): Promise<{ first: StoredEvent; last: StoredEvent } | undefined>;
  earliestEventAt(): Promise<string | undefined>;
  headsOf(period: Period): Promise<CheckpointHead[]>;
  latestCheckpoint(): Promise<Checkpoint | undefined>;
  firstCheckpoint(): Promise<Checkpoint | undefined>;
  putCheckpoint(checkpoint: Checkpoint): Promise<Checkpoint>;
  checkpointsBetween(fromHour: number, toHour: number, afterHour?: number): AsyncGenerator<Checkpoint>;
}

/** The audit table: by default AUDIT_TABLE over the function's client, both read on first use. */
export function auditTable(table: Table = envTable('AUDIT_TABLE')): AuditTable {
  return {
    appendAudit: (requestId, entry, now) => forInvocation(table).appendAudit(requestId, entry, now),
    appendAuditUnless: (requestId, entry, present, now) => forInvocation(table).appendAuditUnless(requestId, entry, present, now),
    readAudit: (requestId) => readAudit(table, requestId),
    forInvocation: (created) => forInvocation(table, created),
    eventsOfDay: (day, fromKey, toKey, filter, startAfter) => eventsOfDay(table, day, fromKey, toKey, filter, startAfter),
    chainEvents: (requestId, fromSeq, toSeq, filter) => chainEvents(table, requestId, fromSeq, toSeq, filter),
    eventAt: (requestId, seq) => eventAt(table, requestId, seq),
    chainEnds: (requestId) => chainEnds(table, requestId),
    earliestEventAt: () => earliestEventAt(table),
    headsOf: (period) => headsOf(table, period),
    latestCheckpoint: () => latestCheckpoint(table),
    firstCheckpoint: () => firstCheckpoint(table),
    putCheckpoint: (checkpoint) => putCheckpoint(table, checkpoint),
    checkpointsBetween: (fromHour, toHour, afterHour) => checkpointsBetween(table, fromHour, toHour, afterHour),
  };
}
