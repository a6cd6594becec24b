import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { checkAccountOpening } from '../../../lambdas/core/account-opening/checks.js';
import { ACCOUNT_OPENING_RULES } from '../../../lambdas/core/rules/catalogue.js';
import { accountOpeningCitations } from '../../../lambdas/core/account-opening/citations.js';
import { QUESTIONS, QUESTION_KEYS } from '../../../lambdas/core/account-opening/questionnaire.js';
import { isBlocking } from '../../../lambdas/core/checks/findings.js';
import type { Finding, QuestionKey, RuleCitation } from '../../../lambdas/core/model.js';
import { PRESET_NAMES, loadPreset, type Preset } from '../../../lambdas/core/rules/presets.js';
import { ALUMNI, CERN, account, directory, findingsOf, registry, request, withAnswer, withThresholds } from './fixture.js';

describe('checkAccountOpening', () => {
  it('finds nothing to fix in a complete request: only the two statements made, for the record', () => {
    // Act
    const findings = checkAccountOpening(request(), directory, registry, CERN);

    // Assess
    expect(findings.map((f) => [f.rule, f.severity, f.attestation?.satisfied])).toEqual([
      ['A-SMM-ADMIN', 'attest', true],
      ['A-COMMENT-POLICY', 'attest', true],
    ]);
    expect(findings.some(isBlocking)).toBe(false);
  });

  it("reports in the order of GOVERNANCE.md §6's table", () => {
    // Prepare: a request that breaks every rule
    const submission = request({
      unit: 'astrology',
      platform: 'x',
      admins: ['ada@example.org'],
      group: { visibility: 'private' },
      questionnaire: { frequency: 'monthly', resources: 'nobody yet' },
      attestations: {},
    });

    // Act
    const rules = checkAccountOpening(
      submission,
      directory,
      [...registry, account('astro-x', { platform: 'x', handle: 'astro', unit: 'astrology', status: 'active' })],
      ALUMNI,
    ).map((f) => f.rule);

    // Assess
    expect([...new Set(rules)]).toEqual([...ACCOUNT_OPENING_RULES]);
    const positions = rules.map((r) => ACCOUNT_OPENING_RULES.indexOf(r as (typeof ACCOUNT_OPENING_RULES)[number]));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('cites, for every finding, a sentence of a source policy', () => {
    const findings = checkAccountOpening(
      request({
        unit: 'nowhere',
        admins: ['x@gmail.com'],
        questionnaire: {},
        attestations: {},
        group: { visibility: 'private', joinPolicy: 'Men only' },
      }),
      directory,
      registry,
      ALUMNI,
    );
    expect(findings.length).toBeGreaterThan(15);
    for (const f of findings) {
      expect(f.source?.policy).toMatch(/^00[0-4]_[0-9a-f]{16}\.txt$/u);
      expect(f.source?.section.length).toBeGreaterThan(3);
      expect(f.source?.quote.length).toBeGreaterThan(10);
    }
  });

  // The source policies are kept in docs/sources/, as the presets cite them.
  const seeds = fileURLToPath(new URL('../../../docs/sources/', import.meta.url));
  it('quotes every source word for word (whitespace normalised), for account openings and every preset', () => {
    const normalise = (t: string): string => t.replace(/\s+/gu, ' ').trim();
    const texts = new Map(readdirSync(seeds).map((f) => [f, normalise(readFileSync(join(seeds, f), 'utf8'))]));
    expect(texts.size).toBe(6);
    const presetCitations = PRESET_NAMES.flatMap((name) => {
      const preset = loadPreset(name);
      return [...Object.values(preset.checks).map((c) => c.source), ...preset.stages.map((st) => st.source)].filter(
        (c): c is RuleCitation => c !== undefined && c.policy !== 'GOVERNANCE.md',
      );
    });
    for (const citation of [...accountOpeningCitations(), ...presetCitations]) {
      expect([citation.policy, texts.get(citation.policy)?.includes(normalise(citation.quote))]).toEqual([citation.policy, true]);
    }
  });
});

describe('A-QUESTIONNAIRE (block) and A-END-OF-LIFE (block): one finding per missing answer', () => {
  it('names each of the twelve questions when the questionnaire is empty', () => {
    // Act
    const findings = checkAccountOpening(request({ questionnaire: {} }), directory, registry, CERN).filter(
      (f) => f.rule === 'A-QUESTIONNAIRE' || f.rule === 'A-END-OF-LIFE',
    );

    // Assess
    expect(findings).toHaveLength(12);
    // A-QUESTIONNAIRE's eleven in CERN §3's order, then A-END-OF-LIFE's (the rules' order)
    const keys = [...QUESTION_KEYS.filter((k) => k !== 'endOfLife'), 'endOfLife' as const];
    expect(findings.map((f) => f.where)).toEqual(keys.map((k) => `questionnaire.${k}`));
    findings.forEach((f, i) => {
      const key = keys[i] as QuestionKey;
      expect(f.rule).toBe(key === 'endOfLife' ? 'A-END-OF-LIFE' : 'A-QUESTIONNAIRE');
      expect(f.severity).toBe('block');
      expect(f.message).toContain(`"${QUESTIONS[key]}"`);
      expect(f.message).toContain(`questionnaire.${key}`);
      expect(f.suggestion?.length).toBeGreaterThan(10);
      expect(f.source).toMatchObject({ policy: '000_a6ebd4c316c12900.txt', section: '3. How to get started?' });
    });
  });

  it.each(QUESTION_KEYS.filter((k) => k !== 'endOfLife'))('names the one question left out: %s', (key) => {
    const findings = checkAccountOpening(withAnswer(key, undefined), directory, registry, CERN).filter(
      (f) => f.rule === 'A-QUESTIONNAIRE' || f.rule === 'A-END-OF-LIFE',
    );
    expect(findings.map((f) => [f.rule, f.where])).toEqual([['A-QUESTIONNAIRE', `questionnaire.${key}`]]);
  });

  it('reports a missing end-of-life answer once, under A-END-OF-LIFE', () => {
    const findings = checkAccountOpening(withAnswer('endOfLife', undefined), directory, registry, CERN).filter(
      (f) => f.rule === 'A-QUESTIONNAIRE' || f.rule === 'A-END-OF-LIFE',
    );
    expect(findings.map((f) => [f.rule, f.where])).toEqual([['A-END-OF-LIFE', 'questionnaire.endOfLife']]);
    expect(findings[0]?.message).toContain('is not answered');
  });

  it('counts an answer with no letter or digit as unanswered', () => {
    const [finding] = findingsOf('A-QUESTIONNAIRE', withAnswer('audience', '-'));
    expect(finding?.message).toContain('answered only with "-"');
  });

  it.each([
    ['existingChannel', 'None'],
    ['hashtagInstead', 'No'],
    ['readyToRetire', 'Yes'],
    ['closedGroupInstead', 'n/a: the material is public'],
  ] as const)('takes a short answer as an answer (%s: %s)', (key, answer) => {
    expect(findingsOf('A-QUESTIONNAIRE', withAnswer(key, answer))).toEqual([]);
  });

  it.each([
    'tbd',
    'TBD.',
    'TBC',
    'n/a',
    'N/A',
    'na',
    "don't know",
    'I don’t know yet',
    'Not sure',
    'not sure yet',
    'later',
    'Later.',
    '-',
    '?',
    '...',
    'We will decide later',
    'To be decided',
    'to be determined',
    'No plan yet',
    'nothing planned',
    'unknown',
    'Not decided yet',
    'not applicable',
    'Not clear at this stage',
    'Maybe',
    'undecided',
    'none',
  ])('A-END-OF-LIFE fires on the non-committal answer %j', (answer) => {
    const [finding, ...rest] = findingsOf('A-END-OF-LIFE', withAnswer('endOfLife', answer));
    expect(rest).toEqual([]);
    expect(finding?.severity).toBe('block');
    expect(finding?.where).toBe('questionnaire.endOfLife');
    expect(finding?.message).toContain('does not say what will happen');
    expect(finding?.source?.quote).toBe('What is foreseen for the social media accounts when the project ends?');
  });

  it.each([
    'The account will be retired and the handle kept with a pointer to @ExampleLab',
    'Handed over to the institute account',
    'Delete it',
    'Archive',
    'None needed: it will be archived and the bio updated',
    'Not sure of the date, but it will be retired when the experiment ends',
    'Merged into the department account',
  ])('A-END-OF-LIFE does not fire on the plan %j', (answer) => {
    expect(findingsOf('A-END-OF-LIFE', withAnswer('endOfLife', answer))).toEqual([]);
  });
});

describe('A-CADENCE (warn)', () => {
  it('warns on a plan below once a week, quoting the answer and CERN §2', () => {
    const [finding, ...rest] = findingsOf('A-CADENCE', withAnswer('frequency', 'Twice a month'));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ severity: 'warn', where: 'questionnaire.frequency' });
    expect(finding?.message).toContain('"Twice a month"');
    expect(finding?.message).toContain('post at least once a week');
    expect(finding?.source?.quote).toBe('To keep an account alive, you need to post at least once a week.');
  });

  it.each(['Weekly', 'twice a week', 'daily', 'every weekday', 'once a week, more during conferences'])('does not warn on %j', (answer) => {
    expect(findingsOf('A-CADENCE', withAnswer('frequency', answer))).toEqual([]);
  });

  it('says nothing on an answer it cannot read', () => {
    expect(findingsOf('A-CADENCE', withAnswer('frequency', 'It depends on the experiment'))).toEqual([]);
  });

  it('warns on no regular posting', () => {
    const [finding] = findingsOf('A-CADENCE', withAnswer('frequency', 'When there is news'));
    expect(finding?.message).toContain('no regular posting');
  });

  it("uses the preset's minimum, and once a week where the preset sets none", () => {
    const thrice = withThresholds(CERN, { minPostsPerWeek: 3 });
    expect(findingsOf('A-CADENCE', withAnswer('frequency', 'twice a week'), thrice).map((f) => f.message)).toEqual([
      expect.stringContaining('less than 3 times a week'),
    ]);
    const caltech = loadPreset('caltech');
    expect(caltech.thresholds.minPostsPerWeek).toBeUndefined();
    expect(findingsOf('A-CADENCE', withAnswer('frequency', 'monthly'), caltech)).toHaveLength(1);
    expect(findingsOf('A-CADENCE', withAnswer('frequency', 'weekly'), caltech)).toEqual([]);
  });
});

