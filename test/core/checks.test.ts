import { describe, it, expect } from 'vitest';
import { checkBrandPost, isBlocking, isStatementMade, isWarnOrWorse, MEDIA_DECLARATIONS, PLATFORM_TEXT_LIMITS, threadParts } from '../../lambdas/core/checks/brand-post/checks.js';
import { parseDirectory } from '../../lambdas/core/request/directory.js';
import { ConfigurationError } from '../../lambdas/core/errors.js';
import type { BrandPostAttestations, BrandPostSubmission, Finding, MediaItem, PostFormat } from '../../lambdas/core/model.js';
import { loadPreset, parsePreset, type Preset } from '../../lambdas/core/rules/presets.js';
import { MAX_TEXT_CHARS } from '../../lambdas/core/request/submission.js';
import { ADVERSARIAL_PADDED, ADVERSARIAL_UNITS, adversarialText, paddedLabel, paddedText } from '../fixtures/adversarial.js';

function directoryFile(): Record<string, unknown> {
  return {
  institution: 'Example Lab',
  preset: 'default',
  domain: 'example.org',
  people: [
    { id: 'ada', name: 'Ada Lovelace', email: 'ada@example.org', unit: 'physics', manager: 'grace' },
    { id: 'grace', name: 'Grace Hopper', email: 'grace@example.org', unit: 'physics' },
    { id: 'alan', name: 'Alan Turing', email: 'alan@example.org', unit: 'comms' },
  ],
  groups: { comms: ['alan'], ethics: ['grace'], socialMediaManager: ['alan'], auditors: [] },
  units: [
    { id: 'physics', name: 'Physics Department' },
    { id: 'comms', name: 'Communications' },
  ],
  accounts: [
    { id: 'acc-x', platform: 'x', handle: 'examplelab', unit: 'physics', posters: ['ada'], admins: ['alan'], status: 'active' },
    { id: 'acc-bsky', platform: 'bluesky', handle: '@examplelab.bsky.social', unit: 'physics', posters: ['ada'], admins: ['alan'], status: 'active' },
    { id: 'acc-mastodon', platform: 'mastodon', handle: 'examplelab', unit: 'physics', posters: ['ada'], admins: ['alan'], status: 'active' },
    { id: 'acc-linkedin', platform: 'linkedin', handle: 'example-lab', unit: 'comms', posters: ['ada', 'alan'], admins: ['alan'], status: 'active' },
    { id: 'acc-old', platform: 'x', handle: 'oldlab', unit: 'physics', posters: ['ada'], admins: ['alan'], status: 'retired' },
    { id: 'acc-frozen', platform: 'facebook', handle: 'frozenlab', unit: 'physics', posters: ['ada'], admins: ['alan'], status: 'suspended' },
  ],
  };
}

const directory = parseDirectory(directoryFile());

interface PostOverrides {
  readonly submitter?: string;
  readonly account?: string;
  readonly text?: string;
  readonly format?: PostFormat;
  readonly media?: readonly MediaItem[];
  readonly attestations?: BrandPostAttestations;
  readonly publishAt?: string;
}

function post(overrides: PostOverrides = {}): BrandPostSubmission {
  return {
    kind: 'brand-post',
    submitter: overrides.submitter ?? 'ada@example.org',
    account: overrides.account ?? 'acc-x',
    title: 'Test post',
    text: overrides.text ?? 'Visit our open days this weekend!',
    format: overrides.format ?? 'post',
    ...(overrides.publishAt !== undefined ? { publishAt: overrides.publishAt } : {}),
    media: overrides.media ?? [],
    attestations: overrides.attestations ?? { aiUsed: false },
  };
}

/** The findings of one rule for a text posted on the LinkedIn account (no length limit in the way). */
function textFindings(rule: string, text: string, overrides: PostOverrides = {}, preset?: Preset): Finding[] {
  return ofRule(checkBrandPost(post({ account: 'acc-linkedin', text, ...overrides }), directory, preset), rule);
}

/** A preset like `default` with one rule's severity changed (validated like a file). */
function withSeverity(rule: string, severity: string): Preset {
  const base = loadPreset('default');
  return parsePreset({ ...base, checks: { ...base.checks, [rule]: { ...base.checks[rule as keyof Preset['checks']], severity } } });
}

function ofRule(findings: readonly Finding[], rule: string): Finding[] {
  return findings.filter((f) => f.rule === rule);
}

const IMAGE_OK: MediaItem = { type: 'image', url: 'https://cdn.example.org/a.jpg', alt: 'Two physicists at the detector', rights: 'own' };
const VIDEO_OK: MediaItem = { type: 'video', url: 'https://cdn.example.org/v.mp4', captions: true, rights: 'own' };

describe('PLATFORM_TEXT_LIMITS', () => {
  it('has the limits of every platform', () => {
    expect(PLATFORM_TEXT_LIMITS).toEqual({
      x: 280,
      bluesky: 300,
      mastodon: 500,
      threads: 500,
      linkedin: 3000,
      facebook: 63206,
      instagram: 2200,
      youtube: 5000,
      tiktok: 2200,
    });
  });
});

