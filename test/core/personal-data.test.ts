import { describe, it, expect } from 'vitest';
import { findPersonalData, withoutLinks } from '../../lambdas/core/checks/text/personal-data.js';

// P-PERSONAL-DATA's detectors: what must be found, and the numbers of institutional posts that must not be —
// dates of events, years, DOIs, ISBNs, arXiv ids, prices, counts, functional mailboxes.

describe('findPersonalData — finds', () => {
  it.each([
    ['Contact jane.doe@example.org for details', 'email', 'jane.doe@example.org'],
    ['Call +41 22 767 61 11', 'phone', '+41 22 767 61 11'],
    ['Phone: 022 767 61 11', 'phone', '022 767 61 11'],
    ['Main office +1 (626) 395-6811', 'phone', '+1 (626) 395-6811'],
    ['Reach us at (626) 395-6811', 'phone', '(626) 395-6811'],
    ['Dial 0041 22 767 6111', 'phone', '0041 22 767 6111'],
    ['Mobile 079 123 45 67', 'phone', '079 123 45 67'],
    ['Anna, born on 3 May 1990, joins us', 'date-of-birth', 'born on 3 May 1990'],
    ['Date of birth: 12/05/1988', 'date-of-birth', 'Date of birth: 12/05/1988'],
    ['DOB 1990-05-03', 'date-of-birth', 'DOB 1990-05-03'],
    ['IBAN CH93 0076 2011 6238 5295 7', 'id-number', 'CH93 0076 2011 6238 5295 7'],
    ['Card 4111 1111 1111 1111', 'id-number', '4111 1111 1111 1111'],
    ['SSN 123-45-6789', 'id-number', '123-45-6789'],
    ['AHV 756.1234.5678.97', 'id-number', '756.1234.5678.97'],
    ['NI number AB 12 34 56 C', 'id-number', 'AB 12 34 56 C'],
    ['Passport number X1234567', 'id-number', 'Passport number X1234567'],
    ['Staff ID: 754321', 'id-number', 'Staff ID: 754321'],
  ])('%j → %s', (text, kind, found) => {
    // Act
    const matches = findPersonalData(text);

    // Assess
    expect(matches.map((m) => [m.kind, m.text])).toEqual([[kind, found]]);
    expect(text.slice(matches[0]?.start, matches[0]?.end)).toBe(found);
  });

  it('finds several items in order', () => {
    const matches = findPersonalData('Anna Keller, born on 3 May 1961: anna.keller@example.org, +41 22 767 12 34.', {
      referenceYear: 2026,
    });
    expect(matches.map((m) => m.kind)).toEqual(['date-of-birth', 'email', 'phone']);
  });
});

describe('findPersonalData — leaves alone', () => {
  it.each([
    ['a date and time of an event', 'Join us on 3 December 2026 at 10:00 in room 40-S2-C01.'],
    ['a range of times and an ISO date', 'Open between 10:00-12:00 on 2026-12-03.'],
    ['a founding year', 'Founded in 1954, the Institute turns 72.'],
    ['a span of years', 'The 2024–2026 programme and the 2026-2027 season.'],
    ['a DOI', 'Read it: doi:10.1038/s41586-024-07111-0'],
    ['a DOI link', 'https://doi.org/10.1103/PhysRevLett.116.061102'],
    ['an ISBN with hyphens', 'ISBN 978-3-16-148410-0'],
    ['an ISBN without', 'ISBN 9783161484100'],
    ['an arXiv id', 'Preprint arXiv:2401.12345'],
    ['an ORCID', 'ORCID 0000-0002-1825-0097'],
    ['prices', 'Tickets cost CHF 1,250.00, €45 or € 2 500 000 for a sponsor.'],
    ['counts', '1 000 000 000 collisions per second, 45 000 visitors, 12,000,000 particles.'],
    ['a percentage with a sign', 'A +3.2% growth in visitors.'],
    ['a functional mailbox', 'Contact press@example.org or jobs-physics@example.org.'],
    ['a Mastodon handle', 'Follow @physics@social.example.org'],
    ['a birthday that is not a date of birth', 'Happy 70th birthday on 29 September!'],
    ['a birth year without a date', 'The LHC was born in 2008.'],
    ['a historical date of birth', 'Marie Curie, born 7 November 1867, would have loved this.'],
    ['a version number and coordinates', 'Version 1.2.3.4 at 46.2340, 6.0557.'],
    ['"call for" and "may"', 'Call for papers 2026: up to 30 may apply.'],
    ['an order number', 'Order 2026-001-12345 has shipped.'],
    ['"student numbers"', 'Student numbers rose 20% in 2026.'],
  ])('%s', (_what, text) => {
    expect(findPersonalData(text)).toEqual([]);
  });

  it('leaves alone a date of birth more than a century before the reference year', () => {
    expect(findPersonalData('Richard Feynman, born 11 May 1918', { referenceYear: 2026 })).toEqual([]);
    expect(findPersonalData('Richard Feynman, born 11 May 1918', { referenceYear: 2010 })).toHaveLength(1);
  });

  it('rejects payment card and IBAN look-alikes whose check digits are wrong', () => {
    expect(findPersonalData('Ref 4111 1111 1111 1112 and CH93 0076 2011 6238 5295 8')).toEqual([]);
  });
});

describe('withoutLinks', () => {
  it('blanks links and keeps every other character where it was', () => {
    const text = 'See https://example.org/a?tel=0041227676111 now';
    const blanked = withoutLinks(text);
    expect(blanked).toHaveLength(text.length);
    expect(blanked.startsWith('See ')).toBe(true);
    expect(blanked.endsWith(' now')).toBe(true);
    expect(blanked).not.toContain('0041');
  });
});