describe('A-EXISTING (warn)', () => {
  it('asks whether the unit could contribute to its active account on the same platform, by handle and id', () => {
    const [finding, ...rest] = findingsOf('A-EXISTING', request({ platform: 'x', handle: '@ALPHAgTeachers' }));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ severity: 'warn', where: 'questionnaire.existingChannel' });
    expect(finding?.message).toContain('Physics Department already has an active X account: @ExamplePhysics (physics-x)');
    expect(finding?.message).toContain('Could they contribute to it');
    expect(finding?.source?.quote).toBe('Is there an existing channel to which you could contribute?');
  });

  it.each([
    ['another platform', { platform: 'bluesky' as const }],
    ["another unit's account", { platform: 'linkedin' as const }],
    ['a retired account', { platform: 'facebook' as const }],
  ])('does not fire for %s', (_label, change) => {
    expect(findingsOf('A-EXISTING', request(change))).toEqual([]);
  });
});

describe('A-CAPACITY (warn)', () => {
  it.each([
    'nobody',
    'None',
    '0',
    'No one yet',
    'no-one',
    'TBD',
    'not yet',
    'Not yet decided',
    'No dedicated staff',
    'zero FTE',
    'none allocated at the moment',
  ])('warns on %j', (answer) => {
    const [finding, ...rest] = findingsOf('A-CAPACITY', withAnswer('resources', answer));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ severity: 'warn', where: 'questionnaire.resources' });
    expect(finding?.message).toContain('names nobody');
    expect(finding?.source?.policy).toBe('000_a6ebd4c316c12900.txt');
  });

  it.each([
    'One person, 20% of her time',
    'Ada and Bob, two hours a week each',
    'No budget, but two students help',
    '0.5 FTE',
    'none of us full time, but Ada has 4 hours a week',
  ])('does not warn on %j', (answer) => {
    expect(findingsOf('A-CAPACITY', withAnswer('resources', answer))).toEqual([]);
  });

  it('cites the Leiden sentence on manpower under the Leiden preset', () => {
    const [finding] = findingsOf('A-CAPACITY', withAnswer('resources', 'nobody'), loadPreset('leiden'));
    expect(finding?.source?.quote).toContain('sufficient manpower');
  });
});

