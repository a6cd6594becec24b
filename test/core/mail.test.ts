import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sesOrigin } from '../../lambdas/adapters/ses-receipt.js';
import { parseDirectory, withRegistry, type Directory } from '../../lambdas/core/request/directory.js';
import {
  bodyLines,
  decideMail,
  mediaKey,
  MAX_ATTACHMENT_BYTES,
  MAX_IMAGES,
  readBody,
  type InboundMail,
  type MailDecision,
  type MediaToStore,
  type Trust,
} from '../../lambdas/core/mail/mail.js';
import { trustOf } from '../../lambdas/core/mail/mail-auth.js';
import { sesFixture, sesFrom, sesStored } from '../fixtures/ses.js';
import type { BrandPostSubmission, RegistryAccount } from '../../lambdas/core/model.js';

// Mail intake rules (DESIGN.md "Mail intake"): what a parsed mail becomes, before anything is sent or stored.

function loadDirectory(): Directory {
  return parseDirectory(JSON.parse(readFileSync(new URL('../../config/directory.json', import.meta.url), 'utf8')) as unknown);
}

/** The trust SES's receipt gives the fixture's mail: its verdicts and SES's Authentication-Results, for its From. */
function sesTrust(name: string): Trust {
  const f = sesFixture(name);
  const message = Buffer.from(
    `From: ${f.mail.commonHeaders.from?.[0] ?? ''}\r\nTo: submit+physics-x@example.org\r\nSubject: Fixture\r\n\r\nBody\r\n`,
  );
  return trustOf(sesOrigin(f, sesStored(f, message)), sesFrom(f));
}

const file = loadDirectory();
// The registry as the first read seeds it from the file, and the directory as the mail ports give it: with the registry's accounts.
const registry: readonly RegistryAccount[] = file.accounts.map((a) => ({
  ...a,
  smmAdmin: true,
  openedBy: 'directory',
  openedAt: '2026-01-01T00:00:00.000Z',
}));
const directory = withRegistry(file, registry);
const NOW = new Date('2026-11-20T10:00:00Z');
const MEDIA_BASE = 'https://signoff.example.org/media';
const VERIFIED: Trust = { drop: false, verified: true, basis: 'SPF PASS, DKIM PASS, DMARC PASS, spam PASS, virus PASS' };
const UNVERIFIED: Trust = { drop: false, verified: false, basis: 'SPF FAIL, DKIM FAIL, DMARC FAIL, spam PASS, virus PASS' };

// A small valid PNG (1×1 pixel).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

type Attachment = InboundMail['attachments'][number];

function png(filename: string, content: Buffer = PNG): Attachment {
  return { filename, contentType: 'image/png', content };
}

function inbound(overrides: Partial<InboundMail> = {}): InboundMail {
  return {
    messageId: '<CAHk3unit.0001@mail.example.org>',
    from: 'ada@example.org',
    fromProblem: undefined,
    recipients: ['submit+physics-x@example.org'],
    subject: 'Physics Open Day',
    text: 'Join us on Saturday for the Physics Open Day!',
    references: [],
    attachments: [],
    ...overrides,
  };
}

function decide(mail: InboundMail, trust: Trust = VERIFIED): MailDecision {
  return decideMail(mail, { directory, registry, trust, now: NOW, mediaBaseUrl: MEDIA_BASE });
}

function replyOf(decision: MailDecision): string {
  if (decision.action !== 'reply') throw new Error(`expected a reply, got ${decision.action}: ${JSON.stringify(decision)}`);
  return decision.reply;
}

/** A submit decision carrying a brand post. */
function submissionOf(decision: MailDecision): {
  readonly submission: BrandPostSubmission;
  readonly media: readonly MediaToStore[];
  readonly sender: string;
} {
  if (decision.action !== 'submit') throw new Error(`expected a submit, got ${decision.action}: ${JSON.stringify(decision)}`);
  if (decision.submission.kind !== 'brand-post') throw new Error(`expected a brand post, got ${decision.submission.kind}`);
  return { submission: decision.submission, media: decision.media, sender: decision.sender };
}