describe('checkBrandPost — a clean post', () => {
  it('produces nothing warn-or-worse, only the statements the submitter made', () => {
    // Act
    const findings = checkBrandPost(post({ media: [IMAGE_OK, VIDEO_OK] }), directory);

    // Assess
    expect(findings.filter(isWarnOrWorse)).toEqual([]);
    expect(findings.map((f) => [f.rule, f.severity, f.attestation?.satisfied])).toEqual([
      ['P-MEDIA-RIGHTS', 'attest', true],
      ['P-AI-DISCLOSURE', 'attest', true],
    ]);
    expect(findings.every(isStatementMade)).toBe(true);
  });

  it('applies the preset the directory names when none is given', () => {
    // Prepare
    const ec = parseDirectory({ ...directoryFile(), preset: 'eu-commission' });

    // Act
    const findings = checkBrandPost(post({ text: 'CONFIDENTIAL: the new budget' }), ec);

    // Assess: the source is the EC guidelines, and the EC preset records no AI statement (the rule is off there).
    expect(ofRule(findings, 'P-CONFIDENTIAL')[0]?.source?.policy).toBe('002_1ed14eddf2429eca.txt');
    expect(ofRule(findings, 'P-AI-DISCLOSURE')).toEqual([]);
  });

  it('refuses, when the directory is read, a directory naming an unknown preset', () => {
    expect(() => parseDirectory({ ...directoryFile(), preset: 'atlantis' })).toThrow(ConfigurationError);
    expect(() => parseDirectory({ ...directoryFile(), preset: 'atlantis' })).toThrow(/unknown preset "atlantis"/);
  });

  it('cites, on every finding, the policy file, section and sentence of the preset', () => {
    const findings = checkBrandPost(post({ account: 'acc-ghost', text: 'For internal use only' }), directory);
    for (const f of findings) {
      expect(f.source?.policy).toMatch(/^(?:00[0-4]_[0-9a-f]{16}\.txt|GOVERNANCE\.md)$/);
      expect(f.source?.section.length).toBeGreaterThan(0);
      expect(f.source?.quote.length).toBeGreaterThan(0);
    }
    expect(ofRule(findings, 'P-CONFIDENTIAL')[0]?.source?.quote).toContain("don't post a picture of your CERN access card");
  });
});

describe('P-ACCOUNT', () => {
  it('fires when the account is not in the directory, naming it', () => {
    const findings = ofRule(checkBrandPost(post({ account: 'acc-ghost' }), directory), 'P-ACCOUNT');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('block');
    expect(findings[0]?.message).toContain('"acc-ghost"');
    expect(findings[0]?.message).toContain('not a registered institutional account');
  });

  it('fires on a retired account, naming the status', () => {
    const findings = ofRule(checkBrandPost(post({ account: 'acc-old' }), directory), 'P-ACCOUNT');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain('@oldlab');
    expect(findings[0]?.message).toContain('is retired');
  });

  it('fires on a suspended account, naming the status', () => {
    const findings = ofRule(checkBrandPost(post({ account: 'acc-frozen' }), directory), 'P-ACCOUNT');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain('is suspended');
  });

  it('fires when the submitter is not in the directory, naming them', () => {
    const findings = ofRule(checkBrandPost(post({ submitter: 'mallory@elsewhere.com' }), directory), 'P-ACCOUNT');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain('mallory@elsewhere.com');
    expect(findings[0]?.message).toContain('not in the staff directory');
  });

  it('fires when the submitter is not a poster of the account', () => {
    const findings = ofRule(checkBrandPost(post({ submitter: 'grace@example.org' }), directory), 'P-ACCOUNT');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain('Grace Hopper');
    expect(findings[0]?.message).toContain('not a poster of @examplelab');
  });

  it('does not fire for a poster of an active account (e-mail case and spaces ignored)', () => {
    expect(ofRule(checkBrandPost(post({ submitter: ' Ada@Example.org ' }), directory), 'P-ACCOUNT')).toEqual([]);
  });

  it('does not prefix an @ twice', () => {
    const findings = ofRule(checkBrandPost(post({ account: 'acc-bsky', submitter: 'grace@example.org' }), directory), 'P-ACCOUNT');
    expect(findings[0]?.message).toContain('not a poster of @examplelab.bsky.social on Bluesky');
  });

  it('reports an unknown account and an unknown submitter together', () => {
    const findings = checkBrandPost(post({ account: 'acc-ghost', submitter: 'mallory@elsewhere.com' }), directory).filter(isBlocking);
    expect(findings.map((f) => f.rule)).toEqual(['P-ACCOUNT', 'P-ACCOUNT']);
  });

  it('reports a retired account and a non-poster together', () => {
    const findings = ofRule(checkBrandPost(post({ account: 'acc-old', submitter: 'alan@example.org' }), directory), 'P-ACCOUNT');
    expect(findings).toHaveLength(2);
    expect(findings[1]?.message).toContain('Alan Turing');
  });
});

describe('P-ALT-TEXT', () => {
  it('fires for an image without alt text, pointing at it', () => {
    const image: MediaItem = { type: 'image', url: 'https://cdn.example.org/b.jpg' };
    const findings = ofRule(checkBrandPost(post({ media: [IMAGE_OK, image] }), directory), 'P-ALT-TEXT');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.where).toBe('media[1]');
    expect(findings[0]?.severity).toBe('block');
    expect(findings[0]?.message).toContain('https://cdn.example.org/b.jpg');
    expect(findings[0]?.message).toContain('no alternative text');
  });

  it('fires for a blank alt text', () => {
    const image: MediaItem = { type: 'image', url: 'https://cdn.example.org/c.jpg', alt: '   ' };
    const findings = ofRule(checkBrandPost(post({ media: [image] }), directory), 'P-ALT-TEXT');
    expect(findings.map((f) => f.where)).toEqual(['media[0]']);
  });

  it('fires once per offending item', () => {
    const media: MediaItem[] = [
      { type: 'image', url: 'https://cdn.example.org/1.jpg', alt: '' },
      IMAGE_OK,
      { type: 'image', url: 'https://cdn.example.org/3.jpg' },
    ];
    const findings = ofRule(checkBrandPost(post({ media }), directory), 'P-ALT-TEXT');
    expect(findings.map((f) => f.where)).toEqual(['media[0]', 'media[2]']);
  });

  it('fires for a video without captions or with captions: false', () => {
    const media: MediaItem[] = [
      { type: 'video', url: 'https://cdn.example.org/v1.mp4' },
      { type: 'video', url: 'https://cdn.example.org/v2.mp4', captions: false },
    ];
    const findings = ofRule(checkBrandPost(post({ media }), directory), 'P-ALT-TEXT');
    expect(findings.map((f) => f.where)).toEqual(['media[0]', 'media[1]']);
    expect(findings[0]?.message).toContain('no closed captions');
  });

  it('does not ask a video for alt text nor an image for captions', () => {
    const media: MediaItem[] = [VIDEO_OK, { type: 'image', url: 'https://cdn.example.org/d.jpg', alt: 'A magnet', captions: false }];
    expect(ofRule(checkBrandPost(post({ media }), directory), 'P-ALT-TEXT')).toEqual([]);
  });
});

