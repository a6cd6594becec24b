import { createHash, hash } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { canonicalJson, type AuditEvent, type Json } from './audit-chain.js';
import type { Checkpoint, CheckpointHead } from './audit-checkpoint.js';

// The export file (DESIGN.md "Audit"): the same records in two encodings, JSON lines and CSV, so that
// `npm run audit -- verify` checks either one the same way.
//
//   export      first: what was asked for (the filter), when, and up to which hour checkpoints existed
//   content     request-filtered exports: each version's content, bound to the chain by its contentHash
//   event       one audit event, exactly its hashed fields
//   checkpoint  after the events of its hour
//   end         last: counts, and a running digest over the records before it that are not events
//
// Chains are complete from seq 1: a date-range export brings each chain it touches from its first event
// (the events before `from` come first, just ahead of the chain's first event in range). Ranges are widened
// to whole UTC hours, the checkpoints' periods.

export const EXPORT_FORMAT = 'signoff-audit/1' as const;
export type ExportFormat = 'jsonl' | 'csv';

export interface ExportFilter {
  /** Inclusive, on the hour. */
  readonly from: string;
  /** Exclusive, on the hour. */
  readonly to: string;
  readonly requestId?: string;
  readonly account?: string;
  /** Only these event types. Such an export lists events, not whole chains: see verify. */
  readonly types?: readonly string[];
}

export interface ExportHeader {
  readonly kind: 'export';
  readonly format: typeof EXPORT_FORMAT;
  readonly exportId: string;
  readonly exportedAt: string;
  readonly filter: ExportFilter;
  /** The end of the last hour that had a checkpoint when the export began (null: none yet). */
  readonly sealedUntil: string | null;
  /** sha256 of the canonical JSON of the other fields. */
  readonly hash: string;
}

export interface ContentRecord {
  readonly kind: 'content';
  readonly requestId: string;
  readonly version: number;
  readonly contentHash: string;
  readonly submission: { readonly [key: string]: Json };
}

export interface EventRecord extends AuditEvent {
  readonly kind: 'event';
}

export interface CheckpointRecord extends Checkpoint {
  readonly kind: 'checkpoint';
}

export interface EndRecord {
  readonly kind: 'end';
  readonly events: number;
  readonly checkpoints: number;
  readonly contents: number;
  readonly digest: string;
}

export type ExportRecord = ExportHeader | ContentRecord | EventRecord | CheckpointRecord | EndRecord;

