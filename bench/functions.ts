import { journey } from '../test/e2e/journeys.js';
import setupBundles, { BUNDLES_DIR } from '../test/e2e/bundles-setup.js';
import { Stack } from '../test/e2e/stack.js';
import type { FunctionFigures } from '../local/functions.js';

// `npm run bench` (issue #19): each function's cold and warm invocation times locally, from the TypeScript sources
// (under tsx) beside the esbuild bundles `cdk synth` makes for the deployment, in the same run. The same brand posts go
// through both stages on each stack, one after the other (so the machine is not shared), and GET /_local/functions.json
// gives what the local runtime measured: the module's load (the module-scope part of a cold start), its first
// invocation (SDK clients, connections and caches made on first use), and the warm ones after it.
// BENCH_FUNCTIONS_REQUESTS (20).

const REQUESTS = Number(process.env['BENCH_FUNCTIONS_REQUESTS'] ?? '20');

async function figures(label: string, env: Record<string, string>): Promise<Map<string, FunctionFigures>> {
  const stack = await Stack.start(env);
  try {
    for (let i = 1; i <= REQUESTS; i++) await journey(stack, `Functions ${label} [${i}]`, { timeoutMs: 60_000 });
    const res = await fetch(`${stack.baseUrl}/_local/functions.json`);
    const body = (await res.json()) as { functions: FunctionFigures[] };
    return new Map(body.functions.map((f) => [f.name, f]));
  } finally {
    await stack.dispose();
  }
}

const ms = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(1));

setupBundles();
const sources = await figures('sources', {});
const bundles = await figures('bundles', { SIGNOFF_LOCAL_BUNDLES: BUNDLES_DIR });

process.stdout.write(
  `\nfunctions: ${REQUESTS} brand posts through both stages; sources (tsx) / bundles (cdk synth), ms\n` +
    `${'function'.padEnd(18)} ${'load'.padStart(15)} ${'first call'.padStart(15)} ${'warm median'.padStart(15)} ${'warm p95'.padStart(15)} ${'calls'.padStart(7)} ${'environments'.padStart(13)}\n`,
);
for (const [name, s] of sources) {
  const b = bundles.get(name);
  const pair = (x: number | null | undefined, y: number | null | undefined) => `${ms(x)} / ${ms(y)}`.padStart(15);
  process.stdout.write(
    `${name.padEnd(18)} ${pair(s.loadMs, b?.loadMs)} ${pair(s.firstMs, b?.firstMs)} ${pair(s.warmMedianMs, b?.warmMedianMs)} ${pair(s.warmP95Ms, b?.warmP95Ms)} ${String(s.invocations).padStart(7)} ${`${s.environments} / ${b?.environments ?? '—'}`.padStart(13)}\n`,
  );
}
