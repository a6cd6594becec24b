import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { CHECKPOINT_PARTITION } from '../lambdas/adapters/audit.js';
import { hourIndexOf } from '../lambdas/core/audit/audit-checkpoint.js';
import { tables } from '../lambdas/adapters/tables.js';
import { SEAL_GRACE_MS } from '../lambdas/use-cases/write-checkpoint.js';
import { startDynamo } from '../local/dynamo.js';
import { openDynalite } from '../local/dynamo-store.js';
import { LOCAL_REGION } from '../local/functions.js';
import { closeServer, listenLoopback } from '../local/net.js';
import { openOutboxFile } from '../local/outbox.js';
import { Stack, decide, reviewLink, samplePost, waitFor, type OutboxMessage } from '../test/e2e/stack.js';

// `npx tsx bench/history.ts` (part of `npm run bench`): what finished requests leave behind (issue #13). For a data
// directory holding 0, 1,000 and 10,000 finished requests: its bytes (and per finished request, by part), the time a
// restart takes to print "Signoff is ready", and the resident memory of the restarted process once idle (median of
// BENCH_HISTORY_RESTARTS, 3, restarts) — each beside a fresh stack measured in the same run. Then the same batch of
// BENCH_HISTORY_BATCH (50) requests driven on the fresh stack and on the one with 10,000 behind it: requests per
// second, and resident memory before and after. Last, the store's size beside its size fully compacted (live data).
//
// How the history is made. Driving 10,000 requests through the stack takes an hour, so BENCH_HISTORY_DRIVEN (100)
// brand posts are driven to their end for real (submitted, approved by the supervisor and by comms, outcome mailed),
// and the rest are copies of those, written while the stack is stopped:
//   - store: every item of the requests table, every audit event (not the checkpoints), and every approvals item
//     (links, deliveries, signed calls) that names a driven request, written again through the DynamoDB API
//     (dynalite on the data directory, in this process) with the request id replaced by a new one of the same form
//     (`req_` + 24 characters), and every 64-hex-digit string (link, webhook-id and audit hashes) by a hash of it and
//     the copy's number, so no key repeats. A copy's audit chain therefore does not verify; nothing at start reads it.
//     Copy k lies k days before its original (every time and day in it, the archive's dates and the mail's): 10,000
//     finished requests are 100 days of 100 requests, whose hours the stack seals before it is measured.
//   - outbox: every mail line again, with the request ids and times replaced the same way and a message id of its own,
//     appended through the outbox file (and its index) as the local SES appends.
//   - executions: every archived execution line (executions/finished/) and every journal file (as the engine before
//     the archive kept them) again, renamed the same way.
// Before each measured restart, the stack is started once on the directory and stopped when idle, as a stack that has
// been running since would be (its first start after the copies seals audit hours, replays the store's log, indexes
// what it lacks). BENCH_HISTORY_KEEP=<dir> keeps a copy of the last data directory for a closer look. Never part of
// `npm test`; nothing here asserts a speed.

const DRIVEN = Number(process.env['BENCH_HISTORY_DRIVEN'] ?? '100');
const SIZES = (process.env['BENCH_HISTORY_SIZES'] ?? '1000,10000').split(',').map(Number);
const BATCH = Number(process.env['BENCH_HISTORY_BATCH'] ?? '50');
const IN_FLIGHT = 8;
const SETTLE_MS = 10_000;
const RESTARTS = Number(process.env['BENCH_HISTORY_RESTARTS'] ?? '3');
const ENV = {
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  NODE_OPTIONS: `--expose-gc --import tsx --import ${fileURLToPath(new URL('./heap-probe.ts', import.meta.url))}`,
};

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const pct = (value: number, base: number) => `${value >= base ? '+' : ''}${(((value - base) / base) * 100).toFixed(0)} %`;

/** A field of /proc/<pid>/status (kB), in bytes. */
function procStatus(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number {
  if (pid === undefined) return Number.NaN;
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? Number.NaN) * 1024;
}

