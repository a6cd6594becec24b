import { atKeyOf, chainEvent, stampAfter, type AuditEvent, type Json } from '../../lambdas/core/audit/audit-chain.js';
import { hmacSigner, hourIndexOf, type Checkpoint, type CheckpointHead, type Period } from '../../lambdas/core/audit/audit-checkpoint.js';
import { jsonlLine, type ContentRecord, type ExportRecord } from '../../lambdas/core/audit/audit-export.js';
import { contentHashOf } from '../../lambdas/core/ids.js';
import type { Submission } from '../../lambdas/core/model.js';
import type { AuditReader, EventFilter, StoredEvent } from '../../lambdas/core/audit/audit-reader.js';
import type { ExportInput } from '../../lambdas/use-cases/export-audit.js';
import { AuditExport, planExport } from '../../lambdas/use-cases/export-audit.js';
import { writeCheckpoints, type CheckpointPorts } from '../../lambdas/use-cases/write-checkpoint.js';

// An in-memory audit store with the semantics of lambdas/adapters/audit.ts (the same chaining, stamping and
// index attributes), behind the ports the export and the checkpoint writer use. Tests build real exports with it.

export const TEST_KEY = 'test-audit-key-0123456789abcdef';
export const signer = hmacSigner(TEST_KEY);

interface Row extends StoredEvent {
  readonly atKey: string;
}

export class MemoryAudit implements AuditReader {
  readonly #chains = new Map<string, Row[]>();
  readonly #checkpoints = new Map<number, Checkpoint>();
  readonly #contents = new Map<string, ContentRecord[]>();

  append(requestId: string, type: string, actor: string, data: { readonly [key: string]: Json }, now: Date): AuditEvent {
    const chain = this.#chains.get(requestId) ?? [];
    const head = chain[chain.length - 1];
    const event = chainEvent(head?.event, { requestId, at: stampAfter(head?.event, now), type, actor, data });
    const account = head === undefined ? data['account'] : head.account;
    chain.push({
      event,
      atKey: atKeyOf(event.at, requestId, event.seq),
      ...(typeof account === 'string' ? { account } : {}),
      ...(head !== undefined ? { prevAt: head.event.at } : {}),
    });
    this.#chains.set(requestId, chain);
    return event;
  }

  setContents(requestId: string, submissions: readonly Submission[]): ContentRecord[] {
    const records = submissions.map(
      (s, i): ContentRecord => ({
        kind: 'content',
        requestId,
        version: i + 1,
        contentHash: contentHashOf(s),
        submission: s as unknown as ContentRecord['submission'],
      }),
    );
    this.#contents.set(requestId, records);
    return records;
  }

