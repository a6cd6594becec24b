import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { check, type Diagnostics, type Parameters } from 'recheck';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkBrandPost } from '../../lambdas/core/checks/brand-post/checks.js';
import { parseDirectory } from '../../lambdas/core/request/directory.js';
import type { BrandPostSubmission } from '../../lambdas/core/model.js';
import { MAX_RECORDED_PATTERNS, compiledPatterns } from '../../lambdas/core/checks/text/patterns.js';
import { PRESET_NAMES, loadPreset } from '../../lambdas/core/rules/presets.js';
import { CORPUS_DIRECTORY } from '../fixtures/corpus.js';
import { PATTERN_HELPER, projectRoot, scanRegexes, type Place, type RegexInventory } from './regex-inventory.js';

// Issue #11: every regular expression that sees user input is linear or bounded. Each pattern of lambdas/ and local/
// — the literals the compiler finds in the sources, and the patterns compilePattern built while this test imported
// and exercised the modules that call it — goes through recheck, a ReDoS analyser: its automaton checker proves a
// pattern linear (or finds the attack) where the pattern allows; for look-arounds and back-references it falls back to
// fuzzing with the patterns' own backtracking semantics. A vulnerable pattern fails the test with its file, line
// and source; one recheck cannot decide must be listed below with the reason it is bounded all the same.

/** Patterns recheck cannot decide, each with why it cannot run away. Keep it short: rewrite a pattern rather than list it. */
const UNDECIDED_BUT_BOUNDED: readonly { readonly file: string; readonly source: string; readonly reason: string }[] = [];

// Far fewer would mean the scanner has stopped seeing the sources (a moved folder, a parser change), not that the
// code has become simpler: there were 217 literals in 24 files and 80 dynamic patterns when this was written.
const AT_LEAST_LITERALS = 150;
const AT_LEAST_FILES_WITH_LITERALS = 15;
const AT_LEAST_DYNAMIC = 20;

// recheck's wall-clock limits inside one analysis (matching during incubation and attack) are switched off, so that
// a verdict depends on step counts alone and not on how busy the machine is; the overall limit per pattern stays, far
// above the few seconds the slowest one takes, and turns a runaway analysis into an "unknown" instead of a hang.
const RECHECK_PARAMS: Parameters = { timeout: 120_000, attackTimeout: null, incubationTimeout: null, seedingTimeout: null };

interface Pattern {
  readonly source: string;
  readonly flags: string;
  /** Where it is written (a literal) or built (the compilePattern call), and what for. */
  readonly places: readonly (Place & { readonly how: string })[];
}

interface Verdict {
  readonly pattern: Pattern;
  readonly diagnostics: Diagnostics;
}

/** The flags that change how a match backtracks; `g` and `d` only change where the next match starts and what it reports. */
function matchingFlags(flags: string): string {
  return [...flags]
    .filter((f) => f !== 'g' && f !== 'd')
    .sort()
    .join('');
}

function describePlaces(pattern: Pattern): string {
  return pattern.places.map((p) => `${p.file}:${p.line} (${p.how})`).join(', ');
}

function describeVerdict(verdict: Verdict): string {
  const d = verdict.diagnostics;
  const detail =
    d.status === 'vulnerable'
      ? `${d.complexity.summary}; attack ${d.attack.pattern}`
      : d.status === 'unknown'
        ? `unknown: ${d.error.kind}`
        : d.status;
  return `${describePlaces(verdict.pattern)}: /${verdict.pattern.source}/${verdict.pattern.flags} — ${detail}`;
}

const demoDirectory = parseDirectory(JSON.parse(readFileSync(join(projectRoot, 'config/directory.json'), 'utf8')));

/**
 * Compiles every dynamic pattern: a module's own at import, the checks' per call by running them — under every
 * preset as it is (a rule a preset turns off builds nothing), for the demo directory and the corpus's, on a post to an
 * account that is not registered (so that P-LOGO builds its pattern from the institution's names) with text and an
 * image description for every rule.
 */
async function exerciseDynamicPatterns(inventory: RegexInventory): Promise<void> {
  for (const file of new Set(inventory.compileSites.map((site) => site.file))) await import(pathToFileURL(join(projectRoot, file)).href);
  const post: BrandPostSubmission = {
    kind: 'brand-post',
    submitter: 'ada@example.org',
    account: 'not-registered',
    title: 'Everything at once',
    text: 'CONFIDENTIAL: embargoed until 3 December 2026, 10:00 CET. Vote for Smith! Our chairman says a study shows 40 % more. Call +41 22 767 61 11. #opendays @someone https://shop.example.com',
    format: 'post',
    media: [{ type: 'image', url: 'https://example.org/a.jpg', alt: 'Our logo on the access card of the chairman', rights: 'own' }],
    attestations: { aiUsed: true },
  };
  for (const name of PRESET_NAMES) {
    for (const directory of [demoDirectory, CORPUS_DIRECTORY]) checkBrandPost(post, directory, loadPreset(name));
  }
}

/** The literals and the dynamic patterns, one entry per pattern that matches differently. */
function distinctPatterns(inventory: RegexInventory): Pattern[] {
  const byKey = new Map<string, { source: string; flags: string; places: (Place & { how: string })[] }>();
  const add = (source: string, flags: string, place: Place & { how: string }): void => {
    const key = `${matchingFlags(flags)}/${source}`;
    const entry = byKey.get(key) ?? { source, flags: matchingFlags(flags), places: [] };
    entry.places.push(place);
    byKey.set(key, entry);
  };
  for (const literal of inventory.literals) add(literal.source, literal.flags, { file: literal.file, line: literal.line, how: 'literal' });
  for (const compiled of compiledPatterns()) {
    for (const site of inventory.compileSites.filter((s) => s.use === compiled.use))
      add(compiled.source, compiled.flags, { file: site.file, line: site.line, how: `compilePattern '${compiled.use}'` });
  }
  return [...byKey.values()];
}

