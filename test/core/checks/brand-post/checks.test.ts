import { describe, it, expect } from 'vitest';
import { checkBrandPost } from '../../../../lambdas/core/checks/brand-post/checks.js';
import { isBlocking, isStatementMade, isWarnOrWorse } from '../../../../lambdas/core/checks/findings.js';
import { parseDirectory } from '../../../../lambdas/core/request/directory.js';
import { ConfigurationError } from '../../../../lambdas/core/errors.js';
import { loadPreset, parsePreset } from '../../../../lambdas/core/rules/presets.js';
import { MAX_TEXT_CHARS } from '../../../../lambdas/core/request/submission.js';
import { ADVERSARIAL_PADDED, ADVERSARIAL_UNITS, adversarialText, paddedLabel, paddedText } from '../../../fixtures/adversarial.js';
import { directory, directoryFile, post, ofRule, IMAGE_OK, VIDEO_OK } from './fixture.js';

// checkBrandPost as a whole (GOVERNANCE.md §5): a clean post, the preset and its citations, the order of the
// findings, and texts built to make the patterns backtrack. Each rule group has its own file beside this one.

describe('checkBrandPost — a clean post', () => {
  it('produces nothing warn-or-worse, only the statements the submitter made', () => {
    // Act
    const findings = checkBrandPost(post({ media: [IMAGE_OK, VIDEO_OK] }), directory);

    // Assess
    expect(findings.filter(isWarnOrWorse)).toEqual([]);
    expect(findings.map((f) => [f.rule, f.severity, f.attestation?.satisfied])).toEqual([
      ['P-MEDIA-RIGHTS', 'attest', true],
      ['P-AI-DISCLOSURE', 'attest', true],
    ]);
    expect(findings.every(isStatementMade)).toBe(true);
  });

  it('applies the preset the directory names when none is given', () => {
    // Prepare
    const ec = parseDirectory({ ...directoryFile(), preset: 'eu-commission' });

    // Act
    const findings = checkBrandPost(post({ text: 'CONFIDENTIAL: the new budget' }), ec);

    // Assess: the source is the EC guidelines, and the EC preset records no AI statement (the rule is off there).
    expect(ofRule(findings, 'P-CONFIDENTIAL')[0]?.source?.policy).toBe('002_1ed14eddf2429eca.txt');
    expect(ofRule(findings, 'P-AI-DISCLOSURE')).toEqual([]);
  });

  it('refuses, when the directory is read, a directory naming an unknown preset', () => {
    expect(() => parseDirectory({ ...directoryFile(), preset: 'atlantis' })).toThrow(ConfigurationError);
    expect(() => parseDirectory({ ...directoryFile(), preset: 'atlantis' })).toThrow(/unknown preset "atlantis"/);
  });

  it('cites, on every finding, the policy file, section and sentence of the preset', () => {
    const findings = checkBrandPost(post({ account: 'acc-ghost', text: 'For internal use only' }), directory);
    for (const f of findings) {
      expect(f.source?.policy).toMatch(/^(?:00[0-4]_[0-9a-f]{16}\.txt|GOVERNANCE\.md)$/);
      expect(f.source?.section.length).toBeGreaterThan(0);
      expect(f.source?.quote.length).toBeGreaterThan(0);
    }
    expect(ofRule(findings, 'P-CONFIDENTIAL')[0]?.source?.quote).toContain("don't post a picture of your CERN access card");
  });
});

describe('checkBrandPost — order', () => {
  it('orders findings P-ACCOUNT, P-ALT-TEXT, P-PLATFORM-LIMIT', () => {
    const findings = checkBrandPost(
      post({
        account: 'acc-old',
        text: 'a'.repeat(300),
        media: [{ type: 'image', url: 'https://cdn.example.org/e.jpg', rights: 'own' }],
      }),
      directory,
    ).filter(isBlocking);
    expect(findings.map((f) => f.rule)).toEqual(['P-ACCOUNT', 'P-ALT-TEXT', 'P-PLATFORM-LIMIT']);
  });

  it('follows the order of the table of GOVERNANCE.md §5 for every rule', () => {
    const findings = checkBrandPost(
      post({
        account: 'acc-linkedin',
        text: 'CONFIDENTIAL. What a shit result #opendays. The chairman agrees. Sign the petition! Call for tender now open.',
        media: [{ type: 'image', url: 'https://cdn.example.org/f.jpg', showsPeople: true }],
        attestations: { aiUsed: true },
      }),
      directory,
    );
    expect([...new Set(findings.map((f) => f.rule))]).toEqual([
      'P-CONFIDENTIAL',
      'P-OFFENSIVE',
      'P-ALT-TEXT',
      'P-PEOPLE-CONSENT',
      'P-MEDIA-RIGHTS',
      'P-AI-DISCLOSURE',
      'P-POLITICAL',
      'P-SENSITIVE-MATTER',
      'P-HASHTAG-CASE',
      'P-INCLUSIVE',
    ]);
  });
});

describe('texts built to make patterns backtrack', () => {
  // Every rule on, at the longest text the intake accepts. A quadratic pattern turns one of these into minutes; the
  // figures for five times this length come from `npm run bench`. What is asserted is that each finding points at
  // the text it quotes.
  const everyRuleOn = (() => {
    const base = loadPreset('default');
    const checks = Object.fromEntries(
      Object.entries(base.checks).map(([rule, setting]) => [rule, setting.severity === 'off' ? { ...setting, severity: 'warn' } : setting]),
    );
    return parsePreset({ ...base, checks });
  })();

  it.each(ADVERSARIAL_UNITS.map((unit) => [JSON.stringify(unit), unit] as const))('%s repeated to the maximum length', (_label, unit) => {
    const text = adversarialText(unit, MAX_TEXT_CHARS);
    for (const format of ['post', 'thread'] as const) {
      const findings = checkBrandPost(post({ account: 'acc-linkedin', text, format }), directory, everyRuleOn);
      for (const f of findings) {
        if (f.span !== undefined) expect(text.slice(f.span.start, f.span.end)).toBe(f.span.text);
      }
    }
  });

  it.each(ADVERSARIAL_PADDED.map((padded) => [paddedLabel(padded), padded] as const))('%s to the maximum length', (_label, padded) => {
    const text = paddedText(padded, MAX_TEXT_CHARS);
    for (const format of ['post', 'thread'] as const) {
      const findings = checkBrandPost(post({ account: 'acc-linkedin', text, format }), directory, everyRuleOn);
      for (const f of findings) {
        if (f.span !== undefined) expect(text.slice(f.span.start, f.span.end)).toBe(f.span.text);
      }
    }
  });
});
