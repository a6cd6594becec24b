import { hash } from 'node:crypto';

// The audit trail (DESIGN.md "Audit"): every state change appends an event, hash-chained per request,
// so that deleting, inserting, reordering or editing any event breaks every hash after it.

export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

export interface AuditEventBody {
  readonly requestId: string;
  readonly seq: number;
  readonly at: string;
  readonly type: string;
  readonly actor: string;
  readonly data: { readonly [key: string]: Json };
  readonly prevHash: string;
}

export interface AuditEvent extends AuditEventBody {
  readonly hash: string;
}

/** The prevHash of a request's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Canonical JSON in the style of RFC 8785: object keys sorted by UTF-16 code units, no whitespace,
 * ECMAScript number and string serialisation. Two equal values always give the same bytes.
 */
export function canonicalJson(value: Json): string {
  // Verify runs this once per event, and it was its hottest function: a value whose objects already have their
  // keys in canonical order (as every export writes them) is what JSON.stringify writes, natively.
  return inCanonicalOrder(value) ? JSON.stringify(value) : canonicalJsonOf(value);
}

/** True when JSON.stringify(value) is its canonical JSON: keys sorted at every level, numbers finite. */
function inCanonicalOrder(value: Json): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) {
    const list = value as readonly Json[];
    for (let i = 0; i < list.length; i++) if (!inCanonicalOrder(list[i] as Json)) return false;
    return true;
  }
  const object = value as { readonly [key: string]: Json };
  let previous: string | undefined;
  for (const key in object) {
    const member = object[key];
    if (member === undefined || (previous !== undefined && !(previous < key)) || !inCanonicalOrder(member)) return false;
    previous = key;
  }
  return true;
}

function canonicalJsonOf(value: Json): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no representation for a non-finite number');
      return JSON.stringify(value);
    default:
      break;
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    const list = value as readonly Json[];
    let out = '[';
    for (let i = 0; i < list.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(list[i] as Json);
    return `${out}]`;
  }
  const object = value as { readonly [key: string]: Json };
  // Array.prototype.sort compares UTF-16 code units, which is RFC 8785's order.
  const keys = Object.keys(object).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const member = object[key];
    if (member === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(member)}`;
    first = false;
  }
  return `${out}}`;
}

export function hashEvent(body: AuditEventBody): string {
  const { requestId, seq, at, type, actor, data, prevHash } = body;
  // Built in canonical key order, so that only `data` may need sorting.
  return hash('sha256', canonicalJson({ actor, at, data, prevHash, requestId, seq, type }), 'hex');
}

export function chainEvent(previous: AuditEvent | undefined, next: Omit<AuditEventBody, 'seq' | 'prevHash'>): AuditEvent {
  const body: AuditEventBody = {
    ...next,
    seq: previous === undefined ? 1 : previous.seq + 1,
    prevHash: previous === undefined ? GENESIS_HASH : previous.hash,
  };
  return { ...body, hash: hashEvent(body) };
}

export type ChainVerdict =
  | { readonly ok: true; readonly events: number }
  | { readonly ok: false; readonly seq: number; readonly problem: string };

/**
 * The audit table's index attributes (lambdas/adapters/tables.ts AUDIT_TIME_INDEX), kept beside each event and outside its
 * hash: they derive from hashed fields, so editing them can hide an event from an index but never change one.
 */
export interface AuditIndexAttributes {
  /** UTC day of `at`, `YYYY-MM-DD`: the time index's partition. */
  readonly day: string;
  /** `<at>#<requestId>#<seq, zero-padded>`: sorts a day's events by time, then request, then seq. */
  readonly atKey: string;
}

const SEQ_WIDTH = 10;

export function atKeyOf(at: string, requestId: string, seq: number): string {
  return `${at}#${requestId}#${String(seq).padStart(SEQ_WIDTH, '0')}`;
}

export function indexAttributesOf(event: Pick<AuditEventBody, 'requestId' | 'seq' | 'at'>): AuditIndexAttributes {
  return { day: event.at.slice(0, 10), atKey: atKeyOf(event.at, event.requestId, event.seq) };
}

/**
 * The time stamp of an event appended after `previous`: the clock, but never earlier than the event before it.
 * Clocks of two writers differ and a writer that lost a race retries with its first reading; without this a
 * chain's time order and seq order could disagree, and time-ordered exports and hourly checkpoints rely on both.
 */
export function stampAfter(previous: Pick<AuditEventBody, 'at'> | undefined, now: Date): string {
  const at = now.toISOString();
  return previous !== undefined && previous.at > at ? previous.at : at;
}

/** The event fields of a stored item (the table also keeps index attributes beside them). */
export function toAuditEvent(item: Readonly<Record<string, unknown>>): AuditEvent {
  return {
    requestId: item['requestId'] as string,
    seq: item['seq'] as number,
    at: item['at'] as string,
    type: item['type'] as string,
    actor: item['actor'] as string,
    data: item['data'] as AuditEvent['data'],
    prevHash: item['prevHash'] as string,
    hash: item['hash'] as string,
  };
}

/** Verifies one request's events, in order. Names the first event that does not fit. */
export function verifyChain(events: readonly AuditEvent[]): ChainVerdict {
  let previous: AuditEvent | undefined;
  for (const event of events) {
    const expectedSeq = previous === undefined ? 1 : previous.seq + 1;
    if (event.seq !== expectedSeq) return { ok: false, seq: event.seq, problem: `expected seq ${expectedSeq}, found ${event.seq}` };
    const expectedPrev = previous === undefined ? GENESIS_HASH : previous.hash;
    if (event.prevHash !== expectedPrev) return { ok: false, seq: event.seq, problem: 'prevHash does not match the previous event' };
    if (hashEvent(event) !== event.hash) return { ok: false, seq: event.seq, problem: 'hash does not match the event content' };
    previous = event;
  }
  return { ok: true, events: events.length };
}