  #matches(row: Row, filter: EventFilter | undefined): boolean {
    return (
      (filter?.account === undefined || row.account === filter.account) &&
      (filter?.types === undefined || filter.types.includes(row.event.type))
    );
  }

  async *eventsOfDay(day: string, fromKey: string, toKey: string, filter?: EventFilter, startAfter?: string): AsyncGenerator<StoredEvent> {
    const rows = [...this.#chains.values()]
      .flat()
      .filter(
        (r) =>
          r.event.at.startsWith(day) &&
          r.atKey >= fromKey &&
          r.atKey <= toKey &&
          (startAfter === undefined || r.atKey > startAfter) &&
          this.#matches(r, filter),
      )
      .sort((a, b) => (a.atKey < b.atKey ? -1 : 1));
    yield* rows;
  }

  async *chainEvents(requestId: string, fromSeq = 1, toSeq = Number.MAX_SAFE_INTEGER, filter?: EventFilter): AsyncGenerator<StoredEvent> {
    yield* (this.#chains.get(requestId) ?? []).filter((r) => r.event.seq >= fromSeq && r.event.seq <= toSeq && this.#matches(r, filter));
  }

  async eventAt(requestId: string, seq: number): Promise<StoredEvent | undefined> {
    return this.#chains.get(requestId)?.[seq - 1];
  }

  async chainEnds(requestId: string): Promise<{ first: StoredEvent; last: StoredEvent } | undefined> {
    const chain = this.#chains.get(requestId) ?? [];
    const first = chain[0];
    const last = chain[chain.length - 1];
    return first === undefined || last === undefined ? undefined : { first, last };
  }

  async earliestEventAt(): Promise<string | undefined> {
    const all = [...this.#chains.values()]
      .flat()
      .map((r) => r.event.at)
      .sort();
    return all[0];
  }

  async firstCheckpoint(): Promise<Checkpoint | undefined> {
    return [...this.#checkpoints.entries()].sort(([a], [b]) => a - b)[0]?.[1];
  }

  async latestCheckpoint(): Promise<Checkpoint | undefined> {
    return [...this.#checkpoints.entries()].sort(([a], [b]) => b - a)[0]?.[1];
  }

  async *checkpointsBetween(fromHour: number, toHour: number, afterHour?: number): AsyncGenerator<Checkpoint> {
    const lo = afterHour === undefined ? fromHour : Math.max(fromHour, afterHour + 1);
    for (const [hour, cp] of [...this.#checkpoints.entries()].sort(([a], [b]) => a - b)) if (hour >= lo && hour < toHour) yield cp;
  }

  async contents(requestId: string): Promise<ContentRecord[]> {
    return this.#contents.get(requestId) ?? [];
  }

  async headsOf(period: Period): Promise<CheckpointHead[]> {
    const heads = new Map<string, CheckpointHead>();
    for await (const { event, account } of this.eventsOfDay(period.from.slice(0, 10), period.from, period.to)) {
      heads.set(event.requestId, {
        requestId: event.requestId,
        seq: event.seq,
        hash: event.hash,
        ...(account !== undefined ? { account } : {}),
      });
    }
    return [...heads.values()];
  }

  readonly ports: CheckpointPorts = {
    latestCheckpoint: () => this.latestCheckpoint(),
    earliestEventAt: () => this.earliestEventAt(),
    headsOf: (period) => this.headsOf(period),
    putCheckpoint: async (cp) => {
      const hour = hourIndexOf(cp.period.from);
      const existing = this.#checkpoints.get(hour);
      if (existing !== undefined) return existing;
      this.#checkpoints.set(hour, cp);
      return cp;
    },
    signer: async () => signer,
  };

  async seal(now: Date): Promise<Checkpoint[]> {
    return [...(await writeCheckpoints(now, this.ports)).written];
  }

  async exportAll(input: ExportInput, now: Date): Promise<ExportRecord[]> {
    const records: ExportRecord[] = [];
    for await (const r of new AuditExport(await planExport(input, this, now, 'export-1'), this).records()) records.push(r);
    return records;
  }
}

export const T0 = Date.parse('2030-03-04T09:00:00.000Z');
export const HOUR = 3_600_000;
export const at = (ms: number) => new Date(T0 + ms);

/**
 * Three requests over three hours, then sealed: req_a (physics-x) submitted, checked and approved; req_b
 * (chem-x) submitted and rejected; req_c (physics-x) submitted in the second hour, decided in the third.
 */
export async function sampleStore(): Promise<MemoryAudit> {
  const store = new MemoryAudit();
  store.append(
    'req_a',
    'request.submitted',
    'ada@example.org',
    { account: 'physics-x', kind: 'brand-post', channel: 'webhook', version: 1, contentHash: 'a'.repeat(64) },
    at(5 * 60_000),
  );
  store.append(
    'req_b',
    'request.submitted',
    'bob@example.org',
    { account: 'chem-x', kind: 'brand-post', channel: 'mail', version: 1, contentHash: 'b'.repeat(64) },
    at(10 * 60_000),
  );
  store.append(
    'req_a',
    'checks.completed',
    'signoff',
    { version: 1, blocked: false, findings: [{ rule: 'P-SOURCE', severity: 'warn', message: 'no link' }] },
    at(15 * 60_000),
  );
  store.append(
    'req_b',
    'decision.recorded',
    'grace@example.org',
    { stage: 'supervisor', decision: 'reject', channel: 'web', linkHash: 'c'.repeat(64), version: 1 },
    at(40 * 60_000),
  );
  store.append(
    'req_a',
    'decision.recorded',
    'grace@example.org',
    { stage: 'supervisor', decision: 'approve', channel: 'web', linkHash: 'd'.repeat(64), version: 1 },
    at(HOUR + 5 * 60_000),
  );
  store.append(
    'req_c',
    'request.submitted',
    'ada@example.org',
    { account: 'physics-x', kind: 'brand-post', channel: 'webhook', version: 1, contentHash: 'e'.repeat(64) },
    at(HOUR + 20 * 60_000),
  );
  store.append('req_a', 'request.outcome', 'signoff', { outcome: 'approved', version: 1 }, at(HOUR + 30 * 60_000));
  store.append(
    'req_c',
    'decision.recorded',
    'carl@example.org',
    { stage: 'comms', decision: 'approve', channel: 'mail', linkHash: 'f'.repeat(64), version: 1 },
    at(2 * HOUR + 10 * 60_000),
  );
  await store.seal(at(3 * HOUR + 10 * 60_000));
  return store;
}

export const NOW = at(3 * HOUR + 15 * 60_000);

export function toJsonl(records: readonly ExportRecord[]): string[] {
  return records.map((r) => jsonlLine(r).slice(0, -1));
}
