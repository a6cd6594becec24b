import { describe, it, expect } from 'vitest';
import { classifyPublication, DEFAULT_PUBLICATION_OPTIONS, extractLinks } from '../../lambdas/core/checks/publication.js';
import type { BrandPostSubmission, PostFormat } from '../../lambdas/core/model.js';
import { loadPreset, publicationOptions } from '../../lambdas/core/rules/presets.js';

function post(text: string, format: PostFormat = 'post'): BrandPostSubmission {
  return {
    kind: 'brand-post',
    submitter: 'ada@example.org',
    account: 'acc-x',
    title: 'Test post',
    text,
    format,
    media: [],
    attestations: {},
  };
}

const SENTENCE = 'The detector upgrade improves the precision of our measurements considerably. ';

function essay(chars: number): string {
  // Ends on a full stop, so trimming never shortens it.
  return `${SENTENCE.repeat(Math.ceil(chars / SENTENCE.length)).slice(0, chars - 1)}.`;
}

const FOUR_PARAGRAPHS = [
  'Why open science matters to us',
  'Science advances when results can be checked. Our data policy makes every dataset public after a short embargo.',
  'This has a cost: curating data takes time that researchers could spend on analysis.',
  'We think the cost is worth it, and we invite other laboratories to join the effort.',
].join('\n\n');

describe('DEFAULT_PUBLICATION_OPTIONS', () => {
  it('uses a 1200-character threshold', () => {
    expect(DEFAULT_PUBLICATION_OPTIONS.lengthThreshold).toBe(1200);
  });
});

describe('extractLinks', () => {
  it('finds links and drops trailing sentence punctuation', () => {
    expect(extractLinks('Read https://home.cern/news/x. And www.example.org/a, too (https://b.org/c).')).toEqual([
      'https://home.cern/news/x',
      'www.example.org/a',
      'https://b.org/c',
    ]);
  });

  it('does not take hashtags or mentions for links', () => {
    expect(extractLinks('#OpenScience with @CERN')).toEqual([]);
  });
});

describe('classifyPublication — not a publication', () => {
  it('a three-sentence share with a link', () => {
    const text =
      'Our colleagues just published the new detector results. Worth a read for anyone curious about dark matter. ' +
      'Congratulations to the whole team! https://home.cern/news/detector-results';
    const c = classifyPublication(post(text));
    expect(c.is).toBe(false);
    expect(c.reasons.length).toBeGreaterThan(0);
    expect(c.reasons).toContain('share: short text sharing pre-existing content (https://home.cern/news/detector-results)');
    expect(c.reasons).toContain(`short: ${[...text].length} characters with a link to pre-existing content`);
  });

  it('a declared share, even without a link', () => {
    const c = classifyPublication(post('Proud of this result from our partners!', 'share'));
    expect(c.is).toBe(false);
    expect(c.reasons[0]).toBe('format: declared as a share of pre-existing content');
    expect(c.reasons).toContain('short: 39 characters');
  });

  it('a short appreciation without a link or structure', () => {
    const c = classifyPublication(post('Happy new year from everyone at the lab!'));
    expect(c.is).toBe(false);
    expect(c.reasons).toContain('structure: 1 paragraph and no headings, not a structured stand-alone text');
  });

  it('a text exactly at the threshold is not long', () => {
    const text = essay(1200);
    const c = classifyPublication(post(text));
    expect(c.is).toBe(false);
    expect(c.reasons).toContain('length: 1200 characters, within the 1200-character threshold');
  });

  it('several paragraphs that share a link are not stand-alone', () => {
    const c = classifyPublication(post(`${FOUR_PARAGRAPHS}\n\nMore: https://home.cern/open-science`));
    expect(c.is).toBe(false);
    expect(c.reasons.some((r) => r.startsWith('structure: 5 paragraphs') && r.includes('shares pre-existing content'))).toBe(true);
    expect(c.reasons.some((r) => r.startsWith('share: text sharing pre-existing content (https://home.cern/open-science)'))).toBe(true);
  });

  it('two paragraphs are not yet structure', () => {
    const c = classifyPublication(post('We are at the fair today.\n\nCome and say hello at stand 12!'));
    expect(c.is).toBe(false);
    expect(c.reasons).toContain('structure: 2 paragraphs and no headings, not a structured stand-alone text');
  });

  it('a single title-like line over one body paragraph is not headings', () => {
    const c = classifyPublication(post('Open Days at the lab\n\nCome visit us on Saturday and Sunday.'));
    expect(c.is).toBe(false);
    expect(c.reasons.some((r) => r.startsWith('structure: headings'))).toBe(false);
  });

  it('hashtag lines are not markdown headings', () => {
    const c = classifyPublication(post('Great day for physics\n#OpenScience #CERN'));
    expect(c.is).toBe(false);
    expect(c.reasons.some((r) => r.includes('headings ('))).toBe(false);
  });
});

