import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseAccountOpening } from '../../lambdas/core/account-opening/body.js';
import { checkAccountOpening } from '../../lambdas/core/account-opening/checks.js';
import { ACCOUNT_OPENING_RULES } from '../../lambdas/core/rules/catalogue.js';
import { runWithinBudget, skippedFinding, type CheckBudget, type Overrun } from '../../lambdas/core/checks/check-budget.js';
import { checkBrandPost } from '../../lambdas/core/checks/brand-post/checks.js';
import { parseDirectory } from '../../lambdas/core/request/directory.js';
import type { BrandPostSubmission, Finding } from '../../lambdas/core/model.js';
import { findOffensive } from '../../lambdas/core/checks/text/offensive.js';
import { loadPreset } from '../../lambdas/core/rules/presets.js';
import { SAMPLE_OPENING } from '../../local/samples.js';

// The budget sits where the checks run their rules, one mechanism for every rule: here one brand-post rule is made
// catastrophic from outside (P-OFFENSIVE's matcher replaced by a pattern that never ends), and the account-opening
// checks are watched handing their rules to the same runner. Production code has no such rule.

vi.mock('../../lambdas/core/checks/text/offensive.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../lambdas/core/checks/text/offensive.js')>();
  return { ...actual, findOffensive: vi.fn(actual.findOffensive) };
});
vi.mock('../../lambdas/core/checks/check-budget.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../lambdas/core/checks/check-budget.js')>();
  return { ...actual, runWithinBudget: vi.fn(actual.runWithinBudget) };
});

const directory = parseDirectory(JSON.parse(readFileSync(new URL('../../config/directory.json', import.meta.url), 'utf8')));

const POST: BrandPostSubmission = {
  kind: 'brand-post',
  submitter: 'ada@example.org',
  account: 'physics-x',
  title: 'Open day',
  // A finding for several rules: an offensive word, a phone number, a gendered term, a hashtag not in CamelCase (and
  // the statement that no AI was used).
  text: 'Open day on Saturday, no idiots allowed! Call us on +41 22 767 61 11. Our chairman opens the day. #openday',
  format: 'post',
  media: [],
  attestations: { aiUsed: false },
};

afterEach(() => {
  vi.mocked(findOffensive).mockRestore();
});

describe('checkBrandPost under a time budget', () => {
  it("reports a rule that never ends as skipped and keeps every other rule's findings", () => {
    // Prepare: the findings without the catastrophe, then P-OFFENSIVE made to backtrack for ever
    const usual = checkBrandPost(POST, directory);
    vi.mocked(findOffensive).mockImplementation(() => {
      /^(a+)+$/u.test(`${'a'.repeat(60)}!`);
      return [];
    });
    const overruns: Overrun[] = [];

    // Act
    const findings = checkBrandPost(POST, directory, undefined, { ms: 50, onOverrun: (o) => overruns.push(o) });

    // Assess
    expect(usual.filter((f) => f.rule === 'P-OFFENSIVE')).toHaveLength(1);
    expect(findings.filter((f) => f.rule === 'P-OFFENSIVE')).toEqual([skippedFinding('P-OFFENSIVE')]);
    const others = (list: readonly Finding[]): Finding[] => list.filter((f) => f.rule !== 'P-OFFENSIVE');
    expect(others(findings)).toEqual(others(usual));
    expect(new Set(others(findings).map((f) => f.rule))).toEqual(
      new Set(['P-AI-DISCLOSURE', 'P-PERSONAL-DATA', 'P-INCLUSIVE', 'P-HASHTAG-CASE']),
    );
    expect(overruns).toEqual([{ rule: 'P-OFFENSIVE', budgetMs: 50 }]);
    // The skipped finding names the rule, never the text.
    expect(JSON.stringify(findings.filter((f) => f.rule === 'P-OFFENSIVE'))).not.toContain('idiot');
  });
});

describe('checkAccountOpening under a time budget', () => {
  it('runs its rules through the same runner, with the budget it is given', () => {
    // Prepare
    const opening = parseAccountOpening(SAMPLE_OPENING, directory, []);
    const budget: CheckBudget = { ms: 700, onOverrun: () => undefined };
    vi.mocked(runWithinBudget).mockClear();

    // Act
    const findings = checkAccountOpening(opening, directory, [], loadPreset(directory.preset), budget);

    // Assess
    expect(vi.mocked(runWithinBudget)).toHaveBeenCalledTimes(1);
    expect(vi.mocked(runWithinBudget).mock.calls[0]?.[0]).toEqual(ACCOUNT_OPENING_RULES);
    expect(vi.mocked(runWithinBudget).mock.calls[0]?.[2]).toBe(budget);
    expect(findings.filter((f) => f.severity === 'block')).toEqual([]);
  });
});
