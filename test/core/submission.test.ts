import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { parseDirectory } from '../../lambdas/core/request/directory.js';
import { ValidationError } from '../../lambdas/core/errors.js';
import type { BrandPostSubmission, RegistryAccount, Submission } from '../../lambdas/core/model.js';
import { MAX_MEDIA_ITEMS, parseSubmission } from '../../lambdas/core/request/submission.js';

const directory = parseDirectory(JSON.parse(readFileSync(new URL('../../config/directory.json', import.meta.url), 'utf8')) as unknown);
const now = new Date('2030-01-01T00:00:00.000Z');
/** The registry as seeded from the directory file's accounts. */
const registry: readonly RegistryAccount[] = directory.accounts.map((a) => ({
  ...a,
  smmAdmin: true,
  openedBy: 'directory',
  openedAt: '2029-01-01T00:00:00.000Z',
}));

function brandPost(submission: Submission): BrandPostSubmission {
  if (submission.kind !== 'brand-post') throw new Error(`expected a brand post, got ${submission.kind}`);
  return submission;
}

function validBody(): Record<string, unknown> {
  return {
    kind: 'brand-post',
    submitter: 'ada@example.org',
    account: 'physics-x',
    title: 'Open day',
    text: 'Come to the physics open day this Saturday.',
  };
}