describe('bodyLines', () => {
  it('keeps the lines before the signature or a quoted reply, in their order and numbering', () => {
    // Prepare
    const raw = 'Unit: physics\r\n\r\nPlatform: bluesky\r\n-- \r\nAlan\r\n> quoted';

    // Act
    const lines = bodyLines(raw);

    // Assess
    expect(lines).toEqual(['Unit: physics', '', 'Platform: bluesky']);
  });
});

describe('readBody', () => {
  it('cuts the signature from the "-- " line on', () => {
    // Prepare
    const raw = 'Join us on Saturday.\n\n-- \nAda Lovelace\nPhysics Department';

    // Act
    const body = readBody(raw);

    // Assess
    expect(body.text).toBe('Join us on Saturday.');
  });

  it('cuts an "On …, X wrote:" quoted reply and everything after it', () => {
    // Prepare
    const raw =
      'Here is the corrected text.\n\nOn Mon, 1 Dec 2026 at 10:00, Signoff <signoff@example.org> wrote:\nYour post was returned for changes.\nPlease fix it.';

    // Act
    const body = readBody(raw);

    // Assess
    expect(body.text).toBe('Here is the corrected text.');
  });

  it('cuts from the first ">" quoted line on', () => {
    // Prepare
    const raw = 'New text of the post.\n> Old text of the post.\n> More old text.\nafter the quote';

    // Act
    const body = readBody(raw);

    // Assess
    expect(body.text).toBe('New text of the post.');
  });

  it('cuts an Outlook "-----Original Message-----" block', () => {
    // Prepare
    const raw =
      'Updated announcement.\r\n\r\n-----Original Message-----\r\nFrom: Signoff\r\nSent: Monday, 1 December 2026 10:00\r\nSubject: Open day';

    // Act
    const body = readBody(raw);

    // Assess
    expect(body.text).toBe('Updated announcement.');
  });

  it('takes out every convention line, case-insensitively, and keeps the rest of the text', () => {
    // Prepare
    const raw = [
      'Join us on Saturday!',
      'alt: Visitors at the detector model',
      'ALT 2:  The lecture hall ',
      'Consent: yes',
      'ai: No',
      'AI Disclosed: yes',
      'Publish: 2026-12-01T10:00:00Z',
      'FORMAT: Thread',
      'See you there.',
    ].join('\n');

    // Act
    const body = readBody(raw);

    // Assess
    expect(body.text).toBe('Join us on Saturday!\nSee you there.');
    expect([...body.alts]).toEqual([
      [1, 'Visitors at the detector model'],
      [2, 'The lecture hall'],
    ]);
    expect(Object.fromEntries(body.conventions)).toEqual({
      consent: 'yes',
      ai: 'No',
      'ai disclosed': 'yes',
      publish: '2026-12-01T10:00:00Z',
      format: 'Thread',
    });
  });

  it('numbers unnumbered "Alt:" lines in order', () => {
    // Prepare
    const raw = 'Two pictures.\nAlt: First picture\nAlt: Second picture';

    // Act
    const body = readBody(raw);

    // Assess
    expect(body.alts.get(1)).toBe('First picture');
    expect(body.alts.get(2)).toBe('Second picture');
  });

  it('does not take "Alternative: plan B" for an alt line', () => {
    // Prepare
    const raw = 'If it rains we move indoors.\nAlternative: plan B';

    // Act
    const body = readBody(raw);

    // Assess
    expect(body.alts.size).toBe(0);
    expect(body.conventions.size).toBe(0);
    expect(body.text).toBe('If it rains we move indoors.\nAlternative: plan B');
  });
});