/** Runs recheck on every pattern, as many at a time as there are cores (its native agent checks them in parallel). */
async function analyse(patterns: readonly Pattern[]): Promise<Verdict[]> {
  // Long patterns (the word lists) take longest: start them first so that the last to finish is a short one.
  const queue = [...patterns].sort((a, b) => b.source.length - a.source.length);
  const verdicts: Verdict[] = [];
  const worker = async (): Promise<void> => {
    for (let pattern = queue.shift(); pattern !== undefined; pattern = queue.shift()) {
      verdicts.push({ pattern, diagnostics: await check(pattern.source, pattern.flags, RECHECK_PARAMS) });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, availableParallelism()) }, worker));
  return verdicts;
}

describe('regular expressions that see user input (ReDoS)', () => {
  let inventory: RegexInventory;
  let patterns: Pattern[];
  let verdicts: Verdict[];

  beforeAll(async () => {
    const started = performance.now();
    inventory = scanRegexes();
    await exerciseDynamicPatterns(inventory);
    patterns = distinctPatterns(inventory);
    verdicts = await analyse(patterns);
    const dynamic = compiledPatterns();
    const literalKeys = new Set(inventory.literals.map((l) => `${matchingFlags(l.flags)}/${l.source}`));
    const beyondLiterals = dynamic.filter((d) => !literalKeys.has(`${matchingFlags(d.flags)}/${d.source}`)).length;
    const count = (status: Diagnostics['status'], checker?: 'automaton' | 'fuzz'): number =>
      verdicts.filter((v) => v.diagnostics.status === status && (checker === undefined || v.diagnostics.checker === checker)).length;
    console.info(
      `ReDoS analysis: ${inventory.literals.length} regex literals in ${new Set(inventory.literals.map((l) => l.file)).size} files and ${dynamic.length} dynamic patterns ` +
        `(${beyondLiterals} not among the literals) → ${patterns.length} distinct patterns checked by recheck: ` +
        `${count('safe', 'automaton')} proven safe by its automaton checker, ${count('safe', 'fuzz')} safe by fuzzing, ` +
        `${count('vulnerable')} vulnerable, ${count('unknown')} unknown; ${((performance.now() - started) / 1000).toFixed(1)} s.`,
    );
  }, 300_000);

  it('finds the patterns: literals in the sources and patterns compiled at run time, not suspiciously few', () => {
    expect(inventory.literals.length).toBeGreaterThanOrEqual(AT_LEAST_LITERALS);
    expect(new Set(inventory.literals.map((l) => l.file)).size).toBeGreaterThanOrEqual(AT_LEAST_FILES_WITH_LITERALS);
    expect(compiledPatterns().length).toBeGreaterThanOrEqual(AT_LEAST_DYNAMIC);
    expect(compiledPatterns().length).toBeLessThan(MAX_RECORDED_PATTERNS);
    // The scanner sees the pattern this issue started from.
    expect(inventory.literals.some((l) => l.file === 'lambdas/core/checks/text/personal-data.ts' && l.source.includes('whats[Aa]pp'))).toBe(
      true,
    );
  });

  it('builds no RegExp from a string except through compilePattern, which records it', () => {
    const places = (list: readonly (Place & { code: string })[]): string[] => list.map((c) => `${c.file}:${c.line} ${c.code}`);
    expect.soft(places(inventory.constructions), `use compilePattern (${PATTERN_HELPER}) instead`).toEqual([]);
    expect.soft(places(inventory.implicit), 'pass a RegExp literal: a string is compiled into a pattern no analysis sees').toEqual([]);
  });

  it('analysed every compilePattern call: each has a literal label and compiled something while the modules were exercised', () => {
    const uses = new Set(compiledPatterns().map((p) => p.use));
    const unlabelled = inventory.compileSites.filter((site) => site.use === undefined).map((site) => `${site.file}:${site.line}`);
    const unexercised = inventory.compileSites
      .filter((site) => site.use !== undefined && !uses.has(site.use))
      .map((site) => `${site.file}:${site.line} '${site.use}'`);
    expect(unlabelled, 'give compilePattern a string literal as its label').toEqual([]);
    expect(unexercised, 'exercise this call in exerciseDynamicPatterns, so that its patterns are analysed').toEqual([]);
    expect(inventory.compileSites.length).toBeGreaterThan(0);
  });

  it('finds no pattern vulnerable to super-linear backtracking', () => {
    const vulnerable = verdicts.filter((v) => v.diagnostics.status === 'vulnerable').map(describeVerdict);
    expect(vulnerable).toEqual([]);
    expect(verdicts).toHaveLength(patterns.length);
  });

  it('leaves undecided only the patterns listed with the reason they are bounded, and lists nothing that is decided or gone', () => {
    const listed = (v: Verdict): boolean =>
      UNDECIDED_BUT_BOUNDED.some((entry) => entry.source === v.pattern.source && v.pattern.places.some((p) => p.file === entry.file));
    const undecided = verdicts.filter((v) => v.diagnostics.status === 'unknown');
    expect(undecided.filter((v) => !listed(v)).map(describeVerdict)).toEqual([]);
    const stale = UNDECIDED_BUT_BOUNDED.filter(
      (entry) => !undecided.some((v) => v.pattern.source === entry.source && v.pattern.places.some((p) => p.file === entry.file)),
    );
    expect(stale.map((entry) => `${entry.file}: /${entry.source}/`)).toEqual([]);
    for (const entry of UNDECIDED_BUT_BOUNDED) expect(entry.reason.length, `a reason for ${entry.file}`).toBeGreaterThan(20);
  });
});