function problemsOf(body: unknown): readonly string[] {
  try {
    parseSubmission(body, directory, now, registry);
  } catch (error) {
    if (error instanceof ValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected a ValidationError, but the body was accepted');
}

describe('parseSubmission', () => {
  it('accepts a valid brand post and applies the defaults', () => {
    // Prepare
    const body = validBody();

    // Act
    const submission = parseSubmission(body, directory, now, registry);

    // Assess
    const expected: BrandPostSubmission = {
      kind: 'brand-post',
      submitter: 'ada@example.org',
      account: 'physics-x',
      title: 'Open day',
      text: 'Come to the physics open day this Saturday.',
      format: 'post',
      publishAt: undefined,
      media: [],
      attestations: {},
    };
    expect(submission).toEqual(expected);
  });

  it('lower-cases the submitter', () => {
    // Prepare
    const body = { ...validBody(), submitter: 'Ada@Example.ORG' };

    // Act
    const submission = parseSubmission(body, directory, now, registry);

    // Assess
    expect(submission.submitter).toBe('ada@example.org');
  });

  it('trims the title and text', () => {
    // Prepare
    const body = { ...validBody(), title: '  Open day  ', text: '\n Hello \n' };

    // Act
    const submission = brandPost(parseSubmission(body, directory, now, registry));

    // Assess
    expect(submission.title).toBe('Open day');
    expect(submission.text).toBe('Hello');
  });

  it('keeps given optional fields: format, media, attestations and a future publishAt', () => {
    // Prepare
    const body = {
      ...validBody(),
      format: 'thread',
      publishAt: '2030-02-01T09:00:00+01:00',
      media: [{ type: 'image', url: 'https://cdn.example.org/a.jpg', alt: 'A detector' }],
      attestations: { aiUsed: false },
    };

    // Act
    const submission = brandPost(parseSubmission(body, directory, now, registry));

    // Assess
    expect(submission.format).toBe('thread');
    expect(submission.publishAt).toBe('2030-02-01T09:00:00+01:00');
    expect(submission.media).toEqual([{ type: 'image', url: 'https://cdn.example.org/a.jpg', alt: 'A detector' }]);
    expect(submission.attestations).toEqual({ aiUsed: false });
  });

  it('throws a ValidationError listing every problem at once, each naming its field', () => {
    // Prepare
    const { title: _title, ...withoutTitle } = validBody();
    const body = {
      ...withoutTitle,
      media: [{ type: 'image', url: 'not a url' }],
      colour: 'blue',
    };

    // Act
    const problems = problemsOf(body);

    // Assess
    expect(problems).toHaveLength(3);
    expect(problems.some((p) => p.startsWith('title:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('media.0.url:'))).toBe(true);
    expect(problems.some((p) => p.includes('"colour"'))).toBe(true);
  });

  it('reports schema problems and directory problems together', () => {
    // Prepare
    const body = { ...validBody(), title: '', submitter: 'nobody@example.org', account: 'no-such-account' };

    // Act
    const problems = problemsOf(body);

    // Assess
    expect(problems.some((p) => p.startsWith('title:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('submitter:') && p.includes('nobody@example.org'))).toBe(true);
    expect(problems.some((p) => p.startsWith('account:') && p.includes('no-such-account'))).toBe(true);
  });

  it('puts every problem in the error message too', () => {
    // Prepare
    const body = { ...validBody(), title: '', account: 'no-such-account' };

    // Act
    let message = '';
    try {
      parseSubmission(body, directory, now, registry);
    } catch (error) {
      if (error instanceof Error) message = error.message;
    }

    // Assess
    expect(message).toMatch(/^the request is invalid: /);
    expect(message).toContain('title:');
    expect(message).toContain('no-such-account');
  });

  it('rejects a media url that is not http or https', () => {
    // Prepare
    const body = { ...validBody(), media: [{ type: 'image', url: 'javascript:alert(1)' }] };

    // Act
    const problems = problemsOf(body);

    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^media\.0\.url:/);
  });

  it('rejects an unknown field inside a media item', () => {
    // Prepare
    const body = { ...validBody(), media: [{ type: 'image', url: 'https://cdn.example.org/a.jpg', size: 3 }] };

    // Act
    const problems = problemsOf(body);

    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^media\.0: .*"size"/);
  });

  it(`rejects more than ${MAX_MEDIA_ITEMS} media items`, () => {
    // Prepare
    const item = { type: 'image', url: 'https://cdn.example.org/a.jpg', alt: 'x' };
    const body = { ...validBody(), media: Array.from({ length: MAX_MEDIA_ITEMS + 1 }, () => item) };

    // Act
    const problems = problemsOf(body);

    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^media:/);
  });

  it('names the account id when the account is not registered', () => {
    // Prepare
    const body = { ...validBody(), account: 'physics-tiktok' };

    // Act
    const problems = problemsOf(body);

    // Assess
    expect(problems).toEqual(['account: "physics-tiktok" is not a registered institutional account']);
  });

  it('names the e-mail address when the submitter is not in the directory', () => {
    // Prepare
    const body = { ...validBody(), submitter: 'stranger@example.com' };

    // Act
    const problems = problemsOf(body);

    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('"stranger@example.com"');
    expect(problems[0]).toContain('Example Institute');
  });

  it('says the submitter has no manager when they have none (dora)', () => {
    // Prepare
    const body = { ...validBody(), submitter: 'dora@example.org' };

    // Act
    const problems = problemsOf(body);

    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^submitter: "dora@example\.org" has no manager/);
  });

  it('names the kind and the kinds there are when the kind is unknown', () => {
    // Prepare
    const body = { ...validBody(), kind: 'account-closing' };

    // Act
    const problems = problemsOf(body);

    // Assess
    expect(problems).toEqual(['kind: must be one of brand-post, account-opening (got "account-closing")']);
  });

  it("validates a brand post's fields as an account opening's when the kind is 'account-opening'", () => {
    // Prepare: a brand post's body, relabelled
    const body = { ...validBody(), kind: 'account-opening' };

    // Act
    const problems = problemsOf(body);

    // Assess: the account-opening contract answers, naming its own missing fields and the brand post's extra ones
    expect(problems.some((p) => p.startsWith('unit:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('handle:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('questionnaire: required'))).toBe(true);
    expect(problems.some((p) => p.includes('"account"') && p.includes('"text"'))).toBe(true);
  });

  it('names the kind when it is missing', () => {
    // Prepare
    const { kind: _kind, ...body } = validBody();

    // Act
    const problems = problemsOf(body);

    // Assess
    expect(problems).toEqual(['kind: must be one of brand-post, account-opening (got null)']);
  });

  it.each([
    ['null', null],
    ['an array', [validBody()]],
    ['a string', 'kind=brand-post'],
    ['a number', 42],
    ['undefined', undefined],
  ])('rejects a body that is %s', (_label, body) => {
    // Prepare: body from the table

    // Act
    const problems = problemsOf(body);

    // Assess
    expect(problems).toEqual(['body: must be a JSON object']);
  });

  it('rejects a publishAt in the past', () => {
    // Prepare
    const body = { ...validBody(), publishAt: '2029-12-31T23:59:59Z' };

    // Act
    const problems = problemsOf(body);

    // Assess
    expect(problems).toEqual(['publishAt: 2029-12-31T23:59:59Z is in the past']);
  });

  it('rejects a publishAt equal to now', () => {
    // Prepare
    const body = { ...validBody(), publishAt: now.toISOString() };

    // Act
    const problems = problemsOf(body);

    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^publishAt: .* is in the past$/);
  });

  it('rejects a publishAt that is not an ISO date-time', () => {
    // Prepare
    const body = { ...validBody(), publishAt: 'next Tuesday' };

    // Act
    const problems = problemsOf(body);

    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^publishAt:/);
  });

  it('rejects an unknown attestation', () => {
    // Prepare
    const body = { ...validBody(), attestations: { approvedByMe: true } };

    // Act
    const problems = problemsOf(body);

    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^attestations: .*"approvedByMe"/);
  });
});

describe('parseSubmission reports a past publishAt alongside schema problems', () => {
  it('lists both the missing title and the past publish time in one answer', () => {
    // Prepare
    const directory = parseDirectory(JSON.parse(readFileSync(new URL('../../config/directory.json', import.meta.url), 'utf8')));
    const body = { kind: 'brand-post', submitter: 'ada@example.org', account: 'physics-x', text: 'hi', publishAt: '2020-01-01T00:00:00Z' };
    // Act
    let problems: readonly string[] = [];
    try {
      parseSubmission(body, directory, new Date('2030-01-01T00:00:00Z'), registry);
    } catch (error) {
      if (error instanceof ValidationError) problems = error.problems;
    }
    // Assess
    expect(problems.some((p) => p.startsWith('title:'))).toBe(true);
    expect(problems).toContain('publishAt: 2020-01-01T00:00:00Z is in the past');
  });
});

describe('parseSubmission: account openings', () => {
  function openingBody(): Record<string, unknown> {
    return {
      kind: 'account-opening',
      submitter: 'ada@example.org',
      unit: 'physics',
      platform: 'bluesky',
      handle: '@physics.example.org',
      admins: ['ada@example.org', 'bob@example.org'],
      questionnaire: { project: 'Open days', frequency: 'weekly' },
      attestations: { smmAdmin: true, credentialStore: 'vault:social/bluesky/physics', commentPolicy: true },
    };
  }

  it('dispatches kind "account-opening" to the account-opening contract', () => {
    // Act
    const submission = parseSubmission(openingBody(), directory, now, registry);

    // Assess
    expect(submission.kind).toBe('account-opening');
    expect(submission.title).toBe('Open @physics.example.org on Bluesky');
    if (submission.kind !== 'account-opening') throw new Error('unreachable');
    expect(submission.attestations.credentialStore).toBe('vault:social/bluesky/physics');
  });

  it('refuses a handle the registry already holds on that platform, naming the account', () => {
    const problems = problemsOf({ ...openingBody(), platform: 'x', handle: 'examplephysics' });
    expect(problems).toEqual(['handle: "examplephysics" is already registered on X as the account "physics-x"']);
  });

  it('refuses password-like fields at any depth, naming each path, before anything else', () => {
    // Prepare: a body with other problems too (no unit), and secrets at three depths
    const { unit: _unit, ...rest } = openingBody();
    const body = {
      ...rest,
      password: 'hunter2',
      admins: ['ada@example.org', { email: 'bob@example.org', pwd: 'x' }],
      questionnaire: { project: 'Open days', password: 'p' },
      attestations: { smmAdmin: true, adminPassword: 'p', credentialStore: 'vault:social/x' },
    };

    // Act
    const problems = problemsOf(body);

    // Assess
    // in the body's order (the keys spread from `rest` keep their places; `password` comes last)
    expect(problems.map((p) => p.slice(0, p.indexOf(':')))).toEqual([
      'admins.1.pwd',
      'questionnaire.password',
      'attestations.adminPassword',
      'password',
    ]);
    expect(problems[2]).toBe(
      'attestations.adminPassword: Signoff never stores credentials — remove this field; put where the access details are kept (e.g. a vault path) in attestations.credentialStore',
    );
  });

  it('refuses a credential store that holds a secret rather than a reference', () => {
    const problems = problemsOf({ ...openingBody(), attestations: { smmAdmin: true, credentialStore: 'ada:Hunter2!' } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^attestations\.credentialStore: this looks like a password or a login, not a place/u);
  });

  it('refuses credentials in a brand post too, and whatever the kind', () => {
    expect(problemsOf({ ...validBody(), attestations: { peopleConsent: true, apiToken: 't' } })).toEqual([
      'attestations.apiToken: Signoff never stores credentials — remove this field; put where the access details are kept (e.g. a vault path) in attestations.credentialStore',
    ]);
    expect(problemsOf({ kind: 'something-else', secret: 's' }).map((p) => p.slice(0, p.indexOf(':')))).toEqual(['secret']);
  });
});

describe('parseSubmission refuses keys and tokens in every kind (issue #11)', () => {
  const token = `${'xo'}xb-281493705512-482193376511-${'aZ3kQ9mT2vX7'.repeat(2)}`;

  it('refuses a brand post whose text holds a token, naming the field and never the token', () => {
    // Act
    const problems = problemsOf({ ...validBody(), text: `Posting via the bot, ${token}` });

    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^text: this gives a password, a key or a token/u);
    expect(problems.join('\n')).not.toContain(token);
  });

  it('refuses an account opening whose answer says "The password is …", before any other problem', () => {
    const problems = problemsOf({
      kind: 'account-opening',
      submitter: 'ada@example.org',
      questionnaire: { resources: 'The password is hunter2' },
    });
    expect(problems).toEqual([expect.stringMatching(/^questionnaire\.resources: this answer gives a password/u)]);
    expect(problems.join('\n')).not.toContain('hunter2');
  });
});

describe('parseSubmission keeps single-line fields on one line (issue #11)', () => {
  it('refuses a title with a line break or another control character, naming the field and the character', () => {
    // Act
    const crlf = problemsOf({ ...validBody(), title: 'Open day\r\nBcc: everyone@example.org' });
    const bell = problemsOf({ ...validBody(), title: 'Open\u0007day' });
    const separator = problemsOf({ ...validBody(), title: 'Open\u2028day' });

    // Assess
    expect(crlf).toEqual(['title: must be a single line: no line breaks, tabs or other control characters (found U+000D)']);
    expect(bell).toEqual(['title: must be a single line: no line breaks, tabs or other control characters (found U+0007)']);
    expect(separator[0]).toMatch(/^title: must be a single line.*U\+2028/u);
  });

  it('refuses control characters in an account id and a media credit too', () => {
    const problems = problemsOf({
      ...validBody(),
      account: 'physics-x\n',
      media: [{ type: 'image', url: 'https://example.org/a.jpg', alt: 'A', credit: 'Photo:\tAda' }],
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^account: must be a single line/u),
        expect.stringMatching(/^media\.0\.credit: must be a single line.*U\+0009/u),
      ]),
    );
  });

  it("refuses them in an account opening's unit, handle, title and credential store", () => {
    const problems = problemsOf({
      kind: 'account-opening',
      submitter: 'alan@example.org',
      unit: 'phys\rics',
      platform: 'bluesky',
      handle: '@physics\n.example.org',
      title: 'Open\u0085it',
      admins: ['ada@example.org', 'bob@example.org'],
      questionnaire: {},
      attestations: { credentialStore: 'vault://comms/\u001b[31m' },
    });
    for (const field of ['unit', 'handle', 'title', 'attestations.credentialStore']) {
      expect(problems, field).toContainEqual(
        expect.stringMatching(new RegExp(`^${field.replace('.', '\\.')}: must be a single line`, 'u')),
      );
    }
  });

  it('leaves line breaks in the text alone: a post has paragraphs', () => {
    expect(
      brandPost(parseSubmission({ ...validBody(), text: 'First paragraph.\n\nSecond.\r\n\tIndented.' }, directory, now, registry)).text,
    ).toContain('\n\nSecond.');
  });
});
