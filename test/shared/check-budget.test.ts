import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CHECK_BUDGET } from '../../lambdas/core/checks/check-budget.js';
import { loggedCheckBudget } from '../../lambdas/shared/check-budget.js';
import { logger } from '../../lambdas/shared/logger.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('loggedCheckBudget', () => {
  it('logs each rule stopped as a warning with the keys given, the rule and the budget', () => {
    // Prepare
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const budget = loggedCheckBudget({ requestId: 'req-1', version: 2 });

    // Act
    budget.onOverrun?.({ rule: 'P-PERSONAL-DATA', budgetMs: budget.ms });

    // Assess
    expect(budget.ms).toBe(DEFAULT_CHECK_BUDGET.ms);
    expect(warn).toHaveBeenCalledExactlyOnceWith('check over budget', {
      requestId: 'req-1',
      version: 2,
      rule: 'P-PERSONAL-DATA',
      budgetMs: DEFAULT_CHECK_BUDGET.ms,
    });
  });
});
