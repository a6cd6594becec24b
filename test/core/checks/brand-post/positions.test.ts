import { describe, it, expect } from 'vitest';
import { isBlocking } from '../../../../lambdas/core/checks/findings.js';
import type { Finding } from '../../../../lambdas/core/model.js';
import { loadPreset } from '../../../../lambdas/core/rules/presets.js';
import { textFindings } from './fixture.js';

// What asks an approver stage: P-POLITICAL, P-ENDORSEMENT, P-SENSITIVE-MATTER (positions.ts).

describe('P-POLITICAL', () => {
  it.each([
    ['Vote yes on Sunday to the referendum on research funding!', 'Vote yes'],
    ['Sign the petition against the cuts: https://example.org/p', 'Sign the petition'],
    ['Re-elect Senator Johnson, a friend of science!', 'Re-elect Senator'],
    ['We stand with the students protesting today.', 'We stand with'],
    ['Join the March for Science on 22 April!', 'Join the March'],
    ['We oppose the government decision to leave the agreement.', 'We oppose the government'],
    ["Ahead of the general election, read the parties' positions.", 'general election'],
  ])('routes %j to comms, who must clear it explicitly', (text, cue) => {
    // Act
    const findings = textFindings('P-POLITICAL', text);

    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'route', stage: 'comms', attestation: { by: 'comms', satisfied: false } });
    expect(findings[0]?.span?.text.startsWith(cue)).toBe(true);
    expect(isBlocking(findings[0] as Finding)).toBe(false);
  });

  it.each([
    'Vote for your favourite picture in our photo competition!',
    "Vote for the Institute in the People's Choice category of the Science Photo Awards!",
    'The Council voted unanimously to approve the budget for 2027.',
    'The Minister of Research visited the lab today.',
    'Elections to the Staff Council are open until Friday.',
    'Members of the European Parliament visited our detector hall.',
    'Our 70th birthday party is on 29 September, with a third-party caterer.',
  ])('does not fire on %j', (text) => {
    expect(textFindings('P-POLITICAL', text)).toEqual([]);
  });

  it('only warns under a preset without a political-neutrality rule (leiden), without a stage', () => {
    const findings = textFindings('P-POLITICAL', 'Sign the petition now!', {}, loadPreset('leiden'));
    expect(findings[0]?.severity).toBe('warn');
    expect(findings[0]?.stage).toBeUndefined();
  });
});

describe('P-ENDORSEMENT', () => {
  it('asks comms for a reputational check of unregistered accounts and commercial sites, without blocking', () => {
    // Act
    const findings = textFindings('P-ENDORSEMENT', 'Thanks to @AcmeCryo for the compressor! Shop: https://www.acme-cryo.com/shop');

    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('attest');
    expect(findings[0]?.attestation).toEqual({
      statement: 'Reputational check done: @AcmeCryo and acme-cryo.com are not in conflict with the values of Example Lab.',
      by: 'comms',
      satisfied: false,
    });
    expect(findings[0]?.span?.text).toBe('@AcmeCryo');
    expect(isBlocking(findings[0] as Finding)).toBe(false);
  });

  it.each([
    'Congratulations to @examplelab on the new website!',
    'Great news from @CERN and @ATLASexperiment today.',
    'Write to press@example.org or see https://example.org/news',
    'Watch it on https://www.youtube.com/watch?v=abc and read https://www.nature.com/articles/x',
    'Follow @someone@social.example.org for news from the department.',
    'Our partner university: https://www.universiteitleiden.nl and https://www.uni-heidelberg.de',
  ])('does not fire on %j', (text) => {
    expect(textFindings('P-ENDORSEMENT', text)).toEqual([]);
  });

  it('only warns under eu-commission', () => {
    expect(textFindings('P-ENDORSEMENT', 'Thanks @AcmeCryo!', {}, loadPreset('eu-commission'))[0]?.severity).toBe('warn');
  });
});

describe('P-SENSITIVE-MATTER', () => {
  it.each([
    ['Call for tender: supply of 200 km of cable.', 'Call for tender'],
    ['An internal investigation into the fire is under way.', 'internal investigation'],
    ['OLAF has opened a case.', 'OLAF'],
    ['Disciplinary proceedings have started.', 'Disciplinary proceedings'],
    ['Our market survey for the cooling system is open.', 'market survey'],
    ['Bidders can request a debriefing.', 'Bidders'],
  ])('routes %j to ethics', (text, cue) => {
    const findings = textFindings('P-SENSITIVE-MATTER', text);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'route', stage: 'ethics' });
    expect(findings[0]?.span?.text).toBe(cue);
  });

  it.each([
    'Our investigation of dark matter continues underground.',
    'Call for proposals: ten collaborative projects with universities.',
    'Call for papers: deadline 1 March.',
    'The contract for the new hall was signed today.',
  ])('does not fire on %j', (text) => {
    expect(textFindings('P-SENSITIVE-MATTER', text)).toEqual([]);
  });

  it('only warns under a preset without an ethics stage (cern)', () => {
    const findings = textFindings('P-SENSITIVE-MATTER', 'Call for tender now open.', {}, loadPreset('cern'));
    expect(findings[0]?.severity).toBe('warn');
    expect(findings[0]?.stage).toBeUndefined();
  });
});