describe('P-PLATFORM-LIMIT', () => {
  it('passes exactly 280 characters on X', () => {
    expect(ofRule(checkBrandPost(post({ text: 'a'.repeat(280) }), directory), 'P-PLATFORM-LIMIT')).toEqual([]);
  });

  it('fails 281 characters on X, with both numbers', () => {
    const findings = ofRule(checkBrandPost(post({ text: 'a'.repeat(281) }), directory), 'P-PLATFORM-LIMIT');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('block');
    expect(findings[0]?.message).toContain('281 characters');
    expect(findings[0]?.message).toContain('X allows 280');
    expect(findings[0]?.where).toBeUndefined();
  });

  it('counts Unicode code points, not UTF-16 units', () => {
    // 280 emoji are 560 UTF-16 units.
    expect(ofRule(checkBrandPost(post({ text: '🔭'.repeat(280) }), directory), 'P-PLATFORM-LIMIT')).toEqual([]);
    expect(ofRule(checkBrandPost(post({ text: '🔭'.repeat(281) }), directory), 'P-PLATFORM-LIMIT')).toHaveLength(1);
  });

  it('counts a link as 23 characters on X', () => {
    const link = `https://home.cern/news/${'x'.repeat(80)}`; // 103 characters, counted as 23
    const fits = `${'a'.repeat(256)} ${link}`; // 256 + 1 + 23 = 280
    expect(ofRule(checkBrandPost(post({ text: fits }), directory), 'P-PLATFORM-LIMIT')).toEqual([]);
    const over = `${'a'.repeat(257)} ${link}`; // 281
    const findings = ofRule(checkBrandPost(post({ text: over }), directory), 'P-PLATFORM-LIMIT');
    expect(findings[0]?.message).toContain('281 characters');
    expect(findings[0]?.message).toContain('every link as 23 characters');
  });

  it('counts a short link as 23 characters on X too', () => {
    const text = `${'a'.repeat(258)} https://a.io`; // 258 + 1 + 23 = 282
    const findings = ofRule(checkBrandPost(post({ text }), directory), 'P-PLATFORM-LIMIT');
    expect(findings[0]?.message).toContain('282 characters');
  });

  it('counts links at their real length on other platforms', () => {
    const link = `https://home.cern/${'x'.repeat(82)}`; // 100 characters
    const text = `${'a'.repeat(200)} ${link}`; // 301 on Bluesky
    const findings = ofRule(checkBrandPost(post({ account: 'acc-bsky', text }), directory), 'P-PLATFORM-LIMIT');
    expect(findings[0]?.message).toContain('301 characters');
    expect(findings[0]?.message).toContain('Bluesky allows 300');
  });

  it('uses the limit of the account platform', () => {
    const text = 'a'.repeat(500);
    expect(ofRule(checkBrandPost(post({ account: 'acc-mastodon', text }), directory), 'P-PLATFORM-LIMIT')).toEqual([]);
    expect(ofRule(checkBrandPost(post({ account: 'acc-linkedin', text: 'a'.repeat(3001) }), directory), 'P-PLATFORM-LIMIT')).toHaveLength(1);
    expect(ofRule(checkBrandPost(post({ account: 'acc-linkedin', text: 'a'.repeat(3000) }), directory), 'P-PLATFORM-LIMIT')).toEqual([]);
  });

  it('is skipped when the account is unknown', () => {
    const findings = checkBrandPost(post({ account: 'acc-ghost', text: 'a'.repeat(100_000) }), directory);
    expect(ofRule(findings, 'P-PLATFORM-LIMIT')).toEqual([]);
    expect(ofRule(findings, 'P-ACCOUNT')).toHaveLength(1);
  });

  it('passes a thread whose parts are each under the limit', () => {
    const text = ['a'.repeat(280), 'b'.repeat(280), 'c'.repeat(100)].join('\n---\n');
    expect([...text].length).toBeGreaterThan(280);
    expect(ofRule(checkBrandPost(post({ text, format: 'thread' }), directory), 'P-PLATFORM-LIMIT')).toEqual([]);
  });

  it('flags the thread part that is too long', () => {
    const text = ['a'.repeat(100), 'b'.repeat(290), 'c'.repeat(100)].join('\n\n---\n\n');
    const findings = ofRule(checkBrandPost(post({ text, format: 'thread' }), directory), 'P-PLATFORM-LIMIT');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.where).toBe('part 2');
    expect(findings[0]?.message).toContain('Part 2 of the thread is 290 characters');
    expect(findings[0]?.message).toContain('by 10 characters');
  });

  it('splits a thread on numbered parts', () => {
    const text = [`1/ ${'a'.repeat(270)}`, `2/ ${'b'.repeat(290)}`, `3/ ${'c'.repeat(50)}`].join('\n\n');
    const findings = ofRule(checkBrandPost(post({ text, format: 'thread' }), directory), 'P-PLATFORM-LIMIT');
    expect(findings.map((f) => f.where)).toEqual(['part 2']);
  });

  it('checks a thread without separators as a whole', () => {
    const findings = ofRule(checkBrandPost(post({ text: 'a'.repeat(300), format: 'thread' }), directory), 'P-PLATFORM-LIMIT');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.where).toBeUndefined();
    expect(findings[0]?.message).toContain('lines containing only ---');
  });

  it('does not split a non-thread post on ---', () => {
    const text = ['a'.repeat(200), 'b'.repeat(200)].join('\n---\n');
    expect(ofRule(checkBrandPost(post({ text }), directory), 'P-PLATFORM-LIMIT')).toHaveLength(1);
  });
});