describe('classifyPublication — publication', () => {
  it('a declared thread, however short', () => {
    const c = classifyPublication(post('1/ A short thread.\n\n2/ The end. https://home.cern', 'thread'));
    expect(c.is).toBe(true);
    expect(c.reasons).toEqual(['format: declared as a thread']);
  });

  it('a declared article or blog post', () => {
    expect(classifyPublication(post('Text', 'article')).reasons[0]).toBe('format: declared as an article');
    expect(classifyPublication(post('Text', 'blog')).reasons[0]).toBe('format: declared as a blog post');
    expect(classifyPublication(post('Text', 'blog')).is).toBe(true);
  });

  it('a 1,500-character essay, with the length reason', () => {
    const c = classifyPublication(post(essay(1500)));
    expect(c.is).toBe(true);
    expect(c.reasons).toContain('length: 1500 characters, over the 1200-character threshold');
    expect(c.reasons).toContain('stand-alone: no link to pre-existing content');
  });

  it('length counts code points, not UTF-16 units', () => {
    // 1201 emoji are 2402 UTF-16 units but 1201 characters.
    const c = classifyPublication(post('🔬'.repeat(1201)));
    expect(c.reasons).toContain('length: 1201 characters, over the 1200-character threshold');
  });

  it('a long text is a publication even when it carries a link (no stand-alone reason)', () => {
    const c = classifyPublication(post(`${essay(1500)} https://home.cern`));
    expect(c.is).toBe(true);
    expect(c.reasons.some((r) => r.startsWith('length: '))).toBe(true);
    expect(c.reasons.some((r) => r.startsWith('stand-alone:'))).toBe(false);
  });

  it('takes its threshold from the institution preset', () => {
    const options = publicationOptions(loadPreset('eu-commission'));
    expect(classifyPublication(post(essay(1201)), options).reasons).toContain('length: 1201 characters, over the 1200-character threshold');
    expect(classifyPublication(post(essay(1200)), options).is).toBe(false);
  });

  it('honours a configured threshold', () => {
    const c = classifyPublication(post(essay(600)), { lengthThreshold: 500 });
    expect(c.is).toBe(true);
    expect(c.reasons).toContain('length: 600 characters, over the 500-character threshold');
  });

  it('a four-paragraph text without a link: structure and stand-alone', () => {
    const c = classifyPublication(post(FOUR_PARAGRAPHS));
    expect(c.is).toBe(true);
    expect(c.reasons).toEqual(['structure: 4 paragraphs', 'stand-alone: no link to pre-existing content']);
  });

  it('markdown headings without a link', () => {
    const c = classifyPublication(post('# Our view on open data\nData should be shared. Here is why we think so.'));
    expect(c.is).toBe(true);
    expect(c.reasons).toEqual(['structure: headings ("Our view on open data")', 'stand-alone: no link to pre-existing content']);
  });

  it('title-like heading lines without a link', () => {
    const text = 'Background\nWe measured the beam twice.\n\nResults\nBoth runs agree within errors.';
    const c = classifyPublication(post(text));
    expect(c.is).toBe(true);
    expect(c.reasons).toContain('structure: headings ("Background", "Results")');
  });

  it('a short post-format text is judged on its structure alone', () => {
    const c = classifyPublication(post('Intro\nA.\n\nMethod\nB.\n\nOutcome\nC.'));
    expect(c.is).toBe(true);
    expect(c.reasons[0]).toBe('structure: 3 paragraphs');
  });

  it('is deterministic', () => {
    const a = classifyPublication(post(FOUR_PARAGRAPHS));
    const b = classifyPublication(post(FOUR_PARAGRAPHS));
    expect(a).toEqual(b);
  });

  it('every reason starts with a criterion key', () => {
    const samples = [
      post(FOUR_PARAGRAPHS),
      post(essay(1500)),
      post('Nice! https://x.org'),
      post('Hello', 'thread'),
      post('Hello', 'share'),
      post(''),
    ];
    for (const s of samples) {
      const c = classifyPublication(s);
      expect(c.reasons.length).toBeGreaterThan(0);
      for (const r of c.reasons) expect(r).toMatch(/^(format|length|structure|stand-alone|share|short): \S/);
    }
  });
});
