import { describe, expect, it } from 'vitest';
import { parseJsonlRecord } from '../../lambdas/core/audit/export-parse.js';
import { verifyExport } from '../../lambdas/core/audit/audit-verify.js';
import type { AuditReader } from '../../lambdas/core/audit/audit-reader.js';
import { ValidationError } from '../../lambdas/core/errors.js';
import { MAX_DAYS_PER_PAGE } from '../../lambdas/use-cases/export-audit.js';
import { exportPage } from '../../lambdas/use-cases/export-page.js';
import { NOW, sampleStore, signer } from '../core/audit-fixture.js';

// Issue #13, found by the fuzz pass: each page of GET /v1/audit/export reads a bounded number of days of the time
// index, whatever range it is asked for. `to=2100` read 27,000 empty days before answering, past the function's
// 30 s (a 500), and `from=1970` as many before the store's first event; a year outside 0000–9999 failed in the
// date arithmetic (a 500).

/** The sample store (three hours of 2030-03-04, sealed), behind a reader that counts the days of the time index read. */
async function countingStore(): Promise<{ readonly reader: AuditReader; readonly days: string[] }> {
  const store = await sampleStore();
  const days: string[] = [];
  const reader: AuditReader = {
    eventsOfDay: (day, fromKey, toKey, filter, startAfter) => {
      days.push(day);
      return store.eventsOfDay(day, fromKey, toKey, filter, startAfter);
    },
    chainEvents: (requestId, fromSeq, toSeq, filter) => store.chainEvents(requestId, fromSeq, toSeq, filter),
    eventAt: (requestId, seq) => store.eventAt(requestId, seq),
    chainEnds: (requestId) => store.chainEnds(requestId),
    earliestEventAt: () => store.earliestEventAt(),
    firstCheckpoint: () => store.firstCheckpoint(),
    latestCheckpoint: () => store.latestCheckpoint(),
    checkpointsBetween: (fromHour, toHour, afterHour) => store.checkpointsBetween(fromHour, toHour, afterHour),
    contents: (requestId) => store.contents(requestId),
  };
  return { reader, days };
}

/** Every page of an export, each asked with the cursor of the one before. */
async function allPages(
  store: { readonly reader: AuditReader; readonly days: string[] },
  input: Parameters<typeof exportPage>[0]['input'],
  limit: number,
  now = NOW,
) {
  const pages: { body: string; days: number }[] = [];
  let cursor: string | undefined;
  do {
    const before = store.days.length;
    const page = await exportPage({ cursor, input, limit, now }, { reader: store.reader, newExportId: () => 'export-1' });
    pages.push({ body: page.body, days: store.days.length - before });
    cursor = page.next;
  } while (cursor !== undefined);
  return pages;
}

describe('a page of the audit export', () => {
  it(`reads at most ${MAX_DAYS_PER_PAGE} days of the time index, and the pages together are the whole export`, async () => {
    // Prepare: three hours of events on 2030-03-04, asked for with a type that is rare, from a year before
    const store = await countingStore();
    const input = { format: 'jsonl' as const, from: '2029-03-04T00:00:00Z', types: ['request.outcome'] };

    // Act
    const pages = await allPages(store, input, 1_000);

    // Assess: no page read more than the bound; the days before the store's first event were not read at all
    expect(Math.max(...pages.map((p) => p.days))).toBeLessThanOrEqual(MAX_DAYS_PER_PAGE);
    expect(store.days.every((d) => d >= '2030-03-04')).toBe(true);
    const records = pages.flatMap((p) => p.body.split('\n').filter((l) => l !== '')).map(parseJsonlRecord);
    expect(records.filter((r) => r.kind === 'event')).toHaveLength(1);
    expect(records.at(-1)?.kind).toBe('end');
    expect(
      (
        await verifyExport(
          records.map((record, i) => ({ n: i + 1, record })),
          signer,
        )
      ).ok,
    ).toBe(true);
  });

  it('stops a long range with nothing in it after the bound, empty, with a cursor that goes on from the next day', async () => {
    // Prepare: 2030 asked for on an account with no events, half a year after
    const store = await countingStore();
    const input = { format: 'jsonl' as const, from: '2030-01-01T00:00:00Z', to: '2031-01-01T00:00:00Z', account: 'none-x' };

    // Act
    const pages = await allPages(store, input, 1_000, new Date('2031-06-01T00:00:00Z'));

    // Assess: the 303 days from the store's first (4 March) to 31 December, 92 a page, each read once
    expect(pages.map((p) => p.days)).toEqual([92, 92, 92, 27]);
    expect(new Set(store.days).size).toBe(303);
    expect(pages.slice(1, 3).map((p) => p.body)).toEqual(['', '']);
    const records = pages.flatMap((p) => p.body.split('\n').filter((l) => l !== '')).map(parseJsonlRecord);
    expect(records.map((r) => r.kind)).toEqual(['export', 'checkpoint', 'checkpoint', 'checkpoint', 'end']);
    expect(
      (
        await verifyExport(
          records.map((record, i) => ({ n: i + 1, record })),
          signer,
        )
      ).ok,
    ).toBe(true);
  });

  it('reads no day after tomorrow, however far the range goes', async () => {
    // Prepare
    const store = await countingStore();

    // Act
    const pages = await allPages(store, { format: 'jsonl', from: '2030-03-04T09:00:00Z', to: '2100-01-01T00:00:00Z' }, 1_000);

    // Assess: the day of NOW (2030-03-04) and the next, in one page
    expect(store.days).toEqual(['2030-03-04', '2030-03-05']);
    expect(pages).toHaveLength(1);
    expect(
      pages[0]?.body
        .split('\n')
        .filter((l) => l !== '')
        .map(parseJsonlRecord)
        .at(-1)?.kind,
    ).toBe('end');
  });

  it.each([['-271821-04-20T00:00:00Z'], ['+275760-09-13T00:00:00Z'], ['+010000-01-01T00:00:00Z']])(
    'refuses %s, a year outside 0000–9999, naming it (400)',
    async (from) => {
      // Prepare
      const store = await countingStore();

      // Act
      const page = exportPage(
        { input: { format: 'jsonl', from }, limit: 10, now: NOW },
        { reader: store.reader, newExportId: () => 'export-1' },
      );

      // Assess
      await expect(page).rejects.toThrow(ValidationError);
      await expect(page).rejects.toThrow(`from must be a time between the years 0000 and 9999 (got "${from}")`);
    },
  );
});
