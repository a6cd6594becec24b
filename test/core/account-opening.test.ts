import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import {
  QUESTIONS,
  QUESTION_KEYS,
  accountIdFor,
  accountOpeningCitations,
  checkAccountOpening,
  credentialFields,
  credentialProblem,
  looksLikeSecret,
  parseAccountOpening,
  postsPerWeek,
} from '../../lambdas/core/account-opening/account-opening.js';
import { isBlocking } from '../../lambdas/core/checks/findings.js';
import { ACCOUNT_OPENING_RULES } from '../../lambdas/core/rules/catalogue.js';
import { parseDirectory } from '../../lambdas/core/request/directory.js';
import { ValidationError } from '../../lambdas/core/errors.js';
import type { AccountOpeningSubmission, Finding, QuestionKey, RegistryAccount, RuleCitation } from '../../lambdas/core/model.js';
import { PRESET_NAMES, loadPreset, parsePreset, type Preset } from '../../lambdas/core/rules/presets.js';

const directory = parseDirectory({
  institution: 'Example Lab',
  preset: 'cern',
  domain: 'example.org',
  people: [
    { id: 'ada', name: 'Ada Lovelace', email: 'ada@example.org', unit: 'physics', manager: 'grace' },
    { id: 'grace', name: 'Grace Hopper', email: 'grace@example.org', unit: 'physics' },
    { id: 'bob', name: 'Bob Noyce', email: 'bob@example.org', unit: 'physics', manager: 'grace' },
    { id: 'alan', name: 'Alan Turing', email: 'alan@example.org', unit: 'comms' },
    { id: 'sam', name: 'Sam Manager', email: 'sam@example.org', unit: 'comms', manager: 'alan' },
    // an alumna, listed with the address she uses
    { id: 'zoe', name: 'Zoe Alumna', email: 'zoe@alumni-mail.net', unit: 'regional' },
  ],
  groups: { comms: ['alan'], ethics: ['grace'], socialMediaManager: ['sam'], auditors: [] },
  units: [
    { id: 'physics', name: 'Physics Department', head: 'grace' },
    { id: 'comms', name: 'Communications' },
    { id: 'regional', name: 'Regional alumni groups' },
  ],
});

function account(id: string, fields: Pick<RegistryAccount, 'platform' | 'handle' | 'unit' | 'status'>): RegistryAccount {
  return { id, ...fields, posters: ['ada'], admins: ['ada', 'sam'], smmAdmin: true, credentialStore: 'vault:social/x', openedBy: 'directory', openedAt: '2029-01-01T00:00:00.000Z' };
}

const registry: readonly RegistryAccount[] = [
  account('physics-x', { platform: 'x', handle: '@ExamplePhysics', unit: 'physics', status: 'active' }),
  account('physics-old-facebook', { platform: 'facebook', handle: 'ExamplePhysicsOld', unit: 'physics', status: 'retired' }),
  account('comms-linkedin', { platform: 'linkedin', handle: 'example-lab', unit: 'comms', status: 'active' }),
];

const CERN = loadPreset('cern');
const ALUMNI = loadPreset('cern-alumni');

const ANSWERS: Readonly<Record<QuestionKey, string>> = {
  project: 'The ALPHA-g antimatter experiment',
  platform: 'Bluesky, where physics teachers now gather',
  audience: 'Secondary-school physics teachers in Europe',
  existingChannel: 'The physics X account reaches researchers, not teachers; we will share its posts',
  communications: 'Behind-the-scenes photos, results explained, classroom material',
  frequency: 'Twice a week',
  resources: 'Ada (4 hours a week) and Bob (2 hours a week)',
  endOfLife: 'The account is retired with a bio pointing to the institute account, and its handle kept',
  hashtagInstead: 'No: a hashtag would not reach teachers who do not follow us',
  closedGroupInstead: 'No: the material is public',
  evaluation: 'Impressions, engagement rate and mentions, reviewed monthly',
  readyToRetire: 'Yes',
};

