import { accountOf, journey, type Journey, type JourneyAccount } from '../test/e2e/journeys.js';
import { Stack } from '../test/e2e/stack.js';
import { Rng } from '../local/prng.js';

// `npm run bench` (issue #13): the soak. Hundreds of brand posts through both stages while the stack is SIGKILLed
// at seeded random moments and started again on the same data directory, then the account of every request: lost
// (a promised mail never sent, or the request never ended), duplicated (a mail recorded twice, an audit event
// written other than once), stuck (no end within the time a client waits), and the extra copies the one open window
// allows (a death between SES's acceptance and the sender's mark: a copy the trail never recorded). Beside it, the
// same batch on a stack nobody kills, in the same run: the baseline for the counts and the time.
// BENCH_SOAK_REQUESTS (200), BENCH_SOAK_KILLS (10), BENCH_SOAK_CONCURRENCY (20), BENCH_SOAK_SEED.

const REQUESTS = Number(process.env['BENCH_SOAK_REQUESTS'] ?? '200');
const KILLS = Number(process.env['BENCH_SOAK_KILLS'] ?? '10');
const CONCURRENCY = Number(process.env['BENCH_SOAK_CONCURRENCY'] ?? '20');
const SEED = Number(process.env['BENCH_SOAK_SEED'] ?? '13');
/** How long a client keeps retrying one step: a claim's lease (30 s) and the retries after it, under load. */
const CLIENT_PATIENCE_MS = 300_000;

/** Where a stuck request stands (named in the client's error): its status, its stages, the last events of its trail. */
async function whereItStands(stack: Stack, message: string): Promise<string> {
  const id = /req_[A-Za-z0-9]{24}/.exec(message)?.[0];
  if (id === undefined) return '';
  try {
    const status = await stack.status(id);
    const audit = await stack.audit(id);
    const stages = status.stages.map((s) => `${s.stage}:${s.status}`).join(',');
    return ` — ${status.status} [${stages}], last events: ${audit.events
      .slice(-4)
      .map((e) => e.type)
      .join(', ')}`;
  } catch (error) {
    return ` — (could not read where it stands: ${String(error)})`;
  }
}

interface Run {
  readonly label: string;
  readonly seconds: number;
  readonly kills: number;
  readonly stuck: readonly string[];
  readonly accounts: readonly JourneyAccount[];
}

async function soak(label: string, kills: number): Promise<Run> {
  const stack = await Stack.start({ SIGNOFF_STAGE_RECHECK_SECONDS: '5' });
  const random = new Rng(SEED);
  const started = performance.now();
  // Bracketed numbers: no title is a part of another (#1 of #10), which the clients' mail search would confuse.
  const titles = Array.from({ length: REQUESTS }, (_, i) => `Soak ${label} ${SEED} [${i + 1}]`);
  const finished: Journey[] = [];
  const stuck: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < titles.length) {
      const title = titles[next++] ?? '';
      try {
        finished.push(await journey(stack, title, { timeoutMs: CLIENT_PATIENCE_MS }));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        stuck.push(`${title}: ${message.slice(0, 160)}${await whereItStands(stack, message)}`);
      }
    }
  };
  const workers = Promise.all(Array.from({ length: CONCURRENCY }, worker));
  let killed = 0;
  let running = true;
  void workers.finally(() => {
    running = false;
  });
  while (killed < kills && running) {
    await new Promise((resolve) => setTimeout(resolve, 1_000 + Math.floor(random.next() * 5_000)));
    if (!running) break;
    await stack.restart('SIGKILL', { SIGNOFF_STAGE_RECHECK_SECONDS: '5' });
    killed++;
  }
  await workers;
  const seconds = (performance.now() - started) / 1000;
  const outbox = await stack.outbox().catch((error: unknown) => {
    throw new Error(`${label}: the stack does not answer after the soak (${String(error)}); its output:\n${stack.output.slice(-3000)}`);
  });
  const accounts: JourneyAccount[] = [];
  for (const j of finished) accounts.push(await accountOf(stack, j, outbox));
  await stack.dispose();
  return { label, seconds, kills: killed, stuck, accounts };
}

function line(run: Run): string {
  const count = (pick: (a: JourneyAccount) => readonly string[]) => run.accounts.reduce((n, a) => n + pick(a).length, 0);
  const unverified = run.accounts.filter((a) => !a.verified).length;
  return [
    run.label.padEnd(22),
    `${String(run.kills).padStart(3)} kills`,
    `${run.seconds.toFixed(0).padStart(5)} s`,
    `lost ${count((a) => a.lost)}`,
    `duplicated ${count((a) => a.duplicated)}`,
    `events off ${count((a) => a.events)}`,
    `stuck ${run.stuck.length}`,
    `unverified ${unverified}`,
    `unrecorded copies ${count((a) => a.unrecordedCopies)}`,
  ].join('   ');
}

const baseline = await soak('no kills (baseline)', 0);
const killed = await soak('SIGKILLed', KILLS);
console.log(`\ncrash soak: ${REQUESTS} brand posts through two stages, ${CONCURRENCY} at a time, seed ${SEED}`);
console.log(line(baseline));
console.log(line(killed));
for (const run of [baseline, killed]) {
  for (const s of run.stuck.slice(0, 5)) console.log(`  ${run.label} stuck: ${s}`);
  for (const a of run.accounts.filter((x) => x.lost.length + x.duplicated.length + x.events.length > 0).slice(0, 5))
    console.log(`  ${run.label} ${a.title}: ${[...a.lost, ...a.duplicated, ...a.events].join('; ')}`);
}
