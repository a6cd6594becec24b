import { describe, it, expect } from 'vitest';
import { checkBrandPost } from '../../lambdas/core/checks/brand-post/checks.js';
import { BRAND_POST_RULES } from '../../lambdas/core/rules/catalogue.js';
import { CORPUS, CORPUS_DIRECTORY, ORDINARY_CATEGORIES } from '../fixtures/corpus.js';
import { corpusFigures, firedRules } from '../fixtures/corpus-figures.js';

// The checks over a corpus of institutional posts (test/fixtures/corpus.ts), under the default preset: each post
// fires exactly the rules it is labelled with, and ordinary posts rarely ask for an approver's attention.

describe('the corpus', () => {
  it('holds at least 200 posts of every category, with unique ids', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(200);
    expect(new Set(CORPUS.map((p) => p.id)).size).toBe(CORPUS.length);
    const categories = new Set(CORPUS.map((p) => p.category));
    expect([...categories].sort()).toEqual(
      [
        'announcement',
        'correction',
        'event',
        'job',
        'political-adjacent',
        'problem',
        'research',
        'sensitive',
        'share',
        'third-party',
        'thread',
      ].sort(),
    );
  });

  it.each(CORPUS.map((p) => [p.id, p] as const))('%s fires exactly the rules it is labelled with', (_id, post) => {
    // Act
    const findings = checkBrandPost(post.submission, CORPUS_DIRECTORY);

    // Assess
    expect(firedRules(findings)).toEqual([...post.expect].sort());
  });
});

describe('corpus figures (preset default)', () => {
  const figures = corpusFigures();

  it('at most 5 % of ordinary announcements get a warn-or-worse finding, none of them unlabelled', () => {
    expect(figures.announcements.posts).toBeGreaterThanOrEqual(80);
    expect(figures.announcements.share).toBeLessThanOrEqual(0.05);
    expect(figures.announcements.unexpected).toBe(0);
  });

  it('at most 5 % of all ordinary posts get a warn-or-worse finding', () => {
    expect(figures.ordinary.posts).toBe(CORPUS.filter((p) => ORDINARY_CATEGORIES.includes(p.category)).length);
    expect(figures.ordinary.share).toBeLessThanOrEqual(0.05);
    expect(figures.ordinary.unexpected).toBe(0);
  });

  it('every rule fires on at least one post', () => {
    for (const rule of BRAND_POST_RULES) expect([rule, figures.perRule[rule].fires > 0]).toEqual([rule, true]);
  });
});