function request(overrides: Partial<AccountOpeningSubmission> = {}): AccountOpeningSubmission {
  return {
    kind: 'account-opening',
    submitter: 'ada@example.org',
    unit: 'physics',
    platform: 'bluesky',
    handle: '@alphag.example.org',
    title: 'Open @alphag.example.org on Bluesky',
    admins: ['ada@example.org', 'bob@example.org'],
    questionnaire: ANSWERS,
    attestations: { smmAdmin: true, credentialStore: 'vault:social/bluesky/alphag', commentPolicy: true },
    ...overrides,
  };
}

function withAnswer(key: QuestionKey, answer: string | undefined): AccountOpeningSubmission {
  const questionnaire: Partial<Record<QuestionKey, string>> = { ...ANSWERS };
  if (answer === undefined) delete questionnaire[key];
  else questionnaire[key] = answer;
  return request({ questionnaire });
}

function ofRule(findings: readonly Finding[], rule: string): Finding[] {
  return findings.filter((f) => f.rule === rule);
}

function findingsOf(rule: string, submission: AccountOpeningSubmission, preset: Preset = CERN): Finding[] {
  return ofRule(checkAccountOpening(submission, directory, registry, preset), rule);
}

function validBody(): Record<string, unknown> {
  return {
    kind: 'account-opening',
    submitter: 'Ada@Example.org',
    unit: 'physics',
    platform: 'bluesky',
    handle: '  @alphag.example.org ',
    admins: ['Ada@example.org', 'bob@example.org'],
    questionnaire: { ...ANSWERS, project: '  The ALPHA-g antimatter experiment  ', evaluation: '   ' },
    attestations: { smmAdmin: true, credentialStore: ' vault:social/bluesky/alphag ', commentPolicy: true },
  };
}