describe('mediaKey', () => {
  it('names an image by 40 hex digits of its sha256 and the extension of its type', () => {
    // Act
    const key = mediaKey(PNG, 'image/png');

    // Assess
    expect(key).toMatch(/^[0-9a-f]{40}\.png$/);
    expect(mediaKey(Buffer.from(PNG), 'image/png')).toBe(key);
    expect(mediaKey(PNG, 'image/jpeg')).toBe(key.replace(/\.png$/, '.jpg'));
  });

  it('gives an unknown type the extension "bin"', () => {
    // Act
    const key = mediaKey(PNG, 'application/octet-stream');

    // Assess
    expect(key).toMatch(/^[0-9a-f]{40}\.bin$/);
  });
});

describe('the trust of SES receipts (sesOrigin, trustOf)', () => {
  it.each([
    ['dmarc-fail', { drop: false, verified: false }],
    ['spf-pass-dmarc-fail', { drop: false, verified: false }],
    ['dmarc-pass', { drop: false, verified: true }],
    ['spf-dkim-pass-no-dmarc', { drop: false, verified: true }],
    ['spf-dkim-pass-unaligned', { drop: false, verified: false }],
    ['dkim-aligned-esp', { drop: false, verified: true }],
    ['spf-aligned-subdomain', { drop: false, verified: true }],
    ['spam-fail', { drop: true, verified: true }],
    ['virus-fail', { drop: true, verified: true }],
    ['unknown-sender', { drop: false, verified: true }],
    ['no-account', { drop: false, verified: true }],
  ])('reads %s', (name, expected) => {
    // Act
    const trust = sesTrust(name);

    // Assess
    expect({ drop: trust.drop, verified: trust.verified }).toEqual(expected);
  });

  it('names every verdict, and the domains SPF and DKIM passed for, in its basis', () => {
    // Act
    const aligned = sesTrust('spf-dkim-pass-no-dmarc');
    const unaligned = sesTrust('spf-dkim-pass-unaligned');

    // Assess
    expect(aligned.basis).toBe(
      'SPF PASS (example.org: aligned), DKIM PASS (example.org: aligned), DMARC GRAY, spam PASS, virus PASS; From domain example.org',
    );
    expect(unaligned.basis).toBe(
      'SPF PASS (evil.example: not aligned), DKIM PASS (evil.example: not aligned), DMARC GRAY, spam PASS, virus PASS; From domain example.org',
    );
  });
});

describe('decideMail: who is answered', () => {
  it('drops a spam verdict without a reply', () => {
    // Prepare
    const trust = sesTrust('spam-fail');

    // Act
    const decision = decide(inbound(), trust);

    // Assess
    expect(decision).toEqual({ action: 'drop', reason: `spam or virus verdict (${trust.basis})`, sender: 'ada@example.org' });
    expect(trust.basis).toContain('spam FAIL');
  });

  it('drops a virus verdict without a reply', () => {
    // Prepare
    const trust = sesTrust('virus-fail');

    // Act
    const decision = decide(inbound(), trust);

    // Assess
    expect(decision.action).toBe('drop');
    expect(decision.action === 'drop' ? decision.reason : '').toContain('virus FAIL');
  });

  it('drops a sender who is not in the directory, without a reply', () => {
    // Act
    const decision = decide(inbound({ from: 'mallory@elsewhere.example' }));

    // Assess
    expect(decision).toEqual({ action: 'drop', reason: 'sender is not in the directory', sender: 'mallory@elsewhere.example' });
  });

  it('refuses a mail without a From address, answering nobody', () => {
    // Act
    const decision = decide(inbound({ from: undefined, fromProblem: 'no From header' }));

    // Assess
    expect(decision).toEqual({ action: 'refuse', reason: 'sender not established: no From header', sender: undefined });
  });

  it.each(['2 From headers', 'the From header names 2 addresses', 'the From header is not one plain address'])(
    'refuses a mail whose From is "%s", even when its parsed address is a directory member\'s',
    (problem) => {
      // Act
      const decision = decide(inbound({ from: 'ada@example.org', fromProblem: problem }));

      // Assess: no reply to the member (she did not write it), nothing submitted
      expect(decision).toEqual({ action: 'refuse', reason: `sender not established: ${problem}`, sender: undefined });
    },
  );

  it('answers a known sender whose mail is not verified, submitting nothing', () => {
    // Act
    const decision = decide(inbound(), UNVERIFIED);

    // Assess
    expect(decision.action).toBe('reply');
    expect(decision.sender).toBe('ada@example.org');
    expect(replyOf(decision)).toContain('could not verify that this mail came from you');
    expect(decision.action === 'reply' ? decision.reason : '').toBe(`unverified origin (${UNVERIFIED.basis})`);
  });

  it('matches the sender case-insensitively', () => {
    // Prepare
    const mail = inbound({ from: ' Ada@Example.ORG ' });

    // Act
    const decision = decide(mail);

    // Assess
    expect(submissionOf(decision).sender).toBe('ada@example.org');
    expect(submissionOf(decision).submission.submitter).toBe('ada@example.org');
  });
});

