import { parseAccountOpening } from '../../../lambdas/core/account-opening/body.js';
import { checkAccountOpening } from '../../../lambdas/core/account-opening/checks.js';
import { parseDirectory } from '../../../lambdas/core/request/directory.js';
import { ValidationError } from '../../../lambdas/core/errors.js';
import type { AccountOpeningSubmission, Finding, QuestionKey, RegistryAccount } from '../../../lambdas/core/model.js';
import { loadPreset, parsePreset, type Preset } from '../../../lambdas/core/rules/presets.js';

// The directory, registry, presets and requests the account-opening tests share.

export const directory = parseDirectory({
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

export function account(id: string, fields: Pick<RegistryAccount, 'platform' | 'handle' | 'unit' | 'status'>): RegistryAccount {
  return {
    id,
    ...fields,
    posters: ['ada'],
    admins: ['ada', 'sam'],
    smmAdmin: true,
    credentialStore: 'vault:social/x',
    openedBy: 'directory',
    openedAt: '2029-01-01T00:00:00.000Z',
  };
}

export const registry: readonly RegistryAccount[] = [
  account('physics-x', { platform: 'x', handle: '@ExamplePhysics', unit: 'physics', status: 'active' }),
  account('physics-old-facebook', { platform: 'facebook', handle: 'ExamplePhysicsOld', unit: 'physics', status: 'retired' }),
  account('comms-linkedin', { platform: 'linkedin', handle: 'example-lab', unit: 'comms', status: 'active' }),
];

export const CERN = loadPreset('cern');
export const ALUMNI = loadPreset('cern-alumni');

export const ANSWERS: Readonly<Record<QuestionKey, string>> = {
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

export function request(overrides: Partial<AccountOpeningSubmission> = {}): AccountOpeningSubmission {
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

export function withAnswer(key: QuestionKey, answer: string | undefined): AccountOpeningSubmission {
  const questionnaire: Partial<Record<QuestionKey, string>> = { ...ANSWERS };
  if (answer === undefined) delete questionnaire[key];
  else questionnaire[key] = answer;
  return request({ questionnaire });
}

export function ofRule(findings: readonly Finding[], rule: string): Finding[] {
  return findings.filter((f) => f.rule === rule);
}

export function findingsOf(rule: string, submission: AccountOpeningSubmission, preset: Preset = CERN): Finding[] {
  return ofRule(checkAccountOpening(submission, directory, registry, preset), rule);
}

export function validBody(): Record<string, unknown> {
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

export function problemsOf(body: unknown): readonly string[] {
  try {
    parseAccountOpening(body, directory, registry);
  } catch (error) {
    if (error instanceof ValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected a ValidationError, but the body was accepted');
}

/** A preset like `preset` with some thresholds changed, validated like a file. */
export function withThresholds(preset: Preset, thresholds: Partial<Preset['thresholds']>): Preset {
  return parsePreset({ ...preset, thresholds: { ...preset.thresholds, ...thresholds } });
}
