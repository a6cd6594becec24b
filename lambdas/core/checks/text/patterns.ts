// Every regular expression built at run time from a string is compiled here, never with `new RegExp` elsewhere, so
// that the ReDoS test (test/security/redos.test.ts) analyses the patterns actually built — from word lists, from the
// directory's names — and not only the literals it reads in the sources. The test finds each call of
// `compilePattern` in the sources and fails when one of them compiled nothing while it exercised the code.
//
// Build a pattern only from fixed fragments and `escapePattern`d words: its shape is then the same for every
// institution, and the analysis of the demo directory's holds for all.

export interface CompiledPattern {
  /** Where the pattern is built, as a fixed label ("checks: the logo in a media description"). */
  readonly use: string;
  readonly source: string;
  readonly flags: string;
}

// A long-running process (the local stack) compiles the same few patterns again and again; an institution has a
// handful of names. The bound keeps the record small whatever happens; the test fails if it is ever reached.
export const MAX_RECORDED_PATTERNS = 1_000;

const recorded = new Map<string, CompiledPattern>();

/** `new RegExp(source, flags)`, recorded once under `use` (a string literal at each call, for the test to match). */
export function compilePattern(use: string, source: string, flags: string): RegExp {
  const key = `${use}\u0000${flags}\u0000${source}`;
  if (!recorded.has(key) && recorded.size < MAX_RECORDED_PATTERNS) recorded.set(key, { use, source, flags });
  return new RegExp(source, flags);
}

/** Every distinct pattern compiled so far in this process. */
export function compiledPatterns(): readonly CompiledPattern[] {
  return [...recorded.values()];
}

/** A pattern that matches `text` literally. */
export function escapePattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}
