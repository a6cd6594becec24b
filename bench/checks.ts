import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { MAX_ANSWER_CHARS, parseAccountOpening } from '../lambdas/core/account-opening/body.js';
import { checkAccountOpening } from '../lambdas/core/account-opening/checks.js';
import { QUESTION_KEYS } from '../lambdas/core/account-opening/questionnaire.js';
import { runWithinBudget } from '../lambdas/core/checks/check-budget.js';
import { checkBrandPost } from '../lambdas/core/checks/brand-post/checks.js';
import { parseDirectory } from '../lambdas/core/request/directory.js';
import type { BrandPostSubmission, Finding } from '../lambdas/core/model.js';
import { BRAND_POST_RULES, type BrandPostRule, type RuleId } from '../lambdas/core/rules/catalogue.js';
import { PRESET_NAMES, loadPreset, type Preset } from '../lambdas/core/rules/presets.js';
import { MAX_MEDIA_ITEMS, MAX_TEXT_CHARS } from '../lambdas/core/request/submission.js';
import { SAMPLE_OPENING } from '../local/samples.js';
import { ADVERSARIAL_UNITS, adversarialCorpus, adversarialText } from '../test/fixtures/adversarial.js';
import { SCANNER_INPUTS } from '../test/fixtures/scanner-inputs.js';
import { credentialFields } from '../lambdas/core/account-opening/credentials.js';
import { postsPerWeek } from '../lambdas/core/account-opening/cadence.js';
import { hasKeyShapedSecret, hasLabelledSecret } from '../lambdas/core/checks/text/secrets.js';
import { addressSigns } from '../lambdas/core/mail/mail-parse.js';
import { parseAuthenticationResults } from '../lambdas/core/mail/mail-auth.js';
import { MAX_JSON_DEPTH, jsonNestedDeeperThan } from '../lambdas/core/request/limits.js';
import { CORPUS, CORPUS_DIRECTORY } from '../test/fixtures/corpus.js';
import { corpusFigures, type Share } from '../test/fixtures/corpus-figures.js';

// `npm run bench` (checks): over the corpus of institutional posts in test/fixtures/corpus.ts — the share of
// ordinary posts with a finding that asks an approver's attention (warn or worse), how many posts each rule fires
// on, and the time the checks take per post (median and 99th percentile over every post, after a warm-up). Then, over
// the adversarial texts of test/fixtures/adversarial.ts at the intake's maximum length, the slowest time of each rule
// beside a linear pass over the same text (so the figure can be judged on any machine; the aim is under 50 ms), and
// the cost of the per-rule time budget (node:vm's timeout).

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
checkBrandPost(
  CORPUS[0]?.submission ??
    (() => {
      throw new Error('empty corpus');
    })(),
  CORPUS_DIRECTORY,
);
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
out(
  `checks time per post (preset default)        median ${percentile(times, 50).toFixed(3)} ms, p99 ${percentile(times, 99).toFixed(3)} ms, max ${percentile(times, 100).toFixed(3)} ms (${times.length} runs); first call ${cold.toFixed(1)} ms`,
);
for (const name of PRESET_NAMES) {
  const f = corpusFigures(loadPreset(name));
  out(
    `checks warn-or-worse, preset ${name.padEnd(14)}  announcements ${percent(f.announcements)}; all ordinary posts ${percent(f.ordinary)}`,
  );
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
  const submission = {
    ...(CORPUS[0]?.submission ??
      (() => {
        throw new Error('empty corpus');
      })()),
    text,
    format: 'thread' as const,
  };
  const start = performance.now();
  checkBrandPost(submission, CORPUS_DIRECTORY);
  slowest.push({ unit, ms: performance.now() - start });
}
slowest.sort((a, b) => b.ms - a.ms);
out(
  `checks on ${LONG.toLocaleString('en')}-character adversarial texts   ${slowest.length} texts, slowest ${slowest
    .slice(0, 3)
    .map((s) => `${JSON.stringify(s.unit)} ${s.ms.toFixed(0)} ms`)
    .join(', ')}`,
);

// ——— each rule on the adversarial texts, at the intake's maximum length ———

