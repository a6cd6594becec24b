import { describe, expect, it } from 'vitest';
import { runWithinBudget, skippedFinding, type Overrun } from '../../lambdas/core/checks/check-budget.js';
import type { Finding } from '../../lambdas/core/model.js';

// A rule that never ends: `(a+)+$` against a run of a's that does not end the text backtracks through every way of
// splitting the run, 2^60 of them. Only the budget stops it, however fast the machine.
const SECRET_TEXT = `${'a'.repeat(60)}!`;
function catastrophic(): Finding[] {
  return /^(a+)+$/u.test(SECRET_TEXT) ? [{ rule: 'R-SLOW', severity: 'warn', message: 'matched' }] : [];
}

function finding(rule: string): Finding {
  return { rule, severity: 'warn', message: `${rule} found something` };
}

describe('runWithinBudget', () => {
  it('reports a rule that runs out of its budget as skipped, keeps the other rules\' findings, and tells who listens', () => {
    // Prepare
    const overruns: Overrun[] = [];
    const rules = ['R-BEFORE', 'R-SLOW', 'R-AFTER'] as const;

    // Act
    const findings = runWithinBudget(rules, (rule) => (rule === 'R-SLOW' ? catastrophic() : [finding(rule)]), {
      ms: 50,
      onOverrun: (overrun) => overruns.push(overrun),
    });

    // Assess
    expect(findings).toEqual([finding('R-BEFORE'), skippedFinding('R-SLOW'), finding('R-AFTER')]);
    expect(findings[1]).toMatchObject({ rule: 'R-SLOW', severity: 'info' });
    expect(findings[1]?.message).toContain('R-SLOW check was skipped');
    expect(findings[1]?.message).not.toContain('aaaa');
    expect(overruns).toEqual([{ rule: 'R-SLOW', budgetMs: 50 }]);
  });

  it('stops every rule that overruns, one after the other, and runs normally again afterwards', () => {
    // Act
    const stopped = runWithinBudget(['R-1', 'R-2'], () => catastrophic(), { ms: 20 });
    const after = runWithinBudget(['R-3'], (rule) => [finding(rule)], { ms: 20 });

    // Assess
    expect(stopped).toEqual([skippedFinding('R-1'), skippedFinding('R-2')]);
    expect(after).toEqual([finding('R-3')]);
  });

  it('throws a rule\'s own error as it is: only running out of time becomes a skipped finding', () => {
    // Prepare
    const broken = (): Finding[] => {
      throw new RangeError('broken rule');
    };

    // Act / Assess
    expect(() => runWithinBudget(['R-BROKEN'], broken, { ms: 1_000 })).toThrow(RangeError);
  });

  it('gives the findings of a rule that finishes in time as they are, with no overrun', () => {
    // Prepare
    const overruns: Overrun[] = [];

    // Act
    const findings = runWithinBudget(['R-A', 'R-B'], (rule) => [finding(rule), finding(`${rule}-2`)], { ms: 1_000, onOverrun: (o) => overruns.push(o) });

    // Assess
    expect(findings.map((f) => f.rule)).toEqual(['R-A', 'R-A-2', 'R-B', 'R-B-2']);
    expect(overruns).toEqual([]);
  });
});