/** The stack's JS heap in use after a full collection (bench/heap-probe.ts, preloaded into it). */
async function heapAfterGc(stack: Stack): Promise<number> {
  const seen = stack.output.length;
  if (stack.pid === undefined) return Number.NaN;
  process.kill(stack.pid, 'SIGUSR2');
  const line = await waitFor('the heap probe', async () => /heap-after-gc (\d+)/.exec(stack.output.slice(seen))?.[1]);
  return Number(line);
}

/** CPU time the process has used (clock ticks). */
function cpuTicks(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * Waits until the process has been idle (under 2 % of a core) for two half-seconds in a row (at most a minute), then
 * SETTLE_MS more: V8 gives memory back a few seconds after the work stops, and resident memory is read after that.
 */
async function idle(stack: Stack): Promise<void> {
  let quiet = 0;
  for (let i = 0; i < 120 && quiet < 2; i++) {
    const before = cpuTicks(stack.pid);
    await pause(500);
    quiet = cpuTicks(stack.pid) - before <= 1 ? quiet + 1 : 0;
  }
  await pause(SETTLE_MS);
}

function pause(ms: number): Promise<void> {
  return new Promise<void>((done) => setTimeout(done, ms));
}

/** Bytes of the files under `path`. */
function bytesUnder(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, entry) => sum + bytesUnder(join(path, entry)), 0);
}

/** Drives `count` brand posts to their end (both stages approved, outcome mailed), IN_FLIGHT at a time. */
async function drive(stack: Stack, count: number, label: string): Promise<void> {
  let cursor = (await stack.outbox()).length;
  let submitted = 0;
  let ended = 0;
  const open = new Set<string>();
  while (ended < count) {
    while (open.size < IN_FLIGHT && submitted < count) {
      const title = `${label} ${submitted++}`;
      const res = await stack.submit(samplePost({ title }));
      if (res.status !== 202) throw new Error(`submit answered ${res.status}: ${await res.text()}`);
      open.add(title);
    }
    const fresh: OutboxMessage[] = await waitFor('new mail', async () => {
      const page = await stack.outbox(cursor);
      return page.length > 0 ? page : undefined;
    });
    cursor += fresh.length;
    const decisions: Promise<unknown>[] = [];
    for (const mail of fresh) {
      const title = new RegExp(`: (${label} \\d+)$`).exec(mail.subject)?.[1];
      if (title === undefined || !open.has(title)) continue;
      const approver = mail.to.includes('grace@example.org') || mail.to.includes('carl@example.org');
      if (mail.subject.startsWith('Approval needed') && approver) decisions.push(decide(reviewLink(mail), 'approve'));
      else if (mail.subject.startsWith('Your request was')) {
        open.delete(title);
        ended++;
      }
    }
    await Promise.all(decisions);
  }
}

// ---- copies -------------------------------------------------------------------------------------------------------

const REQUEST_ID = /req_[A-Za-z0-9]{24}/g;
const HEX64 = /\b[0-9a-f]{64}\b/g;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

const ISO_TIME = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z\b/g;
const QUOTED_DAY = /"(\d{4}-\d{2}-\d{2})"/g;
const DAY_MS = 86_400_000;

/**
 * The text of copy `k`: each driven request id replaced by copy k's, each 64-hex-digit string by a hash of it and k,
 * and each time (ISO 8601) and day k days earlier.
 */
function copyText(text: string, k: number, driven: ReadonlySet<string>): string {
  return text
    .replace(REQUEST_ID, (id) => {
      if (!driven.has(id)) return id;
      return `req_${[...sha256(`${id}#${k}`).subarray(0, 24)].map((b) => ALPHABET[b % ALPHABET.length]).join('')}`;
    })
    .replace(HEX64, (hex) => sha256(`${hex}#${k}`).toString('hex'))
    .replace(ISO_TIME, (time, millis: string | undefined) => {
      const shifted = new Date(Date.parse(time) - k * DAY_MS).toISOString();
      return millis === undefined ? `${shifted.slice(0, 19)}Z` : shifted;
    })
    .replace(QUOTED_DAY, (_, day: string) => `"${new Date(Date.parse(day) - k * DAY_MS).toISOString().slice(0, 10)}"`);
}

