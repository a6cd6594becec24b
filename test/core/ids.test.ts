import { describe, it, expect } from 'vitest';
import type { AccountOpeningSubmission, BrandPostSubmission } from '../../lambdas/core/model.js';
import {
  accountIdFor,
  accountOf,
  constantTimeEquals,
  contentHashOf,
  isWellFormedLinkId,
  newLinkId,
  requestIdFor,
  sha256Hex,
} from '../../lambdas/core/ids.js';

function post(overrides: Partial<BrandPostSubmission> = {}): BrandPostSubmission {
  return {
    kind: 'brand-post',
    submitter: 'ada@example.org',
    account: 'physics-x',
    title: 'Open day',
    text: 'Come to the open day.',
    format: 'post',
    publishAt: '2030-02-01T09:00:00Z',
    media: [{ type: 'image', url: 'https://cdn.example.org/a.jpg', alt: 'A detector' }],
    attestations: { peopleConsent: true },
    ...overrides,
  };
}

describe('requestIdFor', () => {
  it('gives the same id for the same channel and key', () => {
    // Prepare
    const key = 'msg_2Lh9u2Xq';

    // Act
    const first = requestIdFor('webhook', key);
    const second = requestIdFor('webhook', key);

    // Assess
    expect(first).toBe(second);
  });

  it('gives different ids for the same key on different channels', () => {
    // Prepare
    const key = '<abc@mail.example.org>';

    // Act
    const webhook = requestIdFor('webhook', key);
    const mail = requestIdFor('mail', key);

    // Assess
    expect(webhook).not.toBe(mail);
  });

  it('gives different ids for different keys on one channel', () => {
    // Prepare
    const keys = Array.from({ length: 200 }, (_, i) => `key-${i}`);

    // Act
    const ids = keys.map((k) => requestIdFor('webhook', k));

    // Assess
    expect(new Set(ids).size).toBe(keys.length);
  });

  it('gives ids of the form req_ plus 24 alphanumerics, within the 80-character execution-name limit', () => {
    // Prepare
    const keys = ['', 'a', 'x'.repeat(10_000), 'ünïcödé 😀', 'with\nnewline', ...Array.from({ length: 300 }, (_, i) => `k${i}`)];

    // Act
    const ids = keys.flatMap((k) => [requestIdFor('webhook', k), requestIdFor('mail', k)]);

    // Assess
    for (const id of ids) {
      expect(id).toMatch(/^req_[A-Za-z0-9]{24}$/);
      expect(id.length).toBeLessThanOrEqual(80);
    }
  });
});

describe('contentHashOf', () => {
  it('is a 64-character hex sha256 and is deterministic', () => {
    // Prepare
    const submission = post();

    // Act
    const first = contentHashOf(submission);
    const second = contentHashOf(post());

    // Assess
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(first).toBe(second);
  });

  it.each<[string, Partial<BrandPostSubmission>]>([
    ['text', { text: 'Come to the open day!' }],
    ['account', { account: 'institute-bluesky' }],
    ['title', { title: 'Open day 2030' }],
    ['format', { format: 'thread' }],
    ['publishAt', { publishAt: '2030-02-01T10:00:00Z' }],
    ['publishAt (removed)', { publishAt: undefined }],
    ['a media alt', { media: [{ type: 'image', url: 'https://cdn.example.org/a.jpg', alt: 'A particle detector' }] }],
    ['a media alt (removed)', { media: [{ type: 'image', url: 'https://cdn.example.org/a.jpg' }] }],
    ['a media url', { media: [{ type: 'image', url: 'https://cdn.example.org/b.jpg', alt: 'A detector' }] }],
    ['a media type', { media: [{ type: 'video', url: 'https://cdn.example.org/a.jpg', alt: 'A detector' }] }],
    ['the media list (emptied)', { media: [] }],
  ])('changes when %s changes', (_label, overrides) => {
    // Prepare
    const original = post();
    const changed = post(overrides);

    // Act
    const before = contentHashOf(original);
    const after = contentHashOf(changed);

    // Assess
    expect(after).not.toBe(before);
  });

  it('does not change when the attestations change', () => {
    // Prepare
    const original = post();
    const changed = post({ attestations: { peopleConsent: false, aiUsed: true, aiDisclosed: true } });

    // Act
    const before = contentHashOf(original);
    const after = contentHashOf(changed);

    // Assess
    expect(after).toBe(before);
  });

  it('does not depend on the order in which the submission object was built', () => {
    // Prepare
    const original = post();
    const reordered: BrandPostSubmission = {
      attestations: original.attestations,
      media: original.media,
      publishAt: original.publishAt,
      format: original.format,
      text: original.text,
      title: original.title,
      account: original.account,
      submitter: original.submitter,
      kind: original.kind,
    };

    // Act
    const before = contentHashOf(original);
    const after = contentHashOf(reordered);

    // Assess
    expect(after).toBe(before);
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
    expect(accountIdFor({ unit: 'physics', platform: 'x', handle: 'ExamplePhysics' })).toBe(
      accountIdFor({ unit: 'physics', platform: 'x', handle: '@examplephysics' }),
    );
  });

  it('gives a handle without letters or digits a stable id of its own', () => {
    const id = accountIdFor({ unit: 'physics', platform: 'x', handle: '@物理' });
    expect(id).toMatch(/^physics-x-h[0-9a-f]{8}$/u);
    expect(accountIdFor({ unit: 'physics', platform: 'x', handle: '@物理' })).toBe(id);
    expect(accountIdFor({ unit: 'physics', platform: 'x', handle: '@化学' })).not.toBe(id);
  });

  it.each([
    ['@物理', 'physics-x-h6ca553ff'],
    ['@化学', 'physics-x-h04ab47fe'],
    ['---', 'physics-x-hc4e4dc86'],
  ] as const)('gives the handle %j the known id %s (FNV-1a of the handle: ids stored in the registry must not change)', (handle, id) => {
    expect(accountIdFor({ unit: 'physics', platform: 'x', handle })).toBe(id);
  });
});

