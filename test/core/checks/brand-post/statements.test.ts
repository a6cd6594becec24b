import { describe, it, expect } from 'vitest';
import { isWarnOrWorse } from '../../../../lambdas/core/checks/findings.js';
import type { Finding, MediaItem } from '../../../../lambdas/core/model.js';
import { loadPreset } from '../../../../lambdas/core/rules/presets.js';
import { textFindings, withSeverity, IMAGE_OK } from './fixture.js';

// The submitter's statements: P-PEOPLE-CONSENT, P-MEDIA-RIGHTS, P-AI-DISCLOSURE (statements.ts).

describe('P-PEOPLE-CONSENT', () => {
  const crowd: MediaItem = { ...IMAGE_OK, showsPeople: true };

  it('blocks media showing people without the consent statement, naming the statement', () => {
    // Act
    const findings = textFindings('P-PEOPLE-CONSENT', 'Our team', { media: [IMAGE_OK, crowd] });

    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'block', media: 1, where: 'media[1]' });
    expect(findings[0]?.attestation).toEqual({
      statement: 'Everyone recognisable in image 2 has agreed to appear in this post.',
      by: 'submitter',
      satisfied: false,
    });
    expect(findings[0]?.message).toContain('"Consent: yes"');
  });

  it('blocks when the submitter says consent was not obtained', () => {
    expect(
      textFindings('P-PEOPLE-CONSENT', 'Our team', { media: [crowd], attestations: { peopleConsent: false, aiUsed: false } })[0]?.severity,
    ).toBe('block');
  });

  it('records the statement when the submitter made it', () => {
    const findings = textFindings('P-PEOPLE-CONSENT', 'Our team', {
      media: [crowd, crowd],
      attestations: { peopleConsent: true, aiUsed: false },
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'attest', where: 'media[0], media[1]', attestation: { satisfied: true } });
    expect(isWarnOrWorse(findings[0] as Finding)).toBe(false);
  });

  it('does not fire for media without people', () => {
    expect(textFindings('P-PEOPLE-CONSENT', 'The detector', { media: [IMAGE_OK] })).toEqual([]);
  });

  it('shows a missing statement as a warning when a preset softens the rule', () => {
    const findings = textFindings('P-PEOPLE-CONSENT', 'Our team', { media: [crowd] }, withSeverity('P-PEOPLE-CONSENT', 'warn'));
    expect(findings[0]?.severity).toBe('warn');
  });
});

describe('P-MEDIA-RIGHTS', () => {
  it.each([
    ['unknown', { rights: 'unknown' as const }, 'are unknown'],
    ['missing', {}, 'are not stated'],
    ['licensed without a credit', { rights: 'licensed' as const }, 'has no credit'],
  ])('blocks rights that are %s', (_name, rights, says) => {
    const item: MediaItem = { type: 'image', url: 'https://cdn.example.org/n.jpg', alt: 'A nebula', ...rights };
    const findings = textFindings('P-MEDIA-RIGHTS', 'Look!', { media: [item] });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'block', media: 0, attestation: { by: 'submitter', satisfied: false } });
    expect(findings[0]?.message).toContain(says);
  });

  it('warns about Creative Commons, with the credit it carries', () => {
    const item: MediaItem = {
      type: 'image',
      url: 'https://cdn.example.org/cc.jpg',
      alt: 'Founding day',
      rights: 'creative-commons',
      credit: 'J. Doe, CC BY-SA 4.0',
    };
    const findings = textFindings('P-MEDIA-RIGHTS', 'Archive', { media: [item] });
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('warn');
    expect(findings[0]?.message).toContain('not compatible with social platforms');
    expect(findings[0]?.message).toContain('J. Doe, CC BY-SA 4.0');
  });

  it('records own, public-domain and credited licensed media as one statement', () => {
    const media: MediaItem[] = [
      { ...IMAGE_OK },
      { type: 'image', url: 'https://cdn.example.org/pd.jpg', alt: 'An old map', rights: 'public-domain' },
      { type: 'image', url: 'https://cdn.example.org/eso.jpg', alt: 'A nebula', rights: 'licensed', credit: 'ESO/L. Calçada' },
    ];
    const findings = textFindings('P-MEDIA-RIGHTS', 'Three pictures', { media });
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('attest');
    expect(findings[0]?.message).toBe(
      'The submitter states the rights to the media: media[0] is the institution\'s own, media[1] is in the public domain and media[2] is licensed for social media, credited "ESO/L. Calçada".',
    );
  });
});

describe('P-AI-DISCLOSURE', () => {
  it('blocks AI use that the post does not disclose, with a suggested disclosure', () => {
    const findings = textFindings('P-AI-DISCLOSURE', 'Our campus in 2100', { attestations: { aiUsed: true } });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'block', attestation: { by: 'submitter', satisfied: false } });
    expect(findings[0]?.suggestion).toContain('generative AI');
  });

  it('records disclosed AI use and "no AI" as statements', () => {
    expect(textFindings('P-AI-DISCLOSURE', 'x', { attestations: { aiUsed: true, aiDisclosed: true } })[0]).toMatchObject({
      severity: 'attest',
      attestation: { satisfied: true },
    });
    expect(textFindings('P-AI-DISCLOSURE', 'x', { attestations: { aiUsed: false } })[0]?.message).toBe(
      'The submitter states that no generative AI was used for this post.',
    );
  });

  it('notes, for information only, a submission that does not say', () => {
    const findings = textFindings('P-AI-DISCLOSURE', 'x', { attestations: {} });
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('info');
  });

  it('is off under a preset whose source says nothing about AI (eu-commission)', () => {
    expect(textFindings('P-AI-DISCLOSURE', 'x', { attestations: { aiUsed: true } }, loadPreset('eu-commission'))).toEqual([]);
  });
});
