import { describe, it, expect } from 'vitest';
import { SCANNER_INPUTS } from '../../fixtures/scanner-inputs.js';
import { postsPerWeek } from '../../../lambdas/core/account-opening/cadence.js';

describe('postsPerWeek', () => {
  const MONTH = 12 / 52;
  it.each([
    ['daily', 7],
    ['every day', 7],
    ['Each day', 7],
    ['weekdays', 5],
    ['every working day', 5],
    ['3 times a week', 3],
    ['three times per week', 3],
    ['3x/week', 3],
    ['3 posts a week', 3],
    ['2 posts per day', 14],
    ['several times a day', 21],
    ['weekly', 1],
    ['once a week', 1],
    ['at least once a week', 1],
    ['twice a week', 2],
    ['every Monday', 1],
    ['Mondays and Thursdays', 2],
    ['every other week', 0.5],
    ['every two weeks', 0.5],
    ['once a fortnight', 0.5],
    ['fortnightly', 0.5],
    ['biweekly', 0.5],
    ['bi-weekly', 0.5],
    ['monthly', MONTH],
    ['once a month', MONTH],
    ['twice a month', 2 * MONTH],
    ['ten times a month', 10 * MONTH],
    ['a few times a month', 2 * MONTH],
    ['1-2 times a month', MONTH],
    ['once or twice a week', 1],
    ['quarterly', 4 / 52],
    ['once a year', 1 / 52],
    ['occasionally', 0],
    ['rarely', 0],
    ['when there is news', 0],
    ["when there's something to say", 0],
    ['from time to time', 0],
    ['once in a while', 0],
    ['weekly, plus a monthly summary', 1 + MONTH],
    ['daily during the conference, monthly otherwise', MONTH],
    ['weekly or monthly', MONTH],
    ['From 2027, monthly', MONTH],
    ['It depends', undefined],
    ['as much as we can', undefined],
    ['', undefined],
  ])('reads %j as %s posts a week', (answer, expected) => {
    const rate = postsPerWeek(answer);
    if (expected === undefined) expect(rate).toBeUndefined();
    else expect(rate).toBeCloseTo(expected, 6);
  });

  it('reads no cadence in adversarial answers: numbers, dots and cadence words without one (timed by bench/checks.ts)', () => {
    expect(SCANNER_INPUTS.cadenceAnswers().map((answer) => postsPerWeek(answer))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