describe('threadParts', () => {
  it('splits on lines containing only ---', () => {
    expect(threadParts('one\n---\ntwo\n  ---  \nthree\n---\n')).toEqual(['one', 'two', 'three']);
  });

  it('keeps --- inside a line', () => {
    expect(threadParts('a --- b')).toEqual(['a --- b']);
  });

  it('splits on numbered parts and keeps unnumbered blocks with the part above', () => {
    expect(threadParts('Intro\n\n1/ first\n\nmore of first\n\n2/5 second')).toEqual([
      'Intro',
      '1/ first\n\nmore of first',
      '2/5 second',
    ]);
  });

  it('does not split on a single numbered block', () => {
    expect(threadParts('1/ only\n\nrest')).toEqual(['1/ only\n\nrest']);
  });
});

describe('checkBrandPost — order', () => {
  it('orders findings P-ACCOUNT, P-ALT-TEXT, P-PLATFORM-LIMIT', () => {
    const findings = checkBrandPost(
      post({
        account: 'acc-old',
        text: 'a'.repeat(300),
        media: [{ type: 'image', url: 'https://cdn.example.org/e.jpg', rights: 'own' }],
      }),
      directory,
    ).filter(isBlocking);
    expect(findings.map((f) => f.rule)).toEqual(['P-ACCOUNT', 'P-ALT-TEXT', 'P-PLATFORM-LIMIT']);
  });

  it('follows the order of the table of GOVERNANCE.md §5 for every rule', () => {
    const findings = checkBrandPost(
      post({
        account: 'acc-linkedin',
        text: 'CONFIDENTIAL. What a shit result #opendays. The chairman agrees. Sign the petition! Call for tender now open.',
        media: [{ type: 'image', url: 'https://cdn.example.org/f.jpg', showsPeople: true }],
        attestations: { aiUsed: true },
      }),
      directory,
    );
    expect([...new Set(findings.map((f) => f.rule))]).toEqual([
      'P-CONFIDENTIAL',
      'P-OFFENSIVE',
      'P-ALT-TEXT',
      'P-PEOPLE-CONSENT',
      'P-MEDIA-RIGHTS',
      'P-AI-DISCLOSURE',
      'P-POLITICAL',
      'P-SENSITIVE-MATTER',
      'P-HASHTAG-CASE',
      'P-INCLUSIVE',
    ]);
  });
});

describe('P-CONFIDENTIAL', () => {
  it.each([
    ['CONFIDENTIAL – draft minutes of the board meeting', 'CONFIDENTIAL'],
    ['For internal use only: the new organisation chart', 'For internal use only'],
    ['Not for distribution: preliminary results of the run', 'Not for distribution'],
    ['Strictly confidential figures from the review', 'Strictly confidential'],
    ['(Confidential) Budget 2027 by department', 'Confidential'],
    ['EU RESTRICTED. Briefing for the visit', 'EU RESTRICTED'],
    ['Draft – do not share. Our new strategy', 'Draft – do not share'],
    ['As the internal memo says, the move is delayed', 'internal memo'],
    ['Our PC password 12345 is on the screen', 'password 12345'],
  ])('fires on %j, pointing at the marker', (text, marker) => {
    // Act
    const findings = textFindings('P-CONFIDENTIAL', text);

    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('block');
    expect(findings[0]?.span?.text).toBe(marker);
    expect(text.slice(findings[0]?.span?.start, findings[0]?.span?.end)).toBe(marker);
    expect(findings[0]?.where).toBe(`"${marker}"`);
  });

  it.each([
    'Our counselling service offers confidential support to all staff.',
    'Access to the underground areas is restricted to trained personnel.',
    'Places are restricted to 30 participants.',
    'Change your password every 90 days, and never reuse it.',
    'World Password Day: use a password manager!',
    'The internal review of our safety procedures is complete.',
    'Enamel pin badges are on sale at the visitor shop.',
    'Do not share your password with anyone, not even IT.',
  ])('does not fire on %j', (text) => {
    expect(textFindings('P-CONFIDENTIAL', text)).toEqual([]);
  });

  it('fires on a photo declared as an access card (CERN §1), pointing at the item', () => {
    // Prepare
    const card: MediaItem = { type: 'image', url: 'https://cdn.example.org/card.jpg', alt: 'My first day', rights: 'own', declaredAs: 'access-card' };

    // Act
    const findings = textFindings('P-CONFIDENTIAL', 'First day at the lab!', { media: [IMAGE_OK, card] });

    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'block', media: 1, where: 'media[1]' });
    expect(findings[0]?.message).toContain('declared as an access card');
  });

  it.each(['contract', 'budget', 'internal-document', 'credentials'] as const)('fires on media declared as %s', (declaredAs) => {
    const item: MediaItem = { type: 'image', url: 'https://cdn.example.org/doc.jpg', alt: 'A page', rights: 'own', declaredAs };
    expect(textFindings('P-CONFIDENTIAL', 'Look at this', { media: [item] })).toHaveLength(1);
  });

  it('fires on the EC guidelines\' picture of a "PC password 12345" note, from its description', () => {
    const note: MediaItem = { type: 'image', url: 'https://cdn.example.org/note.jpg', alt: 'A sticky note on a monitor reading PC password 12345', rights: 'own' };
    const findings = textFindings('P-CONFIDENTIAL', 'Security reminder: never do this!', { media: [note] });
    expect(findings).toHaveLength(1);
    expect(findings[0]?.media).toBe(0);
    expect(findings[0]?.message).toContain('a password or access code');
    expect(findings[0]?.message).toContain('"password 12345"');
  });

  it('fires on a photo described as showing an access card', () => {
    const badge: MediaItem = { type: 'image', url: 'https://cdn.example.org/b.jpg', alt: 'My new access card with my photo', rights: 'own' };
    expect(textFindings('P-CONFIDENTIAL', 'New job!', { media: [badge] })[0]?.message).toContain('an access card or ID badge');
  });

  it('does not fire on photos declared as photos, posters or charts', () => {
    const media: MediaItem[] = (['photo', 'poster', 'chart'] as const).map((declaredAs, i) => ({ type: 'image', url: `https://cdn.example.org/${i}.jpg`, alt: 'Visitors at the reception desk', rights: 'own', declaredAs }));
    expect(textFindings('P-CONFIDENTIAL', 'Open day', { media })).toEqual([]);
  });
});