function copyOf<T>(value: T, k: number, driven: ReadonlySet<string>): T {
  return JSON.parse(copyText(JSON.stringify(value), k, driven)) as T;
}

/** What the driven requests left, read once (the originals every copy is made from). */
interface Originals {
  readonly driven: ReadonlySet<string>;
  readonly items: ReadonlyMap<string, Record<string, unknown>[]>;
  readonly mails: readonly string[];
  readonly executionFiles: ReadonlyMap<string, string>;
  readonly archiveLines: readonly string[];
}

async function readOriginals(dataDir: string, credentials: { accessKeyId: string; secretAccessKey: string }): Promise<Originals> {
  const dynamo = await startDynamo(dataDir, credentials);
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials }));
  const all = new Map<string, Record<string, unknown>[]>();
  for (const t of tables) {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await doc.send(new ScanCommand({ TableName: t.localName, ExclusiveStartKey: startKey }));
      items.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey !== undefined);
    all.set(t.localName, items);
  }
  doc.destroy();
  await dynamo.close();
  const driven = new Set((all.get('signoff-requests') ?? []).map((item) => String(item['requestId'])));
  const names = (text: string) => (text.match(REQUEST_ID) ?? []).some((id) => driven.has(id));
  const items = new Map<string, Record<string, unknown>[]>([
    ['signoff-requests', all.get('signoff-requests') ?? []],
    ['signoff-audit', (all.get('signoff-audit') ?? []).filter((item) => String(item['requestId']).startsWith('req_'))],
    ['signoff-approvals', (all.get('signoff-approvals') ?? []).filter((item) => names(JSON.stringify(item)))],
  ]);
  const mails = readFileSync(join(dataDir, 'outbox.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  const executions = join(dataDir, 'executions');
  const executionFiles = new Map(
    readdirSync(executions)
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => [f, readFileSync(join(executions, f), 'utf8')] as const),
  );
  const finished = join(executions, 'finished');
  const archiveLines = existsSync(finished)
    ? readdirSync(finished).flatMap((f) =>
        readFileSync(join(finished, f), 'utf8')
          .split('\n')
          .filter((line) => line !== ''),
      )
    : [];
  return { driven, items, mails, executionFiles, archiveLines };
}

/** Writes copies `from`..`to` (exclusive) of every driven request into the stopped stack's data directory. */
async function writeCopies(
  dataDir: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  o: Originals,
  from: number,
  to: number,
): Promise<void> {
  const dynamo = await startDynamo(dataDir, credentials);
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials }));
  const outbox = await openOutboxFile(join(dataDir, 'outbox.jsonl'));
  const executions = join(dataDir, 'executions');
  const archive = existsSync(join(executions, 'finished'))
    ? new (await import('../local/workflow/archive.js')).ExecutionArchive(join(executions, 'finished'))
    : undefined;
  // The token lines of each archived execution, by its arn.
  const tokensOf = new Map<string, string[]>();
  for (const line of o.archiveLines.filter((l) => l.startsWith('{"tokenHash":'))) {
    const { tokenHash, arn } = JSON.parse(line) as { tokenHash: string; arn: string };
    tokensOf.set(arn, [...(tokensOf.get(arn) ?? []), tokenHash]);
  }
  for (let k = from; k < to; k++) {
    const writes: Promise<void>[] = [];
    for (const [table, items] of o.items) {
      for (let i = 0; i < items.length; i += 25) {
        const batch = items.slice(i, i + 25).map((item) => ({ PutRequest: { Item: copyOf(item, k, o.driven) } }));
        writes.push(batchWrite(doc, table, batch));
      }
    }
    await Promise.all(writes);
    for (const mail of o.mails) {
      const copy = JSON.parse(copyText(mail, k, o.driven)) as { messageId: string; at: number };
      outbox.append(JSON.stringify({ ...copy, messageId: `${copy.messageId}-${k}`, at: copy.at - (k * DAY_MS) / 1000 }));
    }
    for (const [file, text] of o.executionFiles) writeFileSync(join(executions, copyText(file, k, o.driven)), copyText(text, k, o.driven));
    for (const line of o.archiveLines) {
      if (archive === undefined || !line.startsWith('{"name":')) continue;
      const record = JSON.parse(line) as Parameters<typeof archive.add>[0];
      const copy = copyOf(record, k, o.driven);
      archive.add(
        { ...copy, startDate: copy.startDate - k * DAY_MS, stopDate: copy.stopDate - k * DAY_MS },
        (tokensOf.get(record.arn) ?? []).map((tokenHash) => copyText(tokenHash, k, o.driven)),
      );
    }
  }
  doc.destroy();
  await dynamo.close();
}

