import { Script } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { runWithinBudget, skippedFinding, type Overrun } from '../../lambdas/core/checks/check-budget.js';
import type { Finding } from '../../lambdas/core/model.js';
import type { RuleId } from '../../lambdas/core/rules/catalogue.js';

// A rule that never ends: `(a+)+$` against a run of a's that does not end the text backtracks through every way of
// splitting the run, 2^60 of them. Only the budget stops it, however fast the machine.
const SECRET_TEXT = `${'a'.repeat(60)}!`;
function catastrophic(): Finding[] {
  return /^(a+)+$/u.test(SECRET_TEXT) ? [{ rule: 'P-CONFIDENTIAL', severity: 'warn', message: 'matched' }] : [];
}

function finding(rule: RuleId): Finding {
  return { rule, severity: 'warn', message: `${rule} found something` };
}

describe('runWithinBudget', () => {
  it("reports a rule that runs out of its budget as skipped, keeps the other rules' findings, and tells who listens", () => {
    // Prepare
    const overruns: Overrun[] = [];
    const rules = ['P-ACCOUNT', 'P-CONFIDENTIAL', 'P-EMBARGO'] as const;

    // Act
    const findings = runWithinBudget(rules, (rule) => (rule === 'P-CONFIDENTIAL' ? catastrophic() : [finding(rule)]), {
      ms: 50,
      onOverrun: (overrun) => overruns.push(overrun),
    });

    // Assess
    expect(findings).toEqual([finding('P-ACCOUNT'), skippedFinding('P-CONFIDENTIAL'), finding('P-EMBARGO')]);
    expect(findings[1]).toMatchObject({ rule: 'P-CONFIDENTIAL', severity: 'info' });
    expect(findings[1]?.message).toContain('P-CONFIDENTIAL check was skipped');
    expect(findings[1]?.message).not.toContain('aaaa');
    expect(overruns).toEqual([{ rule: 'P-CONFIDENTIAL', budgetMs: 50 }]);
  });

  it('stops every rule that overruns, one after the other, and runs normally again afterwards', () => {
    // Act
    const stopped = runWithinBudget(['P-OFFENSIVE', 'P-LOGO'], () => catastrophic(), { ms: 20 });
    const after = runWithinBudget(['P-ALT-TEXT'], (rule) => [finding(rule)], { ms: 20 });

    // Assess
    expect(stopped).toEqual([skippedFinding('P-OFFENSIVE'), skippedFinding('P-LOGO')]);
    expect(after).toEqual([finding('P-ALT-TEXT')]);
  });

  it("throws a rule's own error as it is: only running out of time becomes a skipped finding", () => {
    // Prepare
    const broken = (): Finding[] => {
      throw new RangeError('broken rule');
    };

    // Act / Assess
    expect(() => runWithinBudget(['P-SOURCE'], broken, { ms: 1_000 })).toThrow(RangeError);
  });

  it('gives the findings of a rule that finishes in time as they are, with no overrun', () => {
    // Prepare
    const overruns: Overrun[] = [];

    // Act
    const findings = runWithinBudget(['P-JARGON', 'P-CORRECTION'], (rule) => [finding(rule), { ...finding(rule), message: 'again' }], {
      ms: 1_000,
      onOverrun: (o) => overruns.push(o),
    });

    // Assess
    expect(findings.map((f) => [f.rule, f.message])).toEqual([
      ['P-JARGON', 'P-JARGON found something'],
      ['P-JARGON', 'again'],
      ['P-CORRECTION', 'P-CORRECTION found something'],
      ['P-CORRECTION', 'again'],
    ]);
    expect(overruns).toEqual([]);
  });

  it('runs the rules in one timed call when they finish in time together, and rule by rule only after it ran out', () => {
    // Prepare: each timed call is one run of a script in the sandbox (one watchdog thread each)
    const calls = vi.spyOn(Script.prototype, 'runInContext');
    const rules = ['P-ACCOUNT', 'P-CONFIDENTIAL', 'P-EMBARGO', 'P-JARGON'] as const;
    try {
      // Act
      const fast = runWithinBudget(rules, (rule) => [finding(rule)], { ms: 1_000 });
      const fastCalls = calls.mock.calls.length;
      calls.mockClear();
      const slow = runWithinBudget(rules, (rule) => (rule === 'P-EMBARGO' ? catastrophic() : [finding(rule)]), { ms: 20 });

      // Assess: one call; then the call that ran out, and one per rule
      expect(fast).toEqual(rules.map(finding));
      expect(fastCalls).toBe(1);
      expect(slow).toEqual([finding('P-ACCOUNT'), finding('P-CONFIDENTIAL'), skippedFinding('P-EMBARGO'), finding('P-JARGON')]);
      expect(calls).toHaveBeenCalledTimes(1 + rules.length);
    } finally {
      calls.mockRestore();
    }
  });
});
