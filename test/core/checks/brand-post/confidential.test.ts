import { describe, it, expect } from 'vitest';
import type { MediaItem } from '../../../../lambdas/core/model.js';
import { textFindings, IMAGE_OK } from './fixture.js';

// What must not be made public: P-CONFIDENTIAL, P-EMBARGO, P-PERSONAL-DATA (confidential.ts).

describe('P-CONFIDENTIAL', () => {
  it.each([
    ['CONFIDENTIAL – draft minutes of the board meeting', 'CONFIDENTIAL'],
    ['For internal use only: the new organisation chart', 'For internal use only'],
    ['Not for distribution: preliminary results of the run', 'Not for distribution'],
    ['Strictly confidential figures from the review', 'Strictly confidential'],
    ['(Confidential) Budget 2027 by department', 'Confidential'],
    ['EU RESTRICTED. Briefing for the visit', 'EU RESTRICTED'],
    ['Draft – do not share. Our new strategy', 'Draft – do not share'],
    ['As the internal memo says, the move is delayed', 'internal memo'],
    ['Our PC password 12345 is on the screen', 'password 12345'],
  ])('fires on %j, pointing at the marker', (text, marker) => {
    // Act
    const findings = textFindings('P-CONFIDENTIAL', text);

    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('block');
    expect(findings[0]?.span?.text).toBe(marker);
    expect(text.slice(findings[0]?.span?.start, findings[0]?.span?.end)).toBe(marker);
    expect(findings[0]?.where).toBe(`"${marker}"`);
  });

  it.each([
    'Our counselling service offers confidential support to all staff.',
    'Access to the underground areas is restricted to trained personnel.',
    'Places are restricted to 30 participants.',
    'Change your password every 90 days, and never reuse it.',
    'World Password Day: use a password manager!',
    'The internal review of our safety procedures is complete.',
    'Enamel pin badges are on sale at the visitor shop.',
    'Do not share your password with anyone, not even IT.',
  ])('does not fire on %j', (text) => {
    expect(textFindings('P-CONFIDENTIAL', text)).toEqual([]);
  });

  it('fires on a photo declared as an access card (CERN §1), pointing at the item', () => {
    // Prepare
    const card: MediaItem = {
      type: 'image',
      url: 'https://cdn.example.org/card.jpg',
      alt: 'My first day',
      rights: 'own',
      declaredAs: 'access-card',
    };

    // Act
    const findings = textFindings('P-CONFIDENTIAL', 'First day at the lab!', { media: [IMAGE_OK, card] });

    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'block', media: 1, where: 'media[1]' });
    expect(findings[0]?.message).toContain('declared as an access card');
  });

  it.each(['contract', 'budget', 'internal-document', 'credentials'] as const)('fires on media declared as %s', (declaredAs) => {
    const item: MediaItem = { type: 'image', url: 'https://cdn.example.org/doc.jpg', alt: 'A page', rights: 'own', declaredAs };
    expect(textFindings('P-CONFIDENTIAL', 'Look at this', { media: [item] })).toHaveLength(1);
  });

  it('fires on the EC guidelines\' picture of a "PC password 12345" note, from its description', () => {
    const note: MediaItem = {
      type: 'image',
      url: 'https://cdn.example.org/note.jpg',
      alt: 'A sticky note on a monitor reading PC password 12345',
      rights: 'own',
    };
    const findings = textFindings('P-CONFIDENTIAL', 'Security reminder: never do this!', { media: [note] });
    expect(findings).toHaveLength(1);
    expect(findings[0]?.media).toBe(0);
    expect(findings[0]?.message).toContain('a password or access code');
    expect(findings[0]?.message).toContain('"password 12345"');
  });

  it('fires on a photo described as showing an access card', () => {
    const badge: MediaItem = {
      type: 'image',
      url: 'https://cdn.example.org/b.jpg',
      alt: 'My new access card with my photo',
      rights: 'own',
    };
    expect(textFindings('P-CONFIDENTIAL', 'New job!', { media: [badge] })[0]?.message).toContain('an access card or ID badge');
  });

  it('does not fire on photos declared as photos, posters or charts', () => {
    const media: MediaItem[] = (['photo', 'poster', 'chart'] as const).map((declaredAs, i) => ({
      type: 'image',
      url: `https://cdn.example.org/${i}.jpg`,
      alt: 'Visitors at the reception desk',
      rights: 'own',
      declaredAs,
    }));
    expect(textFindings('P-CONFIDENTIAL', 'Open day', { media })).toEqual([]);
  });
});