function problemsOf(body: unknown): readonly string[] {
  try {
    parseAccountOpening(body, directory, registry);
  } catch (error) {
    if (error instanceof ValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected a ValidationError, but the body was accepted');
}

/** A preset like `preset` with some thresholds changed, validated like a file. */
function withThresholds(preset: Preset, thresholds: Partial<Preset['thresholds']>): Preset {
  return parsePreset({ ...preset, thresholds: { ...preset.thresholds, ...thresholds } });
}

describe('the questionnaire', () => {
  it("has CERN §3's twelve questions in its order", () => {
    expect(QUESTION_KEYS).toEqual([
      'project',
      'platform',
      'audience',
      'existingChannel',
      'communications',
      'frequency',
      'resources',
      'endOfLife',
      'hashtagInstead',
      'closedGroupInstead',
      'evaluation',
      'readyToRetire',
    ]);
    expect(Object.keys(QUESTIONS)).toEqual(QUESTION_KEYS);
  });

  it('words each question as a question', () => {
    for (const key of QUESTION_KEYS) expect(QUESTIONS[key]).toMatch(/^[A-Z].{15,}\?$/u);
    expect(QUESTIONS.endOfLife).toContain('when the project ends');
    expect(QUESTIONS.hashtagInstead).toContain('hashtag');
  });
});

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
    const privateGroup = parseAccountOpening({ ...validBody(), group: { visibility: 'private', joinPolicy: ' Open to all alumni. ' } }, directory, registry);
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
    const problems = problemsOf({ ...validBody(), colour: 'blue', attestations: { smmAdmin: true, approved: true }, group: { visibility: 'private', size: 3 } });
    expect(problems).toHaveLength(3);
    expect(problems).toContain('unknown field "colour"; the fields are kind, submitter, unit, platform, handle, title, admins, group, questionnaire, attestations');
    expect(problems).toContain('attestations: unknown attestation "approved"; the attestations are smmAdmin, credentialStore, commentPolicy');
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
    expect(parseAccountOpening({ ...validBody(), platform: 'mastodon', handle: '@ExamplePhysics' }, directory, registry).handle).toBe('@ExamplePhysics');
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
    ['a credential store reference over 300 characters', { attestations: { credentialStore: 'v'.repeat(301) } }, /^attestations\.credentialStore:/u],
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

describe('credentialFields', () => {
  it('finds a secret pasted into an answer or the join policy, and names the field with the reason', () => {
    const body = {
      kind: 'account-opening',
      questionnaire: { project: 'Outreach', resources: 'Ada runs it. Login: physics, Password: hunter2' },
      group: { visibility: 'private', joinPolicy: 'Ask for the group PIN = 4711 at the desk' },
    };
    expect(credentialFields(body)).toEqual(['questionnaire.resources', 'group.joinPolicy']);
    expect(credentialProblem('questionnaire.resources')).toContain('questionnaire.resources: this answer gives a password');
  });

  it('leaves answers that only talk about passwords alone', () => {
    const body = {
      kind: 'account-opening',
      questionnaire: {
        resources: 'Two admins; passwords live in the department vault and are rotated every quarter.',
        endOfLife: 'Bypass: none — we close it. Pinned: the farewell post.',
      },
    };
    expect(credentialFields(body)).toEqual([]);
  });

  it('finds secrets at every depth, by their dotted paths, in document order', () => {
    // Prepare
    const body = {
      kind: 'account-opening',
      password: 'hunter2',
      admins: ['ada@example.org', { email: 'bob@example.org', pwd: 'x' }],
      group: { visibility: 'private', extra: { deeper: [{ api_key: 'k' }] } },
      questionnaire: { project: 'A', password: 'p' },
      attestations: { smmAdmin: true, adminPassword: 'p', credentialStore: 'vault:social/x' },
    };

    // Act
    const paths = credentialFields(body);

    // Assess
    expect(paths).toEqual(['password', 'admins.1.pwd', 'group.extra.deeper.0.api_key', 'questionnaire.password', 'attestations.adminPassword']);
  });

  it.each([
    'password', 'Password', 'PASSWORD', 'passwd', 'pwd', 'adminPwd', 'passcode', 'passphrase', 'pin', 'PIN', 'pinCode', 'secret',
    'clientSecret', 'client_secret', 'token', 'accessToken', 'auth-token', 'apiKey', 'API_KEY', 'x-api-key', 'APIKey', 'apikey',
    'accessKey', 'access_key_id', 'privateKey', 'private-key', 'otp', 'totpSeed', '2fa', 'mfaCode', 'recoveryCodes', 'recovery_codes',
    'backupCodes', 'adminpassword', 'new_password_confirm', 'credentials', 'seedPhrase',
  ])('reports a key named %s', (key) => {
    expect(credentialFields({ attestations: { [key]: 'x' } })).toEqual([`attestations.${key}`]);
  });

  it.each([
    'credentialStore', 'hashtagInstead', 'passport', 'pinned', 'spinner', 'bypass', 'compass', 'secretary', 'tokenizer', 'keyboard',
    'twoFactorEnabled', 'commentPolicy', 'smmAdmin', 'closedGroupInstead', 'keyword', 'passenger', 'pinterest',
  ])('leaves a key named %s alone', (key) => {
    expect(credentialFields({ attestations: { [key]: 'x' } })).toEqual([]);
  });

  it('finds nothing in a valid request', () => {
    expect(credentialFields(validBody())).toEqual([]);
  });

  it('reports a credential store whose value is a secret, not a reference', () => {
    expect(credentialFields({ attestations: { credentialStore: 'password: hunter2' } })).toEqual(['attestations.credentialStore']);
    expect(credentialFields({ attestations: { credentialStore: 'vault:social/physics-x' } })).toEqual([]);
  });

  it.each([
    ['password: hunter2', true],
    ['Password=hunter2', true],
    ['pwd=abc', true],
    ['login ada, pass: hunter2', true],
    ['PIN: 1234', true],
    ['ada:Hunter2!', true],
    ['ada@example.org:s3cret', true],
    ['https://ada:hunter2@vault.example.org/social', true],
    ['vault:social/physics-x', false],
    ['vault:physics-x', false],
    ['op://Social/Physics X', false],
    ['1Password: Social vault, item "Physics X"', false],
    ['KeePass: Social/Physics X', false],
    ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:social/physics-x', false],
    ['https://vault.example.org/ui/vault/secrets/social/physics-x', false],
    ['team password manager, entry "Physics X"', false],
    ['the comms office safe', false],
  ])('judges the credential store %j a secret: %s', (value, secret) => {
    expect(looksLikeSecret(value)).toBe(secret);
  });

  it('returns nothing for bodies that are not objects', () => {
    expect(credentialFields(null)).toEqual([]);
    expect(credentialFields('password=x')).toEqual([]);
    expect(credentialFields(42)).toEqual([]);
  });

  it('stays fast on large, deep and adversarial bodies', () => {
    // Prepare: deep nesting, many keys, long near-miss keys and values
    let deep: unknown = { password: 'x' };
    for (let i = 0; i < 5_000; i += 1) deep = { nested: deep };
    const wide = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`field${i}${'Pas'.repeat(20)}`, 'pass '.repeat(10)]));
    const body = { deep, wide, attestations: { credentialStore: `${'pass '.repeat(20_000)}x${'a:'.repeat(20_000)}` } };

    // Act
    const started = performance.now();
    const paths = credentialFields(body);
    const elapsed = performance.now() - started;

    // Assess
    expect(paths).toHaveLength(1);
    expect(paths[0]).toMatch(/^deep(\.nested){5000}\.password$/u);
    expect(elapsed).toBeLessThan(1_000);
  });
});

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
    const rules = checkAccountOpening(submission, directory, [...registry, account('astro-x', { platform: 'x', handle: 'astro', unit: 'astrology', status: 'active' })], ALUMNI).map((f) => f.rule);

    // Assess
    expect([...new Set(rules)]).toEqual([...ACCOUNT_OPENING_RULES]);
    const positions = rules.map((r) => ACCOUNT_OPENING_RULES.indexOf(r as (typeof ACCOUNT_OPENING_RULES)[number]));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('cites, for every finding, a sentence of a source policy', () => {
    const findings = checkAccountOpening(request({ unit: 'nowhere', admins: ['x@gmail.com'], questionnaire: {}, attestations: {}, group: { visibility: 'private', joinPolicy: 'Men only' } }), directory, registry, ALUMNI);
    expect(findings.length).toBeGreaterThan(15);
    for (const f of findings) {
      expect(f.source?.policy).toMatch(/^00[0-4]_[0-9a-f]{16}\.txt$/u);
      expect(f.source?.section.length).toBeGreaterThan(3);
      expect(f.source?.quote.length).toBeGreaterThan(10);
    }
  });

  // The source policies are kept in docs/sources/, as the presets cite them.
  const seeds = fileURLToPath(new URL('../../docs/sources/', import.meta.url));
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
    const findings = checkAccountOpening(withAnswer(key, undefined), directory, registry, CERN).filter((f) => f.rule === 'A-QUESTIONNAIRE' || f.rule === 'A-END-OF-LIFE');
    expect(findings.map((f) => [f.rule, f.where])).toEqual([['A-QUESTIONNAIRE', `questionnaire.${key}`]]);
  });

  it('reports a missing end-of-life answer once, under A-END-OF-LIFE', () => {
    const findings = checkAccountOpening(withAnswer('endOfLife', undefined), directory, registry, CERN).filter((f) => f.rule === 'A-QUESTIONNAIRE' || f.rule === 'A-END-OF-LIFE');
    expect(findings.map((f) => [f.rule, f.where])).toEqual([['A-END-OF-LIFE', 'questionnaire.endOfLife']]);
    expect(findings[0]?.message).toContain('is not answered');
  });

  it('counts an answer with no letter or digit as unanswered', () => {
    const [finding] = findingsOf('A-QUESTIONNAIRE', withAnswer('audience', '-'));
    expect(finding?.message).toContain('answered only with "-"');
  });

  it.each([['existingChannel', 'None'], ['hashtagInstead', 'No'], ['readyToRetire', 'Yes'], ['closedGroupInstead', 'n/a: the material is public']] as const)(
    'takes a short answer as an answer (%s: %s)',
    (key, answer) => {
      expect(findingsOf('A-QUESTIONNAIRE', withAnswer(key, answer))).toEqual([]);
    },
  );

  it.each([
    'tbd', 'TBD.', 'TBC', 'n/a', 'N/A', 'na', "don't know", 'I don’t know yet', 'Not sure', 'not sure yet', 'later', 'Later.', '-', '?', '...',
    'We will decide later', 'To be decided', 'to be determined', 'No plan yet', 'nothing planned', 'unknown', 'Not decided yet', 'not applicable',
    'Not clear at this stage', 'Maybe', 'undecided', 'none',
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
    expect(findings[0]?.message).toContain('ada.lovelace@gmail.com is not in the Example Lab directory and is not an address on example.org');
    expect(findings[0]?.source?.quote).toContain('We discourage individuals from using personal accounts');
  });

  it("takes a directory person's address on a subdomain as institutional", () => {
    const sub = parseDirectory({
      institution: 'Example Lab', domain: 'example.org',
      people: [
        { id: 'ada', name: 'Ada', email: 'ada@example.org', unit: 'physics' },
        { id: 'kai', name: 'Kai', email: 'kai@physics.example.org', unit: 'physics' },
      ],
      groups: { comms: ['ada'], ethics: ['ada'] },
      units: [{ id: 'physics', name: 'Physics' }],
    });
    expect(ofRule(checkAccountOpening(request({ admins: ['ada@example.org', 'kai@physics.example.org'] }), sub, [], CERN), 'A-ADMINS')).toEqual([]);
  });

  it('flags a listed person whose address is not on the domain, outside the group rules', () => {
    const findings = findingsOf('A-ADMINS', request({ admins: ['ada@example.org', 'zoe@alumni-mail.net'] }));
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining('zoe@alumni-mail.net is not an address on example.org')]);
  });

  it('under the alumni rules, refuses four group managers', () => {
    const four = request({ unit: 'regional', admins: ['ada@example.org', 'bob@example.org', 'grace@example.org', 'zoe@alumni-mail.net'], group: { visibility: 'public' } });
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
    const three = request({ unit: 'regional', admins: ['ada@example.org', 'bob@example.org', 'zoe@alumni-mail.net'], group: { visibility: 'public' } });
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
      statement: 'The social-media manager (Sam Manager) will receive admin rights on the account; the access details are kept in vault:social/bluesky/alphag.',
      by: 'submitter',
      satisfied: true,
    });
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
    expect(findingsOf('A-CADENCE', withAnswer('frequency', 'twice a week'), thrice).map((f) => f.message)).toEqual([expect.stringContaining('less than 3 times a week')]);
    const caltech = loadPreset('caltech');
    expect(caltech.thresholds.minPostsPerWeek).toBeUndefined();
    expect(findingsOf('A-CADENCE', withAnswer('frequency', 'monthly'), caltech)).toHaveLength(1);
    expect(findingsOf('A-CADENCE', withAnswer('frequency', 'weekly'), caltech)).toEqual([]);
  });
});