describe('A-COMMENT-POLICY (attest, by the submitter)', () => {
  it.each([
    ['missing', undefined, 'has not confirmed'],
    ['refused', false, 'are not ready'],
  ])('blocks when the statement is %s (CERN cites its own sentence)', (_label, commentPolicy, says) => {
    const attestations = commentPolicy === undefined ? { smmAdmin: true } : { smmAdmin: true, commentPolicy };
    const [finding] = findingsOf('A-COMMENT-POLICY', request({ attestations }));
    expect(finding?.severity).toBe('block');
    expect(finding?.attestation).toMatchObject({ by: 'submitter', satisfied: false });
    expect(finding?.message).toContain(says);
    expect(finding?.source?.quote).toBe('Be proactive in managing your communities and moderating interactions.');
  });

  it('cites the Caltech sentence under the Caltech and default presets', () => {
    for (const preset of [loadPreset('caltech'), loadPreset('default')]) {
      const [finding] = findingsOf('A-COMMENT-POLICY', request({ attestations: {} }), preset);
      expect(finding?.source?.quote).toBe('Prepare your comment policy and community guidelines before you need them.');
    }
  });

  it('keeps the statement made without blocking', () => {
    const [finding] = findingsOf('A-COMMENT-POLICY', request());
    expect(finding).toMatchObject({ severity: 'attest', attestation: { by: 'submitter', satisfied: true } });
  });

  it('cites the alumni sentence on monitoring comments under the alumni preset', () => {
    const [finding] = findingsOf('A-COMMENT-POLICY', request({ attestations: {}, group: { visibility: 'public' } }), ALUMNI);
    expect(finding?.source?.policy).toBe('001_10403c6be09b4f39.txt');
  });
});

