import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { indexAttributesOf } from '../lambdas/core/audit/audit-chain.js';
import { localAuditSecrets } from '../local/audit-secrets.js';
import { startDynamo } from '../local/dynamo.js';
import { newLocalCredentials } from '../local/settings.js';
import { startFor, trails, writeFile } from './audit-trails.js';

// `npx tsx bench/audit.ts` (part of `npm run bench`): export and verify throughput and peak memory.
//
//   store    BENCH_AUDIT_STORE_EVENTS events (default 100,000) written into a local store (dynalite, on disk) and
//            sealed hour by hour; then `npm run audit -- export` from it, JSON lines and CSV, each in a process of
//            its own; then `verify` of each file. dynalite takes about 3,200 writes/s here, so 1,000,000 events
//            take over five minutes to load: set BENCH_AUDIT_STORE_EVENTS=1000000 for the full run.
//   baselines the store read alone (bench/audit-store-read.ts: every event once, a day of the time index at a time
//            in pages of 500, as the export reads it), and the export itself (bench/audit-pipeline.ts) over
//            BENCH_AUDIT_FILE_EVENTS events from a generator, no store: what exporting costs apart from dynalite. Each
//            export is printed with its ratio to the store read alone, each verify with its ratio to the file read,
//            parsed and hashed line by line alone (bench/audit-file-read.ts), measured in the same run.
//   file     BENCH_AUDIT_FILE_EVENTS events (default 1,000,000) with their hourly checkpoints written straight to
//            an export file (JSON lines, then CSV through the export's own writer), then `verify` of each.
//
// Every figure is measured in a separate process running bin/audit.ts, whose peak resident memory is its own; an
// export from the local store also starts the store (dynalite) in a process of its own, reported beside it.

const STORE_EVENTS = Number(process.env['BENCH_AUDIT_STORE_EVENTS'] ?? '100000');
const FILE_EVENTS = Number(process.env['BENCH_AUDIT_FILE_EVENTS'] ?? '1000000');
const root = fileURLToPath(new URL('../', import.meta.url));

// ---- Measured runs -----------------------------------------------------------------------------------

interface Measured {
  readonly seconds: number;
  readonly peakMiB: number;
  /** Peak resident memory of the processes it started (the local store, for an export), in MiB. */
  readonly childPeakMiB: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The highest VmHWM among the children of `pid`, in MiB (0 when it has none). */
function childrenPeakMiB(pid: number): number {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter((c) => c !== '');
    let peak = 0;
    for (const c of children) {
      const line =
        readFileSync(`/proc/${c}/status`, 'utf8')
          .split('\n')
          .find((l) => l.startsWith('VmHWM:')) ?? '';
      peak = Math.max(peak, Number(/(\d+)/.exec(line)?.[1] ?? 0) / 1024);
    }
    return peak;
  } catch {
    return 0;
  }
}

function measure(args: readonly string[], script = 'bin/audit.ts'): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', './bench/peak-rss.ts', script, ...args], {
      cwd: root,
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR', AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1', NODE_NO_WARNINGS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let childPeak = 0;
    const poll = setInterval(() => (childPeak = Math.max(childPeak, child.pid === undefined ? 0 : childrenPeakMiB(child.pid))), 200);
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      clearInterval(poll);
      if (code !== 0) {
        reject(new Error(`${script} ${args.join(' ')} exited ${code}:\n${stdout}\n${stderr}`));
        return;
      }
      const peak = Number(/peak-rss-kib (\d+)/.exec(stderr)?.[1] ?? NaN) / 1024;
      resolve({ seconds: (performance.now() - started) / 1000, peakMiB: peak, childPeakMiB: childPeak, stdout, stderr });
    });
  });
}

const rateOf = (text: string): number => Number(/\((\d+) events\/s\)/.exec(text)?.[1] ?? NaN);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** A figure's line; `beside` names its baseline of the same run and its rate, printed as a ratio. */
function line(label: string, events: number, m: Measured, beside?: { readonly label: string; readonly rate: number }): void {
  const store = m.childPeakMiB > 0 ? `, store process ${m.childPeakMiB.toFixed(0)} MiB` : '';
  const rate = rateOf(m.stderr);
  const ratio = beside === undefined ? '' : `  ${(rate / beside.rate).toFixed(2)}× ${beside.label}`;
  process.stdout.write(
    `${label.padEnd(44)} ${fmt(events).padStart(9)} events  ${fmt(rate).padStart(7)} events/s${ratio}  peak RSS ${m.peakMiB.toFixed(0).padStart(4)} MiB${store}  (process ${m.seconds.toFixed(1)} s)\n`,
  );
}

