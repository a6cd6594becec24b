import { Script, createContext } from 'node:vm';
import type { Finding } from '../model.js';
import type { RuleId } from '../rules/catalogue.js';

// A time budget for each rule's check (GOVERNANCE.md §5 and §6), so that a pattern that has slipped into
// super-linear backtracking costs one finding, not the stack: the local stack runs every request on one event loop,
// and on AWS a check that never ends times the function out on every retry.
//
// A synchronous check cannot be interrupted from JavaScript, but `node:vm` can: a script run with `{ timeout }` is
// stopped by a watchdog thread (V8's TerminateExecution), including inside a backtracking RegExp, and including the
// functions of this realm that the script calls (checked on Node 20 and 24, the deployed runtime). The rules run
// together as one such call, and one by one, each as its own call, only when that one runs out (issue #18). Measured
// by bench/checks.ts on Node 24: 0.27–0.32 ms per post of nineteen rules in one timed call, 4.8–5.5 ms one per rule
// (a watchdog thread each). A rule stopped mid-way leaves nothing behind: the checks only read their input and build
// their findings, and `matchAll` clones the patterns it runs.

/** A rule's check that ran out of its budget. */
export interface Overrun {
  readonly rule: RuleId;
  readonly budgetMs: number;
}

export interface CheckBudget {
  /** How long one rule's check may run, in milliseconds. */
  readonly ms: number;
  /** Told of each rule stopped (the handlers log it; the core has no logger). */
  readonly onOverrun?: ((overrun: Overrun) => void) | undefined;
}

// Each rule takes well under 50 ms on the slowest adversarial text at the intake's maximum length (npm run bench), so
// a second is met only by a pattern gone super-linear, not by a slow machine. Nineteen rules at a second each stay
// under the functions' 30-second timeout.
export const DEFAULT_CHECK_BUDGET: CheckBudget = { ms: 1_000 };

// One empty context for every call: the script only calls back into this realm, so nothing is shared with it.
const sandbox: { run?: () => readonly Finding[] } = {};
const context = createContext(sandbox);
const callRun = new Script('run()');

// Known by its code, not by `instanceof Error`: Node makes the error in its own realm, which is not this module's when
// a test runner loads it in a sandbox.
function isTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
}

/** The finding that stands for a rule stopped: it names the rule, never the text it was reading. */
export function skippedFinding(rule: RuleId): Finding {
  return {
    rule,
    severity: 'info',
    message: `The ${rule} check was skipped: it took longer than its time limit on this text, so the post was not checked for ${rule}. Approvers should check it by reading the post.`,
  };
}

/** The rules' findings from one call under `ms`, or undefined when the call ran out of time. */
function timed(run: () => readonly Finding[], ms: number): readonly Finding[] | undefined {
  sandbox.run = run;
  try {
    return callRun.runInContext(context, { timeout: ms }) as readonly Finding[];
  } catch (error) {
    if (!isTimeout(error)) throw error;
    return undefined;
  } finally {
    delete sandbox.run;
  }
}

/**
 * Runs `check` for each rule in order, each under `budget.ms`, and returns all their findings. A rule that runs out
 * of time contributes one info finding saying it was skipped (skippedFinding), and `budget.onOverrun` is told; the
 * other rules' findings stand. Any other error of a check is thrown as it is.
 *
 * All the rules run first in one timed call under `budget.ms`: when they finish in time together, each finished in
 * time alone, and the findings are the same as rule by rule, for one watchdog thread instead of one per rule (issue
 * #18: the nineteen brand-post rules' watchdogs were 6 % of the local stack's CPU under load). Only when that call
 * runs out of time are the rules run again one by one, each under its own budget, to find which overran; a post
 * with a rule gone super-linear costs one budget more than before.
 */
export function runWithinBudget<R extends RuleId>(
  rules: readonly R[],
  check: (rule: R) => readonly Finding[],
  budget: CheckBudget = DEFAULT_CHECK_BUDGET,
): Finding[] {
  const together = timed(() => rules.flatMap((rule) => check(rule)), budget.ms);
  if (together !== undefined) return [...together];
  const findings: Finding[] = [];
  for (const rule of rules) {
    const found = timed(() => check(rule), budget.ms);
    if (found !== undefined) {
      findings.push(...found);
      continue;
    }
    findings.push(skippedFinding(rule));
    budget.onOverrun?.({ rule, budgetMs: budget.ms });
  }
  return findings;
}