describe('decideMail: what is refused by reply', () => {
  it('names the accounts the sender can post to when no submit+ address was used', () => {
    // Prepare
    const mail = inbound({ recipients: ['comms@example.org'] });

    // Act
    const reply = replyOf(decide(mail));

    // Assess
    expect(reply).toContain('send the mail to submit+<account>@example.org');
    expect(reply).toContain('submit+physics-x@example.org (@ExamplePhysics)');
    expect(reply).toContain('submit+physics-mastodon@example.org');
    expect(reply).not.toContain('old-physics-facebook');
    expect(reply).not.toContain('institute-bluesky');
    expect(reply).toContain('To ask for a new account, write to open@example.org.');
  });

  it('tells the sender of a body it did not read why, and submits nothing, whatever the recipient', () => {
    // Prepare: an HTML body over the bound, to a submit+ address and to open@
    const unreadBody = 'the mail has only an HTML body, of 250,000 characters, more than the 200,000 read. Send the post as plain text.';
    const post = inbound({ text: '', unreadBody });
    const opening = inbound({ text: '', unreadBody, recipients: ['open@example.org'] });

    // Act
    const decisions = [decide(post), decide(opening)];

    // Assess
    for (const decision of decisions) {
      expect(decision.action).toBe('reply');
      expect(replyOf(decision)).toBe(`Nothing was submitted: ${unreadBody}`);
    }
  });

  it('refuses more than 10 images', () => {
    // Prepare
    const attachments = Array.from({ length: MAX_IMAGES + 1 }, (_, i) => png(`photo-${i + 1}.png`, Buffer.concat([PNG, Buffer.from([i])])));
    const mail = inbound({ attachments, text: `Many photos.\n${attachments.map((_, i) => `Alt ${i + 1}: Photo ${i + 1}`).join('\n')}` });

    // Act
    const decision = decide(mail);

    // Assess
    expect(replyOf(decision)).toContain('at most 10 images');
    expect(replyOf(decision)).toContain('11 images');
  });

  it('accepts exactly 10 images, each with its alt text', () => {
    // Prepare
    const attachments = Array.from({ length: MAX_IMAGES }, (_, i) => png(`photo-${i + 1}.png`, Buffer.concat([PNG, Buffer.from([i])])));
    const mail = inbound({ attachments, text: `Many photos.\n${attachments.map((_, i) => `Alt ${i + 1}: Photo ${i + 1}`).join('\n')}` });

    // Act
    const decision = submissionOf(decide(mail));

    // Assess
    expect(decision.media).toHaveLength(10);
    expect(decision.submission.media.map((m) => m.alt)).toEqual(attachments.map((_, i) => `Photo ${i + 1}`));
  });

  it('refuses attachments over 10 MB', () => {
    // Prepare
    const mail = inbound({
      attachments: [png('huge.png', Buffer.alloc(MAX_ATTACHMENT_BYTES + 1))],
      text: 'Big photo.\nAlt 1: A big photo',
    });

    // Act
    const decision = decide(mail);

    // Assess
    expect(replyOf(decision)).toContain('attachments may total at most 10 MB');
    expect(decision.action === 'reply' ? decision.reason : '').toBe(`attachments too large (${MAX_ATTACHMENT_BYTES + 1} bytes, 1 images)`);
  });

  it('counts non-image attachments towards the 10 MB', () => {
    // Prepare
    const pdf: Attachment = { filename: 'programme.pdf', contentType: 'application/pdf', content: Buffer.alloc(MAX_ATTACHMENT_BYTES) };
    const mail = inbound({ attachments: [png('photo.png'), pdf], text: 'Photo and programme.\nAlt 1: A photo' });

    // Act
    const decision = decide(mail);

    // Assess
    expect(replyOf(decision)).toContain('attachments may total at most 10 MB');
  });

  it('accepts attachments of exactly 10 MB', () => {
    // Prepare
    const mail = inbound({ attachments: [png('big.png', Buffer.alloc(MAX_ATTACHMENT_BYTES))], text: 'Big photo.\nAlt 1: A big photo' });

    // Act
    const decision = decide(mail);

    // Assess
    expect(submissionOf(decision).media).toHaveLength(1);
  });

  it('asks for "Alt 1:" when the image has no alternative text', () => {
    // Prepare
    const mail = inbound({ attachments: [png('open-day.png')] });

    // Act
    const reply = replyOf(decide(mail));

    // Assess
    expect(reply).toContain('Nothing was submitted yet.');
    expect(reply).toContain('[P-ALT-TEXT] Image 1 (open-day.png) has no alternative text: add a line "Alt 1: <what the image shows>".');
  });

  it('names the second image when only the first has alt text', () => {
    // Prepare
    const mail = inbound({
      attachments: [png('one.png'), png('two.png', Buffer.concat([PNG, Buffer.from([1])]))],
      text: 'Two photos.\nAlt 1: The first photo',
    });

    // Act
    const reply = replyOf(decide(mail));

    // Assess
    expect(reply).toContain('Image 2 (two.png)');
    expect(reply).toContain('"Alt 2: <what the image shows>"');
    expect(reply).not.toContain('Image 1 (one.png)');
  });

  it('answers with [P-ACCOUNT] when the sender is not a poster of the account', () => {
    // Prepare
    const mail = inbound({ recipients: ['submit+institute-bluesky@example.org'] });

    // Act
    const reply = replyOf(decide(mail));

    // Assess
    expect(reply).toContain('[P-ACCOUNT]');
    expect(reply).toContain('Ada Lovelace (ada@example.org) is not a poster of @example.org on Bluesky');
  });

  it('answers an account that is not registered', () => {
    // Prepare
    const mail = inbound({ recipients: ['submit+no-such-account@example.org'] });

    // Act
    const reply = replyOf(decide(mail));

    // Assess
    expect(reply).toContain('account: "no-such-account" is not a registered institutional account');
    expect(reply).toContain('Your accounts: submit+physics-x@example.org (@ExamplePhysics)');
    expect(reply).toContain('To ask for a new account, write to open@example.org.');
  });

  it('posts to an account the registry has and the directory file does not', () => {
    // Prepare: an account registered by an approved opening since the file was read
    const opened: RegistryAccount = {
      id: 'physics-bluesky-physics-example-org',
      platform: 'bluesky',
      handle: '@physics.example.org',
      unit: 'physics',
      posters: ['ada'],
      admins: ['ada', 'bob'],
      status: 'active',
      smmAdmin: true,
      credentialStore: 'vault://x',
      openedBy: 'req_AAAAAAAAAAAAAAAAAAAAAAAA',
      openedAt: '2026-11-01T00:00:00.000Z',
    };
    const now = [...registry, opened];
    const mail = inbound({ recipients: ['submit+physics-bluesky-physics-example-org@example.org'] });

    // Act
    const decision = decideMail(mail, {
      directory: withRegistry(file, now),
      registry: now,
      trust: VERIFIED,
      now: NOW,
      mediaBaseUrl: MEDIA_BASE,
    });

    // Assess
    expect(submissionOf(decision).submission.account).toBe('physics-bluesky-physics-example-org');
  });

  it('asks for the title in the subject line when the subject is empty', () => {
    // Prepare
    const mail = inbound({ subject: '' });

    // Act
    const reply = replyOf(decide(mail));

    // Assess
    expect(reply).toContain('Put the title of the post in the subject line.');
  });

  it('asks for a text when the body holds only conventions and a signature', () => {
    // Prepare
    const mail = inbound({ text: 'Consent: yes\n-- \nAda' });

    // Act
    const reply = replyOf(decide(mail));

    // Assess
    expect(reply).toContain('Write the text of the post in the body of the mail.');
  });

  it('lists a "Consent: maybe" as a problem', () => {
    // Prepare
    const mail = inbound({ text: 'Join us on Saturday!\nConsent: maybe' });

    // Act
    const reply = replyOf(decide(mail));

    // Assess
    expect(reply).toContain('  - "Consent:" takes yes or no (got "maybe").');
  });

  it('lists a "Publish:" time in the past as a problem', () => {
    // Prepare
    const mail = inbound({ text: 'Join us on Saturday!\nPublish: 2026-01-05T09:00:00Z' });

    // Act
    const reply = replyOf(decide(mail));

    // Assess
    expect(reply).toContain('publishAt: 2026-01-05T09:00:00Z is in the past');
    expect(reply).toContain('with a future time, or leave it out.');
  });

  it('lists an unknown format as a problem', () => {
    // Prepare
    const mail = inbound({ text: 'Join us on Saturday!\nFormat: haiku' });

    // Act
    const reply = replyOf(decide(mail));

    // Assess
    expect(reply).toContain('Use "Format: post", "thread", "article", "blog", "share" or "correction".');
  });
});

