import { GENESIS_HASH, hashEvent } from './audit-chain.js';
import { HOUR_MS, verifyCheckpoint, type CheckpointVerifier, type CheckpointHead } from './audit-checkpoint.js';
import {
  DIGEST_START,
  hashHeader,
  nextDigest,
  type CheckpointRecord,
  type ContentRecord,
  type ExportFilter,
  type ExportHeader,
  type ExportRecord,
} from './audit-export.js';
import { contentHashOf } from '../ids.js';
import type { Submission } from '../model.js';

// `npm run audit -- verify FILE`: every hash and every checkpoint recomputed, in one pass, naming the first
// record that does not fit. Memory: one small entry per chain in the file (its last seq, hash and time) and the
// events of the current hour; never the file.
//
// What each tampering looks like here:
//   a flipped byte         the record no longer parses, or its hash (event, checkpoint, header) no longer recomputes
//   a deleted event        a gap in its chain's seq; the last of a chain: the checkpoint of its hour names a later head
//   an inserted event      its seq is taken, or (appended at a chain's end) no checkpoint commits to it
//   reordered events       a seq out of order, or an event after the checkpoint that sealed its hour
//   a missing checkpoint   the next one's `previous` and period do not follow; the last one: the header says
//                          checkpoints existed up to a later hour
// A type-filtered export lists single events, not whole chains: each event's hash and the checkpoint chain are
// checked, and chain links only where consecutive events are present (the report says so).

export interface NumberedRecord {
  /** 1-based position in the file (JSON lines: the line; CSV: the data row). */
  readonly n: number;
  readonly record?: ExportRecord;
  /** Why the record could not be read. */
  readonly error?: string;
}

export interface VerifyProblem {
  readonly record: number;
  readonly requestId?: string;
  readonly seq?: number;
  readonly problem: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  /** The first record that does not fit. */
  readonly problem?: VerifyProblem;
  readonly records: number;
  readonly events: number;
  readonly chains: number;
  readonly checkpoints: number;
  readonly contents: number;
  readonly signatures: { readonly valid: number; readonly unchecked: number };
  /** Events in range after the last checkpoint of the file: chained, not yet sealed by a checkpoint. */
  readonly unsealedEvents: number;
  readonly filter?: ExportFilter;
  /** Set when the export cannot be checked for completeness (a type filter). */
  readonly partial?: string;
}

/**
 * Each chain's last seq and hash, in typed arrays: per event nothing is allocated that outlives it. Kept as
 * objects and strings, every event's hash and time would outlive a few collections and then die in the old
 * generation, and at a million events V8 let that garbage pile up to twice the memory this needs.
 */
class ChainTable {
  readonly #index = new Map<string, number>();
  #seq = new Float64Array(1024);
  #hash = Buffer.alloc(1024 * 32);
  readonly #scratch = Buffer.alloc(32);

  get size(): number {
    return this.#index.size;
  }

  has(requestId: string): boolean {
    return this.#index.has(requestId);
  }

  /** The slot of a chain, or -1. */
  slot(requestId: string): number {
    return this.#index.get(requestId) ?? -1;
  }

  seqOf(slot: number): number {
    return this.#seq[slot] ?? 0;
  }

