import { canonicalJson, type Json } from './audit-chain.js';
import type { CheckpointHead } from './audit-checkpoint.js';
import { MAX_JSON_DEPTH, jsonNestedDeeperThan } from '../request/limits.js';
import {
  CSV_COLUMNS,
  EXPORT_FORMAT,
  RecordFormatError,
  parseCsvCell,
  plainCsvFields,
  type EventRecord,
  type ExportFilter,
  type ExportFormat,
  type ExportRecord,
} from './audit-export.js';

// Reading back what an export wrote (audit-export.ts), strictly: the records of a JSON-lines or CSV file, for
// `npm run audit -- verify`, and the cursor a client hands back between pages of GET /v1/audit/export.

// ---- Parsing, strictly: an unknown or missing field is a bad record ----------------------------------

const HEX64 = /^[0-9a-f]{64}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** An export id as planExport makes them (a UUID), or as the command line names one. */
const EXPORT_ID = /^[A-Za-z0-9_-]{1,128}$/;
type Obj = Readonly<Record<string, unknown>>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function exactKeys(o: Obj, required: readonly string[], optional: readonly string[] = []): void {
  let count = 0;
  for (const k in o) {
    count++;
    if (count > required.length + optional.length || (!required.includes(k) && !optional.includes(k))) {
      const unexpected = Object.keys(o).find((key) => !required.includes(key) && !optional.includes(key));
      if (unexpected !== undefined) throw new RecordFormatError(`unexpected field "${unexpected}"`);
    }
  }
  if (count < required.length || optional.length > 0)
    for (const k of required) if (!(k in o)) throw new RecordFormatError(`missing field "${k}"`);
}

/** What a pattern of this file admits, as a problem names it. */
function formOf(pattern: RegExp | undefined): string {
  if (pattern === HEX64) return 'a sha256 hex digest';
  if (pattern === ISO) return 'an ISO 8601 UTC time';
  if (pattern === EXPORT_ID) return 'an export id';
  if (pattern === DAY) return 'a day';
  return 'a string';
}

function str(o: Obj, k: string, pattern?: RegExp): string {
  const v = o[k];
  if (typeof v !== 'string' || (pattern !== undefined && !pattern.test(v)))
    throw new RecordFormatError(`field "${k}" is not ${formOf(pattern)}`);
  return v;
}

function count(o: Obj, k: string, min = 0): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new RecordFormatError(`field "${k}" is not an integer ≥ ${min}`);
  return v;
}

function jsonObject(o: Obj, k: string): { readonly [key: string]: Json } {
  const v = o[k];
  if (!isObject(v)) throw new RecordFormatError(`field "${k}" is not an object`);
  return v as { readonly [key: string]: Json };
}

const EVENT_KEYS = ['kind', 'requestId', 'seq', 'at', 'type', 'actor', 'data', 'prevHash', 'hash'] as const;

function parseEvent(o: Obj): EventRecord {
  exactKeys(o, EVENT_KEYS);
  return {
    kind: 'event',
    requestId: str(o, 'requestId'),
    seq: count(o, 'seq', 1),
    at: str(o, 'at', ISO),
    type: str(o, 'type'),
    actor: str(o, 'actor'),
    data: jsonObject(o, 'data'),
    // Not checked as hex here: verify compares both with hashes it computes, which is stricter.
    prevHash: str(o, 'prevHash'),
    hash: str(o, 'hash'),
  };
}

function parseFilter(v: unknown): ExportFilter {
  if (!isObject(v)) throw new RecordFormatError('field "filter" is not an object');
  exactKeys(v, ['from', 'to'], ['requestId', 'account', 'types']);
  const types = v['types'];
  if (types !== undefined && (!Array.isArray(types) || !types.every((t) => typeof t === 'string')))
    throw new RecordFormatError('field "types" is not a list of strings');
  return {
    from: instant(v, 'from'),
    to: instant(v, 'to'),
    ...(v['requestId'] !== undefined ? { requestId: str(v, 'requestId') } : {}),
    ...(v['account'] !== undefined ? { account: str(v, 'account') } : {}),
    ...(types !== undefined ? { types: types as string[] } : {}),
  };
}