async function batchWrite(doc: DynamoDBDocumentClient, table: string, batch: Array<{ PutRequest: { Item: Record<string, unknown> } }>) {
  let requests: Record<string, typeof batch> = { [table]: batch };
  while (Object.keys(requests).length > 0) {
    const out = await doc.send(new BatchWriteCommand({ RequestItems: requests }));
    requests = (out.UnprocessedItems ?? {}) as typeof requests;
  }
}

// ---- measuring ----------------------------------------------------------------------------------------------------

interface Row {
  readonly finished: number;
  readonly bytes: number;
  readonly parts: Readonly<Record<string, number>>;
  readonly restartMs: number;
  readonly idleRss: number;
}

/**
 * Stops the stack, then times a start on the same directory to its ready line and reads its memory once idle: the
 * median of RESTARTS rounds (the machine may be shared).
 */
async function measureRestart(stack: Stack, finished: number): Promise<Row> {
  await stack.stop('SIGTERM');
  const parts = Object.fromEntries(
    ['dynamodb', 'outbox.jsonl', 'outbox.jsonl.idx', 'executions'].map((p) => [p, bytesUnder(join(stack.dataDir, p))]),
  );
  const bytes = bytesUnder(stack.dataDir);
  const times: number[] = [];
  const rss: number[] = [];
  for (let round = 0; round < RESTARTS; round++) {
    await stack.stop('SIGTERM');
    const started = performance.now();
    await stack.restart('SIGTERM', ENV);
    times.push(performance.now() - started);
    await idle(stack);
    rss.push(procStatus(stack.pid, 'VmRSS'));
  }
  return { finished, bytes, parts, restartMs: median(times), idleRss: median(rss) };
}

function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
}

/**
 * The stack started on the copies and stopped once every ended hour of their audit is sealed (the copies lie in the
 * past, and a store's first seal starts at its earliest event), as a stack running since the history was written
 * would have sealed them.
 */
async function settleAfterCopies(stack: Stack): Promise<void> {
  await stack.restart('SIGTERM', ENV);
  const doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: stack.dynamoEndpoint(), region: LOCAL_REGION, credentials: stack.awsCredentials() }),
  );
  await waitFor(
    'the ended hours of the copies to be sealed',
    async () => {
      const out = await doc.send(
        new QueryCommand({
          TableName: 'signoff-audit',
          KeyConditionExpression: 'requestId = :cp',
          ExpressionAttributeValues: { ':cp': CHECKPOINT_PARTITION },
          ScanIndexForward: false,
          Limit: 1,
        }),
      );
      const sealed = Number(out.Items?.[0]?.['seq'] ?? -1);
      return sealed >= hourIndexOf(new Date(Date.now() - SEAL_GRACE_MS)) - 1 ? true : undefined;
    },
    20 * 60_000,
  );
  doc.destroy();
  await idle(stack);
  await stack.stop('SIGTERM');
}

interface Load {
  readonly requestsPerSecond: number;
  /** Idle resident memory before the first batch, after it, and after a second one. */
  readonly rss: readonly [number, number, number];
  /** The JS heap in use after a full collection, at the same three points. */
  readonly heap: readonly [number, number, number];
}

/** Two batches of BATCH requests, each driven to its end; the rate is the second's (the first warms the process). */
async function load(stack: Stack, label: string): Promise<Load> {
  const rss: number[] = [];
  const heap: number[] = [];
  const measure = async () => {
    await idle(stack);
    rss.push(procStatus(stack.pid, 'VmRSS'));
    heap.push(await heapAfterGc(stack));
  };
  await measure();
  await drive(stack, BATCH, `${label} A`);
  await measure();
  const started = performance.now();
  await drive(stack, BATCH, `${label} B`);
  const requestsPerSecond = BATCH / ((performance.now() - started) / 1000);
  await measure();
  const three = (v: number[]) => [v[0] ?? Number.NaN, v[1] ?? Number.NaN, v[2] ?? Number.NaN] as const;
  return { requestsPerSecond, rss: three(rss), heap: three(heap) };
}

