import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { createTransport } from 'nodemailer';
import { signedHeaders, submissionBody } from '../local/webhook-client.js';
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
  process.stdout.write(`${summary('webhook 202 → first approval e-mail', toFirstMail)}\n`);
  process.stdout.write(`${summary('approve POST → next approval e-mail', approveToNext)}\n`);
}

async function throughput(stack: Stack): Promise<void> {
  let n = 0;
  const result = await autocannon({
    url: `${stack.baseUrl}/v1/requests`,
    connections: 10,
    duration: LOAD_SECONDS,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const body = submissionBody(samplePost({ title: `Load ${n}` }));
          return { ...req, body, headers: signedHeaders(WEBHOOK_SECRET, body, `load_${process.pid}_${n++}`) };
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
  process.stdout.write(`${summary('mail sent (SMTP) → first approval e-mail', toFirstMail)}\n`);
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