function parseHeads(v: unknown): CheckpointHead[] {
  if (!Array.isArray(v)) throw new RecordFormatError('field "heads" is not a list');
  return v.map((h: unknown) => {
    if (!isObject(h)) throw new RecordFormatError('a head is not an object');
    exactKeys(h, ['requestId', 'seq', 'hash'], ['account']);
    return {
      requestId: str(h, 'requestId'),
      seq: count(h, 'seq', 1),
      hash: str(h, 'hash', HEX64),
      ...(h['account'] !== undefined ? { account: str(h, 'account') } : {}),
    };
  });
}

/** A record from its JSON object (a JSON line, or the `data` column of a CSV row that is not an event). */
export function recordFromJson(value: unknown): ExportRecord {
  if (!isObject(value)) throw new RecordFormatError('the record is not a JSON object');
  switch (value['kind']) {
    case 'event':
      return parseEvent(value);
    case 'export': {
      exactKeys(value, ['kind', 'format', 'exportId', 'exportedAt', 'filter', 'sealedUntil', 'hash']);
      if (value['format'] !== EXPORT_FORMAT)
        throw new RecordFormatError(`unknown format ${JSON.stringify(value['format'])} (expected ${EXPORT_FORMAT})`);
      const sealed = value['sealedUntil'];
      return {
        kind: 'export',
        format: EXPORT_FORMAT,
        exportId: str(value, 'exportId'),
        exportedAt: str(value, 'exportedAt', ISO),
        filter: parseFilter(value['filter']),
        sealedUntil: sealed === null ? null : str(value, 'sealedUntil', ISO),
        hash: str(value, 'hash', HEX64),
      };
    }
    case 'content':
      exactKeys(value, ['kind', 'requestId', 'version', 'contentHash', 'submission']);
      return {
        kind: 'content',
        requestId: str(value, 'requestId'),
        version: count(value, 'version', 1),
        contentHash: str(value, 'contentHash', HEX64),
        submission: jsonObject(value, 'submission'),
      };
    case 'checkpoint': {
      exactKeys(value, ['kind', 'period', 'heads', 'previous', 'at', 'hash', 'signature', 'keyId']);
      const period = value['period'];
      if (!isObject(period)) throw new RecordFormatError('field "period" is not an object');
      exactKeys(period, ['from', 'to']);
      return {
        kind: 'checkpoint',
        period: { from: str(period, 'from', ISO), to: str(period, 'to', ISO) },
        heads: parseHeads(value['heads']),
        previous: str(value, 'previous', HEX64),
        at: str(value, 'at', ISO),
        hash: str(value, 'hash', HEX64),
        signature: str(value, 'signature'),
        keyId: str(value, 'keyId'),
      };
    }
    case 'end':
      exactKeys(value, ['kind', 'events', 'checkpoints', 'contents', 'digest']);
      return {
        kind: 'end',
        events: count(value, 'events'),
        checkpoints: count(value, 'checkpoints'),
        contents: count(value, 'contents'),
        digest: str(value, 'digest', HEX64),
      };
    default:
      throw new RecordFormatError(`unknown record kind ${JSON.stringify(value['kind'])}`);
  }
}

export function parseJsonlRecord(line: string): ExportRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new RecordFormatError('the line is not valid JSON');
  }
  return recordFromJson(value);
}

function parseJsonColumn(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new RecordFormatError('the data column is not valid JSON');
  }
}

