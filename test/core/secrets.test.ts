import { describe, expect, it } from 'vitest';
import { givesSecret, hasAwsKeyId, hasKeyShapedSecret, hasLabelledSecret, secretShaped } from '../../lambdas/core/checks/text/secrets.js';
import { AWS_KEY_ID, SCANNER_INPUTS } from '../fixtures/scanner-inputs.js';

// Secrets in free text (issue #11, "credential detection misses"): labelled ones in the languages people write, and
// key-shaped values with no label at all. Key-shaped values are put together at run time, so that no token-like
// literal sits in the repository.

const alnum = (seed: string, length: number): string => seed.repeat(Math.ceil(length / seed.length)).slice(0, length);
const b64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

const AWS_TEMP_KEY_ID = `${'AS'}IA${'Q3EGRIXB7TNPLZ5F'}`;
const AWS_SECRET = `wJalrXUtnFEMI/K7MDENG/${alnum('bPxRfiCY9kEq', 18)}`;
const KEYS: ReadonlyArray<[string, string]> = [
  ['a GitHub personal token', `${'gh'}p_${alnum('R8kz2Lw9Qm4T', 36)}`],
  ['a GitHub OAuth token', `${'gh'}o_${alnum('R8kz2Lw9Qm4T', 36)}`],
  ['a fine-grained GitHub token', `${'github'}_pat_11${alnum('A7b3C9d2E5f8', 20)}_${alnum('Zx9Yw8Vu7Ts6', 59)}`],
  ['a GitLab token', `${'gl'}pat-${alnum('x9Yw8Vu7Ts6R', 20)}`],
  ['a Slack bot token', `${'xo'}xb-281493705512-482193376511-${alnum('aZ3kQ9mT2vX7', 24)}`],
  ['a Slack user token', `${'xo'}xp-281493705512-${alnum('aZ3kQ9mT2vX7', 30)}`],
  ['an OpenAI project key', `${'s'}k-proj-${alnum('T3BlbkFJq9X2mZ7', 48)}`],
  ['an sk- key', `${'s'}k-${alnum('T3BlbkFJq9X2mZ7', 48)}`],
  ['a Stripe live key', `${'s'}k_live_${alnum('51HqLyjWDarjtT1z', 24)}`],
  ['a Google API key', `${'AI'}za${alnum('SyD-9tSrke72PouQMnMX7', 35)}`],
  ['an npm token', `${'np'}m_${alnum('a1B2c3D4e5F6', 36)}`],
  ['a Meta access token', `${'EA'}A${alnum('BwzLixnjYBO0ZBZC8ZD', 120)}`],
  [
    'a JWT',
    `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub: 'physics', iat: 1_790_000_000 })}.${alnum('SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c', 43)}`,
  ],
];
const PEM = (label: string) => `-----BEGIN ${label}-----\n${alnum('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 64)}\n-----END ${label}-----`;

describe('hasLabelledSecret', () => {
  it.each([
    'password: hunter2',
    'Password=hunter2',
    'The password is hunter2',
    'the password is "swordfish"',
    'The password for the Bluesky account is Tr0ub4dor&3.',
    'Our PIN is 4711',
    'pw: sesame',
    'PW = sesame',
    'Passwort: Sommer2026',
    'Das Passwort lautet Sommer2026',
    'Das Kennwort ist "Sommer"',
    'mot de passe : soleil',
    'Le mot de passe est Soleil2026',
    'wachtwoord: zomer',
    'Het wachtwoord is Zomer2026',
    'La contraseña es Verano2026',
    'A senha é Verao2026',
    'password：hunter2',
    'ｐａｓｓｗｏｒｄ：hunter2',
    'PIN ＝ 4711',
    'token: abc',
    'aws_secret_access_key = abc',
    'The secret access key is wJalrXUtnFEMI/K7MDENG',
    'Recovery codes: 1111 2222',
  ])('finds %j', (text) => {
    expect(hasLabelledSecret(text)).toBe(true);
  });

  it.each([
    'Two admins; passwords live in the department vault and are rotated every quarter.',
    'The password policy of the IT office applies.',
    'The password is kept in the team vault.',
    'The password is rotated every quarter.',
    'The password is 12 characters long.',
    'Ada ran our PIN-code workshop, which is 2026-03-04.',
    'Flowers as a token of appreciation for the IT team.',
    'A token of appreciation is given.',
    'Each admin has a hardware token.',
    'Bypass: none — we close it. Pinned: the farewell post.',
    'Spin is 1/2 for electrons.',
    'Forgot your password? Reset it at https://example.org/reset',
    'The password is in https://vault.example.org/social',
    '1Password: Social vault, item "Physics X"',
    'team password manager, entry "Physics X"',
    'Die Passwortrichtlinie gilt.',
    'Le mot de passe est conservé dans le coffre.',
    'Het wachtwoord staat in de kluis.',
  ])('leaves %j alone', (text) => {
    expect(hasLabelledSecret(text)).toBe(false);
  });

  it('finds no secret in long adversarial text: labels, prepositions and verbs, never a value (timed by bench/checks.ts)', () => {
    expect(hasLabelledSecret(SCANNER_INPUTS.labelledSecret())).toBe(false);
  });
});