describe('P-EMBARGO', () => {
  it('blocks an embargo that lifts after the publish time, with the time to schedule instead', () => {
    // Act
    const findings = textFindings('P-EMBARGO', 'Embargoed until 3 December 2026, 10:00 CET. A planet in the habitable zone!', { publishAt: '2026-12-01T10:00:00Z' });

    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('block');
    expect(findings[0]?.span?.text).toBe('Embargoed');
    expect(findings[0]?.message).toContain('until 2026-12-03T09:00Z');
    expect(findings[0]?.message).toContain('scheduled for 2026-12-01T10:00Z');
    expect(findings[0]?.suggestion).toBe('publishAt: 2026-12-03T09:00Z or later');
  });

  it('blocks an embargo note when the post has no publish time', () => {
    const findings = textFindings('P-EMBARGO', 'EMBARGO: 3 Dec 2026. New results from the collaboration.');
    expect(findings[0]?.severity).toBe('block');
    expect(findings[0]?.message).toContain('has no publish time');
  });

  it('blocks a release date at the head of a press note', () => {
    const findings = textFindings('P-EMBARGO', 'Release date: 2026-12-10\nThe Institute announces a new particle.', { publishAt: '2026-12-01T10:00:00Z' });
    expect(findings[0]?.severity).toBe('block');
    expect(findings[0]?.message).toContain('2026-12-10T00:00Z');
    expect(findings[0]?.message).toContain('no time is given');
  });

  it('blocks "not to be published before"', () => {
    const findings = textFindings('P-EMBARGO', 'Not to be published before 10 December 2026 at 09:00 UTC.', { publishAt: '2026-12-10T08:59:00Z' });
    expect(findings[0]?.severity).toBe('block');
  });

  it('blocks an embargo without a date', () => {
    const findings = textFindings('P-EMBARGO', 'The results remain under embargo until the collaboration meeting.', { publishAt: '2026-12-01T10:00:00Z' });
    expect(findings[0]?.severity).toBe('block');
    expect(findings[0]?.message).toContain('without a date');
  });

  it('blocks an embargo date that could be read two ways', () => {
    const findings = textFindings('P-EMBARGO', 'Embargoed until 03/12/2026', { publishAt: '2027-01-01T10:00:00Z' });
    expect(findings[0]?.severity).toBe('block');
    expect(findings[0]?.message).toContain('could be read as two different days');
  });

  it('reads a date without a year as the one nearest the publish time', () => {
    const findings = textFindings('P-EMBARGO', 'Embargoed until 3 December.', { publishAt: '2026-11-20T10:00:00Z' });
    expect(findings[0]?.severity).toBe('block');
    expect(findings[0]?.suggestion).toBe('publishAt: 2026-12-03T00:00Z or later');
  });

  it('only notes an embargo that has lifted by the publish time, asking to remove the note', () => {
    const findings = textFindings('P-EMBARGO', 'Embargo: 10 December 2026, 09:00 CET. A new particle!', { publishAt: '2026-12-10T09:30:00Z' });
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('info');
    expect(findings[0]?.suggestion).toBe('Remove the embargo note from the text.');
  });

  it.each([
    'The EU lifted its arms embargo in 2026.',
    'The trade embargo on the region ends on 3 December 2026.',
    'The recording will be released on 10 December.',
    'The software release date is 3 December 2026, mark your calendars.',
  ])('does not fire on %j', (text) => {
    expect(textFindings('P-EMBARGO', text, { publishAt: '2026-12-01T10:00:00Z' })).toEqual([]);
  });
});

describe('P-OFFENSIVE', () => {
  it.each([
    ['What a shit day for the experiment.', 'shit'],
    ['This f*ck-up cost us a week.', 'f*ck'],
    ['Only an idiot would miss this talk.', 'idiot'],
  ])('blocks %j, pointing at the word', (text, word) => {
    const findings = textFindings('P-OFFENSIVE', text);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('block');
    expect(findings[0]?.span?.text).toBe(word);
  });

  it.each([
    'She graduated summa cum laude in physics.',
    'Greetings from Scunthorpe!',
    'New flame retardant coatings for cables.',
    'Sex differences in cognition: a new study. https://example.org/study',
    'Great tit nests in the campus woods.',
    'Restoring the Hooker telescope at Mount Wilson.',
    'The assessment of our analysis is complete.',
    'Retarded potentials in classical electrodynamics: lecture notes.',
  ])('does not fire on %j', (text) => {
    expect(textFindings('P-OFFENSIVE', text)).toEqual([]);
  });

  it('fires on an offensive description of a media item', () => {
    const item: MediaItem = { type: 'image', url: 'https://cdn.example.org/x.jpg', alt: 'The bastard machine that broke', rights: 'own' };
    expect(textFindings('P-OFFENSIVE', 'Repairs', { media: [item] })[0]?.where).toBe('media[0]');
  });
});