/** The fastest of `runs` timings of `fn`, in milliseconds: the least disturbed by the collector and the scheduler. */
function fastest(fn: () => unknown, runs = 2): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/** `base` with only `rule` on (at its own severity, or warn where the preset has it off); none at all for undefined. */
function onlyRule(base: Preset, rule: BrandPostRule | undefined): Preset {
  const checks = { ...base.checks };
  for (const r of BRAND_POST_RULES) {
    const setting = base.checks[r];
    checks[r] =
      r === rule ? { ...setting, severity: setting.severity === 'off' ? 'warn' : setting.severity } : { ...setting, severity: 'off' };
  }
  return { ...base, checks };
}

const sample =
  CORPUS[0]?.submission ??
  (() => {
    throw new Error('empty corpus');
  })();
const adversarial = adversarialCorpus(MAX_TEXT_CHARS);
/** Each text as a thread (parts are split) to an active account, and with ten described images to an account that is not registered (P-LOGO reads them). */
function submissionsOf(text: string): BrandPostSubmission[] {
  const media = Array.from({ length: MAX_MEDIA_ITEMS }, (_, i) => ({
    type: 'image' as const,
    url: `https://example.org/${i}.jpg`,
    alt: text.slice(0, 1_500),
    rights: 'own' as const,
  }));
  return [
    { ...sample, text, format: 'thread' },
    { ...sample, text, format: 'post', account: 'not-registered', media },
  ];
}
// A linear pass over the same text, what "fast" means on this machine: a loop over its characters (whatever they
// are), and a split on blanks (a regular expression's pass).
let checksum = 0;
function loopOver(text: string): number {
  for (let i = 0; i < text.length; i++) checksum = (checksum + text.charCodeAt(i)) | 0;
  return checksum;
}
const baselines = new Map(
  adversarial.map(({ label, text }) => [
    label,
    { loop: fastest(() => loopOver(text), 5), split: fastest(() => text.split(/\s+/u).length, 5) },
  ]),
);

const preset = loadPreset('default');
const rows: Array<{ name: string; ms: number; label: string }> = [];
for (const rule of [undefined, ...BRAND_POST_RULES]) {
  const only = onlyRule(preset, rule);
  let slowest = { ms: 0, label: '' };
  for (const { label, text } of adversarial) {
    for (const submission of submissionsOf(text)) {
      const ms = fastest(() => checkBrandPost(submission, CORPUS_DIRECTORY, only));
      if (ms > slowest.ms) slowest = { ms, label };
    }
  }
  rows.push({ name: rule ?? '(links blanked and read, no rule)', ...slowest });
}
out(
  `checks per rule, slowest over ${adversarial.length} adversarial texts of ${MAX_TEXT_CHARS.toLocaleString('en')} characters (aim: under 50 ms), beside one loop over the same text's characters and one split of it on blanks`,
);
for (const row of rows) {
  const baseline = baselines.get(row.label) ?? { loop: NaN, split: NaN };
  out(
    `  ${row.name.padEnd(34)} ${row.ms.toFixed(2).padStart(7)} ms = ${(row.ms / baseline.loop).toFixed(0).padStart(4)} loops of ${baseline.loop.toFixed(3)} ms` +
      ` (split ${baseline.split.toFixed(3)} ms)  on ${row.label.slice(0, 40)}`,
  );
}
const loops = [...baselines.values()].map((b) => b.loop);
const splits = [...baselines.values()].map((b) => b.split);
out(
  `  baselines over all texts: loop ${Math.min(...loops).toFixed(3)}–${Math.max(...loops).toFixed(3)} ms, split ${Math.min(...splits).toFixed(3)}–${Math.max(...splits).toFixed(3)} ms (checksum ${checksum})`,
);

// Account openings: every free-text answer and the join policy at the schema's maximum, all A- rules together.
const demoDirectory = parseDirectory(JSON.parse(readFileSync(new URL('../config/directory.json', import.meta.url), 'utf8')));
const opening = parseAccountOpening(SAMPLE_OPENING, demoDirectory, []);
let slowestOpening = { ms: 0, label: '' };
for (const { label, text } of adversarialCorpus(MAX_ANSWER_CHARS)) {
  const answers = Object.fromEntries(QUESTION_KEYS.map((key) => [key, text]));
  const adversarialOpening = {
    ...opening,
    questionnaire: { ...opening.questionnaire, ...answers },
    group: { visibility: 'public' as const, joinPolicy: text },
  };
  const ms = fastest(() => checkAccountOpening(adversarialOpening, demoDirectory, [], loadPreset('cern-alumni')));
  if (ms > slowestOpening.ms) slowestOpening = { ms, label };
}
out(
  `checks of an account opening (every A- rule), answers of ${MAX_ANSWER_CHARS.toLocaleString('en')} characters: slowest ${slowestOpening.ms.toFixed(2)} ms on ${slowestOpening.label.slice(0, 48)}`,
);

