// Checks that every sentence a preset cites (config/presets/*.json, `source.quote`) appears word for word in the
// policy file it names — the source policies of GOVERNANCE.md, which live outside this repository:
//
//   npx tsx scripts/check-preset-quotes.ts /path/to/seeds [/path/to/GOVERNANCE.md]
//
// Whitespace is normalised (the policies are extracted from PDFs and wrap lines mid-sentence). Exits 1 on a miss.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PRESET_NAMES, loadPreset } from '../lambdas/core/rules/presets.js';

const [seedsDir, governance] = process.argv.slice(2);
if (seedsDir === undefined) {
  process.stderr.write('usage: npx tsx scripts/check-preset-quotes.ts SEEDS_DIR [GOVERNANCE.md]\n');
  process.exit(2);
}

const normalise = (text: string): string => text.replace(/\s+/gu, ' ').trim();
const texts = new Map<string, string>();
for (const file of readdirSync(seedsDir)) texts.set(file, normalise(readFileSync(join(seedsDir, file), 'utf8')));
if (governance !== undefined) texts.set('GOVERNANCE.md', normalise(readFileSync(governance, 'utf8')));

let misses = 0;
let checked = 0;
for (const name of PRESET_NAMES) {
  const preset = loadPreset(name);
  const citations = [
    ...Object.entries(preset.checks).flatMap(([rule, setting]) => (setting.source === undefined ? [] : [[rule, setting.source] as const])),
    ...preset.stages.flatMap((stage) => (stage.source === undefined ? [] : [[`stage ${stage.stage}`, stage.source] as const])),
  ];
  for (const [what, source] of citations) {
    const text = texts.get(source.policy);
    if (text === undefined) continue;
    checked += 1;
    if (!text.includes(normalise(source.quote))) {
      misses += 1;
      process.stdout.write(`${name} ${what}: not found in ${source.policy}: "${source.quote}"\n`);
    }
  }
}
process.stdout.write(`${checked} quotes checked, ${misses} not found\n`);
process.exit(misses === 0 ? 0 : 1);