describe('decideMail: what is submitted', () => {
  it('submits the subject as title, the body as text and the image as linked media with its alt text', () => {
    // Prepare
    const mail = inbound({
      text: 'Join us on Saturday for the Physics Open Day!\nAlt 1: Visitors looking at a detector model\nConsent: yes\nAI: no\n\n-- \nAda Lovelace',
      attachments: [png('open-day.png')],
    });

    // Act
    const decision = submissionOf(decide(mail));

    // Assess
    const key = mediaKey(PNG, 'image/png');
    expect(decision.sender).toBe('ada@example.org');
    expect(decision.media).toEqual([{ key, contentType: 'image/png', content: PNG }]);
    expect(decision.submission).toEqual({
      kind: 'brand-post',
      submitter: 'ada@example.org',
      account: 'physics-x',
      title: 'Physics Open Day',
      text: 'Join us on Saturday for the Physics Open Day!',
      format: 'post',
      publishAt: undefined,
      media: [
        { type: 'image', url: `${MEDIA_BASE}/${key}`, alt: 'Visitors looking at a detector model', rights: 'own', showsPeople: true },
      ],
      attestations: { peopleConsent: true, aiUsed: false },
    });
    expect(decision.submission.media[0]?.url).toMatch(/^https:\/\/signoff\.example\.org\/media\/[0-9a-f]{40}\.png$/);
  });

  it('makes a folded or control-laden subject one line: a title is a single line (issue #11)', () => {
    // Prepare: the tab a folded Subject keeps once unfolded, and a line break an encoded word can carry
    const mail = inbound({ subject: 'Re: Physics\tOpen\r\n Day\u0007 ' });

    // Act
    const decision = submissionOf(decide(mail));

    // Assess
    expect(decision.submission.title).toBe('Physics Open Day');
  });

  it('takes the account from the plus address, case-insensitively, among other recipients', () => {
    // Prepare
    const mail = inbound({ recipients: ['comms@example.org', 'Submit+Physics-Mastodon@example.org'] });

    // Act
    const decision = submissionOf(decide(mail));

    // Assess
    expect(decision.submission.account).toBe('physics-mastodon');
  });

  it('sets the format, the publication time and the AI attestations from their lines', () => {
    // Prepare
    const mail = inbound({
      text: '1/ First part\n\n2/ Second part\nFormat: thread\nPublish: 2026-12-01T10:00:00Z\nAI: yes\nAI disclosed: yes',
    });

    // Act
    const decision = submissionOf(decide(mail));

    // Assess
    expect(decision.submission.format).toBe('thread');
    expect(decision.submission.publishAt).toBe('2026-12-01T10:00:00Z');
    expect(decision.submission.attestations).toEqual({ aiUsed: true, aiDisclosed: true });
    expect(decision.submission.text).toBe('1/ First part\n\n2/ Second part');
  });

  it('leaves out the people attestation when there is no "Consent:" line', () => {
    // Prepare
    const mail = inbound({ text: 'A photo of the building.\nAlt 1: The main building at dusk', attachments: [png('building.png')] });

    // Act
    const decision = submissionOf(decide(mail));

    // Assess
    expect(decision.submission.attestations).toEqual({});
    expect(decision.submission.media[0]).not.toHaveProperty('showsPeople');
  });

  it('keeps a non-image attachment out of the media', () => {
    // Prepare
    const pdf: Attachment = { filename: 'programme.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.7') };
    const mail = inbound({ attachments: [pdf] });

    // Act
    const decision = submissionOf(decide(mail));

    // Assess
    expect(decision.media).toEqual([]);
    expect(decision.submission.media).toEqual([]);
  });
});