describe('P-EMBARGO', () => {
  it('blocks an embargo that lifts after the publish time, with the time to schedule instead', () => {
    // Act
    const findings = textFindings('P-EMBARGO', 'Embargoed until 3 December 2026, 10:00 CET. A planet in the habitable zone!', {
      publishAt: '2026-12-01T10:00:00Z',
    });

    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('block');
    expect(findings[0]?.span?.text).toBe('Embargoed');
    expect(findings[0]?.message).toContain('until 2026-12-03T09:00Z');
    expect(findings[0]?.message).toContain('scheduled for 2026-12-01T10:00Z');
    expect(findings[0]?.suggestion).toBe('publishAt: 2026-12-03T09:00Z or later');
  });

  it('blocks an embargo note when the post has no publish time', () => {
    const findings = textFindings('P-EMBARGO', 'EMBARGO: 3 Dec 2026. New results from the collaboration.');
    expect(findings[0]?.severity).toBe('block');
    expect(findings[0]?.message).toContain('has no publish time');
  });

  it('blocks a release date at the head of a press note', () => {
    const findings = textFindings('P-EMBARGO', 'Release date: 2026-12-10\nThe Institute announces a new particle.', {
      publishAt: '2026-12-01T10:00:00Z',
    });
    expect(findings[0]?.severity).toBe('block');
    expect(findings[0]?.message).toContain('2026-12-10T00:00Z');
    expect(findings[0]?.message).toContain('no time is given');
  });

  it('blocks "not to be published before"', () => {
    const findings = textFindings('P-EMBARGO', 'Not to be published before 10 December 2026 at 09:00 UTC.', {
      publishAt: '2026-12-10T08:59:00Z',
    });
    expect(findings[0]?.severity).toBe('block');
  });

  it('blocks an embargo without a date', () => {
    const findings = textFindings('P-EMBARGO', 'The results remain under embargo until the collaboration meeting.', {
      publishAt: '2026-12-01T10:00:00Z',
    });
    expect(findings[0]?.severity).toBe('block');
    expect(findings[0]?.message).toContain('without a date');
  });

  it('blocks an embargo date that could be read two ways', () => {
    const findings = textFindings('P-EMBARGO', 'Embargoed until 03/12/2026', { publishAt: '2027-01-01T10:00:00Z' });
    expect(findings[0]?.severity).toBe('block');
    expect(findings[0]?.message).toContain('could be read as two different days');
  });

  it('reads a date without a year as the one nearest the publish time', () => {
    const findings = textFindings('P-EMBARGO', 'Embargoed until 3 December.', { publishAt: '2026-11-20T10:00:00Z' });
    expect(findings[0]?.severity).toBe('block');
    expect(findings[0]?.suggestion).toBe('publishAt: 2026-12-03T00:00Z or later');
  });

  it('only notes an embargo that has lifted by the publish time, asking to remove the note', () => {
    const findings = textFindings('P-EMBARGO', 'Embargo: 10 December 2026, 09:00 CET. A new particle!', {
      publishAt: '2026-12-10T09:30:00Z',
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('info');
    expect(findings[0]?.suggestion).toBe('Remove the embargo note from the text.');
  });

  it.each([
    'The EU lifted its arms embargo in 2026.',
    'The trade embargo on the region ends on 3 December 2026.',
    'The recording will be released on 10 December.',
    'The software release date is 3 December 2026, mark your calendars.',
  ])('does not fire on %j', (text) => {
    expect(textFindings('P-EMBARGO', text, { publishAt: '2026-12-01T10:00:00Z' })).toEqual([]);
  });
});

describe('P-PERSONAL-DATA', () => {
  it.each([
    ['Reach Anna at anna.keller@example.org', 'anna.keller@example.org'],
    ['Call her on +41 22 767 12 34', '+41 22 767 12 34'],
    ['Anna, born on 3 May 1961, retires today', 'born on 3 May 1961'],
    ['Passport number X1234567 found at reception', 'Passport number X1234567'],
  ])('warns about %j, pointing at it', (text, found) => {
    const findings = textFindings('P-PERSONAL-DATA', text, { publishAt: '2026-12-01T10:00:00Z' });
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('warn');
    expect(findings[0]?.span?.text).toBe(found);
  });

  it.each([
    'Join us on 3 December 2026 at 10:00, room 40-S2.',
    'Founded in 1954, the lab turns 72 this year.',
    'The paper: doi:10.1038/s41586-024-07111-0',
    'ISBN 978-3-16-148410-0, CHF 45 or €39.90.',
    'Write to press@example.org for interviews.',
  ])('does not fire on %j', (text) => {
    expect(textFindings('P-PERSONAL-DATA', text)).toEqual([]);
  });

  it('warns about personal data in a media description', () => {
    const item: MediaItem = { ...IMAGE_OK, alt: 'A whiteboard with jane.doe@example.org written on it' };
    expect(textFindings('P-PERSONAL-DATA', 'Brainstorming', { media: [item] })[0]?.media).toBe(0);
  });
});