function print(row: Row, fresh: Row): void {
  const perRequest = row.finished > 0 ? `${kib((row.bytes - fresh.bytes) / row.finished)}/request` : '';
  const restart = `${(row.restartMs / 1000).toFixed(2)} s${row === fresh ? '' : ` (${pct(row.restartMs, fresh.restartMs)})`}`;
  const rss = `${mib(row.idleRss)}${row === fresh ? '' : ` (${pct(row.idleRss, fresh.idleRss)})`}`;
  process.stdout.write(
    `  ${row.finished.toLocaleString('en').padStart(6)}  ${mib(row.bytes).padStart(10)} ${perRequest.padStart(16)}  restart ${restart.padEnd(15)}  idle RSS ${rss}\n`,
  );
  if (row.finished === 0) return;
  const parts = Object.entries(row.parts)
    .map(([part, bytes]) => `${part} ${kib((bytes - (fresh.parts[part] ?? 0)) / row.finished)}`)
    .join(', ');
  process.stdout.write(`          per finished request: ${parts}\n`);
}

async function main(): Promise<void> {
  process.stdout.write(
    `history: a data directory with N finished requests (${DRIVEN} driven, the rest copies), restarted, beside a fresh one\n`,
  );
  const fresh = await Stack.start(ENV);
  const history = await Stack.start(ENV);
  try {
    const freshRow = await measureRestart(fresh, 0);
    print(freshRow, freshRow);

    await drive(history, DRIVEN, 'History');
    await idle(history);
    await history.stop('SIGTERM');
    const originals = await readOriginals(history.dataDir, history.awsCredentials());
    let copies = 1;
    const rows: Row[] = [];
    for (const size of SIZES) {
      const target = Math.ceil(size / DRIVEN);
      await history.stop('SIGTERM');
      await writeCopies(history.dataDir, history.awsCredentials(), originals, copies, target);
      copies = target;
      await settleAfterCopies(history);
      const row = await measureRestart(history, copies * DRIVEN);
      rows.push(row);
      print(row, freshRow);
    }

    const onFresh = await load(fresh, 'Fresh batch');
    const onHistory = await load(history, 'History batch');
    const finished = rows.at(-1)?.finished ?? 0;
    for (const [label, l] of [
      ['fresh', onFresh],
      [`${finished.toLocaleString('en')} finished`, onHistory],
    ] as const) {
      const [before, afterFirst, afterSecond] = l.rss;
      const [heapBefore, heapFirst, heapSecond] = l.heap;
      process.stdout.write(
        `  2 × ${BATCH} more requests on the ${label} stack: ${l.requestsPerSecond.toFixed(1)} req/s; idle RSS ${mib(before)} → ${mib(afterFirst)} → ${mib(afterSecond)}; ` +
          `heap after GC ${mib(heapBefore)} → ${mib(heapFirst)} → ${mib(heapSecond)} (${kib((heapSecond - heapFirst) / BATCH)} per request in the second batch)\n`,
      );
    }

    // How much of the store is live data: the same directory with every replaced version compacted away.
    await history.stop('SIGTERM');
    const store = join(history.dataDir, 'dynamodb');
    const before = bytesUnder(store);
    const { server, store: level } = openDynalite({ path: store });
    await listenLoopback(server, 0);
    await level.compactRange('\u0000', '\u00ff');
    await closeServer(server);
    process.stdout.write(
      `  store at ${finished.toLocaleString('en')} finished: ${mib(before)}, ${mib(bytesUnder(store))} fully compacted\n`,
    );
    const keep = process.env['BENCH_HISTORY_KEEP'];
    if (keep !== undefined) cpSync(history.dataDir, keep, { recursive: true });
  } finally {
    await fresh.dispose();
    await history.dispose();
  }
}

await main();
