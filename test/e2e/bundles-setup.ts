import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The bundle pass's global set-up (vitest.config.ts, project `bundles`, issue #19): `cdk synth` builds every
// function's esbuild bundle exactly as a deployment does (same entry points, externals, minification, banner), into
// the directory the project's stacks load them from (SIGNOFF_LOCAL_BUNDLES, local/functions.ts).

const root = fileURLToPath(new URL('../../', import.meta.url));

export const BUNDLES_DIR = `${root}node_modules/.cache/signoff-bundles`;

export default function setup(): void {
  rmSync(BUNDLES_DIR, { recursive: true, force: true });
  // The synthesised app of `npx cdk synth`, bundling included; cdk-nag runs too, as it does on every synth.
  execFileSync(`${root}node_modules/.bin/cdk`, ['synth', '--quiet', '--output', BUNDLES_DIR], { cwd: root, stdio: 'inherit' });
}