describe('P-LOGO', () => {
  const logo: MediaItem = { type: 'image', url: 'https://cdn.example.org/logo.png', alt: 'Our logo', rights: 'own', declaredAs: 'logo' };

  it('blocks the logo on an account that is not active, naming the account', () => {
    const findings = ofRule(checkBrandPost(post({ account: 'acc-old', media: [logo] }), directory), 'P-LOGO');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'block', media: 0 });
    expect(findings[0]?.message).toContain('@oldlab on X is retired');
  });

  it('recognises the logo from its description', () => {
    const described: MediaItem = { type: 'image', url: 'https://cdn.example.org/l.png', alt: 'The Example Lab logo on blue', rights: 'own' };
    expect(ofRule(checkBrandPost(post({ account: 'acc-frozen', media: [described] }), directory), 'P-LOGO')).toHaveLength(1);
  });

  it('does not fire for a registered, active account', () => {
    expect(ofRule(checkBrandPost(post({ media: [logo] }), directory), 'P-LOGO')).toEqual([]);
  });

  it("does not take a partner's logo for the institution's", () => {
    const partner: MediaItem = { type: 'image', url: 'https://cdn.example.org/p.png', alt: 'The ESA logo', rights: 'licensed', credit: 'ESA' };
    expect(ofRule(checkBrandPost(post({ account: 'acc-old', media: [partner] }), directory), 'P-LOGO')).toEqual([]);
  });
});

describe('P-PEOPLE-CONSENT', () => {
  const crowd: MediaItem = { ...IMAGE_OK, showsPeople: true };

  it('blocks media showing people without the consent statement, naming the statement', () => {
    // Act
    const findings = textFindings('P-PEOPLE-CONSENT', 'Our team', { media: [IMAGE_OK, crowd] });

    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'block', media: 1, where: 'media[1]' });
    expect(findings[0]?.attestation).toEqual({ statement: 'Everyone recognisable in image 2 has agreed to appear in this post.', by: 'submitter', satisfied: false });
    expect(findings[0]?.message).toContain('"Consent: yes"');
  });

  it('blocks when the submitter says consent was not obtained', () => {
    expect(textFindings('P-PEOPLE-CONSENT', 'Our team', { media: [crowd], attestations: { peopleConsent: false, aiUsed: false } })[0]?.severity).toBe('block');
  });

  it('records the statement when the submitter made it', () => {
    const findings = textFindings('P-PEOPLE-CONSENT', 'Our team', { media: [crowd, crowd], attestations: { peopleConsent: true, aiUsed: false } });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'attest', where: 'media[0], media[1]', attestation: { satisfied: true } });
    expect(isWarnOrWorse(findings[0] as Finding)).toBe(false);
  });

  it('does not fire for media without people', () => {
    expect(textFindings('P-PEOPLE-CONSENT', 'The detector', { media: [IMAGE_OK] })).toEqual([]);
  });

  it('shows a missing statement as a warning when a preset softens the rule', () => {
    const findings = textFindings('P-PEOPLE-CONSENT', 'Our team', { media: [crowd] }, withSeverity('P-PEOPLE-CONSENT', 'warn'));
    expect(findings[0]?.severity).toBe('warn');
  });
});

describe('P-MEDIA-RIGHTS', () => {
  it.each([
    ['unknown', { rights: 'unknown' as const }, 'are unknown'],
    ['missing', {}, 'are not stated'],
    ['licensed without a credit', { rights: 'licensed' as const }, 'has no credit'],
  ])('blocks rights that are %s', (_name, rights, says) => {
    const item: MediaItem = { type: 'image', url: 'https://cdn.example.org/n.jpg', alt: 'A nebula', ...rights };
    const findings = textFindings('P-MEDIA-RIGHTS', 'Look!', { media: [item] });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'block', media: 0, attestation: { by: 'submitter', satisfied: false } });
    expect(findings[0]?.message).toContain(says);
  });

  it('warns about Creative Commons, with the credit it carries', () => {
    const item: MediaItem = { type: 'image', url: 'https://cdn.example.org/cc.jpg', alt: 'Founding day', rights: 'creative-commons', credit: 'J. Doe, CC BY-SA 4.0' };
    const findings = textFindings('P-MEDIA-RIGHTS', 'Archive', { media: [item] });
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('warn');
    expect(findings[0]?.message).toContain('not compatible with social platforms');
    expect(findings[0]?.message).toContain('J. Doe, CC BY-SA 4.0');
  });

  it('records own, public-domain and credited licensed media as one statement', () => {
    const media: MediaItem[] = [
      { ...IMAGE_OK },
      { type: 'image', url: 'https://cdn.example.org/pd.jpg', alt: 'An old map', rights: 'public-domain' },
      { type: 'image', url: 'https://cdn.example.org/eso.jpg', alt: 'A nebula', rights: 'licensed', credit: 'ESO/L. Calçada' },
    ];
    const findings = textFindings('P-MEDIA-RIGHTS', 'Three pictures', { media });
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('attest');
    expect(findings[0]?.message).toBe(
      'The submitter states the rights to the media: media[0] is the institution\'s own, media[1] is in the public domain and media[2] is licensed for social media, credited "ESO/L. Calçada".',
    );
  });
});

describe('P-AI-DISCLOSURE', () => {
  it('blocks AI use that the post does not disclose, with a suggested disclosure', () => {
    const findings = textFindings('P-AI-DISCLOSURE', 'Our campus in 2100', { attestations: { aiUsed: true } });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'block', attestation: { by: 'submitter', satisfied: false } });
    expect(findings[0]?.suggestion).toContain('generative AI');
  });

  it('records disclosed AI use and "no AI" as statements', () => {
    expect(textFindings('P-AI-DISCLOSURE', 'x', { attestations: { aiUsed: true, aiDisclosed: true } })[0]).toMatchObject({ severity: 'attest', attestation: { satisfied: true } });
    expect(textFindings('P-AI-DISCLOSURE', 'x', { attestations: { aiUsed: false } })[0]?.message).toBe('The submitter states that no generative AI was used for this post.');
  });

  it('notes, for information only, a submission that does not say', () => {
    const findings = textFindings('P-AI-DISCLOSURE', 'x', { attestations: {} });
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('info');
  });

  it('is off under a preset whose source says nothing about AI (eu-commission)', () => {
    expect(textFindings('P-AI-DISCLOSURE', 'x', { attestations: { aiUsed: true } }, loadPreset('eu-commission'))).toEqual([]);
  });
});

