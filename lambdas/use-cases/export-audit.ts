import { atKeyOf } from '../core/audit/audit-chain.js';
import { ceilHour, floorHour, hourIndexOf, periodOf, type Checkpoint } from '../core/audit/audit-checkpoint.js';
import {
  checkpointRecord,
  DIGEST_START,
  eventRecord,
  exportHeader,
  nextDigest,
  type ExportFilter,
  type ExportFormat,
  type ExportRecord,
} from '../core/audit/audit-export.js';
import type { ExportPosition } from '../core/audit/export-parse.js';
import type { AuditReader, EventFilter, StoredEvent } from '../core/audit/audit-reader.js';
import { NotFoundError, ValidationError } from '../core/errors.js';

// The export, as one sequence of records read from the store in time order with constant memory: the time
// index one UTC day at a time (or one chain, for a single request), merged with the checkpoints of the range.
// Its whole state is an ExportPosition, so the HTTP API can answer it page by page and the command line can
// run it to the end in one go.

export interface ExportInput {
  readonly from?: string;
  readonly to?: string;
  readonly requestId?: string;
  readonly account?: string;
  readonly types?: readonly string[];
  readonly format: ExportFormat;
  /** Include each version's content (default: for a single request). */
  readonly contents?: boolean;
}

const DAY_MS = 86_400_000;

function instant(value: string, name: string, problems: string[]): string | undefined {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) {
    problems.push(`${name} must be a date or an ISO 8601 time (got "${value}")`);
    return undefined;
  }
  const iso = new Date(ms).toISOString();
  // A year outside 0000–9999 is written with a sign and six digits ("+275760-09-13…"): it sorts before every time of
  // the time index as text, and the day walk's arithmetic failed on it (a 500).
  if (!/^\d{4}-/.test(iso)) {
    problems.push(`${name} must be a time between the years 0000 and 9999 (got "${value}")`);
    return undefined;
  }
  return iso;
}

/**
 * The days of the time index one page reads at most. Each is one query, whether it holds events or not: an export
 * of a long range with few events in it (a rare event type, a quiet account, from 1970) read every day of the range
 * before it answered — 27,000 days for `to=2100`, beyond the function's 30 s — where now a page stops after this
 * many days, short or empty, with the cursor of the next. A quarter of a year: about half a second against dynalite.
 */
export const MAX_DAYS_PER_PAGE = 92;