// The time budget's own cost: a post's rules through node:vm with a timeout, against calling them directly. They run
// together in one timed call; one timed call per rule is what a post costs when that call runs out (and what each
// post cost before issue #18).
const POSTS = 2_000;
const none: Finding[] = [];
const postRules = BRAND_POST_RULES.map((): RuleId => 'P-ACCOUNT');
const together = fastest(() => {
  for (let i = 0; i < POSTS; i++) runWithinBudget(postRules, () => none, { ms: 1_000 });
}, 3);
const oneByOne = fastest(() => {
  for (let i = 0; i < POSTS; i++) for (const rule of postRules) runWithinBudget([rule], () => none, { ms: 1_000 });
}, 3);
const direct = fastest(() => {
  for (let i = 0; i < POSTS; i++) postRules.flatMap(() => none);
}, 3);
out(
  `check budget (node:vm timeout, Node ${process.version}), per post of ${postRules.length} rules: ${((1000 * (together - direct)) / POSTS).toFixed(1)} µs in one timed call; ${((1000 * (oneByOne - direct)) / POSTS).toFixed(1)} µs one timed call per rule (after an overrun)`,
);

// The hand-written scanners and the patterns outside the rules that see user input, on the long adversarial inputs the
// unit tests give them (test/fixtures/scanner-inputs.ts), each beside the least any reading of that input does: one
// loop over its characters (for a body, one iterative walk over its keys and values).
interface Scanner<T> {
  readonly name: string;
  readonly input: () => T;
  readonly run: (input: T) => unknown;
}
function charLoop(text: string): number {
  let sum = 0;
  for (let i = 0; i < text.length; i++) sum += text.charCodeAt(i);
  return sum;
}
function walk(value: unknown): number {
  let chars = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') chars += charLoop(v);
    else if (typeof v === 'object' && v !== null)
      for (const [k, inner] of Object.entries(v)) {
        chars += charLoop(k);
        stack.push(inner);
      }
  }
  return chars;
}
function scanner<T>(s: Scanner<T>, baseline: (input: T) => number): void {
  const input = s.input();
  const ms = fastest(() => s.run(input), 3);
  const base = fastest(() => baseline(input), 3);
  out(`  ${s.name.padEnd(52)} ${ms.toFixed(2).padStart(8)} ms = ${(ms / base).toFixed(0).padStart(4)} loops of ${base.toFixed(3)} ms`);
}
out('scanners on long adversarial input (fastest of 3), beside one loop over the same characters');
scanner({ name: 'hasLabelledSecret (checks/text/secrets.ts)', input: SCANNER_INPUTS.labelledSecret, run: hasLabelledSecret }, charLoop);
scanner(
  { name: 'hasKeyShapedSecret (checks/text/secrets.ts)', input: SCANNER_INPUTS.keyShapedSecret, run: (t) => hasKeyShapedSecret(t) },
  charLoop,
);
scanner({ name: 'addressSigns (mail/mail-parse.ts)', input: SCANNER_INPUTS.addressSigns, run: addressSigns }, charLoop);
scanner(
  { name: 'parseAuthenticationResults (mail/mail-auth.ts)', input: SCANNER_INPUTS.authenticationResults, run: parseAuthenticationResults },
  charLoop,
);
scanner(
  {
    name: 'jsonNestedDeeperThan (request/limits.ts)',
    input: SCANNER_INPUTS.nestedJson,
    run: (t) => jsonNestedDeeperThan(t, MAX_JSON_DEPTH),
  },
  charLoop,
);
scanner(
  { name: 'postsPerWeek (account-opening/cadence.ts)', input: SCANNER_INPUTS.cadenceAnswers, run: (answers) => answers.map(postsPerWeek) },
  (answers) => answers.reduce((n, a) => n + charLoop(a), 0),
);
scanner({ name: 'credentialFields (account-opening/credentials.ts)', input: SCANNER_INPUTS.credentialBody, run: credentialFields }, walk);