/** A record from one CSV row (after the header row). The row must hold exactly what csvFields writes. */
export function parseCsvRecord(cells: readonly string[]): ExportRecord {
  if (cells.length !== CSV_COLUMNS.length) throw new RecordFormatError(`the row has ${cells.length} columns, not ${CSV_COLUMNS.length}`);
  // The hashes cover the values, not their escaped cells.
  const fields = cells.map((cell, i) => parseCsvCell(cell, CSV_COLUMNS[i] ?? String(i)));
  const [requestId, seq, at, type, actor, data, prevHash, hash, kind] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (kind === 'event') {
    if (!/^[1-9]\d*$/.test(seq)) throw new RecordFormatError('field "seq" is not an integer ≥ 1');
    const record = parseEvent({ kind, requestId, seq: Number(seq), at, type, actor, data: parseJsonColumn(data), prevHash, hash });
    // The data column must be exactly the canonical JSON it was written as.
    if (canonicalJson(record.data) !== data) throw new RecordFormatError('the data column is not in canonical form');
    return record;
  }
  const record = recordFromJson(parseJsonColumn(data));
  if (record.kind !== kind) throw new RecordFormatError(`the kind column says ${kind} but the data holds a ${record.kind} record`);
  const expected = plainCsvFields(record);
  if (expected.some((v, i) => v !== fields[i])) throw new RecordFormatError(`the columns of this ${kind} row do not match its data`);
  return record;
}

// ---- Cursor of a paginated export (HTTP) -------------------------------------------------------------

/** Where an export stands after a page: enough to continue it exactly, kept by the client between pages. */
export interface ExportPosition {
  readonly exportId: string;
  readonly exportedAt: string;
  readonly format: ExportFormat;
  readonly filter: ExportFilter;
  readonly contents: boolean;
  readonly sealedUntil: string | null;
  /** The time-index key of the last event in range already written (its earlier-chain context included). */
  readonly after: string | null;
  /** Hour index of the last checkpoint already written. */
  readonly checkpointAfter: number | null;
  readonly header: boolean;
  readonly contentsDone: boolean;
  readonly events: number;
  readonly checkpoints: number;
  readonly contentCount: number;
  readonly digest: string;
  /** Pages answered so far (the archive copy of each page is numbered by it). */
  readonly page: number;
  /**
   * The first UTC day (`YYYY-MM-DD`) of the time index that can hold an event of the range, when the range starts
   * before the store's history does: the days before it are not read (lambdas/use-cases/export-audit.ts).
   */
  readonly firstDay?: string;
  /** The last UTC day of the time index read to its end, when a page stopped between two days. */
  readonly dayDone?: string;
}

export function encodeCursor(position: ExportPosition): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/**
 * What an export may be asked to filter on, over HTTP (lambdas/audit-export.ts reads the query with these) and in the
 * cursor it hands back: a request id, an account id of at most 128 characters, at most 50 event types.
 */
export const EXPORT_REQUEST_ID = /^[A-Za-z0-9_-]{1,80}$/;
export const EXPORT_EVENT_TYPE = /^[a-z][a-z0-9.-]{0,63}$/;
export const MAX_EXPORT_TYPES = 50;
export const MAX_EXPORT_ACCOUNT_CHARS = 128;

/** The filter of a cursor, within what the query may ask: beyond it, the store's own limits answer with a 500. */
function cursorFilter(v: unknown): ExportFilter {
  const filter = parseFilter(v);
  if (filter.requestId !== undefined && !EXPORT_REQUEST_ID.test(filter.requestId))
    throw new RecordFormatError('field "requestId" is not a request id');
  if (filter.account !== undefined && (filter.account === '' || filter.account.length > MAX_EXPORT_ACCOUNT_CHARS))
    throw new RecordFormatError('field "account" is not an account id');
  if (filter.types !== undefined && (filter.types.length > MAX_EXPORT_TYPES || !filter.types.every((t) => EXPORT_EVENT_TYPE.test(t))))
    throw new RecordFormatError(`field "types" is not a list of at most ${MAX_EXPORT_TYPES} event types`);
  return filter;
}