describe('P-PERSONAL-DATA', () => {
  it.each([
    ['Reach Anna at anna.keller@example.org', 'anna.keller@example.org'],
    ['Call her on +41 22 767 12 34', '+41 22 767 12 34'],
    ['Anna, born on 3 May 1961, retires today', 'born on 3 May 1961'],
    ['Passport number X1234567 found at reception', 'Passport number X1234567'],
  ])('warns about %j, pointing at it', (text, found) => {
    const findings = textFindings('P-PERSONAL-DATA', text, { publishAt: '2026-12-01T10:00:00Z' });
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('warn');
    expect(findings[0]?.span?.text).toBe(found);
  });

  it.each([
    'Join us on 3 December 2026 at 10:00, room 40-S2.',
    'Founded in 1954, the lab turns 72 this year.',
    'The paper: doi:10.1038/s41586-024-07111-0',
    'ISBN 978-3-16-148410-0, CHF 45 or €39.90.',
    'Write to press@example.org for interviews.',
  ])('does not fire on %j', (text) => {
    expect(textFindings('P-PERSONAL-DATA', text)).toEqual([]);
  });

  it('warns about personal data in a media description', () => {
    const item: MediaItem = { ...IMAGE_OK, alt: 'A whiteboard with jane.doe@example.org written on it' };
    expect(textFindings('P-PERSONAL-DATA', 'Brainstorming', { media: [item] })[0]?.media).toBe(0);
  });
});