  /**
   * Whether `hash` (hex) is the chain's last hash. Letter case is not compared: where it matters, the hash that
   * covers the field (the event's own, or the checkpoint's) has already changed.
   */
  hashIs(slot: number, hash: string): boolean {
    if (hash.length !== 64 || this.#scratch.write(hash, 'hex') !== 32) return false;
    return this.#hash.compare(this.#scratch, 0, 32, slot * 32, slot * 32 + 32) === 0;
  }

  set(requestId: string, slotOrNew: number, seq: number, hash: string): void {
    let slot = slotOrNew;
    if (slot < 0) {
      slot = this.#index.size;
      this.#index.set(requestId, slot);
      if (slot >= this.#seq.length) this.#grow();
    }
    this.#seq[slot] = seq;
    this.#hash.write(hash, slot * 32, 32, 'hex');
  }

  #grow(): void {
    const seq = new Float64Array(this.#seq.length * 2);
    seq.set(this.#seq);
    const hash = Buffer.alloc(this.#hash.length * 2);
    this.#hash.copy(hash);
    this.#seq = seq;
    this.#hash = hash;
  }
}

interface Touch {
  readonly requestId: string;
  readonly seq: number;
  readonly hash: string;
  readonly at: string;
  readonly n: number;
}

interface PendingContent {
  readonly n: number;
  readonly version: number;
  readonly contentHash: string;
  matched: boolean;
}

class Failure extends Error {
  constructor(readonly detail: VerifyProblem) {
    super(detail.problem);
  }
}

const fail = (n: number, problem: string, event?: { requestId: string; seq: number }): never => {
  throw new Failure({ record: n, ...(event !== undefined ? { requestId: event.requestId, seq: event.seq } : {}), problem });
};

function contentHashOrUndefined(submission: ContentRecord['submission']): string | undefined {
  try {
    return contentHashOf(submission as unknown as Submission);
  } catch {
    return undefined;
  }
}

export function describeProblem(p: VerifyProblem): string {
  return `record ${p.record}${p.requestId !== undefined ? ` (${p.requestId}${p.seq !== undefined ? ` seq ${p.seq}` : ''})` : ''}: ${p.problem}`;
}

/** Records one by one, or in batches (the file readers hand over a chunk's records at once: a million awaits cost). */
export type RecordSource = AsyncIterable<NumberedRecord | readonly NumberedRecord[]> | Iterable<NumberedRecord>;

export async function verifyExport(records: RecordSource, verifier?: CheckpointVerifier): Promise<VerifyReport> {
  let header: ExportHeader | undefined;
  let ended = false;
  let digest = DIGEST_START;
  let sealedTarget: string | null = null;
  let typeFiltered = false;
  const chains = new ChainTable();
  // In-range events since the last checkpoint record, by chain: what the next checkpoint must commit to.
  let touched = new Map<string, Touch[]>();
  // The last checkpoint read, and the end of the hour after it (whose checkpoint is due next).
  let last: { readonly checkpoint: CheckpointRecord; readonly n: number; readonly nextEnd: string } | undefined;
  const contents = new Map<string, PendingContent[]>();
  let endN = 0;
  let n = 0;
  const counts = { events: 0, checkpoints: 0, contents: 0, valid: 0, unchecked: 0 };

  const report = (problem?: VerifyProblem): VerifyReport => ({
    ok: problem === undefined,
    ...(problem !== undefined ? { problem } : {}),
    records: n,
    events: counts.events,
    chains: chains.size,
    checkpoints: counts.checkpoints,
    contents: counts.contents,
    signatures: { valid: counts.valid, unchecked: counts.unchecked },
    unsealedEvents: [...touched.values()].reduce((sum, list) => sum + list.length, 0),
    ...(header !== undefined ? { filter: header.filter } : {}),
    ...(typeFiltered
      ? {
          partial: `filtered by event type (${header?.filter.types?.join(', ') ?? ''}): each event and the checkpoints are checked, not whether the chains are complete`,
        }
      : {}),
  });

  const inScope = (head: CheckpointHead, filter: ExportFilter): boolean =>
    (filter.requestId === undefined || head.requestId === filter.requestId) &&
    (filter.account === undefined || head.account === filter.account);

  const onCheckpoint = async (cp: CheckpointRecord, at: number, filter: ExportFilter): Promise<void> => {
    const verdict = await verifyCheckpoint(cp, verifier);
    if (!verdict.ok) fail(at, verdict.problem);
    if (verdict.ok && verdict.signature === 'valid') counts.valid++;
    else counts.unchecked++;
    if (cp.period.from < filter.from || cp.period.to > filter.to)
      fail(at, `checkpoint for ${cp.period.from} lies outside the export's range`);
    if (last !== undefined) {
      if (cp.period.from > last.checkpoint.period.to)
        fail(at, `missing checkpoint for the hour from ${last.checkpoint.period.to} (the one before is record ${last.n})`);
      if (cp.period.from < last.checkpoint.period.to)
        fail(at, `checkpoint for ${cp.period.from} is out of order (record ${last.n} is for ${last.checkpoint.period.from})`);
      if (cp.previous !== last.checkpoint.hash) fail(at, `checkpoint does not link to the checkpoint before it (record ${last.n})`);
    } else if (cp.period.from !== filter.from && cp.previous !== GENESIS_HASH) {
      fail(at, `missing checkpoint for the hour from ${filter.from}: the export's range starts there`);
    }
    // Every chain that moved in the hour is committed to, at exactly the head the file holds.
    const heads = new Map(cp.heads.map((h) => [h.requestId, h]));
    for (const [requestId, list] of touched) {
      const first = list[0];
      if (first === undefined) continue;
      if (first.at < cp.period.from)
        fail(first.n, `missing checkpoint for the hour of this event (${first.at}); the next checkpoint is for ${cp.period.from}`, first);
      const head = heads.get(requestId);
      if (head === undefined)
        fail(first.n, `no checkpoint commits to this event: its hour's checkpoint (record ${at}) has no head for ${requestId}`, first);
      else {
        const extra = list.find((t) => t.seq > head.seq);
        if (extra !== undefined)
          fail(extra.n, `the checkpoint of its hour (record ${at}) ends this chain at seq ${head.seq}: the event was added later`, extra);
        const atHead = list.find((t) => t.seq === head.seq);
        if (atHead !== undefined && atHead.hash !== head.hash)
          fail(atHead.n, `differs from the head the checkpoint (record ${at}) committed to`, atHead);
      }
    }
    if (!typeFiltered) {
      for (const head of cp.heads) {
        if (!inScope(head, filter)) continue;
        const slot = chains.slot(head.requestId);
        if (slot < 0) fail(at, `the checkpoint commits to ${head.requestId} up to seq ${head.seq}, but the file has none of its events`);
        else if (chains.seqOf(slot) < head.seq)
          fail(
            at,
            `the checkpoint commits to ${head.requestId} up to seq ${head.seq}, but the file ends that chain at seq ${chains.seqOf(slot)}`,
          );
        else if (chains.seqOf(slot) === head.seq && !chains.hashIs(slot, head.hash))
          fail(at, `${head.requestId} seq ${head.seq} differs from the head this checkpoint committed to`);
      }
    }
    touched = new Map();
    last = { checkpoint: cp, n: at, nextEnd: new Date(Date.parse(cp.period.to) + HOUR_MS).toISOString() };
  };

  try {
    for await (const batch of records) {
      const items = Array.isArray(batch) ? (batch as readonly NumberedRecord[]) : [batch as NumberedRecord];
      for (const item of items) {
        n = item.n;
        if (item.error !== undefined || item.record === undefined) fail(item.n, item.error ?? 'unreadable record');
        const record = item.record as ExportRecord;
        if (ended) fail(item.n, 'a record after the end record');
        if (header === undefined) {
          if (record.kind !== 'export') fail(item.n, 'the file does not begin with its export record');
          const h = record as ExportHeader;
          if (hashHeader(h) !== h.hash) fail(item.n, 'the export record does not match its hash');
          header = h;
          typeFiltered = h.filter.types !== undefined;
          // biome-ignore lint/complexity/useMathMinMax: ISO timestamps, compared as strings; Math.min would make them NaN.
          sealedTarget = h.sealedUntil === null ? null : h.sealedUntil < h.filter.to ? h.sealedUntil : h.filter.to;
          digest = nextDigest(digest, h);
          continue;
        }
        const filter = header.filter;
        switch (record.kind) {
          case 'export':
            fail(item.n, 'a second export record');
            break;
          case 'content': {
            if (contentHashOrUndefined(record.submission) !== record.contentHash)
              fail(item.n, `the content of version ${record.version} does not match its contentHash`);
            if (chains.has(record.requestId)) fail(item.n, 'content after events of its chain (contents come first)');
            const list = contents.get(record.requestId) ?? [];
            list.push({ n: item.n, version: record.version, contentHash: record.contentHash, matched: false });
            contents.set(record.requestId, list);
            counts.contents++;
            break;
          }
          case 'event': {
            const e = record;
            if (e.at >= filter.to) fail(item.n, `the event (${e.at}) lies after the export's range`, e);
            const slot = chains.slot(e.requestId);
            if (slot < 0) {
              if (!typeFiltered && e.seq !== 1)
                fail(item.n, `the chain starts at seq ${e.seq}: ${e.seq === 2 ? 'seq 1 is' : `seq 1 to ${e.seq - 1} are`} missing`, e);
              if (e.seq === 1 && e.prevHash !== GENESIS_HASH) fail(item.n, 'the first event does not start from the genesis hash', e);
            } else {
              const seq = chains.seqOf(slot);
              if (typeFiltered ? e.seq <= seq : e.seq !== seq + 1) fail(item.n, `expected seq ${seq + 1}, found ${e.seq}`, e);
              if (e.seq === seq + 1 && !chains.hashIs(slot, e.prevHash)) fail(item.n, 'prevHash does not match the previous event', e);
            }
            if (hashEvent(e) !== e.hash) fail(item.n, 'hash does not match the event content', e);
            if (e.at >= filter.from) {
              if (last !== undefined && e.at < last.checkpoint.period.to)
                fail(item.n, `the event belongs to an hour already sealed by the checkpoint at record ${last.n}: out of order`, e);
              if (last !== undefined && sealedTarget !== null && e.at >= last.nextEnd && last.nextEnd <= sealedTarget) {
                fail(item.n, `missing checkpoint for the hour from ${last.checkpoint.period.to}: it belongs before this event`, e);
              }
              const list = touched.get(e.requestId);
              const touch: Touch = { requestId: e.requestId, seq: e.seq, hash: e.hash, at: e.at, n: item.n };
              if (list === undefined) touched.set(e.requestId, [touch]);
              else list.push(touch);
            }
            chains.set(e.requestId, slot, e.seq, e.hash);
            const pending = contents.get(e.requestId);
            const contentHash = e.data['contentHash'];
            if (pending !== undefined && typeof contentHash === 'string') {
              for (const c of pending)
                if (c.contentHash === contentHash && (typeof e.data['version'] !== 'number' || e.data['version'] === c.version))
                  c.matched = true;
            }
            counts.events++;
            break;
          }
          case 'checkpoint':
            await onCheckpoint(record, item.n, filter);
            counts.checkpoints++;
            break;
          case 'end':
            if (record.events !== counts.events || record.checkpoints !== counts.checkpoints || record.contents !== counts.contents) {
              fail(
                item.n,
                `the end record counts ${record.events} events, ${record.checkpoints} checkpoints and ${record.contents} contents; the file has ${counts.events}, ${counts.checkpoints} and ${counts.contents}`,
              );
            }
            if (record.digest !== digest) fail(item.n, 'the digest over the records does not match: a record was changed');
            ended = true;
            endN = item.n;
            break;
        }
        if (record.kind !== 'end') digest = nextDigest(digest, record);
      }
    }
    if (header === undefined) fail(n + 1, 'the file is empty');
    if (!ended) fail(n + 1, 'the file ends without its end record: it was cut short');
    for (const list of contents.values()) {
      for (const c of list)
        if (!c.matched) fail(c.n, `no event of the chain records contentHash ${c.contentHash.slice(0, 12)}… of version ${c.version}`);
    }
    const filter = (header as ExportHeader).filter;
    const coveredTo = last?.checkpoint.period.to ?? filter.from;
    if (sealedTarget !== null && coveredTo < sealedTarget) {
      fail(endN, `missing checkpoint for the hour from ${coveredTo}: checkpoints existed up to ${sealedTarget} when this was exported`);
    }
    return report();
  } catch (error) {
    if (error instanceof Failure) return report(error.detail);
    throw error;
  }
}
