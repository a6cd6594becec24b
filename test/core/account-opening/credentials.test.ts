import { describe, it, expect } from 'vitest';
import { credentialFields, credentialProblem, looksLikeSecret } from '../../../lambdas/core/account-opening/credentials.js';
import { ANSWERS, validBody } from './fixture.js';
import { SCANNER_INPUTS } from '../../fixtures/scanner-inputs.js';

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
    expect(paths).toEqual([
      'password',
      'admins.1.pwd',
      'group.extra.deeper.0.api_key',
      'questionnaire.password',
      'attestations.adminPassword',
    ]);
  });

  it.each([
    'password',
    'Password',
    'PASSWORD',
    'passwd',
    'pwd',
    'adminPwd',
    'passcode',
    'passphrase',
    'pin',
    'PIN',
    'pinCode',
    'secret',
    'clientSecret',
    'client_secret',
    'token',
    'accessToken',
    'auth-token',
    'apiKey',
    'API_KEY',
    'x-api-key',
    'APIKey',
    'apikey',
    'accessKey',
    'access_key_id',
    'privateKey',
    'private-key',
    'otp',
    'totpSeed',
    '2fa',
    'mfaCode',
    'recoveryCodes',
    'recovery_codes',
    'backupCodes',
    'adminpassword',
    'new_password_confirm',
    'credentials',
    'seedPhrase',
  ])('reports a key named %s', (key) => {
    expect(credentialFields({ attestations: { [key]: 'x' } })).toEqual([`attestations.${key}`]);
  });

  it.each([
    'credentialStore',
    'hashtagInstead',
    'passport',
    'pinned',
    'spinner',
    'bypass',
    'compass',
    'secretary',
    'tokenizer',
    'keyboard',
    'twoFactorEnabled',
    'commentPolicy',
    'smmAdmin',
    'closedGroupInstead',
    'keyword',
    'passenger',
    'pinterest',
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

  it('finds the one credential field in a large, deep and adversarial body, without recursion (timed by bench/checks.ts)', () => {
    // Act: deep nesting, many keys, long near-miss keys and values
    const paths = credentialFields(SCANNER_INPUTS.credentialBody());

    // Assess
    expect(paths).toHaveLength(1);
    expect(paths[0]).toMatch(/^deep(\.nested){5000}\.password$/u);
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

  it("finds a labelled secret in an opening's title, and a key in any field of any kind", () => {
    expect(credentialFields({ ...validBody(), title: 'Bluesky, the password is Hunter2' })).toEqual(['title']);
    expect(credentialFields({ ...validBody(), handle: GITHUB })).toEqual(['handle']);
    expect(credentialFields({ kind: 'brand-post', title: 'Open day', text: `Token ${GITHUB}` })).toEqual(['text']);
  });

  it("finds the two halves of an AWS key pair in two fields, and names the secret's", () => {
    const paths = credentialFields({
      ...validBody(),
      questionnaire: { ...ANSWERS, resources: `Key id ${AWS_KEY_ID}`, evaluation: `Secret ${AWS_SECRET}` },
    });
    expect(paths).toEqual(['questionnaire.evaluation']);
  });

  it('refuses a key given as the credential store', () => {
    expect(credentialFields({ ...validBody(), attestations: { smmAdmin: true, credentialStore: GITHUB } })).toEqual([
      'attestations.credentialStore',
    ]);
  });

  it('explains a value found by its shape without calling the field itself forbidden', () => {
    expect(credentialProblem('text')).toBe(
      'text: this gives a password, a key or a token — Signoff never stores credentials; remove it, and put where the access details are kept (e.g. a vault path) in attestations.credentialStore',
    );
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
    expect(
      credentialFields({
        ...validBody(),
        attestations: { smmAdmin: true, credentialStore: 'vault://comms/social/physics-bluesky', commentPolicy: true },
      }),
    ).toEqual([]);
    expect(
      credentialFields({
        kind: 'brand-post',
        title: 'IT tips',
        text: 'New password rules: at least 12 characters. Forgot your password? https://example.org/reset',
      }),
    ).toEqual([]);
  });

  it('leaves a signed media link alone: its token is what lets approvers fetch it', () => {
    const jwt = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from('{"sub":"img"}').toString('base64url')}.${alnum('SflKxwRJSMeKKF2QT4fw', 43)}`;
    expect(credentialFields({ kind: 'brand-post', media: [{ type: 'image', url: `https://cdn.example.org/a.jpg?token=${jwt}` }] })).toEqual(
      [],
    );
  });
});