const POSITION_KEYS = [
  'exportId',
  'exportedAt',
  'format',
  'filter',
  'contents',
  'sealedUntil',
  'after',
  'checkpointAfter',
  'header',
  'contentsDone',
  'events',
  'checkpoints',
  'contentCount',
  'digest',
  'page',
] as const;

/** An ISO 8601 UTC time as toISOString writes it, of a real day (`2030-02-30T…` is none). */
function instant(o: Obj, k: string): string {
  const v = str(o, k, ISO);
  const ms = Date.parse(v);
  if (!Number.isFinite(ms) || new Date(ms).toISOString() !== v) throw new RecordFormatError(`field "${k}" is not an ISO 8601 UTC time`);
  return v;
}

function day(o: Obj, k: string): string {
  const v = str(o, k, DAY);
  const ms = Date.parse(`${v}T00:00:00.000Z`);
  if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== v) throw new RecordFormatError(`field "${k}" is not a day`);
  return v;
}

function bool(o: Obj, k: string): boolean {
  const v = o[k];
  if (typeof v !== 'boolean') throw new RecordFormatError(`field "${k}" is not true or false`);
  return v;
}

function nullable<T>(o: Obj, k: string, read: (o: Obj, k: string) => T): T | null {
  return o[k] === null ? null : read(o, k);
}

/** A time-index key, `<at>#<requestId>#<seq in ten digits>` (audit-chain.ts atKeyOf). */
function atKey(o: Obj, k: string): string {
  const v = str(o, k);
  const [at = '', requestId = '', seq = '', ...rest] = v.split('#');
  if (rest.length > 0 || requestId === '' || !/^\d{10}$/.test(seq)) throw new RecordFormatError(`field "${k}" is not a time-index key`);
  instant({ [k]: at }, k);
  return v;
}

/**
 * The position a cursor holds, every field checked: a client keeps the cursor between pages and can send anything
 * back, and a field of the wrong shape (an `after` that is no key, a `checkpointAfter` that is no number) reached the
 * store's queries and the date arithmetic, which failed with a 500. What fails here is a 400 naming the field.
 */
export function decodeCursor(cursor: string): ExportPosition {
  let value: unknown;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  // A cursor this service gave out nests three levels; anything deeper is refused before it is parsed (issue #11).
  if (jsonNestedDeeperThan(text, MAX_JSON_DEPTH)) throw new RecordFormatError('the cursor is not one this service gave out');
  try {
    value = JSON.parse(text);
  } catch {
    throw new RecordFormatError('the cursor is not one this service gave out');
  }
  if (!isObject(value)) throw new RecordFormatError('the cursor is not one this service gave out');
  const o = value;
  try {
    exactKeys(o, POSITION_KEYS, ['firstDay', 'dayDone']);
    const format = o['format'];
    if (format !== 'csv' && format !== 'jsonl') throw new RecordFormatError('field "format" is not csv or jsonl');
    const checkpointAfter = o['checkpointAfter'] === null ? null : count(o, 'checkpointAfter');
    return {
      exportId: str(o, 'exportId', EXPORT_ID),
      exportedAt: instant(o, 'exportedAt'),
      format,
      filter: cursorFilter(o['filter']),
      contents: bool(o, 'contents'),
      sealedUntil: nullable(o, 'sealedUntil', instant),
      after: nullable(o, 'after', atKey),
      checkpointAfter,
      header: bool(o, 'header'),
      contentsDone: bool(o, 'contentsDone'),
      events: count(o, 'events'),
      checkpoints: count(o, 'checkpoints'),
      contentCount: count(o, 'contentCount'),
      digest: str(o, 'digest', HEX64),
      page: count(o, 'page'),
      ...(o['firstDay'] !== undefined ? { firstDay: day(o, 'firstDay') } : {}),
      ...(o['dayDone'] !== undefined ? { dayDone: day(o, 'dayDone') } : {}),
    };
  } catch (error) {
    if (!(error instanceof RecordFormatError)) throw error;
    throw new RecordFormatError(`the cursor is not one this service gave out: ${error.message}`);
  }
}
