import { describe, it, expect } from 'vitest';
import { QUESTIONS, QUESTION_KEYS } from '../../../lambdas/core/account-opening/questionnaire.js';

describe('the questionnaire', () => {
  it("has CERN §3's twelve questions in its order", () => {
    expect(QUESTION_KEYS).toEqual([
      'project',
      'platform',
      'audience',
      'existingChannel',
      'communications',
      'frequency',
      'resources',
      'endOfLife',
      'hashtagInstead',
      'closedGroupInstead',
      'evaluation',
      'readyToRetire',
    ]);
    expect(Object.keys(QUESTIONS)).toEqual(QUESTION_KEYS);
  });

  it('words each question as a question', () => {
    for (const key of QUESTION_KEYS) expect(QUESTIONS[key]).toMatch(/^[A-Z].{15,}\?$/u);
    expect(QUESTIONS.endOfLife).toContain('when the project ends');
    expect(QUESTIONS.hashtagInstead).toContain('hashtag');
  });
});
