import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import autocannon from 'autocannon';
import { LOCAL_REGION } from '../local/functions.js';
import { ensureBaselineTable, intakeLoad, putAndSend } from './baseline.js';
import { createTransport } from 'nodemailer';
import { submissionBody } from '../local/webhook-client.js';
import { Stack, decide, freePort, reviewLink, samplePost, waitFor, type OutboxMessage } from '../test/e2e/stack.js';

// `npm run bench`: figures for the foundation issue, measured on the real local stack started as a
// separate process and driven from outside. Never part of `npm test`; nothing here asserts a speed.
// Beside the latency and the throughput, in the same run, the baseline (issue #18): the least any webhook-to-mail path
// must do — one DynamoDB PutItem and one SES SendEmail through the SDK against the same stack's dynalite and local SES —
// timed one after the other from here, and served by an HTTP server of its own (bench/baseline-server.ts) under the
// same load; each Signoff figure is printed with its ratio to the baseline.

const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? '200');
const LOAD_SECONDS = Number(process.env['BENCH_LOAD_SECONDS'] ?? '10');
const MEMORY_REQUESTS = Number(process.env['BENCH_MEMORY_REQUESTS'] ?? '1000');

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function summary(label: string, ms: readonly number[]): string {
  return `${label.padEnd(44)} median ${percentile(ms, 50).toFixed(1)} ms   p95 ${percentile(ms, 95).toFixed(1)} ms   (n=${ms.length})`;
}

/** Resident memory (VmRSS) or its high-water mark since the process started (VmHWM), in MiB. */
function memoryMiB(pid: number | undefined, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  if (pid === undefined) return NaN;
  const line =
    readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${field}:`)) ?? '';
  return Number(/(\d+)/.exec(line)?.[1] ?? NaN) / 1024;
}

/** Waits for the next message after `seen` addressed to `to`; returns it and when it was first seen. */
async function nextMail(stack: Stack, seen: number, to: string): Promise<{ mail: OutboxMessage; at: number }> {
  return waitFor(
    `mail to ${to}`,
    async () => {
      const fresh = await stack.outbox(seen);
      const mail = fresh.find((m) => m.to.includes(to));
      return mail === undefined ? undefined : { mail, at: performance.now() };
    },
    30_000,
  );
}

const root = fileURLToPath(new URL('../', import.meta.url));

/** Sequential PutItem + SendEmail against the stack's own endpoints: the least a webhook-to-mail path must do. */
async function baselineLatency(stack: Stack): Promise<number[]> {
  const credentials = stack.awsCredentials();
  const dynamo = new DynamoDBClient({ endpoint: stack.dynamoEndpoint(), region: LOCAL_REGION, credentials });
  const ses = new SESv2Client({ endpoint: stack.sesEndpoint(), region: LOCAL_REGION, credentials });
  try {
    await ensureBaselineTable(dynamo);
    const body = JSON.stringify(samplePost({ title: 'Baseline' }));
    const times: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const started = performance.now();
      await putAndSend(dynamo, ses, `sequential-${i}`, body);
      times.push(performance.now() - started);
    }
    return times;
  } finally {
    dynamo.destroy();
    ses.destroy();
  }
}

/** A figure as a multiple of its baseline: `29.6×`, or `1/25` when it is a fraction of it. */
const ratio = (value: number, baseline: number) =>
  value >= baseline ? `${(value / baseline).toFixed(1)}×` : `1/${(baseline / value).toFixed(0)} of`;

async function latency(stack: Stack): Promise<void> {
  const toFirstMail: number[] = [];
  const approveToNext: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const seen = (await stack.outbox()).length;
    const started = performance.now();
    const res = await stack.submit(samplePost({ title: `Bench ${i}` }));
    if (res.status !== 202) throw new Error(`submit answered ${res.status}: ${await res.text()}`);
    const accepted = performance.now();
    const first = await nextMail(stack, seen, 'grace@example.org');
    toFirstMail.push(first.at - accepted);
    const seenAfterFirst = (await stack.outbox()).length;
    const decidedAt = performance.now();
    const decision = await decide(reviewLink(first.mail), 'approve');
    if (decision.status !== 200) throw new Error(`approve answered ${decision.status}`);
    const next = await nextMail(stack, seenAfterFirst, 'carl@example.org');
    approveToNext.push(next.at - decidedAt);
    void started;
  }
  const baseline = await baselineLatency(stack);
  const [bMedian, bP95] = [percentile(baseline, 50), percentile(baseline, 95)];
  const beside = (ms: readonly number[]) => `   (${ratio(percentile(ms, 50), bMedian)} / ${ratio(percentile(ms, 95), bP95)} the baseline)`;
  process.stdout.write(`${summary('baseline: PutItem + SendEmail, same endpoints', baseline)}\n`);
  process.stdout.write(`${summary('webhook 202 → first approval e-mail', toFirstMail)}${beside(toFirstMail)}\n`);
  process.stdout.write(`${summary('approve POST → next approval e-mail', approveToNext)}${beside(approveToNext)}\n`);
}

async function throughput(stack: Stack): Promise<void> {
  // The baseline first: after the intake's load the stack still runs the workflows it accepted, and would slow it.
  const baseline = await baselineThroughput(stack);
  const result = await intakeLoad(stack.baseUrl, 'Load', LOAD_SECONDS);
  const non2xx = result.non2xx;
  process.stdout.write(
    `baseline server, put + send (10 connections)  ${baseline.requests.average.toFixed(0)} req/s average, p50 latency ${baseline.latency.p50} ms, p99 ${baseline.latency.p99} ms, ${baseline.non2xx} non-2xx, ${baseline.errors} errors\n` +
      `intake throughput (10 connections, ${LOAD_SECONDS} s)      ${result.requests.average.toFixed(0)} req/s average (${ratio(result.requests.average, baseline.requests.average)} the baseline), p50 latency ${result.latency.p50} ms, p90 ${result.latency.p90} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms, ${non2xx} non-2xx, ${result.errors} errors\n`,
  );
}

/** The baseline server (bench/baseline-server.ts) in a process of its own, under the same load as the intake. */
async function baselineThroughput(stack: Stack): Promise<autocannon.Result> {
  const port = await freePort();
  const credentials = stack.awsCredentials();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/baseline-server.ts'], {
    cwd: root,
    env: {
      PATH: process.env['PATH'] ?? '',
      BASELINE_PORT: String(port),
      BASELINE_DYNAMODB: stack.dynamoEndpoint(),
      BASELINE_SES: stack.sesEndpoint(),
      BASELINE_KEY_ID: credentials.accessKeyId,
      BASELINE_SECRET: credentials.secretAccessKey,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('baseline ready')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`the baseline server exited (${code})`)));
    });
    const body = submissionBody(samplePost({ title: 'Baseline load' }));
    return await autocannon({
      url: `http://127.0.0.1:${port}/`,
      connections: 10,
      duration: LOAD_SECONDS,
      requests: [{ method: 'POST', body }],
    });
  } finally {
    child.kill('SIGTERM');
  }
}

