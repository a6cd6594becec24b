import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { LineFile } from '../../local/line-file.js';

// The local outbox's file (issue #13): one streaming pass indexes where each line starts, pages are read from disk,
// a line cut short by a crash waits for its newline, and a line of the wrong shape is an error naming it.

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
});