describe('P-POLITICAL', () => {
  it.each([
    ['Vote yes on Sunday to the referendum on research funding!', 'Vote yes'],
    ['Sign the petition against the cuts: https://example.org/p', 'Sign the petition'],
    ['Re-elect Senator Johnson, a friend of science!', 'Re-elect Senator'],
    ['We stand with the students protesting today.', 'We stand with'],
    ['Join the March for Science on 22 April!', 'Join the March'],
    ['We oppose the government decision to leave the agreement.', 'We oppose the government'],
    ['Ahead of the general election, read the parties\' positions.', 'general election'],
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
    'Vote for the Institute in the People\'s Choice category of the Science Photo Awards!',
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

describe('P-SOURCE', () => {
  it.each([
    ['A new study shows that 70% of researchers feel overworked.', 'A new study shows'],
    ['According to the ministry, funding will rise.', 'According to'],
    ['Researchers found a new species in the lake.', 'Researchers found'],
    ['Our result is published in Nature today.', 'published in Nature'],
    ['Emissions fell by 30% since 2015.', 'fell by 30%'],
  ])('warns about %j without a link', (text, cue) => {
    const findings = textFindings('P-SOURCE', text);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('warn');
    expect(findings[0]?.span?.text).toBe(cue);
    expect(findings[0]?.suggestion).toBe('Add a link to the original source (or its DOI).');
  });

  it.each([
    'A new study shows that 70% of researchers feel overworked. https://example.org/study',
    'Our result is published in Nature today: doi:10.1038/s41586-026-00002-2',
    'Preprint: arXiv:2611.01234 — a study shows a rare decay.',
    'Software engineer, part time (60%) possible.',
    'Welcome to our 45 new doctoral students!',
  ])('does not fire on %j', (text) => {
    expect(textFindings('P-SOURCE', text)).toEqual([]);
  });
});

describe('P-HASHTAG-CASE', () => {
  it('warns about the EC sample post "#euisnumber3" and suggests #EUIsNumber3', () => {
    // Act
    const findings = textFindings('P-HASHTAG-CASE', 'The project number 3\nis very cool\n#euisnumber3');

    // Assess
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('warn');
    expect(findings[0]?.suggestion).toBe('#EUIsNumber3');
    expect(findings[0]?.span?.text).toBe('#euisnumber3');
    expect(findings[0]?.message).toContain('Write it #EUIsNumber3');
  });

  it.each([
    ['#opendays', '#OpenDays'],
    ['#Opendays', '#OpenDays'],
    ['#womeninscience', '#WomenInScience'],
    ['#cernopenlab', '#CERNOpenLab'],
  ])('suggests %s → %s', (tag, suggestion) => {
    expect(textFindings('P-HASHTAG-CASE', `Join us ${tag}`)[0]?.suggestion).toBe(suggestion);
  });

  it.each(['#OpenDays', '#physics', '#neutrinos', '#astrophysics', '#LHCb', '#ICHEP2026', '#caltech', 'https://example.org/page#section', 'Rock &#39;n&#39; roll'])(
    'does not fire on %j',
    (text) => {
      expect(textFindings('P-HASHTAG-CASE', text)).toEqual([]);
    },
  );
});

describe('P-INCLUSIVE', () => {
  it.each([
    ['The Chairman opened the meeting.', 'Chairman', 'Chair'],
    ['We need more manpower for the open day.', 'manpower', 'workforce'],
    ['Ladies and gentlemen, welcome!', 'Ladies and gentlemen', 'Everyone'],
    ['Thanks guys for coming!', 'guys', 'everyone'],
    ['See you guys tomorrow!', 'you guys', 'you all'],
    ['The LHC is a man-made wonder.', 'man-made', 'human-made'],
    ['Thanks to the firemen of the brigade.', 'firemen', 'firefighters'],
  ])('warns about %j with a neutral suggestion', (text, term, neutral) => {
    const findings = textFindings('P-INCLUSIVE', text);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('warn');
    expect(findings[0]?.span?.text).toBe(term);
    expect(findings[0]?.suggestion).toBe(neutral);
  });

  it.each([
    'The chair of the committee presented the report.',
    'Our partners in Manchester and Germany.',
    'Human resources and management are on the first floor.',
    'Professor Smith presented his results.',
    'A master\'s degree in physics is required.',
  ])('does not fire on %j', (text) => {
    expect(textFindings('P-INCLUSIVE', text)).toEqual([]);
  });

  it('reports each gendered term, in order of the text', () => {
    const findings = textFindings('P-INCLUSIVE', 'The spokesman thanked the chairman.');
    expect(findings.map((f) => f.suggestion)).toEqual(['spokesperson', 'chair']);
  });
});

describe('P-JARGON', () => {
  const JARGON =
    'Spectroscopic characterisation of heterogeneous photocatalytic nanomaterials demonstrates unprecedented quantum efficiencies attributable to plasmonic hot-carrier injection mechanisms, substantially outperforming conventional semiconductor architectures under simulated solar illumination conditions.';

  it('notes hard-to-read text for information, naming the hardest words', () => {
    const findings = textFindings('P-JARGON', JARGON);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('info');
    expect(findings[0]?.message).toMatch(/Flesch reading ease -\d+; under 10/);
    expect(findings[0]?.suggestion).toBe('Explain or replace: characterisation, photocatalytic, nanomaterials');
  });

  it('does not score texts shorter than the preset\'s minimum', () => {
    expect(textFindings('P-JARGON', 'Heterogeneous photocatalytic nanomaterials characterisation.')).toEqual([]);
  });

  it('does not fire on plain language', () => {
    const text = 'Join us on Saturday for the open day. You can visit the labs, talk to our scientists and try experiments. There are games for children and a café in the main hall. Entry is free and you do not need to book.';
    expect(textFindings('P-JARGON', text)).toEqual([]);
  });
});

describe('P-CORRECTION', () => {
  it('notes a correction that does not say which post it corrects', () => {
    const findings = textFindings('P-CORRECTION', 'The magnet weighs 35 tonnes, not 53.', { format: 'correction' });
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('info');
    expect(findings[0]?.suggestion).toBe('Add a link to the post being corrected.');
  });

  it('notes a text that opens with "Correction:" whatever its declared format', () => {
    expect(textFindings('P-CORRECTION', 'Correction: the talk is on Thursday.')[0]?.span?.text).toBe('Correction:');
  });

  it.each([
    'Correction: the talk is on Thursday, not Wednesday as in our previous post.',
    'Correction to our post of 3 May: the grant came from the foundation.',
    'Correction: the talk is on Thursday. https://example.org/events/talk',
  ])('does not fire on %j', (text) => {
    expect(textFindings('P-CORRECTION', text, { format: 'correction' })).toEqual([]);
  });

  it('does not take an update for a correction', () => {
    expect(textFindings('P-CORRECTION', 'Update: the Open Days are sold out.')).toEqual([]);
  });
});

describe('MEDIA_DECLARATIONS', () => {
  it('lists every declaration a media item can carry, for the webhook schema', () => {
    expect(MEDIA_DECLARATIONS).toEqual(['photo', 'illustration', 'chart', 'poster', 'screenshot', 'logo', 'internal-document', 'contract', 'budget', 'access-card', 'credentials']);
  });
});

describe('isWarnOrWorse', () => {
  const base = { rule: 'P-X', message: 'm' };

  it.each([
    ['block', undefined, true],
    ['route', undefined, true],
    ['warn', undefined, true],
    ['info', undefined, false],
    ['attest', { statement: 's', by: 'comms' as const, satisfied: false }, true],
    ['attest', { statement: 's', by: 'submitter' as const, satisfied: true }, false],
  ] as const)('%s (statement %j) → %s', (severity, attestation, expected) => {
    const finding: Finding = { ...base, severity, ...(attestation !== undefined ? { attestation } : {}) };
    expect(isWarnOrWorse(finding)).toBe(expected);
  });
});

describe('texts built to make patterns backtrack', () => {
  // Every rule on, at the longest text the intake accepts. A quadratic pattern turns one of these into minutes; the
  // figures for five times this length come from `npm run bench`. What is asserted is that each finding points at
  // the text it quotes.
  const everyRuleOn = (() => {
    const base = loadPreset('default');
    const checks = Object.fromEntries(
      Object.entries(base.checks).map(([rule, setting]) => [rule, setting.severity === 'off' ? { ...setting, severity: 'warn' } : setting]),
    );
    return parsePreset({ ...base, checks });
  })();

  it.each(ADVERSARIAL_UNITS.map((unit) => [JSON.stringify(unit), unit] as const))('%s repeated to the maximum length', (_label, unit) => {
    const text = adversarialText(unit, MAX_TEXT_CHARS);
    for (const format of ['post', 'thread'] as const) {
      const findings = checkBrandPost(post({ account: 'acc-linkedin', text, format }), directory, everyRuleOn);
      for (const f of findings) {
        if (f.span !== undefined) expect(text.slice(f.span.start, f.span.end)).toBe(f.span.text);
      }
    }
  });

  it.each(ADVERSARIAL_PADDED.map((padded) => [paddedLabel(padded), padded] as const))('%s to the maximum length', (_label, padded) => {
    const text = paddedText(padded, MAX_TEXT_CHARS);
    for (const format of ['post', 'thread'] as const) {
      const findings = checkBrandPost(post({ account: 'acc-linkedin', text, format }), directory, everyRuleOn);
      for (const f of findings) {
        if (f.span !== undefined) expect(text.slice(f.span.start, f.span.end)).toBe(f.span.text);
      }
    }
  });
});
