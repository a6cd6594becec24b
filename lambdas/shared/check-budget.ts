import { DEFAULT_CHECK_BUDGET, type CheckBudget } from '../core/checks/check-budget.js';
import { logger } from './logger.js';

/** The checks' time budget, each rule stopped logged with the keys given and the rule — never the text it was reading. */
export function loggedCheckBudget(keys: Readonly<Record<string, string | number>>): CheckBudget {
  return {
    ...DEFAULT_CHECK_BUDGET,
    onOverrun: ({ rule, budgetMs }) => logger.warn('check over budget', { ...keys, rule, budgetMs }),
  };
}
