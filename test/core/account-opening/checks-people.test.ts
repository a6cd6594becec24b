import { describe, it, expect } from 'vitest';
import { checkAccountOpening } from '../../../lambdas/core/account-opening/checks.js';
import { isBlocking } from '../../../lambdas/core/checks/findings.js';
import { parseDirectory } from '../../../lambdas/core/request/directory.js';
import type { Finding } from '../../../lambdas/core/model.js';
import { loadPreset } from '../../../lambdas/core/rules/presets.js';
import { ALUMNI, CERN, findingsOf, ofRule, request, withThresholds } from './fixture.js';

describe('A-UNIT (block)', () => {
  it('fires for a unit the directory does not list, and suggests the id it meant', () => {
    const [finding, ...rest] = findingsOf('A-UNIT', request({ unit: 'Physics' }));
    expect(rest).toEqual([]);
    expect(finding?.severity).toBe('block');
    expect(finding?.where).toBe('unit');
    expect(finding?.message).toContain('"Physics" is not listed in the Example Lab directory');
    expect(finding?.suggestion).toBe('Use "physics" (Physics Department).');
    expect(finding?.source?.quote).toContain('listed in the CERN Directory');
  });

  it('fires without a suggestion when nothing is close', () => {
    const [finding] = findingsOf('A-UNIT', request({ unit: 'astrology' }));
    expect(finding?.suggestion).toBeUndefined();
  });

  it('does not fire for a listed unit, even one without people', () => {
    expect(findingsOf('A-UNIT', request({ unit: 'physics' }))).toEqual([]);
    expect(findingsOf('A-UNIT', request({ unit: 'regional' }))).toEqual([]);
  });
});

describe('A-ADMINS (block)', () => {
  it('fires when only one administrator is named', () => {
    const [finding, ...rest] = findingsOf('A-ADMINS', request({ admins: ['ada@example.org'] }));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ severity: 'block', where: 'admins' });
    expect(finding?.message).toContain('Only one administrator is named (ada@example.org)');
    expect(finding?.message).toContain('at least 2');
    expect(finding?.source?.policy).toBe('004_66ae974383687124.txt');
    expect(finding?.source?.quote).toContain('at least two Caltech employees');
  });

  it('counts a duplicate once', () => {
    const findings = findingsOf('A-ADMINS', request({ admins: ['ada@example.org', 'ADA@example.org '] }));
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain('Only one administrator');
  });

  it('does not fire for two named employees', () => {
    expect(findingsOf('A-ADMINS', request({ admins: ['ada@example.org', 'bob@example.org'] }))).toEqual([]);
  });

  it('follows the preset: three required means two is too few', () => {
    const strict = withThresholds(CERN, { minAdmins: 3 });
    expect(findingsOf('A-ADMINS', request(), strict).map((f) => f.message)).toEqual([expect.stringContaining('at least 3 are needed')]);
  });

  it('names an administrator who is not in the directory', () => {
    const findings = findingsOf('A-ADMINS', request({ admins: ['ada@example.org', 'bob@example.org', 'eve@example.org'] }));
    expect(findings).toHaveLength(1);
    expect(findings[0]?.where).toBe('admins.2');
    expect(findings[0]?.message).toContain('eve@example.org is not in the Example Lab directory');
  });

  it('names a personal address outside the institution, with the Caltech sentence on personal accounts', () => {
    const findings = findingsOf('A-ADMINS', request({ admins: ['ada@example.org', 'ada.lovelace@gmail.com'] }));
    expect(findings).toHaveLength(1);
    expect(findings[0]?.where).toBe('admins.1');
    expect(findings[0]?.message).toContain(
      'ada.lovelace@gmail.com is not in the Example Lab directory and is not an address on example.org',
    );
    expect(findings[0]?.source?.quote).toContain('We discourage individuals from using personal accounts');
  });

  it("takes a directory person's address on a subdomain as institutional", () => {
    const sub = parseDirectory({
      institution: 'Example Lab',
      domain: 'example.org',
      people: [
        { id: 'ada', name: 'Ada', email: 'ada@example.org', unit: 'physics' },
        { id: 'kai', name: 'Kai', email: 'kai@physics.example.org', unit: 'physics' },
      ],
      groups: { comms: ['ada'], ethics: ['ada'] },
      units: [{ id: 'physics', name: 'Physics' }],
    });
    expect(
      ofRule(checkAccountOpening(request({ admins: ['ada@example.org', 'kai@physics.example.org'] }), sub, [], CERN), 'A-ADMINS'),
    ).toEqual([]);
  });

  it('flags a listed person whose address is not on the domain, outside the group rules', () => {
    const findings = findingsOf('A-ADMINS', request({ admins: ['ada@example.org', 'zoe@alumni-mail.net'] }));
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining('zoe@alumni-mail.net is not an address on example.org')]);
  });

  it('under the alumni rules, refuses four group managers', () => {
    const four = request({
      unit: 'regional',
      admins: ['ada@example.org', 'bob@example.org', 'grace@example.org', 'zoe@alumni-mail.net'],
      group: { visibility: 'public' },
    });
    const findings = findingsOf('A-ADMINS', four, ALUMNI);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'block', where: 'admins' });
    expect(findings[0]?.message).toContain('4 group managers are named');
    expect(findings[0]?.message).toContain('at most 3');
    expect(findings[0]?.source).toEqual({
      policy: '001_10403c6be09b4f39.txt',
      section: 'Guidelines for CERN Alumni Group Managers',
      quote: 'Each group, whether CERN managed or alumni managed, is administered by at least two and up to three group managers.',
    });
  });

  it('under the alumni rules, accepts three managers, an alumna with her own address among them', () => {
    const three = request({
      unit: 'regional',
      admins: ['ada@example.org', 'bob@example.org', 'zoe@alumni-mail.net'],
      group: { visibility: 'public' },
    });
    expect(findingsOf('A-ADMINS', three, ALUMNI)).toEqual([]);
  });

  it('under the alumni rules, speaks of group managers when there are too few', () => {
    const [finding] = findingsOf('A-ADMINS', request({ admins: ['zoe@alumni-mail.net'], group: { visibility: 'public' } }), ALUMNI);
    expect(finding?.message).toContain('Only one group manager is named');
    expect(finding?.message).toContain('at least 2 and up to 3');
  });

  it('applies a maximum only where the preset sets one', () => {
    const four = request({ admins: ['ada@example.org', 'bob@example.org', 'grace@example.org', 'alan@example.org'] });
    expect(findingsOf('A-ADMINS', four, CERN)).toEqual([]);
    expect(findingsOf('A-ADMINS', four, loadPreset('default')).map((f) => f.message)).toEqual([expect.stringContaining('at most 3')]);
  });
});

