import { appendFileSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { LineFile } from '../../local/line-file.js';

// The local outbox's file (issue #13): an index beside it says where each line ends, so a start reads only what was
// appended after its last entry; pages are read from disk, a line cut short by a crash waits for its newline, and a line
// of the wrong shape is an error naming it.

const work = mkdtempSync(join(tmpdir(), 'signoff-line-file-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const entry = z.object({ n: z.number(), text: z.string() });
type Entry = z.infer<typeof entry>;

function parse(text: string, line: number): Entry {
  const result = entry.safeParse(JSON.parse(text));
  if (!result.success) throw new Error(`line ${line}: not an entry`);
  return result.data;
}

let files = 0;
function fileWith(content: string): string {
  const path = join(work, `file-${files++}.jsonl`);
  writeFileSync(path, content);
  return path;
}

// Lines of varied length, multi-byte text and some over the 64 KiB read chunk, so lines cross chunk boundaries.
const line = (n: number) => JSON.stringify({ n, text: `${'é✓'.repeat(n % 7)}${n % 97 === 0 ? 'x'.repeat(70_000) : ''}` });
const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `${line(from + i)}\n`).join('');

describe('LineFile', () => {
  it('indexes N lines in one pass and reads any page of them from disk', async () => {
    // Prepare
    const path = fileWith(lines(0, 1234));

    // Act
    const file = await LineFile.open(path, parse, { validate: true });
    const pages = await Promise.all([
      file.page(0, 500),
      file.page(500, 500),
      file.page(1000, 500),
      file.page(1234, 500),
      file.page(5000, 1),
    ]);
    const latest = await file.latest(100);

    // Assess
    expect(file.count).toBe(1234);
    expect(pages.map((p) => p.length)).toEqual([500, 500, 234, 0, 0]);
    expect(pages.flat().map((e) => e.n)).toEqual(Array.from({ length: 1234 }, (_, i) => i));
    expect(pages[2]?.at(-1)).toEqual(JSON.parse(line(1233)));
    expect(latest.map((e) => e.n)).toEqual(Array.from({ length: 100 }, (_, i) => 1134 + i));
  });

  it('reads an empty or missing file as no lines, and a line appended as the next one', async () => {
    // Prepare
    const path = join(work, 'missing.jsonl');
    const file = await LineFile.open(path, parse, { validate: true });
    const before = [file.count, (await file.page(0, 10)).length];

    // Act
    file.append(line(0));
    file.append(line(1));
    const reopened = await LineFile.open(path, parse, { validate: true });

    // Assess
    expect(before).toEqual([0, 0]);
    expect((await file.page(0, 10)).map((e) => e.n)).toEqual([0, 1]);
    expect((await reopened.page(1, 10)).map((e) => e.n)).toEqual([1]);
    expect(() => file.append('{"n":2,\n"text":""}')).toThrow(/newline/);
  });

  it('leaves a last line cut short by a crash out until its newline is there', async () => {
    // Prepare: three lines and half of a fourth
    const fourth = line(3);
    const path = fileWith(`${lines(0, 3)}${fourth.slice(0, 10)}`);
    const file = await LineFile.open(path, parse, { validate: true });
    const whileCut = [file.count, (await file.page(0, 10)).length, await file.partialTailBytes()];

    // Act: the rest of the line arrives
    appendFileSync(path, `${fourth.slice(10)}\n`);
    await file.refresh();

    // Assess
    expect(whileCut).toEqual([3, 3, 10]);
    expect(file.count).toBe(4);
    expect((await file.page(3, 10)).map((e) => e.n)).toEqual([3]);
    expect(await file.partialTailBytes()).toBe(0);
  });

  it('cuts a partial last line off when asked, so the next append starts a line of its own', async () => {
    // Prepare
    const path = fileWith(`${lines(0, 2)}{"n":2,"te`);
    const file = await LineFile.open(path, parse, { validate: true });

    // Act
    const cut = await file.dropPartialTail();
    file.append(line(2));

    // Assess
    expect(cut).toBe(10);
    expect(readFileSync(path, 'utf8')).toBe(lines(0, 3));
    expect((await LineFile.open(path, parse, { validate: true })).count).toBe(3);
  });

  it('fails on a malformed line with an error naming it, blank lines counted, when opened or when read', async () => {
    // Prepare: line 4 of the file (the third entry, after a blank line) is not an entry
    const path = fileWith(`${line(0)}\n\n${line(1)}\n{"n":"two"}\n${line(3)}\n`);

    // Act
    const opening = await LineFile.open(path, parse, { validate: true }).then(
      () => undefined,
      (error: unknown) => error,
    );
    const unvalidated = await LineFile.open(path, parse, { validate: false });

    // Assess
    expect(opening).toEqual(new Error('line 4: not an entry'));
    expect(unvalidated.count).toBe(4);
    expect((await unvalidated.page(0, 2)).map((e) => e.n)).toEqual([0, 1]);
    expect((await unvalidated.page(3, 1)).map((e) => e.n)).toEqual([3]);
    await expect(unvalidated.page(1, 2)).rejects.toThrow('line 4: not an entry');
  });

  it('opens by its index: a start parses only the lines appended after its last entry, and indexes them', async () => {
    // Prepare: 1,000 lines indexed; then line 500 is spoiled in place (same bytes) and 2 lines are appended unindexed,
    // as a crash between a line and its entry would leave them
    const path = fileWith(lines(0, 1000));
    await LineFile.open(path, parse, { validate: true });
    const text = readFileSync(path, 'utf8');
    const at = text.indexOf(`${line(500)}\n`);
    writeFileSync(
      path,
      `${text.slice(0, at)}{"n":"spoilt"}${' '.repeat(Buffer.byteLength(line(500)) - 14)}${text.slice(at + line(500).length)}`,
    );
    appendFileSync(path, lines(1000, 1002));

    // Act
    const reopened = await LineFile.open(path, parse, { validate: true });
    appendFileSync(path, '{"n":"not an entry"}\n');
    const withBadTail = await LineFile.open(path, parse, { validate: true }).then(
      () => undefined,
      (error: unknown) => error,
    );

    // Assess
    expect(reopened.count).toBe(1002);
    expect((await reopened.page(1000, 10)).map((e) => e.n)).toEqual([1000, 1001]);
    await expect(reopened.page(499, 3)).rejects.toThrow('line 501: not an entry');
    expect(withBadTail).toEqual(new Error('line 1003: not an entry'));
  });

  it('builds the index again when it does not fit its file: missing, cut short, or of a file put in its place', async () => {
    // Prepare
    const path = fileWith(lines(0, 30));
    const first = await LineFile.open(path, parse, { validate: true });
    first.append(line(30));
    const entryBytes = (statSync(`${path}.idx`).size - 16) / 31;
    appendFileSync(`${path}.idx`, Buffer.alloc(5));
    const cutShort = await LineFile.open(path, parse, { validate: true });
    const afterCut = [cutShort.count, (await cutShort.latest(1))[0]?.n];
    renameSync(fileWith(lines(100, 120)), path);
    const replaced = await LineFile.open(path, parse, { validate: true });
    const afterReplaced = [replaced.count, (await replaced.page(0, 1))[0]?.n];
    rmSync(`${path}.idx`);

    // Act
    const missing = await LineFile.open(path, parse, { validate: true });

    // Assess
    expect(entryBytes).toBe(16);
    expect(afterCut).toEqual([31, 30]);
    expect(afterReplaced).toEqual([20, 100]);
    expect([missing.count, (await missing.latest(1))[0]?.n]).toEqual([20, 119]);
    expect(statSync(`${path}.idx`).size).toBe(16 + 20 * 16);
  });
});