/** A verify's line beside its baseline of the same run: the file read, parsed and hashed line by line, nothing more. */
function verifyLine(format: string, file: string, events: number, verified: Measured, read: Measured): void {
  line(`verify (${format}, ${(statSync(file).size / 1048576).toFixed(0)} MB)`, events, verified, {
    label: `the file read, parsed and hashed alone (${fmt(rateOf(read.stderr))} lines/s)`,
    rate: rateOf(read.stderr),
  });
}

async function loadStore(dataDir: string): Promise<void> {
  const credentials = newLocalCredentials();
  const dynamo = await startDynamo(dataDir, credentials);
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials }));
  const started = performance.now();
  const source = trails(STORE_EVENTS, startFor(STORE_EVENTS));
  const nextBatch = (): Array<{ PutRequest: { Item: Record<string, unknown> } }> => {
    const batch: Array<{ PutRequest: { Item: Record<string, unknown> } }> = [];
    while (batch.length < 25) {
      const r = source.next();
      if (r.done === true) break;
      const g = r.value;
      batch.push({
        PutRequest: {
          Item: { ...g.event, ...indexAttributesOf(g.event), account: g.account, ...(g.prevAt !== undefined ? { prevAt: g.prevAt } : {}) },
        },
      });
    }
    return batch;
  };
  // Eight batches in flight: dynalite, not the client, is the limit.
  const writer = async () => {
    for (let batch = nextBatch(); batch.length > 0; batch = nextBatch()) {
      let requests: Record<string, typeof batch> = { 'signoff-audit': batch };
      while (Object.keys(requests).length > 0) {
        const out = await doc.send(new BatchWriteCommand({ RequestItems: requests }));
        requests = (out.UnprocessedItems ?? {}) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));
  const loaded = (performance.now() - started) / 1000;
  doc.destroy();
  await dynamo.close();
  process.stdout.write(
    `loaded ${fmt(STORE_EVENTS)} events into dynalite in ${loaded.toFixed(0)} s (${fmt(STORE_EVENTS / loaded)} writes/s)\n`,
  );
  const sealed = await measure(['checkpoint', '--data-dir', dataDir]);
  process.stdout.write(`sealed the store: ${sealed.stdout.trim()} in ${sealed.seconds.toFixed(1)} s\n`);
}

const work = mkdtempSync(join(tmpdir(), 'signoff-bench-audit-'));
try {
  process.stdout.write(
    `Signoff audit benchmark — node ${process.version}, ${fmt(STORE_EVENTS)} events in the local store, ${fmt(FILE_EVENTS)} in a file\n`,
  );
  const dataDir = join(work, 'data');
  const { auditKey } = localAuditSecrets(dataDir, {});
  await loadStore(dataDir);
  // The baselines of the same run: the store read alone (every event once, as the export pages the time index), and
  // the export's own work without a store.
  const read = await measure([dataDir, String(startFor(STORE_EVENTS))], 'bench/audit-store-read.ts');
  line('baseline: the time index read alone (SDK)', STORE_EVENTS, read);
  const pipelineFile = join(work, 'pipeline.jsonl');
  const pipeline = await measure([String(FILE_EVENTS), pipelineFile], 'bench/audit-pipeline.ts');
  line('baseline: export pipeline alone (jsonl, no store)', FILE_EVENTS, pipeline);
  rmSync(pipelineFile);
  for (const format of ['jsonl', 'csv'] as const) {
    const file = join(work, `store.${format}`);
    const exported = await measure(['export', '--data-dir', dataDir, '--out', file]);
    line(`export from the local store (${format})`, STORE_EVENTS, exported, { label: 'the index read alone', rate: rateOf(read.stderr) });
    const verified = await measure(['verify', file, '--key', auditKey]);
    if (!verified.stdout.startsWith('OK')) throw new Error(`the store export did not verify: ${verified.stdout}`);
    verifyLine(format, file, STORE_EVENTS, verified, await measure([file], 'bench/audit-file-read.ts'));
  }
  for (const format of ['jsonl', 'csv'] as const) {
    const file = join(work, `file.${format}`);
    const started = performance.now();
    await writeFile(file, FILE_EVENTS, auditKey);
    process.stdout.write(
      `wrote ${fmt(FILE_EVENTS)} events with their checkpoints as ${format} (${(statSync(file).size / 1048576).toFixed(0)} MB) in ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
    );
    const verified = await measure(['verify', file, '--key', auditKey]);
    if (!verified.stdout.startsWith('OK')) throw new Error(`the file did not verify: ${verified.stdout}`);
    verifyLine(format, file, FILE_EVENTS, verified, await measure([file], 'bench/audit-file-read.ts'));
    rmSync(file);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