/** Fixes what an export covers, before its first record: the range on whole hours, and what was sealed. */
export async function planExport(input: ExportInput, reader: AuditReader, now: Date, exportId: string): Promise<ExportPosition> {
  const problems: string[] = [];
  const fromInput = input.from === undefined ? undefined : instant(input.from, 'from', problems);
  const toInput = input.to === undefined ? undefined : instant(input.to, 'to', problems);
  if (problems.length > 0) throw new ValidationError(problems);

  let from: string;
  let to: string;
  let firstDay: string | undefined;
  if (input.requestId !== undefined) {
    const ends = await reader.chainEnds(input.requestId);
    if (ends === undefined) throw new NotFoundError(`request ${input.requestId} has no audit events`);
    from = fromInput !== undefined ? floorHour(fromInput) : floorHour(ends.first.event.at);
    to = toInput !== undefined ? ceilHour(toInput) : periodOf(ends.last.event.at).to;
  } else {
    // The first checkpoint starts at the hour of the store's earliest event (write-checkpoint.ts), and every event
    // after it is stamped when written: no day before that holds an event. Without either, none before now does.
    const history = (await reader.firstCheckpoint())?.period.from ?? (await reader.earliestEventAt()) ?? now.toISOString();
    from = floorHour(fromInput ?? history);
    to = toInput !== undefined ? ceilHour(toInput) : periodOf(now).to;
    // The range stays as asked (the export says what it covers); only the days read start where history does.
    if (history.slice(0, 10) > from.slice(0, 10)) firstDay = history.slice(0, 10);
  }
  if (from >= to) throw new ValidationError([`the range is empty: from ${from} is not before to ${to}`]);

  const filter: ExportFilter = {
    from,
    to,
    ...(input.requestId !== undefined ? { requestId: input.requestId } : {}),
    ...(input.account !== undefined ? { account: input.account } : {}),
    ...(input.types !== undefined && input.types.length > 0 ? { types: [...input.types] } : {}),
  };
  const latest = await reader.latestCheckpoint();
  return {
    exportId,
    exportedAt: now.toISOString(),
    format: input.format,
    filter,
    contents: input.contents ?? input.requestId !== undefined,
    sealedUntil: latest?.period.to ?? null,
    after: null,
    checkpointAfter: null,
    header: false,
    contentsDone: false,
    events: 0,
    checkpoints: 0,
    contentCount: 0,
    digest: DIGEST_START,
    page: 0,
    ...(firstDay !== undefined ? { firstDay } : {}),
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Reads ahead one checkpoint, so that each is written just before the first event after its hour. */
class CheckpointQueue {
  readonly #iterator: AsyncIterator<Checkpoint>;
  #next: Checkpoint | undefined;
  #primed = false;
  constructor(source: AsyncIterable<Checkpoint>) {
    this.#iterator = source[Symbol.asyncIterator]();
  }
  async peek(): Promise<Checkpoint | undefined> {
    if (!this.#primed) {
      const r = await this.#iterator.next();
      this.#next = r.done === true ? undefined : r.value;
      this.#primed = true;
    }
    return this.#next;
  }
  take(): void {
    this.#primed = false;
  }
}

/** What one run of an export (a page) may read of the time index; unbounded when not given (the command line). */
export interface ExportRunBounds {
  /** Days of the time index read at most; past them the run stops between two days, with no `end` record. */
  readonly maxDays?: number;
  /** The time of the run: no day after the next one can hold an event yet, so none is read (a range up to 2100). */
  readonly now?: Date;
}

export class AuditExport {
  readonly #p: Mutable<ExportPosition>;
  readonly #reader: AuditReader;
  readonly #bounds: ExportRunBounds;
  /** True where the export can stop and continue later from `position` (not inside a chain's earlier events). */
  safe = true;

  constructor(position: ExportPosition, reader: AuditReader, bounds: ExportRunBounds = {}) {
    this.#p = { ...position };
    this.#reader = reader;
    this.#bounds = bounds;
  }

  get position(): ExportPosition {
    return { ...this.#p };
  }

  #emit(record: Exclude<ExportRecord, { kind: 'end' }>): ExportRecord {
    this.#p.digest = nextDigest(this.#p.digest, record);
    if (record.kind === 'event') this.#p.events++;
    else if (record.kind === 'checkpoint') {
      this.#p.checkpoints++;
      this.#p.checkpointAfter = hourIndexOf(record.period.from);
    } else if (record.kind === 'content') this.#p.contentCount++;
    return record;
  }

  async *records(): AsyncGenerator<ExportRecord> {
    const p = this.#p;
    const { filter } = p;
    const reader = this.#reader;
    // State changes before each yield: a consumer that stops at a record never resumes the generator.
    if (!p.header) {
      p.header = true;
      yield this.#emit(exportHeader({ exportId: p.exportId, exportedAt: p.exportedAt, filter, sealedUntil: p.sealedUntil }));
    }
    if (p.contents && !p.contentsDone && filter.requestId !== undefined) {
      const contents = await reader.contents(filter.requestId);
      for (const [i, content] of contents.entries()) {
        const last = i === contents.length - 1;
        this.safe = last;
        p.contentsDone = last;
        yield this.#emit(content);
      }
      p.contentsDone = true;
      this.safe = true;
    }
    const queue = new CheckpointQueue(
      reader.checkpointsBetween(hourIndexOf(filter.from), hourIndexOf(filter.to), p.checkpointAfter ?? undefined),
    );
    const self = this;
    async function* checkpointsBefore(at: string | undefined): AsyncGenerator<ExportRecord> {
      for (let cp = await queue.peek(); cp !== undefined && (at === undefined || cp.period.to <= at); cp = await queue.peek()) {
        queue.take();
        yield self.#emit(checkpointRecord(cp));
      }
    }
    const eventFilter: EventFilter = {
      ...(filter.account !== undefined ? { account: filter.account } : {}),
      ...(filter.types !== undefined ? { types: filter.types } : {}),
    };

    for await (const stored of filter.requestId !== undefined ? this.#chain(filter.requestId, eventFilter) : this.#byTime(eventFilter)) {
      const e = stored.event;
      const inRange = e.at >= filter.from;
      if (inRange) yield* checkpointsBefore(e.at);
      // A chain's first event in range brings the chain's earlier events along, so every chain starts at seq 1.
      if (inRange && filter.requestId === undefined && filter.types === undefined && e.seq > 1) {
        const prevAt = stored.prevAt ?? (await reader.eventAt(e.requestId, e.seq - 1))?.event.at;
        if (prevAt === undefined || prevAt < filter.from) {
          this.safe = false;
          for await (const earlier of reader.chainEvents(e.requestId, 1, e.seq - 1)) yield this.#emit(eventRecord(earlier.event));
        }
      }
      const record = this.#emit(eventRecord(e));
      p.after = atKeyOf(e.at, e.requestId, e.seq);
      this.safe = true;
      yield record;
    }
    // Stopped at the bound of days read: the next run continues from the day after `dayDone`.
    if (this.#paused) return;
    yield* checkpointsBefore(undefined);
    yield { kind: 'end', events: p.events, checkpoints: p.checkpoints, contents: p.contentCount, digest: p.digest };
  }

  async *#chain(requestId: string, filter: EventFilter): AsyncGenerator<StoredEvent> {
    const afterSeq = this.#p.after === null ? 0 : Number(this.#p.after.split('#')[2]);
    for await (const stored of this.#reader.chainEvents(requestId, afterSeq + 1, Number.MAX_SAFE_INTEGER, filter)) {
      if (stored.event.at >= this.#p.filter.to) return;
      yield stored;
    }
  }

  #paused = false;

  async *#byTime(filter: EventFilter): AsyncGenerator<StoredEvent> {
    const p = this.#p;
    const { from, to } = p.filter;
    const after = p.after;
    const { maxDays = Number.POSITIVE_INFINITY, now } = this.#bounds;
    let lastDay = new Date(Date.parse(to) - 1).toISOString().slice(0, 10);
    // A writer's clock a little ahead stamps an event on the next day at most.
    const tomorrow = now === undefined ? undefined : new Date(now.getTime() + DAY_MS).toISOString().slice(0, 10);
    if (tomorrow !== undefined && tomorrow < lastDay) lastDay = tomorrow;
    // The latest of: the day of the last event written, where history starts, the day after the last one read whole.
    const first = [(after ?? from).slice(0, 10), p.firstDay ?? '', p.dayDone === undefined ? '' : nextDay(p.dayDone)].sort().at(-1);
    let days = 0;
    for (let ms = Date.parse(`${first ?? from.slice(0, 10)}T00:00:00.000Z`); ; ms += DAY_MS) {
      const day = new Date(ms).toISOString().slice(0, 10);
      if (day > lastDay) return;
      if (days >= maxDays) {
        this.#paused = true;
        return;
      }
      days++;
      const startAfter = after?.startsWith(day) ? after : undefined;
      yield* this.#reader.eventsOfDay(day, from, to, filter, startAfter);
      p.dayDone = day;
    }
  }
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + DAY_MS).toISOString().slice(0, 10);
}
