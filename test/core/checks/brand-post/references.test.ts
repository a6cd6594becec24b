import { describe, it, expect } from 'vitest';
import { textFindings } from './fixture.js';

// What a post refers to: P-SOURCE, P-CORRECTION (references.ts).

describe('P-SOURCE', () => {
  it.each([
    ['A new study shows that 70% of researchers feel overworked.', 'A new study shows'],
    ['According to the ministry, funding will rise.', 'According to'],
    ['Researchers found a new species in the lake.', 'Researchers found'],
    ['Our result is published in Nature today.', 'published in Nature'],
    ['Emissions fell by 30% since 2015.', 'fell by 30%'],
  ])('warns about %j without a link', (text, cue) => {
    const findings = textFindings('P-SOURCE', text);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('warn');
    expect(findings[0]?.span?.text).toBe(cue);
    expect(findings[0]?.suggestion).toBe('Add a link to the original source (or its DOI).');
  });

  it.each([
    'A new study shows that 70% of researchers feel overworked. https://example.org/study',
    'Our result is published in Nature today: doi:10.1038/s41586-026-00002-2',
    'Preprint: arXiv:2611.01234 — a study shows a rare decay.',
    'Software engineer, part time (60%) possible.',
    'Welcome to our 45 new doctoral students!',
  ])('does not fire on %j', (text) => {
    expect(textFindings('P-SOURCE', text)).toEqual([]);
  });
});

describe('P-CORRECTION', () => {
  it('notes a correction that does not say which post it corrects', () => {
    const findings = textFindings('P-CORRECTION', 'The magnet weighs 35 tonnes, not 53.', { format: 'correction' });
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('info');
    expect(findings[0]?.suggestion).toBe('Add a link to the post being corrected.');
  });

  it('notes a text that opens with "Correction:" whatever its declared format', () => {
    expect(textFindings('P-CORRECTION', 'Correction: the talk is on Thursday.')[0]?.span?.text).toBe('Correction:');
  });

  it.each([
    'Correction: the talk is on Thursday, not Wednesday as in our previous post.',
    'Correction to our post of 3 May: the grant came from the foundation.',
    'Correction: the talk is on Thursday. https://example.org/events/talk',
  ])('does not fire on %j', (text) => {
    expect(textFindings('P-CORRECTION', text, { format: 'correction' })).toEqual([]);
  });

  it('does not take an update for a correction', () => {
    expect(textFindings('P-CORRECTION', 'Update: the Open Days are sold out.')).toEqual([]);
  });
});