describe('postsPerWeek', () => {
  const MONTH = 12 / 52;
  it.each([
    ['daily', 7],
    ['every day', 7],
    ['Each day', 7],
    ['weekdays', 5],
    ['every working day', 5],
    ['3 times a week', 3],
    ['three times per week', 3],
    ['3x/week', 3],
    ['3 posts a week', 3],
    ['2 posts per day', 14],
    ['several times a day', 21],
    ['weekly', 1],
    ['once a week', 1],
    ['at least once a week', 1],
    ['twice a week', 2],
    ['every Monday', 1],
    ['Mondays and Thursdays', 2],
    ['every other week', 0.5],
    ['every two weeks', 0.5],
    ['once a fortnight', 0.5],
    ['fortnightly', 0.5],
    ['biweekly', 0.5],
    ['bi-weekly', 0.5],
    ['monthly', MONTH],
    ['once a month', MONTH],
    ['twice a month', 2 * MONTH],
    ['ten times a month', 10 * MONTH],
    ['a few times a month', 2 * MONTH],
    ['1-2 times a month', MONTH],
    ['once or twice a week', 1],
    ['quarterly', 4 / 52],
    ['once a year', 1 / 52],
    ['occasionally', 0],
    ['rarely', 0],
    ['when there is news', 0],
    ["when there's something to say", 0],
    ['from time to time', 0],
    ['once in a while', 0],
    ['weekly, plus a monthly summary', 1 + MONTH],
    ['daily during the conference, monthly otherwise', MONTH],
    ['weekly or monthly', MONTH],
    ['From 2027, monthly', MONTH],
    ['It depends', undefined],
    ['as much as we can', undefined],
    ['', undefined],
  ])('reads %j as %s posts a week', (answer, expected) => {
    const rate = postsPerWeek(answer);
    if (expected === undefined) expect(rate).toBeUndefined();
    else expect(rate).toBeCloseTo(expected, 6);
  });

  it('stays fast on adversarial answers', () => {
    const started = performance.now();
    for (const answer of ['.'.repeat(100_000), '1'.repeat(100_000), 'once '.repeat(20_000), `${'a '.repeat(50_000)}week`, '3.'.repeat(50_000)]) postsPerWeek(answer);
    expect(performance.now() - started).toBeLessThan(1_000);
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
  it.each(['nobody', 'None', '0', 'No one yet', 'no-one', 'TBD', 'not yet', 'Not yet decided', 'No dedicated staff', 'zero FTE', 'none allocated at the moment'])(
    'warns on %j',
    (answer) => {
      const [finding, ...rest] = findingsOf('A-CAPACITY', withAnswer('resources', answer));
      expect(rest).toEqual([]);
      expect(finding).toMatchObject({ severity: 'warn', where: 'questionnaire.resources' });
      expect(finding?.message).toContain('names nobody');
      expect(finding?.source?.policy).toBe('000_a6ebd4c316c12900.txt');
    },
  );

  it.each(['One person, 20% of her time', 'Ada and Bob, two hours a week each', 'No budget, but two students help', '0.5 FTE', 'none of us full time, but Ada has 4 hours a week'])(
    'does not warn on %j',
    (answer) => {
      expect(findingsOf('A-CAPACITY', withAnswer('resources', answer))).toEqual([]);
    },
  );

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
  const FAIR = 'The managers check that applicants are registered CERN alumni. Requests are accepted regardless of profession, nationality, culture, age, generation, gender or individual preferences.';

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
    expect(finding?.suggestion).toContain('regardless of profession, nationality, culture, age, generation, gender or individual preferences');
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

describe('accountIdFor', () => {
  it.each([
    [{ unit: 'physics', platform: 'x', handle: '@ExamplePhysics' }, 'physics-x-examplephysics'],
    [{ unit: 'physics', platform: 'bluesky', handle: '@alphag.example.org' }, 'physics-bluesky-alphag-example-org'],
    [{ unit: 'physics', platform: 'mastodon', handle: '@physics@social.example.org' }, 'physics-mastodon-physics-social-example-org'],
    [{ unit: 'comms', platform: 'linkedin', handle: '  Example Lab — Careers!! ' }, 'comms-linkedin-example-lab-careers'],
    [{ unit: 'physics', platform: 'x', handle: `@${'a'.repeat(39)}_b` }, `physics-x-${'a'.repeat(39)}`],
    [{ unit: 'physics', platform: 'x', handle: `@${'a'.repeat(50)}` }, `physics-x-${'a'.repeat(40)}`],
  ] as const)('gives %j the id %s', (submission, id) => {
    expect(accountIdFor(submission)).toBe(id);
  });

  it('is the same for the same handle however it is written', () => {
    expect(accountIdFor({ unit: 'physics', platform: 'x', handle: 'ExamplePhysics' })).toBe(accountIdFor({ unit: 'physics', platform: 'x', handle: '@examplephysics' }));
  });

  it('gives a handle without letters or digits a stable id of its own', () => {
    const id = accountIdFor({ unit: 'physics', platform: 'x', handle: '@物理' });
    expect(id).toMatch(/^physics-x-h[0-9a-f]{8}$/u);
    expect(accountIdFor({ unit: 'physics', platform: 'x', handle: '@物理' })).toBe(id);
    expect(accountIdFor({ unit: 'physics', platform: 'x', handle: '@化学' })).not.toBe(id);
  });
});

describe('parseAccountOpening refuses credentials when called directly', () => {
  it('names each field, and a credential store holding a secret', () => {
    const problems = problemsOf({ ...validBody(), attestations: { smmAdmin: true, credentialStore: 'password: hunter2', apiKey: 'k' } });
    expect(problems.map((p) => p.slice(0, p.indexOf(':')))).toEqual(['attestations.apiKey', 'attestations.credentialStore']);
    expect(problems[1]).toContain('Signoff never stores credentials');
  });
});

describe('credentialFields: secrets written as people write them (issue #11)', () => {
  const alnum = (seed: string, length: number): string => seed.repeat(Math.ceil(length / seed.length)).slice(0, length);
  const GITHUB = `${'gh'}p_${alnum('R8kz2Lw9Qm4T', 36)}`;
  const AWS_KEY_ID = `${'AK'}IA${'Q3EGRIXB7TNPLZ5F'}`;
  const AWS_SECRET = `wJalrXUtnFEMI/K7MDENG/${alnum('bPxRfiCY9kEq', 18)}`;

  it.each([
    ['a sentence', 'Ada runs it. The password is hunter2'],
    ['a short label', 'Ada runs it, pw: sesame'],
    ['German', 'Ada betreut es. Passwort: Sommer'],
    ['French', 'Ada le gère, mot de passe : soleil'],
    ['Dutch', 'Ada beheert het, wachtwoord: zomer'],
    ['a full-width colon', 'Ada runs it, password：hunter2'],
    ['an AWS key pair', `The scheduler uses ${AWS_KEY_ID} with ${AWS_SECRET}`],
    ['a GitHub token', `Deploys use ${GITHUB}`],
  ])('finds %s in an answer, naming the answer', (_name, answer) => {
    // Act
    const paths = credentialFields({ ...validBody(), questionnaire: { ...ANSWERS, resources: answer } });

    // Assess
    expect(paths).toEqual(['questionnaire.resources']);
    expect(credentialProblem(paths[0] ?? '')).not.toContain(answer.slice(-6));
  });

  it('finds a labelled secret in an opening\'s title, and a key in any field of any kind', () => {
    expect(credentialFields({ ...validBody(), title: 'Bluesky, the password is Hunter2' })).toEqual(['title']);
    expect(credentialFields({ ...validBody(), handle: GITHUB })).toEqual(['handle']);
    expect(credentialFields({ kind: 'brand-post', title: 'Open day', text: `Token ${GITHUB}` })).toEqual(['text']);
  });

  it('finds the two halves of an AWS key pair in two fields, and names the secret\'s', () => {
    const paths = credentialFields({ ...validBody(), questionnaire: { ...ANSWERS, resources: `Key id ${AWS_KEY_ID}`, evaluation: `Secret ${AWS_SECRET}` } });
    expect(paths).toEqual(['questionnaire.evaluation']);
  });

  it('refuses a key given as the credential store', () => {
    expect(credentialFields({ ...validBody(), attestations: { smmAdmin: true, credentialStore: GITHUB } })).toEqual(['attestations.credentialStore']);
  });

  it('explains a value found by its shape without calling the field itself forbidden', () => {
    expect(credentialProblem('text')).toBe('text: this gives a password, a key or a token — Signoff never stores credentials; remove it, and put where the access details are kept (e.g. a vault path) in attestations.credentialStore');
    expect(credentialProblem('attestations.apiKey')).toContain('remove this field');
  });

  it.each([
    ['the password policy', 'The password policy of the IT office applies; passwords are rotated.'],
    ['a PIN-code workshop', 'Ada and Bob, after our PIN-code workshop.'],
    ['a token of appreciation', 'Flowers as a token of appreciation for the IT team.'],
    ['a hardware token', 'Each admin has a hardware token.'],
    ['a password kept elsewhere', 'The password is kept in the team vault.'],
  ])('leaves an answer about %s alone', (_name, answer) => {
    expect(credentialFields({ ...validBody(), questionnaire: { ...ANSWERS, resources: answer } })).toEqual([]);
  });

  it('leaves a vault path in the credential store, and a brand post saying "password:", alone', () => {
    expect(credentialFields({ ...validBody(), attestations: { smmAdmin: true, credentialStore: 'vault://comms/social/physics-bluesky', commentPolicy: true } })).toEqual([]);
    expect(credentialFields({ kind: 'brand-post', title: 'IT tips', text: 'New password rules: at least 12 characters. Forgot your password? https://example.org/reset' })).toEqual([]);
  });

  it('leaves a signed media link alone: its token is what lets approvers fetch it', () => {
    const jwt = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from('{"sub":"img"}').toString('base64url')}.${alnum('SflKxwRJSMeKKF2QT4fw', 43)}`;
    expect(credentialFields({ kind: 'brand-post', media: [{ type: 'image', url: `https://cdn.example.org/a.jpg?token=${jwt}` }] })).toEqual([]);
  });
});
