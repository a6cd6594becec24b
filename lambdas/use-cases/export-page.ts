import { csvText, jsonlLine, RecordFormatError, type ExportFormat, type ExportRecord } from '../core/audit/audit-export.js';
import { decodeCursor, encodeCursor } from '../core/audit/export-parse.js';
import type { AuditReader } from '../core/audit/audit-reader.js';
import { ValidationError } from '../core/errors.js';
import { AuditExport, MAX_DAYS_PER_PAGE, planExport, type ExportInput } from './export-audit.js';

// One page of the audit export (GET /v1/audit/export): at most `limit` records and about 4 MB, so an answer stays
// well inside what API Gateway and Lambda hand back (6 MB, 30 s) and the function holds one page in memory. A page
// that is not the last carries the cursor of the next; the pages' bodies, concatenated, are the export file (the CSV
// header is on the first page only). Where there is an archive (AWS), each page is also written to it as
// exports/<exportId>/<page>.<format>.

export const MAX_PAGE_BYTES = 4 * 1024 * 1024;

export const CONTENT_TYPES: Readonly<Record<ExportFormat, string>> = {
  jsonl: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

export interface ExportPagePorts {
  readonly reader: AuditReader;
  /** The write-once copy (AWS); absent locally. */
  readonly archive?: { put(key: string, body: string, contentType: string): Promise<void> } | undefined;
  newExportId(): string;
}

export interface PageRequest {
  /** The cursor a previous page gave; without one, the export starts from `input`. */
  readonly cursor?: string | undefined;
  readonly input: ExportInput;
  readonly limit: number;
  readonly now: Date;
}

export interface ExportPage {
  readonly body: string;
  readonly format: ExportFormat;
  readonly exportId: string;
  readonly page: number;
  /** The cursor of the next page; undefined on the last. */
  readonly next: string | undefined;
}

export async function exportPage(request: PageRequest, ports: ExportPagePorts): Promise<ExportPage> {
  let position: ReturnType<typeof decodeCursor>;
  try {
    position =
      request.cursor !== undefined
        ? decodeCursor(request.cursor)
        : await planExport(request.input, ports.reader, request.now, ports.newExportId());
  } catch (error) {
    if (error instanceof RecordFormatError) throw new ValidationError([error.message]);
    throw error;
  }
  const run = new AuditExport(position, ports.reader, { maxDays: MAX_DAYS_PER_PAGE, now: request.now });
  const chunks: string[] = [];
  let bytes = 0;
  let records = 0;
  let last: ExportRecord | undefined;
  const firstPage = !position.header;
  for await (const record of run.records()) {
    const text = position.format === 'csv' ? csvText([record], firstPage && records === 0) : jsonlLine(record);
    chunks.push(text);
    bytes += text.length;
    records++;
    last = record;
    if (record.kind !== 'end' && run.safe && (records >= request.limit || bytes >= MAX_PAGE_BYTES)) break;
  }
  const body = chunks.join('');
  const page = position.page + 1;
  await ports.archive?.put(
    `exports/${position.exportId}/${String(page).padStart(6, '0')}.${position.format}`,
    body,
    CONTENT_TYPES[position.format],
  );
  const next = last?.kind === 'end' ? undefined : encodeCursor({ ...run.position, page });
  return { body, format: position.format, exportId: position.exportId, page, next };
}
