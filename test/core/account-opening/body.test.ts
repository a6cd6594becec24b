import { describe, it, expect } from 'vitest';
import { parseAccountOpening } from '../../../lambdas/core/account-opening/body.js';
import { QUESTION_KEYS } from '../../../lambdas/core/account-opening/questionnaire.js';
import type { AccountOpeningSubmission } from '../../../lambdas/core/model.js';
import { ANSWERS, directory, findingsOf, problemsOf, registry, validBody } from './fixture.js';

describe('parseAccountOpening', () => {
  it('returns lower-case addresses, trimmed answers without the blank ones, and the default title', () => {
    // Act
    const submission = parseAccountOpening(validBody(), directory, registry);

    // Assess
    const { evaluation: _blank, ...answered } = ANSWERS;
    const expected: AccountOpeningSubmission = {
      kind: 'account-opening',
      submitter: 'ada@example.org',
      unit: 'physics',
      platform: 'bluesky',
      handle: '@alphag.example.org',
      title: 'Open @alphag.example.org on Bluesky',
      admins: ['ada@example.org', 'bob@example.org'],
      group: undefined,
      questionnaire: answered,
      attestations: { smmAdmin: true, credentialStore: 'vault:social/bluesky/alphag', commentPolicy: true },
    };
    expect(submission).toEqual(expected);
  });

  it('keeps a title given, and each admin once', () => {
    // Prepare
    const body = { ...validBody(), title: '  ALPHA-g for teachers ', admins: ['ada@example.org', 'ADA@example.org', 'bob@example.org'] };

    // Act
    const submission = parseAccountOpening(body, directory, registry);

    // Assess
    expect(submission.title).toBe('ALPHA-g for teachers');
    expect(submission.admins).toEqual(['ada@example.org', 'bob@example.org']);
  });

  it('keeps the group settings, a blank join policy left out', () => {
    const publicGroup = parseAccountOpening({ ...validBody(), group: { visibility: 'public', joinPolicy: '  ' } }, directory, registry);
    const privateGroup = parseAccountOpening(
      { ...validBody(), group: { visibility: 'private', joinPolicy: ' Open to all alumni. ' } },
      directory,
      registry,
    );
    expect(publicGroup.group).toEqual({ visibility: 'public', joinPolicy: undefined });
    expect(privateGroup.group).toEqual({ visibility: 'private', joinPolicy: 'Open to all alumni.' });
  });

  it('accepts admins who are not in the directory: A-ADMINS lists them', () => {
    // Prepare
    const body = { ...validBody(), admins: ['ada@example.org', 'stranger@gmail.com'] };

    // Act
    const submission = parseAccountOpening(body, directory, registry);

    // Assess
    expect(submission.admins).toEqual(['ada@example.org', 'stranger@gmail.com']);
    expect(findingsOf('A-ADMINS', submission).map((f) => f.where)).toEqual(['admins.1']);
  });

  it('names an unknown question and lists the twelve', () => {
    const problems = problemsOf({ ...validBody(), questionnaire: { ...ANSWERS, budget: '2 kCHF' } });
    expect(problems).toEqual([`questionnaire: unknown question "budget"; the questions are ${QUESTION_KEYS.join(', ')}`]);
  });

  it('names an unknown attestation, group setting and field, listing the valid ones', () => {
    const problems = problemsOf({
      ...validBody(),
      colour: 'blue',
      attestations: { smmAdmin: true, approved: true },
      group: { visibility: 'private', size: 3 },
    });
    expect(problems).toHaveLength(3);
    expect(problems).toContain(
      'unknown field "colour"; the fields are kind, submitter, unit, platform, handle, title, admins, group, questionnaire, attestations',
    );
    expect(problems).toContain(
      'attestations: unknown attestation "approved"; the attestations are smmAdmin, credentialStore, commentPolicy',
    );
    expect(problems).toContain('group: unknown group setting "size"; the group settings are visibility, joinPolicy');
  });

  it('lists every problem at once: schema, directory and registry', () => {
    // Prepare
    const body = {
      ...validBody(),
      submitter: 'nobody@example.org',
      platform: 'x',
      handle: 'exAMplePhysics',
      admins: [],
      questionnaire: { ...ANSWERS, endOfLife: 'x'.repeat(2_001) },
      group: { visibility: 'secret' },
    };

    // Act
    const problems = problemsOf(body);

    // Assess
    expect(problems).toHaveLength(5);
    expect(problems.some((p) => p.startsWith('admins:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('questionnaire.endOfLife:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('group.visibility:'))).toBe(true);
    expect(problems).toContain('submitter: "nobody@example.org" is not in the Example Lab directory');
    expect(problems).toContain('handle: "exAMplePhysics" is already registered on X as the account "physics-x"');
  });

  it('finds a taken handle whatever its case and leading @, and says when the account is retired', () => {
    expect(problemsOf({ ...validBody(), platform: 'facebook', handle: '@examplephysicsold' })).toEqual([
      'handle: "@examplephysicsold" is already registered on Facebook as the account "physics-old-facebook" (retired)',
    ]);
  });

  it('lets the same handle be opened on another platform', () => {
    expect(parseAccountOpening({ ...validBody(), platform: 'mastodon', handle: '@ExamplePhysics' }, directory, registry).handle).toBe(
      '@ExamplePhysics',
    );
  });

  it('asks for the questionnaire by its twelve keys when it is missing', () => {
    const { questionnaire: _q, ...body } = validBody();
    expect(problemsOf(body)).toEqual([`questionnaire: required: answer the twelve questions (${QUESTION_KEYS.join(', ')})`]);
  });

  it.each([
    ['an unknown platform', { platform: 'myspace' }, /^platform:/u],
    ['more than ten admins', { admins: Array.from({ length: 11 }, (_, i) => `p${i}@example.org`) }, /^admins:/u],
    ['an admin that is not an e-mail address', { admins: ['ada'] }, /^admins\.0:/u],
    ['an empty handle', { handle: '   ' }, /^handle:/u],
    [
      'a credential store reference over 300 characters',
      { attestations: { credentialStore: 'v'.repeat(301) } },
      /^attestations\.credentialStore:/u,
    ],
    ['a non-boolean statement', { attestations: { smmAdmin: 'yes' } }, /^attestations\.smmAdmin:/u],
  ])('refuses %s, naming the field', (_label, change, pattern) => {
    const problems = problemsOf({ ...validBody(), ...change });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(pattern);
  });

  it('refuses a body that is not an object', () => {
    expect(problemsOf([validBody()])).toEqual(['body: must be a JSON object']);
  });
});

describe('parseAccountOpening refuses credentials when called directly', () => {
  it('names each field, and a credential store holding a secret', () => {
    const problems = problemsOf({ ...validBody(), attestations: { smmAdmin: true, credentialStore: 'password: hunter2', apiKey: 'k' } });
    expect(problems.map((p) => p.slice(0, p.indexOf(':')))).toEqual(['attestations.apiKey', 'attestations.credentialStore']);
    expect(problems[1]).toContain('Signoff never stores credentials');
  });
});