describe('A-SMM-ADMIN (attest, by the submitter)', () => {
  it.each([
    ['no statement at all', {}, 'attestations.smmAdmin, attestations.credentialStore'],
    ['admin rights but no credential store', { smmAdmin: true }, 'attestations.credentialStore'],
    ['admin rights and a blank credential store', { smmAdmin: true, credentialStore: '  ' }, 'attestations.credentialStore'],
    ['a credential store but admin rights refused', { smmAdmin: false, credentialStore: 'vault:social/x' }, 'attestations.smmAdmin'],
  ])('blocks with %s', (_label, attestations, where) => {
    const [finding, ...rest] = findingsOf('A-SMM-ADMIN', request({ attestations: { ...attestations, commentPolicy: true } }));
    expect(rest).toEqual([]);
    expect(finding?.severity).toBe('block');
    expect(isBlocking(finding as Finding)).toBe(true);
    expect(finding?.where).toBe(where);
    expect(finding?.attestation).toMatchObject({ by: 'submitter', satisfied: false });
    expect(finding?.message).toContain('Sam Manager');
    expect(finding?.message).toContain('never the password itself');
    expect(finding?.suggestion).toContain('"smmAdmin": true');
    expect(finding?.source?.quote).toContain('give admin rights to the CERN Social Media Manager');
  });

  it('keeps the statement made, naming the credential store, without blocking', () => {
    const [finding] = findingsOf('A-SMM-ADMIN', request());
    expect(finding?.severity).toBe('attest');
    expect(isBlocking(finding as Finding)).toBe(false);
    expect(finding?.attestation).toEqual({
      statement:
        'The social-media manager (Sam Manager) will receive admin rights on the account; the access details are kept in vault:social/bluesky/alphag.',
      by: 'submitter',
      satisfied: true,
    });
  });
});