export function eventRecord(e: AuditEvent): EventRecord {
  return {
    kind: 'event',
    requestId: e.requestId,
    seq: e.seq,
    at: e.at,
    type: e.type,
    actor: e.actor,
    data: e.data,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

export function checkpointRecord(c: Checkpoint): CheckpointRecord {
  return {
    kind: 'checkpoint',
    period: c.period,
    heads: c.heads,
    previous: c.previous,
    at: c.at,
    hash: c.hash,
    signature: c.signature,
    keyId: c.keyId,
  };
}

function filterJson(f: ExportFilter): Json {
  return {
    ...(f.account !== undefined ? { account: f.account } : {}),
    from: f.from,
    ...(f.requestId !== undefined ? { requestId: f.requestId } : {}),
    to: f.to,
    ...(f.types !== undefined ? { types: [...f.types] } : {}),
  };
}

export function hashHeader(h: Omit<ExportHeader, 'hash'>): string {
  const json: Json = {
    kind: h.kind,
    format: h.format,
    exportId: h.exportId,
    exportedAt: h.exportedAt,
    filter: filterJson(h.filter),
    sealedUntil: h.sealedUntil,
  };
  return createHash('sha256').update(canonicalJson(json)).digest('hex');
}

export function exportHeader(h: Omit<ExportHeader, 'kind' | 'format' | 'hash'>): ExportHeader {
  const body = { kind: 'export' as const, format: EXPORT_FORMAT, ...h };
  return { ...body, hash: hashHeader(body) };
}

/** A record that is not an event as JSON, its keys in canonical order (so canonicalJson is JSON.stringify). */
function recordJson(record: Exclude<ExportRecord, EventRecord>): Json {
  switch (record.kind) {
    case 'export':
      return {
        exportId: record.exportId,
        exportedAt: record.exportedAt,
        filter: filterJson(record.filter),
        format: record.format,
        hash: record.hash,
        kind: record.kind,
        sealedUntil: record.sealedUntil,
      };
    case 'content':
      return {
        contentHash: record.contentHash,
        kind: record.kind,
        requestId: record.requestId,
        submission: record.submission,
        version: record.version,
      };
    case 'checkpoint':
      return {
        at: record.at,
        hash: record.hash,
        heads: record.heads.map(headJson),
        keyId: record.keyId,
        kind: record.kind,
        period: { from: record.period.from, to: record.period.to },
        previous: record.previous,
        signature: record.signature,
      };
    case 'end':
      return {
        checkpoints: record.checkpoints,
        contents: record.contents,
        digest: record.digest,
        events: record.events,
        kind: record.kind,
      };
  }
}

function headJson(h: CheckpointHead): Json {
  return { ...(h.account !== undefined ? { account: h.account } : {}), hash: h.hash, requestId: h.requestId, seq: h.seq };
}

/** The digest before the first record. */
export const DIGEST_START = createHash('sha256').update(EXPORT_FORMAT).digest('hex');

/**
 * The running digest the end record carries: sha256(previous digest, record) over every record that is not an
 * event, in canonical JSON (a checkpoint by its hash, signature and key id). Events need none: each is bound by its own hash, its chain and the checkpoints, and
 * the end record counts them. What it adds is the fields no other hash covers (a checkpoint's signature and key
 * id, which a verifier without the key cannot check). The state is one hex string, so a paginated export carries
 * it from page to page in its cursor.
 */
export function nextDigest(digest: string, record: Exclude<ExportRecord, EndRecord>): string {
  if (record.kind === 'event') return digest;
  // A checkpoint's hash covers all of it but its signature and key id (verify recomputes the hash first).
  const part =
    record.kind === 'checkpoint' ? `checkpoint:${record.hash}:${record.signature}:${record.keyId}` : canonicalJson(recordJson(record));
  return hash('sha256', `${digest}\n${part}`, 'hex');
}

// ---- JSON lines --------------------------------------------------------------------------------------

export function jsonlLine(record: ExportRecord): string {
  if (record.kind !== 'event') return `${canonicalJson(recordJson(record))}\n`;
  // data in canonical order (as in the CSV), so that a reader's hash needs no sorting.
  const { requestId, seq, at, type, actor, data, prevHash, hash: h } = record;
  return `{"kind":"event","requestId":${JSON.stringify(requestId)},"seq":${seq},"at":${JSON.stringify(at)},"type":${JSON.stringify(type)},"actor":${JSON.stringify(actor)},"data":${canonicalJson(data)},"prevHash":${JSON.stringify(prevHash)},"hash":${JSON.stringify(h)}}\n`;
}

// ---- CSV ---------------------------------------------------------------------------------------------

/** The fixed CSV header. Events fill the first eight columns; other records put their JSON in `data`. */
export const CSV_COLUMNS = ['requestId', 'seq', 'at', 'type', 'actor', 'data', 'prevHash', 'hash', 'kind'] as const;

/**
 * CSV injection (OWASP): a spreadsheet opening the export runs a cell that begins with `=`, `+`, `-` or `@` as a
 * formula (`=HYPERLINK(…)` in a mail sender's address is enough), and tab and carriage return lead to the same on
 * some. Such a cell is written with a single quote in front, which spreadsheets show as text; a cell that already
 * begins with a quote gets one more, so that `parseCsvCell` can take exactly one away and every cell reads back as
 * written. The rule is by first character only, whatever the column: numbers and times never begin with one of them
 * here (sequence numbers are positive, times are ISO 8601), and the JSON of the data column begins with `{`.
 */
const FORMULA_STARTS = new Set(['=', '+', '-', '@', '\t', '\r', "'"]);

export function escapeCsvCell(value: string): string {
  return FORMULA_STARTS.has(value.charAt(0)) ? `'${value}` : value;
}

/** The value of a cell `escapeCsvCell` wrote; a cell it could not have written (a needless quote, a bare `=`) is refused. */
export function parseCsvCell(cell: string, column: string): string {
  const value = cell.startsWith("'") ? cell.slice(1) : cell;
  if (escapeCsvCell(value) !== cell) {
    throw new RecordFormatError(
      cell.startsWith("'")
        ? `the ${column} column has a quote in front that is not an escape`
        : `the ${column} column begins with ${JSON.stringify(cell.charAt(0))} unescaped (a spreadsheet would run it as a formula)`,
    );
  }
  return value;
}

/** The cells of a record, escaped (`escapeCsvCell`). */
export function csvFields(record: ExportRecord): string[] {
  return plainCsvFields(record).map(escapeCsvCell);
}

export function plainCsvFields(record: ExportRecord): string[] {
  if (record.kind === 'event') {
    return [
      record.requestId,
      String(record.seq),
      record.at,
      record.type,
      record.actor,
      canonicalJson(record.data),
      record.prevHash,
      record.hash,
      'event',
    ];
  }
  const requestId = record.kind === 'content' ? record.requestId : '';
  const at = record.kind === 'export' ? record.exportedAt : record.kind === 'checkpoint' ? record.at : '';
  const hash = record.kind === 'end' ? record.digest : record.kind === 'content' ? record.contentHash : record.hash;
  return [requestId, '', at, '', '', canonicalJson(recordJson(record)), '', hash, record.kind];
}

/** CSV text of some records, through csv-stringify (quoting, embedded quotes and newlines are its business). */
export function csvText(records: readonly ExportRecord[], withHeader: boolean): string {
  return stringify(records.map(csvFields), { header: withHeader, columns: [...CSV_COLUMNS], eof: true, record_delimiter: 'unix' });
}

export function formatRecords(records: readonly ExportRecord[], format: ExportFormat, withCsvHeader: boolean): string {
  return format === 'csv' ? csvText(records, withCsvHeader) : records.map(jsonlLine).join('');
}

/** A record or cursor that is not what an export writes (export-parse.ts reads them back). */
export class RecordFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordFormatError';
  }
}