describe('secretShaped', () => {
  it.each([
    ['hunter2', true],
    ['Tr0ub4dor&3.', true],
    ['BlueSky', true],
    ['"swordfish"', true],
    ['4711', true],
    ['rotated', false],
    ['Secret', false],
    ['12', false],
    ['https://vault.example.org/x1', false],
    ['in', false],
  ])('%j: %s', (word, shaped) => {
    expect(secretShaped(word)).toBe(shaped);
  });
});

describe('hasKeyShapedSecret', () => {
  it.each(KEYS)('finds %s, alone and inside a sentence', (_name, key) => {
    expect(hasKeyShapedSecret(key)).toBe(true);
    expect(hasKeyShapedSecret(`Deploys use ${key}.`)).toBe(true);
    expect(hasKeyShapedSecret(`https://api.example.org/hook?token=${key}&x=1`)).toBe(true);
  });

  it.each(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'PGP PRIVATE KEY BLOCK'])(
    'finds a PEM %s block',
    (label) => {
      expect(hasKeyShapedSecret(`The scheduler signs with\n${PEM(label)}`)).toBe(true);
    },
  );

  it('finds an AWS access key id with its 40-character secret, in one text or across two', () => {
    expect(hasKeyShapedSecret(`${AWS_KEY_ID} ${AWS_SECRET}`)).toBe(true);
    expect(hasKeyShapedSecret(`key ${AWS_TEMP_KEY_ID}, secret ${AWS_SECRET}`)).toBe(true);
    expect(hasAwsKeyId(`id: ${AWS_KEY_ID}`)).toBe(true);
    expect(hasKeyShapedSecret(AWS_SECRET, true)).toBe(true);
  });

  it.each([
    ['a public key block', PEM('PUBLIC KEY')],
    ['a certificate', PEM('CERTIFICATE')],
    ['an AWS key id alone (an identifier, not a secret)', `The key ${AWS_KEY_ID} was rotated.`],
    ['a 40-character run without a key id', AWS_SECRET],
    ['a git commit hash', 'Fixed in 3f786850e387550fdab836ed7e6dc881de23001b.'],
    ['a slug starting with sk-', 'sk-ski-resort-weekend-in-the-alps-2026'],
    ['a word starting with ghp_', 'ghp_notes'],
    ['a URL', 'https://docs.example.org/document/d/1aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcdEF/edit'],
    ['a vault path', 'vault://comms/social/physics-bluesky'],
    ['a DOI', 'https://doi.org/10.1103/PhysRevLett.116.061102'],
    ['a hashtag', '#OpenDay2026 #PhysicsOutreachProgramme'],
  ])('leaves %s alone', (_name, text) => {
    expect(hasKeyShapedSecret(text)).toBe(false);
  });

  it('finds no key in long token-like text: runs that start like keys and never finish one (timed by bench/checks.ts)', () => {
    expect(hasKeyShapedSecret(SCANNER_INPUTS.keyShapedSecret())).toBe(false);
  });
});

describe('givesSecret', () => {
  it('is either kind', () => {
    expect(givesSecret('pw: x')).toBe(true);
    expect(givesSecret(`see ${KEYS[0]?.[1] ?? ''}`)).toBe(true);
    expect(givesSecret('The password policy applies.')).toBe(false);
  });
});