describe('fixes found in review', () => {
  it('accepts a Publish line written to the minute, as the reply itself suggests', () => {
    const decision = decide(inbound({ text: 'Seminar on Thursday. https://example.org/seminar\nPublish: 2026-12-01T10:00Z' }));
    expect(submissionOf(decision).submission.publishAt).toBe('2026-12-01T10:00:00Z');
  });

  it('does not count SPF and DKIM PASS as verified when DMARC FAILs (a spoofed From)', () => {
    const trust = sesTrust('spf-pass-dmarc-fail');
    expect(trust.verified).toBe(false);
    expect(decide(inbound(), trust).action).toBe('reply');
  });

  it('never lets an unnumbered Alt line overwrite a numbered one', () => {
    const body = readBody('Two pictures.\nAlt 2: The second picture\nAlt: The first picture');
    expect(body.alts.get(1)).toBe('The first picture');
    expect(body.alts.get(2)).toBe('The second picture');
  });

  it('reads the account from the envelope only: a submit+ address in a header is not where the mail was delivered', () => {
    const decision = decide(inbound({ recipients: ['comms@example.org'] }));
    expect(replyOf(decision)).toContain('submit+physics-x@example.org');
  });
});

describe('decideMail: a brand post by mail that holds a key or a token (issue #11)', () => {
  const token = `${'gh'}p_${'R8kz2Lw9Qm4T'.repeat(3)}`;

  it('submits nothing and names the line, never the token', () => {
    // Act
    const decision = decide(inbound({ text: `Our new bot posts for us.\nIt uses ${token} for now.` }));

    // Assess
    expect(decision.action).toBe('reply');
    const reply = replyOf(decision);
    expect(reply).toContain('Signoff never stores passwords, keys or tokens');
    expect(reply).toContain('line 2 of the body');
    expect(reply).not.toContain(token);
    expect(decision.action === 'reply' ? decision.reason : '').toBe('credentials in the mail (1 line)');
  });

  it('names the subject line', () => {
    expect(replyOf(decide(inbound({ subject: `Token ${token}` })))).toContain('  - the subject line');
  });

  it('still takes a post that talks about passwords', () => {
    expect(
      decide(inbound({ text: 'New password rules: at least 12 characters. Forgot your password? https://example.org/reset' })).action,
    ).toBe('submit');
  });
});
