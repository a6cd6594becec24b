import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { getStoreReadonly, type Email } from 'aws-ses-v2-local/dist/store.js';
import { LOCAL_REGION } from '../local/functions.js';
import { openOutboxFile, outboxLineParser, startSes, toMessage } from '../local/outbox.js';
import { newLocalCredentials } from '../local/settings.js';

// `npx tsx bench/outbox.ts` (part of `npm run bench`): what the local outbox costs as history grows (issue #13).
//
//   restart   an outbox.jsonl of 1,000 and 10,000 approval-sized mails opened as the runtime did before (every line
//             read and kept in memory, each poll mapping all of them, then slicing) and as it does now (one streaming
//             pass keeping line offsets, pages read from disk): time to open, heap kept (after GC, over the heap
//             before), and a `?from=` poll as the gateway answers it (page read, mapped, JSON) — for the last message
//             (a client polling for what is new) and for the last page of 500. Each in a process of its own.
//   writing   the heap of a process running the local SES after 1,000 and 10,000 mails sent through it (SigV4, the
//             SDK), and the growth per message between the two: the package's store lets go of each mail once
//             persisted. The before-figure is not run here: the store kept every mail, as the restart row shows.
//
// Median of rounds for the polls. Not part of `npm test`.

const SIZES = [1_000, 10_000];
const POLL_ROUNDS = 40;
const PAGE = 500;

function approvalMail(n: number): Email {
  const link = `http://127.0.0.1:3000/approvals/req_${n.toString(36).padStart(8, '0')}?t=${'k'.repeat(160)}`;
  const text = `Grace,\n\nA post needs your approval (request ${n}).\n\n${'The seminar on quantum materials opens on Friday. '.repeat(20)}\n\nReview: ${link}\n`;
  return {
    messageId: `0100018f-${n.toString(16).padStart(8, '0')}-bench`,
    from: 'signoff@example.org',
    replyTo: [],
    destination: { to: ['grace@example.org'], cc: [], bcc: [] },
    subject: `Approval needed: Seminar announcement ${n}`,
    body: { text, html: `<p>${text.replaceAll('\n', '<br>')}</p>` },
    attachments: [],
    headers: [{ name: 'X-Signoff-Request', value: `req_${n}` }],
    at: 1_780_000_000 + n,
  };
}