describe('A-GROUP-PRIVACY (block)', () => {
  const FAIR =
    'The managers check that applicants are registered CERN alumni. Requests are accepted regardless of profession, nationality, culture, age, generation, gender or individual preferences.';

  function groupFindings(joinPolicy: string | undefined, visibility: 'public' | 'private' = 'private', preset: Preset = ALUMNI): Finding[] {
    return findingsOf('A-GROUP-PRIVACY', request({ group: { visibility, joinPolicy } }), preset);
  }

  it('does not apply to an account without group rules or a group', () => {
    expect(findingsOf('A-GROUP-PRIVACY', request(), CERN)).toEqual([]);
  });

  it('under the group rules, asks whether the group is public or private', () => {
    const [finding, ...rest] = findingsOf('A-GROUP-PRIVACY', request(), ALUMNI);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ severity: 'block', where: 'group' });
    expect(finding?.message).toContain('public');
    expect(finding?.message).toContain('private');
  });

  it('asks a private group for its join policy', () => {
    const [finding, ...rest] = groupFindings(undefined);
    expect(rest).toEqual([]);
    expect(finding?.where).toBe('group.joinPolicy');
    expect(finding?.message).toContain('no join policy is given');
    expect(finding?.suggestion).toContain(
      'regardless of profession, nationality, culture, age, generation, gender or individual preferences',
    );
  });

  it('applies to a group given under a preset without group rules', () => {
    expect(groupFindings(undefined, 'private', CERN)).toHaveLength(1);
  });

  it('accepts a public group without a join policy', () => {
    expect(groupFindings(undefined, 'public')).toEqual([]);
  });

  it('blocks a join policy without a non-discrimination statement', () => {
    const [finding, ...rest] = groupFindings('The managers check that applicants are registered CERN alumni.');
    expect(rest).toEqual([]);
    expect(finding?.message).toContain('does not say that requests are never refused');
    expect(finding?.source?.quote).toContain('no discrimination of requests on the grounds of profession');
  });

  it.each([
    FAIR,
    'Open to all alumni.',
    'We do not discriminate: every registered alumnus is accepted.',
    'Requests are never refused on the grounds of gender, age or nationality.',
    'No discrimination of any kind; the managers only check the alumni registration.',
    'Open to all alumni of all ages and nationalities; we only check that applicants are registered CERN alumni.',
    'Irrespective of profession or nationality, all registered alumni are welcome. The group has over 100 members.',
    'Membership is not limited to physicists: engineers, technicians and administrators are welcome, without discrimination.',
  ])('accepts the fair join policy %j', (policy) => {
    expect(groupFindings(policy)).toEqual([]);
  });

  it.each([
    ['Only physicists may join, regardless of nationality.', ['profession']],
    ['Members under 35 only, irrespective of profession.', ['age']],
    ['Men only. No discrimination otherwise.', ['gender']],
    ['Membership is restricted to French nationals; open to all of them regardless of age.', ['nationality']],
    ['Open to all alumni, but only millennials are accepted.', ['generation']],
    ['Without discrimination, but applicants older than 60 are refused.', ['age']],
    ['Regardless of nationality; engineers are not admitted.', ['profession']],
    ['Only women engineers, regardless of age.', ['profession', 'gender']],
    ['Open to everyone regardless of age, except non-Europeans.', ['nationality']],
    ['Regardless of gender: heterosexuals only.', ['individual preferences']],
  ])('names the ground a join policy restricts on: %j', (policy, grounds) => {
    const findings = groupFindings(policy);
    const restriction = findings.find((f) => f.message.startsWith('The join policy restricts membership'));
    expect(restriction?.message).toContain(`restricts membership by ${grounds.join(' and ')}:`);
    expect(restriction?.severity).toBe('block');
    expect(findings.filter((f) => f.message.includes('does not say'))).toEqual([]);
  });
});
