import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import { CSV_COLUMNS, csvFields, jsonlLine, type ExportFormat, type ExportRecord } from '../lambdas/core/audit/audit-export.js';
import { parseCsvRecord, parseJsonlRecord } from '../lambdas/core/audit/export-parse.js';
import type { NumberedRecord } from '../lambdas/core/audit/audit-verify.js';

// Export files on disk, streamed both ways with constant memory: the command line, the benchmark and the tests
// read and write them through here.

export function formatOfPath(path: string): ExportFormat {
  return path.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl';
}

/**
 * Each line a record; line numbers are record numbers. A line that does not parse is reported, not thrown.
 * Yields the records of each chunk read together (verifyExport takes batches).
 */
export async function* jsonlRecords(input: Readable): AsyncGenerator<NumberedRecord[]> {
  // Split by hand rather than with readline: at a million lines its per-line machinery shows in the profile.
  input.setEncoding('utf8');
  let n = 0;
  let rest = '';
  const parse = (line: string): NumberedRecord => {
    n++;
    try {
      return { n, record: parseJsonlRecord(line.endsWith('\r') ? line.slice(0, -1) : line) };
    } catch (error) {
      return { n, error: error instanceof Error ? error.message : String(error) };
    }
  };
  for await (const chunk of input as AsyncIterable<string>) {
    const text = rest + chunk;
    const batch: NumberedRecord[] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      batch.push(parse(text.slice(start, end)));
      start = end + 1;
    }
    rest = text.slice(start);
    if (batch.length > 0) yield batch;
  }
  if (rest !== '') yield [parse(rest)];
}

/** Rows after the header; row numbers (1 = the first row after the header) are record numbers. */
export async function* csvRecords(input: Readable): AsyncGenerator<NumberedRecord[]> {
  const parser = input.pipe(parse({ relax_column_count: true }));
  let n = 0;
  let header = true;
  let batch: NumberedRecord[] = [];
  try {
    for await (const row of parser as AsyncIterable<string[]>) {
      if (header) {
        header = false;
        if (row.join(',') !== CSV_COLUMNS.join(',')) {
          yield [{ n: 0, error: `the header row is not ${CSV_COLUMNS.join(',')}` }];
          return;
        }
        continue;
      }
      n++;
      try {
        batch.push({ n, record: parseCsvRecord(row) });
      } catch (error) {
        batch.push({ n, error: error instanceof Error ? error.message : String(error) });
      }
      if (batch.length >= 1000) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    batch.push({ n: n + 1, error: `not valid CSV: ${error instanceof Error ? error.message : String(error)}` });
  }
  if (batch.length > 0) yield batch;
}

export function fileRecords(path: string, format: ExportFormat = formatOfPath(path)): AsyncGenerator<NumberedRecord[]> {
  const input = createReadStream(path);
  return format === 'csv' ? csvRecords(input) : jsonlRecords(input);
}

async function write(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/** Writes records as they come, honouring backpressure. Resolves when all of them were handed to `out`. */
export async function writeRecords(
  records: AsyncIterable<ExportRecord> | Iterable<ExportRecord>,
  out: Writable,
  format: ExportFormat,
  onRecord?: (record: ExportRecord) => void,
): Promise<void> {
  if (format === 'jsonl') {
    let buffer = '';
    for await (const record of records) {
      buffer += jsonlLine(record);
      onRecord?.(record);
      if (buffer.length >= 64 * 1024) {
        await write(out, buffer);
        buffer = '';
      }
    }
    if (buffer !== '') await write(out, buffer);
    return;
  }
  const csv = stringify({ header: true, columns: [...CSV_COLUMNS], record_delimiter: 'unix' });
  csv.pipe(out, { end: false });
  const finished = once(csv, 'end');
  for await (const record of records) {
    if (!csv.write(csvFields(record))) await once(csv, 'drain');
    onRecord?.(record);
  }
  csv.end();
  await finished;
}
