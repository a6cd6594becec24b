import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

// `npm run bench` (part 1): how long `cdk synth` takes with real esbuild bundling, how big each
// function's minified bundle is, and how long Node takes to load it (a proxy for cold-start init). Beside them, in the
// same run and the same way: the floor, a bundle of what every function must load at least (the DynamoDB document
// client, bundled as lib/signoff-function.ts bundles), so that a load time can be judged on any machine as a ratio.

const root = fileURLToPath(new URL('../', import.meta.url));
const out = join(root, 'cdk.out');
const LOADS = 5;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

const started = performance.now();
execFileSync(join(root, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--output', out], { cwd: root, stdio: 'ignore' });
const synthSeconds = (performance.now() - started) / 1000;
process.stdout.write(`cdk synth (2 stacks, every bundle, cdk-nag)  ${synthSeconds.toFixed(1)} s\n`);

// Which asset belongs to which function: the stateless template names each function's code asset.
const template = JSON.parse(readFileSync(join(out, 'SignoffStateless.template.json'), 'utf8')) as {
  Resources: Record<
    string,
    { Type: string; Metadata?: Record<string, string>; Properties?: { Environment?: { Variables?: Record<string, unknown> } } }
  >;
};
/** Median load time of a bundle in fresh processes with `env`, in ms. */
function loadMs(bundle: string, env: Record<string, string>, what: string): number {
  const loads: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    const script = `const t = performance.now(); await import(${JSON.stringify(bundle)}); process.stdout.write(String(performance.now() - t));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`loading ${what} failed: ${run.stderr}`);
    loads.push(Number(run.stdout));
  }
  return median(loads);
}

const floorDir = mkdtempSync(join(tmpdir(), 'signoff-floor-'));
writeFileSync(
  join(floorDir, 'floor.ts'),
  "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nimport { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';\nexport const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));\n",
);
const floorBundle = join(floorDir, 'index.mjs');
await build({
  entryPoints: [join(floorDir, 'floor.ts')],
  absWorkingDir: root,
  nodePaths: [join(root, 'node_modules')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  mainFields: ['module', 'main'],
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  outfile: floorBundle,
  logLevel: 'error',
});
const floor = {
  bytes: statSync(floorBundle).size,
  loadMs: loadMs(floorBundle, { PATH: process.env['PATH'] ?? '', AWS_REGION: 'eu-west-1' }, 'the floor'),
};
const rows: Array<{ name: string; bytes: number; loadMs: number }> = [];
for (const [logicalId, resource] of Object.entries(template.Resources)) {
  if (resource.Type !== 'AWS::Lambda::Function') continue;
  const assetDir = resource.Metadata?.['aws:asset:path'];
  if (assetDir === undefined) continue;
  const dir = join(out, assetDir);
  const bundle = join(dir, 'index.mjs');
  const bytes = statSync(bundle).size;
  // Module scope reads its environment at load, as at a cold start: the function's own variables from the template,
  // references (table names, ARNs) replaced by placeholders, since the values only need to exist.
  const variables = Object.entries(resource.Properties?.Environment?.Variables ?? {}).map(([name, value]) => [
    name,
    typeof value === 'string'
      ? value
      : name.endsWith('_ARN')
        ? `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}`
        : `placeholder-${name.toLowerCase()}`,
  ]);
  const env = {
    ...Object.fromEntries(variables),
    PATH: process.env['PATH'] ?? '',
    AWS_REGION: 'eu-west-1',
    STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:x',
    SIGNOFF_DIRECTORY: join(dir, 'directory.json'),
  };
  rows.push({ name: logicalId.replace(/[0-9A-F]{8}$/, ''), bytes, loadMs: loadMs(bundle, env, logicalId) });
}
const line = (name: string, r: { bytes: number; loadMs: number }) =>
  `bundle ${name.padEnd(20)} ${(r.bytes / 1024).toFixed(0).padStart(5)} KiB   module load ${r.loadMs.toFixed(1).padStart(6)} ms (median of ${LOADS}, ${(r.loadMs / floor.loadMs).toFixed(2)}× the floor)\n`;
process.stdout.write(line('(floor: DynamoDB only)', floor));
for (const r of rows.sort((a, b) => a.name.localeCompare(b.name))) process.stdout.write(line(r.name, r));
process.stdout.write(
  `largest bundle ${(Math.max(...rows.map((r) => r.bytes)) / 1024).toFixed(0)} KiB; slowest load ${Math.max(...rows.map((r) => r.loadMs)).toFixed(1)} ms\n`,
);
