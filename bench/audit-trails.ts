import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { chainEvent, type AuditEvent, type Json } from '../lambdas/core/audit/audit-chain.js';
import { buildCheckpoint, hmacSigner, periodOf, type Checkpoint, type CheckpointHead } from '../lambdas/core/audit/audit-checkpoint.js';
import {
  checkpointRecord,
  DIGEST_START,
  eventRecord,
  exportHeader,
  nextDigest,
  type ExportRecord,
} from '../lambdas/core/audit/audit-export.js';
import { writeRecords } from '../local/audit-io.js';

// Synthetic audit trails for bench/audit.ts: requests that run the whole brand-post route (ten events each, the
// shapes and sizes the handlers write), chained and in time order, and the export file they make.

const CHAIN = 10;
/** A new request every 36 s, its events 288 s apart: 100 requests and 1,000 events an hour, ~73 open at once. */
const EVERY_MS = 36_000;
const STEP_SLOTS = 8;
const ACCOUNTS = ['physics-x', 'institute-bluesky', 'physics-mastodon', 'old-physics-facebook'];

function dataOf(k: number, c: number): { type: string; actor: string; data: { readonly [key: string]: Json } } {
  const linkHash = (c * 7919 + k).toString(16).padStart(64, '0');
  const deadline = '2031-01-01T00:00:00.000Z';
  switch (k) {
    case 0:
      return {
        type: 'request.submitted',
        actor: 'ada@example.org',
        data: {
          channel: c % 5 === 0 ? 'mail' : 'webhook',
          idempotencyKey: `msg_${c}`,
          version: 1,
          contentHash: linkHash,
          account: ACCOUNTS[c % 4] ?? 'physics-x',
          kind: 'brand-post',
        },
      };
    case 1:
      return {
        type: 'workflow.started',
        actor: 'signoff',
        data: { executionArn: `arn:aws:states:eu-west-1:111122223333:execution:signoff-approval:req_${c}`, version: 1 },
      };
    case 2:
      return {
        type: 'checks.completed',
        actor: 'signoff',
        data: {
          version: 1,
          blocked: false,
          findings: [{ rule: 'P-SOURCE', severity: 'warn', message: 'Factual content without a link to its source: add the link.' }],
          publication: { is: false, reasons: ['short text sharing a link'] },
        },
      };
    case 3:
      return { type: 'route.planned', actor: 'signoff', data: { version: 1, stages: ['supervisor', 'comms'] } };
    case 4:
      return {
        type: 'stage.opened',
        actor: 'signoff',
        data: { stage: 'supervisor', stageIndex: 0, version: 1, deadline, timeoutSeconds: 259200 },
      };
    case 5:
    case 7:
      return {
        type: 'approval.requested',
        actor: 'signoff',
        data: {
          stage: k === 5 ? 'supervisor' : 'comms',
          stageIndex: k === 5 ? 0 : 1,
          version: 1,
          approver: k === 5 ? 'grace@example.org' : 'carl@example.org',
          linkHash,
          deadline,
          messageId: `<${linkHash.slice(0, 24)}@example.org>`,
        },
      };
    case 6:
    case 8:
      return {
        type: 'decision.recorded',
        actor: k === 6 ? 'grace@example.org' : 'carl@example.org',
        data: {
          stage: k === 6 ? 'supervisor' : 'comms',
          stageIndex: k === 6 ? 0 : 1,
          version: 1,
          decision: 'approve',
          comment: null,
          channel: 'web',
          linkHash,
        },
      };
    default:
      return { type: 'request.outcome', actor: 'signoff', data: { outcome: 'approved', version: 1 } };
  }
}

export interface Generated {
  readonly event: AuditEvent;
  readonly account: string;
  readonly prevAt?: string;
}

/** `total` events of `total / 10` requests in time order (and, at one instant, in request order), chained. */
export function* trails(total: number, startMs: number): Generator<Generated> {
  const chains = Math.ceil(total / CHAIN);
  const heads = new Map<number, AuditEvent>();
  let emitted = 0;
  for (let slot = 0; emitted < total; slot++) {
    for (let k = CHAIN - 1; k >= 0; k--) {
      const c = slot - k * STEP_SLOTS;
      if (c < 0 || c >= chains) continue;
      const previous = heads.get(c);
      const event = chainEvent(previous, {
        requestId: `req_${String(c).padStart(10, '0')}`,
        at: new Date(startMs + slot * EVERY_MS).toISOString(),
        ...dataOf(k, c),
      });
      if (k === CHAIN - 1) heads.delete(c);
      else heads.set(c, event);
      emitted++;
      yield { event, account: ACCOUNTS[c % 4] ?? 'physics-x', ...(previous !== undefined ? { prevAt: previous.at } : {}) };
      if (emitted >= total) return;
    }
  }
}

/** Where the trails of `total` events begin: ending an hour or more before now, on an hour. */
export function startFor(total: number): number {
  const slots = Math.ceil(total / CHAIN) + STEP_SLOTS * CHAIN;
  return Math.floor((Date.now() - 2 * 3_600_000 - slots * EVERY_MS) / 3_600_000) * 3_600_000;
}

/** The export file `npm run audit -- export` would write for the whole range, written straight from the trails. */
export async function writeFile(path: string, total: number, key: string): Promise<void> {
  const signer = hmacSigner(key);
  const start = startFor(total);
  const firstHour = periodOf(new Date(start));
  async function* records(): AsyncGenerator<ExportRecord> {
    let digest = DIGEST_START;
    let events = 0;
    let checkpoints = 0;
    const emit = (r: Exclude<ExportRecord, { kind: 'end' }>) => {
      digest = nextDigest(digest, r);
      return r;
    };
    const sealedUntil = periodOf(new Date(Date.now() - 3_600_000 - 5 * 60_000)).from;
    yield emit(
      exportHeader({
        exportId: 'bench',
        exportedAt: new Date().toISOString(),
        filter: { from: firstHour.from, to: periodOf(new Date()).to },
        sealedUntil,
      }),
    );
    let period = firstHour;
    let previous: Checkpoint | undefined;
    let heads = new Map<string, CheckpointHead>();
    const seal = async () => {
      previous = await buildCheckpoint(previous, period, [...heads.values()], new Date(Date.parse(period.to) + 5 * 60_000), signer);
      heads = new Map();
      period = periodOf(period.to);
      checkpoints++;
      return emit(checkpointRecord(previous));
    };
    for (const g of trails(total, start)) {
      while (g.event.at >= period.to) yield await seal();
      heads.set(g.event.requestId, { requestId: g.event.requestId, seq: g.event.seq, hash: g.event.hash, account: g.account });
      events++;
      yield emit(eventRecord(g.event));
    }
    while (period.to <= sealedUntil) yield await seal();
    yield { kind: 'end', events, checkpoints, contents: 0, digest };
  }
  const out = createWriteStream(path);
  await writeRecords(records(), out, path.endsWith('.csv') ? 'csv' : 'jsonl');
  out.end();
  await once(out, 'finish');
}
