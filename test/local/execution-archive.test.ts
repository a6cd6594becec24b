import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExecutionArchive, type FinishedExecution } from '../../local/workflow/archive.js';

// The archive of finished executions (issue #13): found by name or by task token without reading the whole of it,
// and a line a crash cut short neither hides nor swallows the next one.

const work = mkdtempSync(join(tmpdir(), 'signoff-archive-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A task token's hash, as the engine keeps it. */
const tokenHash = (i: number) => createHash('sha256').update(`token ${i}`).digest('hex');

function finished(name: string): FinishedExecution {
  return {
    name,
    arn: `arn:aws:states:us-east-1:000000000000:execution:m:${name}`,
    input: { requestId: name },
    startDate: 1_000,
    status: 'SUCCEEDED',
    stopDate: 3_000,
    output: { outcome: 'approved' },
    events: [
      ['ExecutionStarted', 0],
      ['TaskStateEntered', 1, 'RecordSubmission'],
      ['ExecutionSucceeded', 2_000],
    ],
  };
}

describe('ExecutionArchive', () => {
  it('finds each of 1,000 executions by name and by token, reading one of 256 files for each', () => {
    // Prepare
    const dir = join(work, 'many');
    const archive = new ExecutionArchive(dir);
    const names = Array.from({ length: 1_000 }, (_, i) => `req_${i}`);
    for (const [i, name] of names.entries()) archive.add(finished(name), [tokenHash(i)]);

    // Act
    const found = names.map((name) => archive.get(name));
    const owners = names.map((_, i) => archive.tokenOwner(tokenHash(i)));
    const files = readdirSync(dir);
    const largest = Math.max(...files.map((f) => readFileSync(join(dir, f)).length));
    const total = files.reduce((sum, f) => sum + readFileSync(join(dir, f)).length, 0);

    // Assess
    expect(found).toEqual(names.map(finished));
    expect(owners).toEqual(names.map((name) => finished(name).arn));
    expect(archive.get('req_1000')).toBeUndefined();
    expect(archive.tokenOwner(tokenHash(1_000))).toBeUndefined();
    expect(files.length).toBeLessThanOrEqual(256);
    expect(largest).toBeLessThan(total / 50);
    expect(
      archive
        .summaries()
        .map((e) => e.arn)
        .sort(),
    ).toEqual(names.map((name) => finished(name).arn).sort());
  });

  it('skips a line a crash cut short, and starts the next line on a line of its own', () => {
    // Prepare: an archived execution, then half of the next one's line
    const dir = join(work, 'cut');
    const archive = new ExecutionArchive(dir);
    archive.add(finished('kept'), []);
    const [file] = readdirSync(dir);
    const half = JSON.stringify(finished('cut')).slice(0, 40);
    appendFileSync(join(dir, file ?? ''), half);

    // Act: the cut execution is archived again (from its journal, after the restart), and so is another
    const whileCut = archive.get('cut');
    archive.add(finished('cut'), []);
    archive.add(finished('kept-2'), []);

    // Assess
    expect(whileCut).toBeUndefined();
    expect([archive.get('kept'), archive.get('cut'), archive.get('kept-2')]).toEqual([
      finished('kept'),
      finished('cut'),
      finished('kept-2'),
    ]);
  });
});
