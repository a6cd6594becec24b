import { describe, expect, it } from 'vitest';
import type { ExportRecord } from '../../lambdas/core/audit/audit-export.js';
import { decodeCursor, encodeCursor } from '../../lambdas/core/audit/export-parse.js';
import { verifyExport } from '../../lambdas/core/audit/audit-verify.js';
import type { Submission } from '../../lambdas/core/model.js';
import { AuditExport, planExport } from '../../lambdas/use-cases/export-audit.js';
import { at, HOUR, MemoryAudit, NOW, sampleStore, signer, toJsonl } from '../core/audit-fixture.js';

// The export as a sequence of records: ranges, chains from seq 1, checkpoints in place, contents, and pages that
// continue exactly where the last one stopped.

const numbered = (records: readonly ExportRecord[]) => records.map((record, i) => ({ n: i + 1, record }));

/** Runs an export in pages of `limit` records, each page from the cursor of the one before. */
async function paged(
  store: MemoryAudit,
  input: Parameters<typeof planExport>[0],
  limit: number,
): Promise<{ records: ExportRecord[]; pages: number }> {
  let position = await planExport(input, store, NOW, 'export-1');
  const records: ExportRecord[] = [];
  for (let pages = 1; ; pages++) {
    const run = new AuditExport(decodeCursor(encodeCursor(position)), store);
    let count = 0;
    let done = false;
    for await (const record of run.records()) {
      records.push(record);
      count++;
      if (record.kind === 'end') done = true;
      else if (count >= limit && run.safe) break;
    }
    if (done) return { records, pages };
    position = run.position;
  }
}

const submission = (text: string): Submission => ({
  kind: 'brand-post',
  submitter: 'ada@example.org',
  account: 'physics-x',
  title: 'Open day',
  text,
  format: 'post',
  media: [{ type: 'image', url: 'https://example.org/a.jpg', alt: 'A detector' }],
  attestations: {},
});

describe('an export in pages', () => {
  it.each([1, 2, 3, 5, 100])('gives the same records in pages of %i as in one go', async (limit) => {
    // Prepare
    const store = await sampleStore();
    const whole = await store.exportAll({ format: 'jsonl' }, NOW);

    // Act
    const { records, pages } = await paged(store, { format: 'jsonl' }, limit);

    // Assess
    expect(toJsonl(records)).toEqual(toJsonl(whole));
    expect(pages).toBeGreaterThanOrEqual(limit >= 13 ? 1 : 2);
    expect((await verifyExport(numbered(records), signer)).ok).toBe(true);
  });

  it('never stops inside the earlier events a chain brings into a date range', async () => {
    // Prepare: from 10h, req_a brings a#1 and a#2 along before a#3
    const store = await sampleStore();
    const whole = await store.exportAll({ format: 'jsonl', from: '2030-03-04T10:00:00Z' }, NOW);

    // Act
    const { records } = await paged(store, { format: 'jsonl', from: '2030-03-04T10:00:00Z' }, 2);

    // Assess
    expect(toJsonl(records)).toEqual(toJsonl(whole));
    expect((await verifyExport(numbered(records), signer)).ok).toBe(true);
  });
});

