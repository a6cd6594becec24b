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

function str(o: Obj, k: string, pattern?: RegExp): string {
  const v = o[k];
  if (typeof v !== 'string' || (pattern !== undefined && !pattern.test(v)))
    throw new RecordFormatError(
      `field "${k}" is not ${pattern === HEX64 ? 'a sha256 hex digest' : pattern === ISO ? 'an ISO 8601 UTC time' : 'a string'}`,
    );
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
    from: str(v, 'from', ISO),
    to: str(v, 'to', ISO),
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
}

export function encodeCursor(position: ExportPosition): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

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
  if (!isObject(value) || typeof value['exportId'] !== 'string' || typeof value['digest'] !== 'string' || !isObject(value['filter'])) {
    throw new RecordFormatError('the cursor is not one this service gave out');
  }
  return { ...(value as unknown as ExportPosition), filter: parseFilter(value['filter']) };
}
