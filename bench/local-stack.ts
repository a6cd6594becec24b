import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { Webhook } from 'standardwebhooks';
import { Stack, WEBHOOK_SECRET, decide, reviewLink, samplePost, waitFor, type OutboxMessage } from '../test/e2e/stack.js';

// `npm run bench`: figures for the foundation issue, measured on the real local stack started as a
// separate process and driven from outside. Never part of `npm test`; nothing here asserts a speed.

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

function rssMiB(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:')) ?? '';
  return Number(/(\d+)/.exec(line)?.[1] ?? NaN) / 1024;
}

/** Waits for the next message after `seen` addressed to `to`; returns it and when it was first seen. */
async function nextMail(stack: Stack, seen: number, to: string): Promise<{ mail: OutboxMessage; at: number }> {
  return waitFor(`mail to ${to}`, async () => {
    const fresh = await stack.outbox(seen);
    const mail = fresh.find((m) => m.to.includes(to));
    return mail === undefined ? undefined : { mail, at: performance.now() };
  }, 30_000);
}

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
  process.stdout.write(`${summary("webhook 202 → first approval e-mail", toFirstMail)}\n`);
  process.stdout.write(`${summary('approve POST → next approval e-mail', approveToNext)}\n`);
}

async function throughput(stack: Stack): Promise<void> {
  const webhook = new Webhook(WEBHOOK_SECRET);
  let n = 0;
  const result = await autocannon({
    url: `${stack.baseUrl}/v1/requests`,
    connections: 10,
    duration: LOAD_SECONDS,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const id = `load_${process.pid}_${n++}`;
          const body = JSON.stringify(samplePost({ title: `Load ${n}` }));
          const now = new Date();
          return {
            ...req,
            body,
            headers: {
              'content-type': 'application/json',
              'webhook-id': id,
              'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
              'webhook-signature': webhook.sign(id, now, body),
            },
          };
        },
      },
    ],
  });
  const non2xx = result.non2xx;
  process.stdout.write(
    `intake throughput (10 connections, ${LOAD_SECONDS} s)      ${result.requests.average.toFixed(0)} req/s average, p50 latency ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${non2xx} non-2xx, ${result.errors} errors\n`,
  );
}

async function memory(stack: Stack): Promise<void> {
  const idle = rssMiB(stack.pid);
  for (let i = 0; i < MEMORY_REQUESTS; i++) {
    const res = await stack.submit(samplePost({ title: `Memory ${i}` }));
    if (res.status !== 202) throw new Error(`submit answered ${res.status}`);
  }
  // Let the workflows reach their callback waits before reading memory.
  await waitFor('all approval e-mails', async () => ((await stack.outbox()).filter((m) => m.subject.includes('Memory ')).length >= MEMORY_REQUESTS ? true : undefined), 300_000);
  const after = rssMiB(stack.pid);
  process.stdout.write(`resident memory                              idle ${idle.toFixed(0)} MiB   after ${MEMORY_REQUESTS} requests ${after.toFixed(0)} MiB\n`);
}

const stack = await Stack.start({ POWERTOOLS_LOG_LEVEL: 'ERROR' });
try {
  process.stdout.write(`Signoff local stack benchmark — node ${process.version}, ${REQUESTS} sequential requests\n`);
  await latency(stack);
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
