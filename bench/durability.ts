import { FSYNC_VARIABLE } from '../local/durable.js';
import { Stack, samplePost, waitFor } from '../test/e2e/stack.js';
import { intakeLoad } from './baseline.js';

// `npm run bench` (issue #18): what it costs that every local write reaches the disk before it is answered
// (local/durable.ts) — the same stack with SIGNOFF_LOCAL_FSYNC=on (the default) beside =off, in the same run, one after
// the other: sequential posts from the webhook to the first approval e-mail, and the intake under 10 connections.
// BENCH_DURABILITY_REQUESTS (40), BENCH_LOAD_SECONDS (10).

const REQUESTS = Number(process.env['BENCH_DURABILITY_REQUESTS'] ?? '40');
const LOAD_SECONDS = Number(process.env['BENCH_LOAD_SECONDS'] ?? '10');

const percentile = (values: readonly number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)] ?? NaN;

interface Figures {
  readonly median: number;
  readonly p95: number;
  readonly perSecond: number;
  readonly errors: number;
}

async function measure(fsync: 'on' | 'off'): Promise<Figures> {
  const stack = await Stack.start({ POWERTOOLS_LOG_LEVEL: 'ERROR', [FSYNC_VARIABLE]: fsync });
  try {
    const toFirstMail: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const title = `Durability ${fsync} ${i}`;
      const seen = (await stack.outbox()).length;
      const res = await stack.submit(samplePost({ title }));
      if (res.status !== 202) throw new Error(`submit answered ${res.status}: ${await res.text()}`);
      const accepted = performance.now();
      await waitFor(
        'the first approval e-mail',
        async () => ((await stack.outbox(seen)).some((m) => m.subject.includes(title)) ? true : undefined),
        30_000,
      );
      toFirstMail.push(performance.now() - accepted);
    }
    const load = await intakeLoad(stack.baseUrl, `Durability load ${fsync}`, LOAD_SECONDS);
    return {
      median: percentile(toFirstMail, 50),
      p95: percentile(toFirstMail, 95),
      perSecond: load.requests.average,
      errors: load.errors + load.non2xx,
    };
  } finally {
    await stack.dispose();
  }
}

const on = await measure('on');
const off = await measure('off');
process.stdout.write(
  `\nwrites synced (${FSYNC_VARIABLE}=on, the default) beside left to the kernel (=off), same run\n` +
    `webhook 202 → first approval e-mail, median   ${on.median.toFixed(1)} ms vs ${off.median.toFixed(1)} ms (${(on.median / off.median).toFixed(2)}×)\n` +
    `webhook 202 → first approval e-mail, p95      ${on.p95.toFixed(1)} ms vs ${off.p95.toFixed(1)} ms (${(on.p95 / off.p95).toFixed(2)}×)\n` +
    `intake, 10 connections, ${LOAD_SECONDS} s                ${on.perSecond.toFixed(1)} vs ${off.perSecond.toFixed(1)} req/s (${(on.perSecond / off.perSecond).toFixed(2)}×); errors ${on.errors} / ${off.errors}\n`,
);