async function memory(stack: Stack): Promise<void> {
  const idle = memoryMiB(stack.pid);
  for (let i = 0; i < MEMORY_REQUESTS; i++) {
    const res = await stack.submit(samplePost({ title: `Memory ${i}` }));
    if (res.status !== 202) throw new Error(`submit answered ${res.status}`);
  }
  // Let the workflows reach their callback waits before reading memory.
  await waitFor(
    'all approval e-mails',
    async () => ((await stack.outbox()).filter((m) => m.subject.includes('Memory ')).length >= MEMORY_REQUESTS ? true : undefined),
    300_000,
  );
  const after = memoryMiB(stack.pid);
  process.stdout.write(
    `resident memory                              idle ${idle.toFixed(0)} MiB   after ${MEMORY_REQUESTS} requests ${after.toFixed(0)} MiB\n`,
  );
}

async function mail(stack: Stack): Promise<void> {
  const smtp = createTransport({ host: '127.0.0.1', port: stack.smtpPort, secure: false, ignoreTLS: true });
  const toFirstMail: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const seen = (await stack.outbox()).length;
    const sent = performance.now();
    await smtp.sendMail({
      from: 'ada@example.org',
      to: 'submit+physics-x@example.org',
      subject: `Mail bench ${i}`,
      text: `Seminar ${i} on Thursday. https://example.org/seminar/${i}`,
    });
    const first = await nextMail(stack, seen, 'grace@example.org');
    toFirstMail.push(first.at - sent);
  }
  const baseline = await baselineLatency(stack);
  process.stdout.write(
    `${summary('mail sent (SMTP) → first approval e-mail', toFirstMail)}   (${ratio(percentile(toFirstMail, 50), percentile(baseline, 50))} / ${ratio(percentile(toFirstMail, 95), percentile(baseline, 95))} the baseline, measured again on this stack)\n`,
  );
  // Peak memory of a 10 MB mail: the stack's high-water mark of resident memory before and after one.
  const before = memoryMiB(stack.pid, 'VmHWM');
  const image = Buffer.alloc(10 * 1024 * 1024 - 64 * 1024, 1);
  await smtp.sendMail({
    from: 'ada@example.org',
    to: 'submit+physics-x@example.org',
    subject: 'Ten megabytes',
    text: 'A large picture. https://example.org/large\nAlt 1: A large test image',
    attachments: [{ filename: 'large.png', content: image, contentType: 'image/png' }],
  });
  await waitFor(
    "the large mail's acknowledgement",
    async () => (await stack.outbox()).find((m) => m.subject === 'Re: Ten megabytes'),
    60_000,
  );
  const after = memoryMiB(stack.pid, 'VmHWM');
  process.stdout.write(
    `10 MB mail through intake                    peak resident memory ${before.toFixed(0)} → ${after.toFixed(0)} MiB (+${(after - before).toFixed(0)} MiB)\n`,
  );
  smtp.close();
}

const stack = await Stack.start({ POWERTOOLS_LOG_LEVEL: 'ERROR' });
try {
  process.stdout.write(`Signoff local stack benchmark — node ${process.version}, ${REQUESTS} sequential requests\n`);
  await latency(stack);
  const mailStack = await Stack.start({ POWERTOOLS_LOG_LEVEL: 'ERROR' });
  try {
    await mail(mailStack);
  } finally {
    await mailStack.dispose();
  }
  await throughput(stack);
  const fresh = await Stack.start({ POWERTOOLS_LOG_LEVEL: 'ERROR' });
  try {
    await memory(fresh);
  } finally {
    await fresh.dispose();
  }
} finally {
  await stack.dispose();
}
