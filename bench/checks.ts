import { performance } from 'node:perf_hooks';
import { checkBrandPost } from '../lambdas/core/checks.js';
import { BRAND_POST_RULES, PRESET_NAMES, loadPreset } from '../lambdas/core/presets.js';
import { MAX_TEXT_CHARS } from '../lambdas/core/submission.js';
import { ADVERSARIAL_UNITS, adversarialText } from '../test/fixtures/adversarial.js';
import { CORPUS, CORPUS_DIRECTORY } from '../test/fixtures/corpus.js';
import { corpusFigures, type Share } from '../test/fixtures/corpus-figures.js';

// `npm run bench` (checks): over the corpus of institutional posts in test/fixtures/corpus.ts — the share of
// ordinary posts with a finding that asks an approver's attention (warn or worse), how many posts each rule fires
// on, and the time the checks take per post (median and 99th percentile over every post, after a warm-up).

const ROUNDS = 20;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function percent(s: Share): string {
  return `${s.withWarnOrWorse}/${s.posts} (${(100 * s.share).toFixed(1)} %; ${s.unexpected} not labelled)`;
}

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

// The first call pays for building the matchers and the hashtag dictionary (a cold start), measured apart.
const coldStart = performance.now();
checkBrandPost(CORPUS[0]?.submission ?? (() => { throw new Error('empty corpus'); })(), CORPUS_DIRECTORY);
const cold = performance.now() - coldStart;

const times: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const post of CORPUS) {
    const start = performance.now();
    checkBrandPost(post.submission, CORPUS_DIRECTORY);
    const elapsed = performance.now() - start;
    if (round > 0) times.push(elapsed);
  }
}
times.sort((a, b) => a - b);

out(`checks corpus                                ${CORPUS.length} posts`);
out(`checks time per post (preset default)        median ${percentile(times, 50).toFixed(3)} ms, p99 ${percentile(times, 99).toFixed(3)} ms, max ${percentile(times, 100).toFixed(3)} ms (${times.length} runs); first call ${cold.toFixed(1)} ms`);
for (const name of PRESET_NAMES) {
  const f = corpusFigures(loadPreset(name));
  out(`checks warn-or-worse, preset ${name.padEnd(14)}  announcements ${percent(f.announcements)}; all ordinary posts ${percent(f.ordinary)}`);
}
const figures = corpusFigures(loadPreset('default'));
out('checks per rule (preset default)             posts fired / of which warn or worse / statements recorded');
for (const rule of BRAND_POST_RULES) {
  const c = figures.perRule[rule];
  out(`  ${rule.padEnd(20)} ${String(c.fires).padStart(4)} ${String(c.warnOrWorse).padStart(4)} ${String(c.statements).padStart(4)}`);
}

// Texts built to make patterns backtrack (test/fixtures/adversarial.ts), five times longer than the intake accepts:
// the slowest shows whether any pattern has gone quadratic.
const LONG = 5 * MAX_TEXT_CHARS;
const slowest: Array<{ unit: string; ms: number }> = [];
for (const unit of ADVERSARIAL_UNITS) {
  const text = adversarialText(unit, LONG);
  const submission = { ...(CORPUS[0]?.submission ?? (() => { throw new Error('empty corpus'); })()), text, format: 'thread' as const };
  const start = performance.now();
  checkBrandPost(submission, CORPUS_DIRECTORY);
  slowest.push({ unit, ms: performance.now() - start });
}
slowest.sort((a, b) => b.ms - a.ms);
out(`checks on ${LONG.toLocaleString('en')}-character adversarial texts   ${slowest.length} texts, slowest ${slowest.slice(0, 3).map((s) => `${JSON.stringify(s.unit)} ${s.ms.toFixed(0)} ms`).join(', ')}`);