describe('planExport', () => {
  it('widens the range to whole hours and records what was sealed', async () => {
    // Prepare
    const store = await sampleStore();

    // Act
    const position = await planExport({ format: 'csv', from: '2030-03-04T09:30:00Z', to: '2030-03-04T10:10:00Z' }, store, NOW, 'x');

    // Assess
    expect(position.filter).toEqual({ from: '2030-03-04T09:00:00.000Z', to: '2030-03-04T11:00:00.000Z' });
    expect(position.sealedUntil).toBe('2030-03-04T12:00:00.000Z');
  });

  it('covers a single request from its first hour to the end of its last', async () => {
    // Prepare
    const store = await sampleStore();

    // Act
    const position = await planExport({ format: 'jsonl', requestId: 'req_c' }, store, NOW, 'x');

    // Assess
    expect(position.filter).toEqual({ from: '2030-03-04T10:00:00.000Z', to: '2030-03-04T12:00:00.000Z', requestId: 'req_c' });
    expect(position.contents).toBe(true);
  });

  it('lists every problem with the range at once', async () => {
    // Prepare
    const store = await sampleStore();

    // Act
    const act = planExport({ format: 'jsonl', from: 'yesterday', to: 'soon' }, store, NOW, 'x');

    // Assess
    await expect(act).rejects.toMatchObject({
      name: 'ValidationError',
      problems: ['from must be a date or an ISO 8601 time (got "yesterday")', 'to must be a date or an ISO 8601 time (got "soon")'],
    });
  });

  it('refuses an empty range and an unknown request', async () => {
    // Prepare
    const store = await sampleStore();

    // Act
    const empty = planExport({ format: 'jsonl', from: '2030-03-04T10:00:00Z', to: '2030-03-04T10:00:00Z' }, store, NOW, 'x');
    const unknown = planExport({ format: 'jsonl', requestId: 'req_nope' }, store, NOW, 'x');

    // Assess
    await expect(empty).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(unknown).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});

describe('what an export holds', () => {
  it('leaves out an event at exactly the end of the range', async () => {
    // Prepare
    const store = new MemoryAudit();
    store.append('req_a', 'request.submitted', 'ada@example.org', { account: 'physics-x' }, at(10 * 60_000));
    store.append('req_a', 'checks.completed', 'signoff', {}, at(HOUR));

    // Act
    const records = await store.exportAll({ format: 'jsonl', to: '2030-03-04T10:00:00Z' }, at(2 * HOUR));

    // Assess
    expect(records.filter((r) => r.kind === 'event').map((r) => (r.kind === 'event' ? r.seq : 0))).toEqual([1]);
  });

  it("puts each version's content first for a single request, bound to the chain by its contentHash", async () => {
    // Prepare
    const store = new MemoryAudit();
    const [v1, v2] = store.setContents('req_a', [submission('First text'), submission('Second text')]);
    store.append(
      'req_a',
      'request.submitted',
      'ada@example.org',
      { account: 'physics-x', version: 1, contentHash: v1?.contentHash ?? '' },
      at(60_000),
    );
    store.append('req_a', 'request.version', 'ada@example.org', { version: 2, contentHash: v2?.contentHash ?? '' }, at(2 * 60_000));

    // Act
    const records = await store.exportAll({ format: 'jsonl', requestId: 'req_a' }, at(HOUR));
    const report = await verifyExport(numbered(records), signer);

    // Assess
    expect(records.map((r) => r.kind)).toEqual(['export', 'content', 'content', 'event', 'event', 'end']);
    expect(report).toMatchObject({ ok: true, contents: 2 });
  });

  it('names content that was changed after it was hashed', async () => {
    // Prepare
    const store = new MemoryAudit();
    const [v1] = store.setContents('req_a', [submission('What was approved')]);
    store.append(
      'req_a',
      'request.submitted',
      'ada@example.org',
      { account: 'physics-x', version: 1, contentHash: v1?.contentHash ?? '' },
      at(60_000),
    );
    const records = await store.exportAll({ format: 'jsonl', requestId: 'req_a' }, at(HOUR));
    const changed = records.map((r) =>
      r.kind === 'content' ? { ...r, submission: { ...r.submission, text: 'What was not approved' } } : r,
    );

    // Act
    const report = await verifyExport(numbered(changed), signer);

    // Assess
    expect(report.problem).toEqual({ record: 2, problem: 'the content of version 1 does not match its contentHash' });
  });

  it('names content that no event of its chain records', async () => {
    // Prepare
    const store = new MemoryAudit();
    store.setContents('req_a', [submission('Never submitted')]);
    store.append(
      'req_a',
      'request.submitted',
      'ada@example.org',
      { account: 'physics-x', version: 1, contentHash: 'f'.repeat(64) },
      at(60_000),
    );

    // Act
    const report = await verifyExport(numbered(await store.exportAll({ format: 'jsonl', requestId: 'req_a' }, at(HOUR))), signer);

    // Assess
    expect(report.problem?.record).toBe(2);
    expect(report.problem?.problem).toMatch(/^no event of the chain records contentHash [0-9a-f]{12}… of version 1$/);
  });

  it("keeps a chain's time order even when a writer's clock is behind", async () => {
    // Prepare: the second append comes with an earlier clock reading
    const store = new MemoryAudit();
    store.append('req_a', 'request.submitted', 'ada@example.org', { account: 'physics-x' }, at(30 * 60_000));
    store.append('req_a', 'checks.completed', 'signoff', {}, at(20 * 60_000));
    await store.seal(at(HOUR + 10 * 60_000));

    // Act
    const records = await store.exportAll({ format: 'jsonl' }, at(HOUR + 15 * 60_000));

    // Assess
    expect(records.filter((r) => r.kind === 'event').map((r) => (r.kind === 'event' ? r.at : ''))).toEqual([
      '2030-03-04T09:30:00.000Z',
      '2030-03-04T09:30:00.000Z',
    ]);
    expect((await verifyExport(numbered(records), signer)).ok).toBe(true);
  });
});
