import { describe, it, expect } from 'vitest';
import type { MediaItem } from '../../../../lambdas/core/model.js';
import { textFindings } from './fixture.js';

// The language of a post: P-OFFENSIVE, P-HASHTAG-CASE, P-INCLUSIVE, P-JARGON (language.ts).

describe('P-OFFENSIVE', () => {
  it.each([
    ['What a shit day for the experiment.', 'shit'],
    ['This f*ck-up cost us a week.', 'f*ck'],
    ['Only an idiot would miss this talk.', 'idiot'],
  ])('blocks %j, pointing at the word', (text, word) => {
    const findings = textFindings('P-OFFENSIVE', text);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('block');
    expect(findings[0]?.span?.text).toBe(word);
  });

  it.each([
    'She graduated summa cum laude in physics.',
    'Greetings from Scunthorpe!',
    'New flame retardant coatings for cables.',
    'Sex differences in cognition: a new study. https://example.org/study',
    'Great tit nests in the campus woods.',
    'Restoring the Hooker telescope at Mount Wilson.',
    'The assessment of our analysis is complete.',
    'Retarded potentials in classical electrodynamics: lecture notes.',
  ])('does not fire on %j', (text) => {
    expect(textFindings('P-OFFENSIVE', text)).toEqual([]);
  });

  it('fires on an offensive description of a media item', () => {
    const item: MediaItem = { type: 'image', url: 'https://cdn.example.org/x.jpg', alt: 'The bastard machine that broke', rights: 'own' };
    expect(textFindings('P-OFFENSIVE', 'Repairs', { media: [item] })[0]?.where).toBe('media[0]');
  });
});

describe('P-HASHTAG-CASE', () => {
  it('warns about the EC sample post "#euisnumber3" and suggests #EUIsNumber3', () => {
    // Act
    const findings = textFindings('P-HASHTAG-CASE', 'The project number 3\nis very cool\n#euisnumber3');

    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('warn');
    expect(findings[0]?.suggestion).toBe('#EUIsNumber3');
    expect(findings[0]?.span?.text).toBe('#euisnumber3');
    expect(findings[0]?.message).toContain('Write it #EUIsNumber3');
  });

  it.each([
    ['#opendays', '#OpenDays'],
    ['#Opendays', '#OpenDays'],
    ['#womeninscience', '#WomenInScience'],
    ['#cernopenlab', '#CERNOpenLab'],
  ])('suggests %s → %s', (tag, suggestion) => {
    expect(textFindings('P-HASHTAG-CASE', `Join us ${tag}`)[0]?.suggestion).toBe(suggestion);
  });

  it.each([
    '#OpenDays',
    '#physics',
    '#neutrinos',
    '#astrophysics',
    '#LHCb',
    '#ICHEP2026',
    '#caltech',
    'https://example.org/page#section',
    'Rock &#39;n&#39; roll',
  ])('does not fire on %j', (text) => {
    expect(textFindings('P-HASHTAG-CASE', text)).toEqual([]);
  });
});

describe('P-INCLUSIVE', () => {
  it.each([
    ['The Chairman opened the meeting.', 'Chairman', 'Chair'],
    ['We need more manpower for the open day.', 'manpower', 'workforce'],
    ['Ladies and gentlemen, welcome!', 'Ladies and gentlemen', 'Everyone'],
    ['Thanks guys for coming!', 'guys', 'everyone'],
    ['See you guys tomorrow!', 'you guys', 'you all'],
    ['The LHC is a man-made wonder.', 'man-made', 'human-made'],
    ['Thanks to the firemen of the brigade.', 'firemen', 'firefighters'],
  ])('warns about %j with a neutral suggestion', (text, term, neutral) => {
    const findings = textFindings('P-INCLUSIVE', text);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('warn');
    expect(findings[0]?.span?.text).toBe(term);
    expect(findings[0]?.suggestion).toBe(neutral);
  });

  it.each([
    'The chair of the committee presented the report.',
    'Our partners in Manchester and Germany.',
    'Human resources and management are on the first floor.',
    'Professor Smith presented his results.',
    "A master's degree in physics is required.",
  ])('does not fire on %j', (text) => {
    expect(textFindings('P-INCLUSIVE', text)).toEqual([]);
  });

  it('reports each gendered term, in order of the text', () => {
    const findings = textFindings('P-INCLUSIVE', 'The spokesman thanked the chairman.');
    expect(findings.map((f) => f.suggestion)).toEqual(['spokesperson', 'chair']);
  });
});

describe('P-JARGON', () => {
  const JARGON =
    'Spectroscopic characterisation of heterogeneous photocatalytic nanomaterials demonstrates unprecedented quantum efficiencies attributable to plasmonic hot-carrier injection mechanisms, substantially outperforming conventional semiconductor architectures under simulated solar illumination conditions.';

  it('notes hard-to-read text for information, naming the hardest words', () => {
    const findings = textFindings('P-JARGON', JARGON);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('info');
    expect(findings[0]?.message).toMatch(/Flesch reading ease -\d+; under 10/);
    expect(findings[0]?.suggestion).toBe('Explain or replace: characterisation, photocatalytic, nanomaterials');
  });

  it("does not score texts shorter than the preset's minimum", () => {
    expect(textFindings('P-JARGON', 'Heterogeneous photocatalytic nanomaterials characterisation.')).toEqual([]);
  });

  it('does not fire on plain language', () => {
    const text =
      'Join us on Saturday for the open day. You can visit the labs, talk to our scientists and try experiments. There are games for children and a café in the main hall. Entry is free and you do not need to book.';
    expect(textFindings('P-JARGON', text)).toEqual([]);
  });
});