describe('accountOf', () => {
  it("is a post's target account", () => {
    expect(accountOf(post({ account: 'physics-x' }))).toBe('physics-x');
  });

  it('is the registry id an opening will be entered under', () => {
    const opening: AccountOpeningSubmission = {
      kind: 'account-opening',
      submitter: 'ada@example.org',
      unit: 'physics',
      platform: 'bluesky',
      handle: '@AlphaG.example.org',
      title: 'Open @AlphaG.example.org on Bluesky',
      admins: ['ada@example.org', 'grace@example.org'],
      group: undefined,
      questionnaire: {},
      attestations: {},
    };
    expect(accountOf(opening)).toBe('physics-bluesky-alphag-example-org');
  });
});

describe('sha256Hex', () => {
  it('gives the well-known digest of the empty string', () => {
    // Prepare
    const value = '';

    // Act
    const digest = sha256Hex(value);

    // Assess
    expect(digest).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('newLinkId and isWellFormedLinkId', () => {
  it('gives 43-character base64url strings that isWellFormedLinkId accepts', () => {
    // Prepare
    const count = 50;

    // Act
    const ids = Array.from({ length: count }, () => newLinkId());

    // Assess
    for (const id of ids) {
      expect(id).toHaveLength(43);
      expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(isWellFormedLinkId(id)).toBe(true);
    }
  });

  it('gives 1,000 distinct ids', () => {
    // Prepare
    const count = 1000;

    // Act
    const ids = Array.from({ length: count }, () => newLinkId());

    // Assess
    expect(new Set(ids).size).toBe(count);
  });

  it('accepts 43 characters drawn from the whole base64url alphabet', () => {
    // Prepare
    const value = `AZaz09-_${'x'.repeat(35)}`;

    // Act
    const accepted = isWellFormedLinkId(value);

    // Assess
    expect(value).toHaveLength(43);
    expect(accepted).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['too short', 'a'.repeat(42)],
    ['too long', 'a'.repeat(44)],
    ['base64 "+" and "/"', `${'a'.repeat(41)}+/`],
    ['padding', `${'a'.repeat(42)}=`],
    ['a dot', `${'a'.repeat(42)}.`],
    ['a space', `${'a'.repeat(42)} `],
    ['a trailing newline', `${'a'.repeat(43)}\n`],
    ['a leading newline', `\n${'a'.repeat(43)}`],
    ['non-ASCII letters', `${'a'.repeat(42)}é`],
    ['path traversal', '../../../../../../../../../../etc/passwd/..'],
    ['encoded path traversal', `%2e%2e%2f${'a'.repeat(34)}`],
    ['a slash inside', `${'a'.repeat(21)}/${'a'.repeat(21)}`],
  ])('rejects %s', (_label, value) => {
    // Prepare: value from the table

    // Act
    const accepted = isWellFormedLinkId(value);

    // Assess
    expect(accepted).toBe(false);
  });
});

describe('constantTimeEquals', () => {
  it('is true for equal strings', () => {
    // Prepare
    const value = newLinkId();

    // Act
    const result = constantTimeEquals(value, `${value}`);

    // Assess
    expect(result).toBe(true);
  });

  it('is true for two empty strings', () => {
    // Prepare
    const empty = '';

    // Act
    const result = constantTimeEquals(empty, empty);

    // Assess
    expect(result).toBe(true);
  });

  it('is false for strings of equal length that differ in one character', () => {
    // Prepare
    const left = 'abcdef';
    const right = 'abcdeg';

    // Act
    const result = constantTimeEquals(left, right);

    // Assess
    expect(result).toBe(false);
  });

  it('is false, without throwing, for strings of different lengths', () => {
    // Prepare
    const left = 'abc';
    const right = 'abcd';

    // Act
    const result = constantTimeEquals(left, right);

    // Assess
    expect(result).toBe(false);
    expect(constantTimeEquals(right, left)).toBe(false);
  });

  it('compares multi-byte strings by their UTF-8 bytes', () => {
    // Prepare: same code-unit length, different byte lengths
    const composed = 'é';
    const plain = 'e';

    // Act
    const different = constantTimeEquals(composed, plain);
    const same = constantTimeEquals('😀é', '😀é');

    // Assess
    expect(different).toBe(false);
    expect(same).toBe(true);
  });
});