function gcHeap(): number {
  const gc = globalThis.gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function timeMedian(act: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < POLL_ROUNDS; i++) {
    const started = performance.now();
    await act();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

interface RestartFigures {
  openMs: number;
  heapKeptBytes: number;
  pollNewMs: number;
  pollLastPageMs: number;
}

/** In a child: the runtime before this change, on `file`. */
async function restartBefore(file: string): Promise<RestartFigures> {
  const heapBefore = gcHeap();
  const started = performance.now();
  const parse = outboxLineParser(file);
  const emails: Email[] = [];
  for (const [i, line] of readFileSync(file, 'utf8').split('\n').entries()) if (line.trim() !== '') emails.push(parse(line, i + 1));
  const openMs = performance.now() - started;
  const heapKeptBytes = gcHeap() - heapBefore;
  const poll = async (from: number): Promise<string> => JSON.stringify(emails.map(toMessage).slice(from));
  return {
    openMs,
    heapKeptBytes,
    pollNewMs: await timeMedian(() => poll(emails.length - 1)),
    pollLastPageMs: await timeMedian(() => poll(emails.length - PAGE)),
  };
}

/** In a child: the runtime now, on `file`. */
async function restartNow(file: string): Promise<RestartFigures> {
  const heapBefore = gcHeap();
  const started = performance.now();
  const outbox = await openOutboxFile(file);
  const openMs = performance.now() - started;
  const heapKeptBytes = gcHeap() - heapBefore;
  const poll = async (from: number): Promise<string> => JSON.stringify((await outbox.page(from, PAGE)).map(toMessage));
  return {
    openMs,
    heapKeptBytes,
    pollNewMs: await timeMedian(() => poll(outbox.count - 1)),
    pollLastPageMs: await timeMedian(() => poll(outbox.count - PAGE)),
  };
}

/** In a child: heap of a process running the local SES after each count of mails sent through it. */
async function writing(counts: readonly number[]): Promise<{ sent: number; heapBytes: number; storeHeld: number }[]> {
  const dir = mkdtempSync(join(tmpdir(), 'signoff-bench-outbox-write-'));
  const credentials = newLocalCredentials();
  const ses = await startSes(dir, credentials);
  const client = new SESv2Client({ endpoint: ses.endpoint, region: LOCAL_REGION, credentials });
  const send = (n: number) => {
    const mail = approvalMail(n);
    return client.send(
      new SendEmailCommand({
        FromEmailAddress: mail.from,
        Destination: { ToAddresses: mail.destination.to },
        Content: {
          Simple: { Subject: { Data: mail.subject }, Body: { Text: { Data: mail.body.text ?? '' }, Html: { Data: mail.body.html ?? '' } } },
        },
      }),
    );
  };
  const figures: { sent: number; heapBytes: number; storeHeld: number }[] = [];
  let sent = 0;
  for (const target of counts) {
    while (sent < target) {
      const batch = Math.min(16, target - sent);
      await Promise.all(Array.from({ length: batch }, (_, i) => send(sent + i)));
      sent += batch;
    }
    figures.push({ sent, heapBytes: gcHeap(), storeHeld: getStoreReadonly().emails.length });
  }
  client.destroy();
  await ses.close();
  rmSync(dir, { recursive: true, force: true });
  return figures;
}

function child(args: string[]): unknown {
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (run.status !== 0) throw new Error(`bench child ${args.join(' ')} failed: ${run.stderr}`);
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last);
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;

function isRestartFigures(value: unknown): value is RestartFigures {
  return typeof value === 'object' && value !== null && 'openMs' in value && 'heapKeptBytes' in value && 'pollNewMs' in value;
}

async function main(): Promise<void> {
  const [mode, ...rest] = process.argv.slice(2);
  if (mode === 'before' || mode === 'now') {
    const file = rest[0] ?? '';
    process.stdout.write(`${JSON.stringify(await (mode === 'before' ? restartBefore(file) : restartNow(file)))}\n`);
    return;
  }
  if (mode === 'writing') {
    process.stdout.write(`${JSON.stringify(await writing(rest.map(Number)))}\n`);
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'signoff-bench-outbox-'));
  try {
    process.stdout.write('outbox: restart on an outbox of N mails, before (held whole) and now (indexed, paged from disk)\n');
    for (const size of SIZES) {
      const file = join(work, `outbox-${size}.jsonl`);
      writeFileSync(file, Array.from({ length: size }, (_, n) => `${JSON.stringify(approvalMail(n))}\n`).join(''));
      for (const variant of ['before', 'now']) {
        const f = child([variant, file]);
        if (!isRestartFigures(f)) throw new Error(`unexpected figures: ${JSON.stringify(f)}`);
        process.stdout.write(
          `  ${size.toLocaleString('en')} mails (${mib(statSync(file).size)} on disk), ${variant.padEnd(6)}  open ${ms(f.openMs).padStart(9)}` +
            `  heap kept ${mib(f.heapKeptBytes).padStart(9)}  poll ?from=N-1 ${ms(f.pollNewMs).padStart(8)}  ?from=N-${PAGE} ${ms(f.pollLastPageMs).padStart(8)}\n`,
        );
      }
    }
    const written = child(['writing', ...SIZES.map(String)]);
    if (!Array.isArray(written)) throw new Error('unexpected figures');
    const rows = written.filter(
      (r): r is { sent: number; heapBytes: number; storeHeld: number } =>
        typeof r === 'object' && r !== null && 'sent' in r && 'heapBytes' in r,
    );
    process.stdout.write('outbox: heap of the process running the local SES, mails sent through it (now)\n');
    for (const r of rows)
      process.stdout.write(
        `  after ${r.sent.toLocaleString('en').padStart(6)} sent  heap ${mib(r.heapBytes)}  held by the package's store ${r.storeHeld}\n`,
      );
    const [first, last] = [rows[0], rows.at(-1)];
    if (first !== undefined && last !== undefined && last.sent > first.sent)
      process.stdout.write(`  growth per message ${((last.heapBytes - first.heapBytes) / (last.sent - first.sent)).toFixed(1)} bytes\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
