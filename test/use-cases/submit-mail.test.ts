import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SESEvent, SESMail, SESReceipt } from 'aws-lambda';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { describe, expect, it } from 'vitest';
import { parseDirectory, withRegistry, type Directory } from '../../lambdas/core/request/directory.js';
import { requestIdFor } from '../../lambdas/core/ids.js';
import { sesOrigin } from '../../lambdas/adapters/ses-receipt.js';
import { mediaKey, type MediaToStore } from '../../lambdas/core/mail/mail.js';
import { LOOPBACK, trustOf } from '../../lambdas/core/mail/mail-auth.js';
import { MAX_MIME_PARTS } from '../../lambdas/core/mail/mail-parse.js';
import { sesFrom, sesStored } from '../fixtures/ses.js';
import { ValidationError } from '../../lambdas/core/errors.js';
import { QUESTION_KEYS } from '../../lambdas/core/account-opening/questionnaire.js';
import { QUESTION_LABELS } from '../../lambdas/core/mail/mail-opening-parse.js';
import type { RegistryAccount, Submission } from '../../lambdas/core/model.js';
import type { Accepted, Acceptance } from '../../lambdas/use-cases/accept-submission.js';
import { submitMail, type MailPorts } from '../../lambdas/use-cases/submit-mail.js';
import type { AuditEntry } from '../../lambdas/core/audit/events.js';
import { MemoryApprovals, MemoryAudit } from './memory-ports.js';

// One inbound SES mail end to end through submitMail, against in-memory ports that record every call.

const NOW = new Date('2026-11-20T10:00:00Z');
/** The deadline of the invocation under test, and so the lease of the reply it claims: its 30 s timeout after NOW. */
const DEADLINE = new Date(NOW.getTime() + 30_000);
const MEDIA_BASE = 'https://signoff.example.org/media';
const MAIL_FROM = 'Signoff <signoff@example.org>';
// A small valid PNG (1×1 pixel).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
// A phrase of the body that must never reach the audit trail of a rejected mail.
const BODY_PHRASE = 'Quantum Open Day in the Feynman lecture hall';
const BODY = [
  `Join us on Saturday for the ${BODY_PHRASE}!`,
  'Alt 1: Visitors looking at a detector model',
  'Consent: yes',
  'AI: no',
  '',
  '-- ',
  'Ada Lovelace, Physics Department',
].join('\n');

const file: Directory = parseDirectory(
  JSON.parse(readFileSync(new URL('../../config/directory.json', import.meta.url), 'utf8')) as unknown,
);
// The registry as its first read seeds it from the file; the port gives it with the directory in the registry's view.
const registry: readonly RegistryAccount[] = file.accounts.map((a) => ({
  ...a,
  smmAdmin: true,
  openedBy: 'directory',
  openedAt: '2026-01-01T00:00:00.000Z',
}));

interface Fixture {
  readonly mail: SESMail;
  readonly receipt: SESReceipt;
}

function fixture(name: string): Fixture {
  const event = JSON.parse(readFileSync(new URL(`../fixtures/ses/${name}.json`, import.meta.url), 'utf8')) as SESEvent;
  const record = event.Records[0];
  if (record === undefined) throw new Error(`fixture ${name} has no record`);
  return { mail: record.ses.mail, receipt: record.ses.receipt };
}

/** The raw MIME SES stored for the fixture: SES's headers on top of its From, To, Subject, Message-ID and Date, with a PNG attached. */
async function rawMime(f: Fixture, imageOrThread: Buffer | { references: string; inReplyTo: string } = PNG): Promise<Buffer> {
  const h = f.mail.commonHeaders;
  const image = Buffer.isBuffer(imageOrThread) ? imageOrThread : PNG;
  const thread = Buffer.isBuffer(imageOrThread) ? {} : imageOrThread;
  const message = await new MailComposer({
    ...thread,
    from: h.from?.[0] ?? f.mail.source,
    to: h.to ?? f.mail.destination,
    subject: h.subject ?? '',
    messageId: h.messageId,
    date: new Date(h.date),
    text: BODY,
    attachments: [{ filename: 'open-day.png', content: image, contentType: 'image/png' }],
  })
    .compile()
    .build();
  return sesStored(f, message);
}

type SentMail = Parameters<MailPorts['sendMail']>[0];
/** An audit event written (not one the trail had already). */
interface AuditCall {
  readonly requestId: string;
  readonly entry: AuditEntry;
}
interface Recorded {
  readonly accept: Acceptance[];
  readonly sendMail: SentMail[];
  readonly audit: AuditCall[];
  readonly putMedia: MediaToStore[];
  readonly answered: string[];
  readonly markAnswered: string[];
  readonly newVersion: Array<{ requestId: string; idempotencyKey: string; submission?: Submission }>;
}

/** Requests already in the store, by the Message-ID that submitted them (for replies in their thread). */
type Threads = Map<string, { requestId: string; status: string; outcome?: string }>;

interface FakeOptions {
  /** The registry the port reads (default: the directory file's accounts). */
  readonly registry?: readonly RegistryAccount[];
  /** What newVersion throws, when it refuses. */
  readonly newVersionError?: Error;
}

function fakePorts(
  threads: Threads = new Map(),
  options: FakeOptions = {},
): { ports: MailPorts; calls: Recorded; approvals: MemoryApprovals; trail: MemoryAudit } {
  // The inbound items and the trail under the same conditions as the adapters (test/use-cases/memory-ports.ts).
  const approvals = new MemoryApprovals();
  const trail = new MemoryAudit();
  const calls: Recorded = { accept: [], sendMail: [], audit: [], putMedia: [], answered: [], markAnswered: [], newVersion: [] };
  const current = options.registry ?? registry;
  const ports: MailPorts = {
    directory: async () => ({ directory: withRegistry(file, current), registry: current }),
    mailFrom: MAIL_FROM,
    mediaBaseUrl: MEDIA_BASE,
    answered: async (hash) => {
      calls.answered.push(hash);
      return approvals.inboundAnswered(hash);
    },
    markAnswered: async (hash) => {
      calls.markAnswered.push(hash);
      await approvals.markInboundAnswered(hash);
    },
    known: (hash) => approvals.inboundKnown(hash),
    claimInboundReply: (hash, leaseUntil, now) => approvals.claimInboundReply(hash, leaseUntil, now),
    markInboundReplied: (hash, messageId) => approvals.markInboundReplied(hash, messageId),
    releaseInboundReply: (hash, leaseUntil) => approvals.releaseInboundReply(hash, leaseUntil),
    accept: async (a): Promise<Accepted> => {
      calls.accept.push(a);
      return { requestId: requestIdFor(a.channel, a.idempotencyKey), created: true };
    },
    putMedia: async (m) => {
      calls.putMedia.push(m);
    },
    threadRequest: async (references) => references.map((r) => threads.get(r)).find((t) => t !== undefined),
    newVersion: async (requestId, submission, idempotencyKey) => {
      if (options.newVersionError !== undefined) throw options.newVersionError;
      calls.newVersion.push({ requestId, idempotencyKey, ...(submission.kind === 'account-opening' ? { submission } : {}) });
      return { version: 2, created: true };
    },
    sendMail: async (m) => {
      calls.sendMail.push(m);
      return `<out-${calls.sendMail.length}@signoff.example.org>`;
    },
    auditUnless: async (requestId, entry, present) => {
      const event = await trail.appendAuditUnless(requestId, entry, present, NOW);
      if (event === undefined) return false;
      calls.audit.push({ requestId, entry });
      return true;
    },
  };
  return { ports, calls, approvals, trail };
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

describe('submitMail: mail that makes no request', () => {
  it.each([
    { name: 'dmarc-fail', outcome: 'answered', replied: true },
    { name: 'spf-pass-dmarc-fail', outcome: 'answered', replied: true },
    { name: 'unknown-sender', outcome: 'dropped', replied: false },
    { name: 'no-account', outcome: 'answered', replied: true },
    { name: 'oversized', outcome: 'answered', replied: true },
    { name: 'spam-fail', outcome: 'dropped', replied: false },
    { name: 'virus-fail', outcome: 'dropped', replied: false },
  ])('$name: no request, one audit entry without the content', async ({ name, outcome, replied }) => {
    // Prepare
    const f = fixture(name);
    const image = name === 'oversized' ? Buffer.alloc(11 * 1024 * 1024, 0x89) : PNG;
    const raw = await rawMime(f, image);
    const { ports, calls } = fakePorts();
    const messageId = f.mail.commonHeaders.messageId;

    // Act
    const result = await submitMail(raw, f.receipt.recipients, sesOrigin(f, raw), ports, DEADLINE, NOW);

    // Assess
    expect(result.outcome).toBe(outcome);
    expect(calls.accept).toEqual([]);
    expect(calls.putMedia).toEqual([]);
    expect(calls.sendMail).toHaveLength(replied ? 1 : 0);
    expect(calls.audit).toHaveLength(1);
    const audit = calls.audit[0];
    expect(audit?.requestId).toBe(requestIdFor('mail', messageId));
    expect(audit?.entry.type).toBe('mail.rejected');
    expect(audit?.entry.data).toHaveProperty('messageIdHash', sha256(messageId));
    expect(audit?.entry.data).toHaveProperty('replied', replied);
    const logged = JSON.stringify(audit);
    expect(logged).not.toContain(f.mail.commonHeaders.subject ?? '(no subject)');
    expect(logged).not.toContain(BODY_PHRASE);
    expect(logged).not.toContain('Visitors looking at a detector model');
    expect(calls.markAnswered).toEqual([sha256(messageId)]);
  });

  it.each(['dmarc-fail', 'spf-pass-dmarc-fail'])('%s: the known sender gets one short reply in the thread', async (name) => {
    // Prepare
    const f = fixture(name);
    const raw = await rawMime(f);
    const { ports, calls } = fakePorts();
    const messageId = f.mail.commonHeaders.messageId;

    // Act
    await submitMail(raw, f.receipt.recipients, sesOrigin(f, raw), ports, DEADLINE, NOW);

    // Assess
    expect(calls.sendMail).toHaveLength(1);
    const reply = calls.sendMail[0];
    expect(reply?.from).toBe(MAIL_FROM);
    expect(reply?.to).toEqual(['ada@example.org']);
    expect(reply?.subject).toBe('Re: Open day next Saturday');
    expect(reply?.inReplyTo).toBe(messageId);
    expect(reply?.references).toEqual([messageId]);
    expect(reply?.text).toContain('could not verify that this mail came from you');
    expect(reply?.text.length).toBeLessThan(300);
    expect(reply?.text).not.toContain(BODY_PHRASE);
    expect(calls.audit[0]?.entry.actor).toBe('ada@example.org');
    expect(calls.audit[0]?.entry.data).toHaveProperty('reason', `unverified origin (${trustOf(sesOrigin(f, raw), sesFrom(f)).basis})`);
  });

  it('no-account: the reply names the submit+ address of the sender’s account', async () => {
    // Prepare
    const f = fixture('no-account');
    const raw = await rawMime(f);
    const { ports, calls } = fakePorts();

    // Act
    await submitMail(raw, f.receipt.recipients, sesOrigin(f, raw), ports, DEADLINE, NOW);

    // Assess
    expect(calls.sendMail[0]?.to).toEqual(['ada@example.org']);
    expect(calls.sendMail[0]?.inReplyTo).toBe(f.mail.commonHeaders.messageId);
    expect(calls.sendMail[0]?.text).toContain('submit+physics-x@example.org');
  });

  it('oversized: the reply says attachments are limited to 10 MB', async () => {
    // Prepare
    const f = fixture('oversized');
    const raw = await rawMime(f, Buffer.alloc(11 * 1024 * 1024, 0x89));
    const { ports, calls } = fakePorts();

    // Act
    await submitMail(raw, f.receipt.recipients, sesOrigin(f, raw), ports, DEADLINE, NOW);

    // Assess
    expect(calls.sendMail[0]?.to).toEqual(['ada@example.org']);
    expect(calls.sendMail[0]?.text).toContain('attachments may total at most 10 MB');
    expect(calls.sendMail[0]?.text).toContain('11.0 MB and 1 images');
  });

  it.each(['unknown-sender', 'spam-fail', 'virus-fail'])('%s: nobody is mailed', async (name) => {
    // Prepare
    const f = fixture(name);
    const raw = await rawMime(f);
    const { ports, calls } = fakePorts();

    // Act
    await submitMail(raw, f.receipt.recipients, sesOrigin(f, raw), ports, DEADLINE, NOW);

    // Assess
    expect(calls.sendMail).toEqual([]);
    expect(calls.audit[0]?.entry.actor).toBe(name === 'unknown-sender' ? 'mallory@elsewhere.example' : 'ada@example.org');
  });
});

describe('submitMail: verified mail from a poster', () => {
  it.each(['dmarc-pass', 'spf-dkim-pass-no-dmarc', 'dkim-aligned-esp', 'spf-aligned-subdomain'])(
    '%s: is accepted once, with its image stored and the thread recorded for the acknowledgement',
    async (name) => {
      // Prepare
      const f = fixture(name);
      const raw = await rawMime(f);
      const { ports, calls } = fakePorts();
      const messageId = f.mail.commonHeaders.messageId;
      const requestId = requestIdFor('mail', messageId);
      const key = mediaKey(PNG, 'image/png');

      // Act
      const result = await submitMail(raw, f.receipt.recipients, sesOrigin(f, raw), ports, DEADLINE, NOW);

      // Assess
      expect(result).toEqual({ outcome: 'submitted', requestId, created: true });
      expect(calls.putMedia).toEqual([{ key, contentType: 'image/png', content: PNG }]);
      expect(calls.accept).toHaveLength(1);
      const accepted = calls.accept[0];
      expect(accepted?.channel).toBe('mail');
      expect(accepted?.idempotencyKey).toBe(messageId);
      expect(accepted?.bodyHash).toBe(createHash('sha256').update(raw).digest('hex'));
      expect(accepted?.thread).toEqual({ messageId, references: [messageId] });
      expect(accepted?.now).toBe(NOW);
      expect(accepted?.submission).toMatchObject({
        submitter: 'ada@example.org',
        account: 'physics-x',
        title: 'Open day next Saturday',
        text: `Join us on Saturday for the ${BODY_PHRASE}!`,
        media: [{ type: 'image', url: `${MEDIA_BASE}/${key}`, alt: 'Visitors looking at a detector model' }],
        attestations: { peopleConsent: true, aiUsed: false },
      });
      // The acknowledgement goes out from the workflow's first state (RecordSubmission), threaded by `thread` above.
      expect(calls.sendMail).toEqual([]);
      expect(calls.audit).toEqual([]);
      expect(calls.markAnswered).toEqual([sha256(messageId)]);
    },
  );
});

describe('submitMail: redelivery', () => {
  it('duplicate: the same mail twice is accepted once', async () => {
    // Prepare
    const f = fixture('duplicate');
    const raw = await rawMime(f);
    const { ports, calls } = fakePorts();
    const trust = sesOrigin(f, raw);
    const first = await submitMail(raw, f.receipt.recipients, trust, ports, DEADLINE, NOW);

    // Act
    const second = await submitMail(raw, f.receipt.recipients, trust, ports, DEADLINE, NOW);

    // Assess
    expect(first.outcome).toBe('submitted');
    expect(second).toEqual({ outcome: 'duplicate' });
    expect(calls.accept).toHaveLength(1);
    expect(calls.sendMail).toHaveLength(0);
    expect(calls.putMedia).toHaveLength(1);
    expect(calls.markAnswered).toHaveLength(1);
    expect(calls.answered).toEqual([sha256(f.mail.commonHeaders.messageId), sha256(f.mail.commonHeaders.messageId)]);
  });

  it('a rejected mail delivered again is not answered again', async () => {
    // Prepare
    const f = fixture('dmarc-fail');
    const raw = await rawMime(f);
    const { ports, calls } = fakePorts();
    const trust = sesOrigin(f, raw);
    await submitMail(raw, f.receipt.recipients, trust, ports, DEADLINE, NOW);

    // Act
    const second = await submitMail(raw, f.receipt.recipients, trust, ports, DEADLINE, NOW);

    // Assess
    expect(second).toEqual({ outcome: 'duplicate' });
    expect(calls.sendMail).toHaveLength(1);
    expect(calls.audit).toHaveLength(1);
  });
});

describe("submitMail: replies in a request's thread", () => {
  it('submits a new version when the request came back for changes', async () => {
    // Prepare: the fixture mail answers the thread of an earlier mailed request
    const f = fixture('dmarc-pass');
    const original = '<original-submission@example.org>';
    const raw = await rawMime(f, { references: original, inReplyTo: original });
    const { ports, calls } = fakePorts(
      new Map([[original, { requestId: 'req_AAAAAAAAAAAAAAAAAAAAAAAA', status: 'changes-requested', outcome: 'changes-requested' }]]),
    );

    // Act
    const result = await submitMail(raw, f.receipt.recipients, sesOrigin(f, raw), ports, DEADLINE, NOW);

    // Assess
    expect(result).toEqual({ outcome: 'new-version', requestId: 'req_AAAAAAAAAAAAAAAAAAAAAAAA', version: 2 });
    expect(calls.newVersion).toEqual([{ requestId: 'req_AAAAAAAAAAAAAAAAAAAAAAAA', idempotencyKey: f.mail.commonHeaders.messageId }]);
    expect(calls.accept).toEqual([]);
  });

  it('answers, and submits nothing, when the request is still being decided', async () => {
    const f = fixture('dmarc-pass');
    const original = '<original-submission@example.org>';
    const raw = await rawMime(f, { references: original, inReplyTo: original });
    const { ports, calls } = fakePorts(new Map([[original, { requestId: 'req_BBBBBBBBBBBBBBBBBBBBBBBB', status: 'awaiting-approval' }]]));

    const result = await submitMail(raw, f.receipt.recipients, sesOrigin(f, raw), ports, DEADLINE, NOW);

    expect(result.outcome).toBe('answered');
    expect(calls.newVersion).toEqual([]);
    expect(calls.accept).toEqual([]);
    expect(calls.sendMail[0]?.text).toContain('awaiting-approval');
  });
});

describe('submitMail: account openings to open@', () => {
  const SECRET = 'hunter2-Correct-Horse';
  const ANSWER_PHRASE = 'Physics Department outreach programme';
  const ANSWERS: Readonly<Record<string, string>> = {
    project: `The ${ANSWER_PHRASE}: public lectures, open days and lab news.`,
    platform: 'Bluesky, where many physicists moved.',
    audience: 'Students, teachers and the public.',
    existingChannel: 'The institute account posts institution-wide news.',
    communications: 'Event announcements and lab stories.',
    frequency: 'Three times a week',
    resources: 'Ada Lovelace (20 %) and Bob Noyce (10 %).',
    endOfLife: 'Archived and handed back to the communications office.',
    hashtagInstead: 'No: a hashtag would not give the department its own audience.',
    closedGroupInstead: 'No: the audience is the public.',
    evaluation: 'Followers and replies, reviewed every quarter.',
    readyToRetire: 'Yes.',
  };
  const OPENING = [
    'Unit: physics',
    'Platform: bluesky',
    'Handle: @physics.example.org',
    'Admins: ada@example.org, bob@example.org',
    'SMM admin: yes',
    'Credentials kept in: vault://comms/social/physics-bluesky',
    'Comment policy: yes',
    ...QUESTION_KEYS.map((k) => `${QUESTION_LABELS[k]}: ${ANSWERS[k] ?? ''}`),
    '',
    '-- ',
    'Alan Turing',
  ].join('\n');

  async function openingMime(m: { text: string; messageId: string; subject?: string; thread?: string }): Promise<Buffer> {
    return new MailComposer({
      from: 'Alan Turing <alan@example.org>',
      to: 'open@example.org',
      subject: m.subject ?? 'Physics on Bluesky',
      messageId: m.messageId,
      text: m.text,
      ...(m.thread === undefined ? {} : { inReplyTo: m.thread, references: m.thread }),
    })
      .compile()
      .build();
  }

  it('accepts a complete opening as an account-opening request, threaded for the acknowledgement', async () => {
    // Prepare
    const messageId = '<opening-1@example.org>';
    const raw = await openingMime({ text: OPENING, messageId });
    const { ports, calls } = fakePorts();

    // Act
    const result = await submitMail(raw, ['open@example.org'], LOOPBACK, ports, DEADLINE, NOW);

    // Assess
    expect(result).toEqual({ outcome: 'submitted', requestId: requestIdFor('mail', messageId), created: true });
    expect(calls.accept).toHaveLength(1);
    expect(calls.accept[0]?.channel).toBe('mail');
    expect(calls.accept[0]?.thread).toEqual({ messageId, references: [messageId] });
    expect(calls.accept[0]?.submission).toMatchObject({
      kind: 'account-opening',
      submitter: 'alan@example.org',
      unit: 'physics',
      platform: 'bluesky',
      handle: '@physics.example.org',
      title: 'Physics on Bluesky',
      admins: ['ada@example.org', 'bob@example.org'],
      questionnaire: ANSWERS,
      attestations: { smmAdmin: true, credentialStore: 'vault://comms/social/physics-bluesky', commentPolicy: true },
    });
    expect(calls.putMedia).toEqual([]);
    expect(calls.sendMail).toEqual([]);
    expect(calls.audit).toEqual([]);
    expect(calls.markAnswered).toEqual([sha256(messageId)]);
  });

  it('refuses a mail with a "Password:" line: nothing submitted, a reply in the thread, an audit entry, never the password', async () => {
    // Prepare
    const messageId = '<opening-password@example.org>';
    const raw = await openingMime({ text: OPENING.replace('Comment policy: yes', `Comment policy: yes\nPassword: ${SECRET}`), messageId });
    const { ports, calls } = fakePorts();

    // Act
    const result = await submitMail(raw, ['open@example.org'], LOOPBACK, ports, DEADLINE, NOW);

    // Assess
    expect(result).toEqual({ outcome: 'answered', reason: 'credentials in the mail (1 line)' });
    expect(calls.accept).toEqual([]);
    expect(calls.newVersion).toEqual([]);
    expect(calls.sendMail).toHaveLength(1);
    const reply = calls.sendMail[0];
    expect(reply?.to).toEqual(['alan@example.org']);
    expect(reply?.subject).toBe('Re: Physics on Bluesky');
    expect(reply?.inReplyTo).toBe(messageId);
    expect(reply?.text).toContain('Signoff never stores passwords or other credentials');
    expect(reply?.text).toContain('line 8: "Password:"');
    expect(reply?.text).toContain('Credentials kept in: <vault path>');
    expect(JSON.stringify(reply)).not.toContain(SECRET);
    expect(calls.audit).toHaveLength(1);
    expect(calls.audit[0]).toEqual({
      requestId: requestIdFor('mail', messageId),
      entry: {
        type: 'mail.rejected',
        actor: 'alan@example.org',
        data: {
          messageIdHash: sha256(messageId),
          reason: 'credentials in the mail (1 line)',
          trust: 'local loopback connection',
          recipients: ['open@example.org'],
          replied: true,
          replyMessageId: '<out-1@signoff.example.org>',
        },
      },
    });
    const logged = JSON.stringify(calls.audit);
    expect(logged).not.toContain(SECRET);
    expect(logged).not.toContain(ANSWER_PHRASE);
    expect(calls.markAnswered).toEqual([sha256(messageId)]);
  });

  it('reads the registry from the port: a handle registered there is answered, not submitted', async () => {
    // Prepare
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
    const raw = await openingMime({ text: OPENING, messageId: '<opening-taken@example.org>' });
    const { ports, calls } = fakePorts(new Map(), { registry: [...registry, opened] });

    // Act
    const result = await submitMail(raw, ['open@example.org'], LOOPBACK, ports, DEADLINE, NOW);

    // Assess
    expect(result.outcome).toBe('answered');
    expect(calls.accept).toEqual([]);
    expect(calls.sendMail[0]?.text).toContain('"Handle:" "@physics.example.org" is already registered on Bluesky');
  });

  it('takes a reply in the thread of an opening returned for changes as its new version', async () => {
    // Prepare
    const original = '<opening-original@example.org>';
    const messageId = '<opening-v2@example.org>';
    const raw = await openingMime({
      text: `${OPENING}\n\nOn Monday, Signoff wrote:\n> Returned for changes.`,
      messageId,
      subject: 'Re: Physics on Bluesky',
      thread: original,
    });
    const { ports, calls } = fakePorts(
      new Map([[original, { requestId: 'req_CCCCCCCCCCCCCCCCCCCCCCCC', status: 'changes-requested', outcome: 'changes-requested' }]]),
    );

    // Act
    const result = await submitMail(raw, ['open@example.org'], LOOPBACK, ports, DEADLINE, NOW);

    // Assess
    expect(result).toEqual({ outcome: 'new-version', requestId: 'req_CCCCCCCCCCCCCCCCCCCCCCCC', version: 2 });
    expect(calls.accept).toEqual([]);
    expect(calls.newVersion).toHaveLength(1);
    expect(calls.newVersion[0]?.idempotencyKey).toBe(messageId);
    expect(calls.newVersion[0]?.submission).toMatchObject({
      kind: 'account-opening',
      title: 'Physics on Bluesky',
      handle: '@physics.example.org',
    });
    expect(calls.markAnswered).toEqual([sha256(messageId)]);
  });

  it("answers, and is not retried, when the thread's request refuses the version (another kind)", async () => {
    // Prepare: an opening mailed in the thread of a brand post
    const original = '<brand-post-original@example.org>';
    const messageId = '<opening-in-post-thread@example.org>';
    const raw = await openingMime({ text: OPENING, messageId, subject: 'Re: Open day', thread: original });
    const refusal = new ValidationError(['kind: a new version must be a brand-post like the request (got account-opening)']);
    const { ports, calls } = fakePorts(
      new Map([[original, { requestId: 'req_DDDDDDDDDDDDDDDDDDDDDDDD', status: 'changes-requested', outcome: 'changes-requested' }]]),
      { newVersionError: refusal },
    );

    // Act
    const result = await submitMail(raw, ['open@example.org'], LOOPBACK, ports, DEADLINE, NOW);

    // Assess
    expect(result).toEqual({ outcome: 'answered', reason: 'not a new version (ValidationError)' });
    expect(calls.sendMail).toHaveLength(1);
    expect(calls.sendMail[0]?.inReplyTo).toBe(messageId);
    expect(calls.sendMail[0]?.text).toContain('is not a new version of request req_DDDDDDDDDDDDDDDDDDDDDDDD');
    expect(calls.sendMail[0]?.text).toContain('kind: a new version must be a brand-post');
    expect(calls.audit).toEqual([
      {
        requestId: 'req_DDDDDDDDDDDDDDDDDDDDDDDD',
        entry: {
          type: 'mail.rejected',
          actor: 'alan@example.org',
          data: {
            messageIdHash: sha256(messageId),
            reason: 'not a new version: ValidationError',
            replyMessageId: '<out-1@signoff.example.org>',
          },
        },
      },
    ]);
    expect(calls.markAnswered).toEqual([sha256(messageId)]);
  });
});

describe('submitMail: who sent it must be established (issue #11)', () => {
  /** A message as sent, with the headers given, before SES adds its own. */
  function sent(headers: readonly string[], body = BODY): Buffer {
    return Buffer.from(
      `${headers.join('\r\n')}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body.replace(/\n/g, '\r\n')}\r\n`,
    );
  }

  it("spf-dkim-pass-unaligned: SPF and DKIM PASS for the sender's own domain do not make it the From address's mail", async () => {
    // Prepare
    const f = fixture('spf-dkim-pass-unaligned');
    const raw = await rawMime(f);
    const { ports, calls } = fakePorts();

    // Act
    const result = await submitMail(raw, f.receipt.recipients, sesOrigin(f, raw), ports, DEADLINE, NOW);

    // Assess: nothing accepted; the address in From is told its name was used (as for any unverified mail)
    expect(result.outcome).toBe('answered');
    expect(calls.accept).toEqual([]);
    expect(calls.putMedia).toEqual([]);
    expect(calls.sendMail[0]?.text).toContain('could not verify that this mail came from you');
    expect(calls.audit[0]?.entry.data).toHaveProperty(
      'reason',
      'unverified origin (SPF PASS (evil.example: not aligned), DKIM PASS (evil.example: not aligned), DMARC GRAY, spam PASS, virus PASS; From domain example.org)',
    );
  });

  it('takes no Authentication-Results from the mail itself: a forged "amazonses.com; dmarc=pass" lower down changes nothing', async () => {
    // Prepare: the sender wrote their own, SES's is on top
    const f = fixture('spf-dkim-pass-unaligned');
    const forged =
      'Authentication-Results: amazonses.com; spf=pass smtp.mailfrom=ada@example.org; dkim=pass header.d=example.org; dmarc=pass header.from=example.org';
    const raw = sesStored(
      f,
      sent([
        forged,
        'From: Ada Lovelace <ada@example.org>',
        'To: submit+physics-x@example.org',
        'Subject: Forged results',
        `Message-ID: ${f.mail.commonHeaders.messageId}`,
      ]),
    );
    const { ports, calls } = fakePorts();

    // Act
    const result = await submitMail(raw, f.receipt.recipients, sesOrigin(f, raw), ports, DEADLINE, NOW);

    // Assess
    expect(result.outcome).toBe('answered');
    expect(calls.accept).toEqual([]);
  });

  it.each([
    ['two From headers', ['From: Mallory <mallory@evil.example>', 'From: Ada Lovelace <ada@example.org>'], '2 From headers'],
    ['one From naming a member, then a stranger', ['From: ada@example.org, mallory@evil.example'], 'the From header names 2 addresses'],
  ])('%s: refused, nobody answered, audited as from no one and without content', async (_name, from, problem) => {
    // Prepare: SES's verdicts all PASS (DMARC for example.org), so only the From rule stands in the way
    const f = fixture('dmarc-pass');
    const messageId = f.mail.commonHeaders.messageId;
    const raw = sesStored(
      f,
      sent([...from, 'To: submit+physics-x@example.org', 'Subject: Open day next Saturday', `Message-ID: ${messageId}`]),
    );
    const { ports, calls } = fakePorts();

    // Act
    const result = await submitMail(raw, f.receipt.recipients, sesOrigin(f, raw), ports, DEADLINE, NOW);

    // Assess
    expect(result).toEqual({ outcome: 'refused', refusal: 'sender-not-established', reason: `sender not established: ${problem}` });
    expect(calls.accept).toEqual([]);
    expect(calls.sendMail).toEqual([]);
    expect(calls.audit).toHaveLength(1);
    expect(calls.audit[0]?.requestId).toBe(requestIdFor('mail', messageId));
    expect(calls.audit[0]?.entry).toMatchObject({
      type: 'mail.rejected',
      actor: 'unknown',
      data: { messageIdHash: sha256(messageId), refusal: 'sender-not-established', replied: false },
    });
    expect(JSON.stringify(calls.audit)).not.toContain(BODY_PHRASE);
    expect(JSON.stringify(calls.audit)).not.toContain('Open day next Saturday');
    // not marked answered: the same bytes again are refused again, not taken for a handled duplicate
    expect(calls.markAnswered).toEqual([]);
  });

  it('refuses a mail with more MIME parts than the limit before parsing it, audited under its Message-ID', async () => {
    // Prepare
    const f = fixture('dmarc-pass');
    const messageId = f.mail.commonHeaders.messageId;
    const parts = Array.from({ length: MAX_MIME_PARTS }, (_, i) =>
      ['--b', `Content-Type: text/plain; name="p${i}.txt"`, '', `${BODY_PHRASE} ${i}`].join('\r\n'),
    );
    const raw = sesStored(
      f,
      Buffer.from(
        [
          `From: ada@example.org`,
          `Message-ID: ${messageId}`,
          'Subject: Many parts',
          'MIME-Version: 1.0',
          'Content-Type: multipart/mixed; boundary="b"',
          '',
          ...parts,
          '--b--',
          '',
        ].join('\r\n'),
      ),
    );
    const { ports, calls } = fakePorts();

    // Act
    const result = await submitMail(raw, f.receipt.recipients, sesOrigin(f, raw), ports, DEADLINE, NOW);

    // Assess
    expect(result).toEqual({ outcome: 'refused', refusal: 'too-many-parts', reason: `more than ${MAX_MIME_PARTS} MIME parts` });
    expect(calls.accept).toEqual([]);
    expect(calls.sendMail).toEqual([]);
    expect(calls.audit.map((a) => [a.requestId, a.entry.type, a.entry.actor])).toEqual([
      [requestIdFor('mail', messageId), 'mail.rejected', 'unknown'],
    ]);
    expect(JSON.stringify(calls.audit)).not.toContain(BODY_PHRASE);
  });

  it('keys a refused mail without a Message-ID by its bytes', async () => {
    // Prepare
    const raw = sent(['From: ada@example.org', 'From: mallory@evil.example', 'Subject: No id']);
    const { ports, calls } = fakePorts();

    // Act
    await submitMail(raw, ['submit+physics-x@example.org'], LOOPBACK, ports, DEADLINE, NOW);

    // Assess
    expect(calls.audit[0]?.requestId).toBe(requestIdFor('mail', `<${sha256(raw.toString('latin1'))}@signoff.invalid>`));
  });

  /** Garbage with the Message-ID given and more MIME parts than the limit, as SES stored it: refused before parsing. */
  const tooManyParts = (f: ReturnType<typeof fixture>, messageId: string) =>
    sesStored(
      f,
      Buffer.from(
        [
          `Message-ID: ${messageId}`,
          'Content-Type: multipart/mixed; boundary="b"',
          '',
          ...Array.from({ length: MAX_MIME_PARTS }, () => '--b\r\n\r\nx'),
          '--b--',
          '',
        ].join('\r\n'),
      ),
    );

  it("audits a refused mail reusing a handled mail's Message-ID under its bytes, not in that request's chain", async () => {
    // Prepare: Ada's mail was handled; then garbage with two From headers comes with its Message-ID
    const f = fixture('dmarc-pass');
    const messageId = f.mail.commonHeaders.messageId;
    const { ports, calls } = fakePorts();
    const first = await rawMime(f);
    await submitMail(first, f.receipt.recipients, sesOrigin(f, first), ports, DEADLINE, NOW);
    const raw = sesStored(f, sent(['From: mallory@evil.example', 'From: ada@example.org', `Message-ID: ${messageId}`, 'Subject: x']));

    // Act
    const result = await submitMail(raw, f.receipt.recipients, sesOrigin(f, raw), ports, DEADLINE, NOW);

    // Assess: refused; the duplicate check answers first for a parsed mail, so try a census refusal too
    expect(result).toEqual({ outcome: 'duplicate' });
    const many = tooManyParts(f, messageId);
    const refused = await submitMail(many, f.receipt.recipients, sesOrigin(f, many), ports, DEADLINE, NOW);
    expect(refused.outcome).toBe('refused');
    const refusal = calls.audit.find((a) => a.entry.type === 'mail.rejected');
    expect(refusal?.requestId).toBe(requestIdFor('mail', `<${sha256(many.toString('latin1'))}@signoff.invalid>`));
    expect(refusal?.requestId).not.toBe(requestIdFor('mail', messageId));
  });

  it('audits garbage reusing the Message-ID of a mail whose reply was sent but not yet marked answered under its bytes', async () => {
    // Prepare: a delivery claimed and sent its reply, then died before marking the mail answered
    const f = fixture('dmarc-pass');
    const messageId = f.mail.commonHeaders.messageId;
    const { ports, calls, approvals } = fakePorts();
    await approvals.claimInboundReply(sha256(messageId), DEADLINE, NOW);
    await approvals.markInboundReplied(sha256(messageId), '<out-0@signoff.example.org>');
    const many = tooManyParts(f, messageId);

    // Act
    const refused = await submitMail(many, f.receipt.recipients, sesOrigin(f, many), ports, DEADLINE, NOW);

    // Assess: not in the chain of the request that Message-ID names
    expect(refused.outcome).toBe('refused');
    expect(calls.audit.map((a) => a.requestId)).toEqual([requestIdFor('mail', `<${sha256(many.toString('latin1'))}@signoff.invalid>`)]);
  });
});

// Issue #13: a reply is sent once and audited once, wherever the delivery that sends it dies. Each case is what the
// redelivery (SES's retried invocation, an SMTP client's retry after 451) finds, at each point of death.
describe('submitMail: one reply and one mail.rejected per mail, across crashes and redeliveries (issue #13)', () => {
  const AFTER_LEASE = new Date(DEADLINE.getTime() + 60_000);
  const LATER_DEADLINE = new Date(AFTER_LEASE.getTime() + 30_000);

  async function rejected(name = 'dmarc-fail') {
    const f = fixture(name);
    const raw = await rawMime(f);
    return { raw, recipients: f.receipt.recipients, origin: sesOrigin(f, raw), messageId: f.mail.commonHeaders.messageId };
  }

  /** A store whose write of the reply's mark fails while `dead` (the delivery dies after SES took the reply). */
  function dyingAfterSend(ports: MailPorts) {
    const state = { dead: true };
    const dying: MailPorts = {
      ...ports,
      markInboundReplied: async (hash, messageId) => {
        if (state.dead) throw new Error('the invocation ended');
        return ports.markInboundReplied(hash, messageId);
      },
    };
    return { dying, state };
  }

  it('a failed mark of a reply sent is tried again while the lease holds: one reply, one mail.rejected, none on redelivery', async () => {
    // Prepare: the store refuses the mark once (throttled); a deadline still ahead, as in a running invocation
    const mail = await rejected();
    const { ports, calls } = fakePorts();
    let refusals = 1;
    const throttled: MailPorts = {
      ...ports,
      markInboundReplied: async (hash, messageId) => {
        if (refusals-- > 0) throw new Error('ProvisionedThroughputExceededException');
        return ports.markInboundReplied(hash, messageId);
      },
    };
    const running = new Date(Date.now() + 30_000);

    // Act
    const first = await submitMail(mail.raw, mail.recipients, mail.origin, throttled, running, NOW);
    const again = await submitMail(mail.raw, mail.recipients, mail.origin, throttled, LATER_DEADLINE, AFTER_LEASE);

    // Assess
    expect([first.outcome, again.outcome]).toEqual(['answered', 'duplicate']);
    expect(calls.sendMail).toHaveLength(1);
    expect(calls.audit).toHaveLength(1);
    expect(calls.audit[0]?.entry.data).toHaveProperty('replyMessageId', '<out-1@signoff.example.org>');
  });

  it('a delivery that died after sending, before marking the reply, is redelivered: one mail.rejected, of the reply marked', async () => {
    // Prepare
    const mail = await rejected();
    const { ports, calls } = fakePorts();
    const { dying, state } = dyingAfterSend(ports);
    const first = submitMail(mail.raw, mail.recipients, mail.origin, dying, DEADLINE, NOW);
    await expect(first).rejects.toThrow('the invocation ended');
    state.dead = false;

    // Act: during the lease, then after it
    const early = submitMail(mail.raw, mail.recipients, mail.origin, dying, DEADLINE, new Date(DEADLINE.getTime() - 1));
    await expect(early).rejects.toMatchObject({ name: 'SendInFlightError' });
    const again = await submitMail(mail.raw, mail.recipients, mail.origin, dying, LATER_DEADLINE, AFTER_LEASE);
    const third = await submitMail(mail.raw, mail.recipients, mail.origin, dying, LATER_DEADLINE, AFTER_LEASE);

    // Assess: the redelivery after the lease cannot know SES took the first reply (the window no one can close), so
    // it sends one; what matters is that nothing after a marked reply sends or audits again
    expect(again).toEqual({ outcome: 'answered', reason: expect.stringContaining('unverified origin') });
    expect(third).toEqual({ outcome: 'duplicate' });
    expect(calls.sendMail).toHaveLength(2);
    expect(calls.audit).toHaveLength(1);
    expect(calls.audit[0]?.entry.data).toHaveProperty('replyMessageId', '<out-2@signoff.example.org>');
  });

  it('a delivery that died after marking the reply, before auditing it, is redelivered: audited once, no second reply', async () => {
    // Prepare: the store's audit fails on the first delivery (the invocation ends there)
    const mail = await rejected();
    const { ports, calls } = fakePorts();
    const dying: MailPorts = { ...ports, auditUnless: async () => Promise.reject(new Error('the invocation ended')) };
    await expect(submitMail(mail.raw, mail.recipients, mail.origin, dying, DEADLINE, NOW)).rejects.toThrow('the invocation ended');

    // Act: redelivered while the first one's lease would still run (the mark ended it), and again later
    const again = await submitMail(mail.raw, mail.recipients, mail.origin, ports, DEADLINE, NOW);
    const third = await submitMail(mail.raw, mail.recipients, mail.origin, ports, LATER_DEADLINE, AFTER_LEASE);

    // Assess
    expect(again.outcome).toBe('answered');
    expect(third).toEqual({ outcome: 'duplicate' });
    expect(calls.sendMail).toHaveLength(1);
    expect(calls.audit).toHaveLength(1);
    expect(calls.audit[0]?.entry.data).toMatchObject({ replied: true, replyMessageId: '<out-1@signoff.example.org>' });
    expect(calls.markAnswered).toHaveLength(1);
  });

  it('a delivery that died after auditing the reply, before marking the mail answered, writes nothing again', async () => {
    // Prepare
    const mail = await rejected();
    const { ports, calls } = fakePorts();
    const dying: MailPorts = { ...ports, markAnswered: async () => Promise.reject(new Error('the invocation ended')) };
    await expect(submitMail(mail.raw, mail.recipients, mail.origin, dying, DEADLINE, NOW)).rejects.toThrow('the invocation ended');

    // Act
    const again = await submitMail(mail.raw, mail.recipients, mail.origin, ports, LATER_DEADLINE, AFTER_LEASE);

    // Assess
    expect(again.outcome).toBe('answered');
    expect(calls.sendMail).toHaveLength(1);
    expect(calls.audit).toHaveLength(1);
  });

  it('a failed send gives the claim back: the redelivery sends the reply at once (within the lease), once', async () => {
    // Prepare
    const mail = await rejected();
    const { ports, calls } = fakePorts();
    const failing: MailPorts = { ...ports, sendMail: async () => Promise.reject(new Error('SES is throttling')) };
    await expect(submitMail(mail.raw, mail.recipients, mail.origin, failing, DEADLINE, NOW)).rejects.toThrow('SES is throttling');

    // Act
    const again = await submitMail(mail.raw, mail.recipients, mail.origin, ports, DEADLINE, new Date(NOW.getTime() + 1_000));

    // Assess
    expect(again.outcome).toBe('answered');
    expect(calls.sendMail).toHaveLength(1);
    expect(calls.audit).toHaveLength(1);
    expect(calls.audit[0]?.entry.data).toHaveProperty('replyMessageId', '<out-1@signoff.example.org>');
  });

  it('a reply SES refuses for good (MessageRejected) is audited once as refused, the mail answered, and not retried', async () => {
    // Prepare: SES will never mail this stranger (a sandboxed account, an unverified recipient)
    const mail = await rejected();
    const { ports, calls } = fakePorts();
    const refusing: MailPorts = {
      ...ports,
      sendMail: async () => {
        const error = new Error('Email address is not verified.');
        error.name = 'MessageRejected';
        throw error;
      },
    };

    // Act
    const first = await submitMail(mail.raw, mail.recipients, mail.origin, refusing, DEADLINE, NOW);
    const again = await submitMail(mail.raw, mail.recipients, mail.origin, refusing, LATER_DEADLINE, AFTER_LEASE);

    // Assess
    expect([first.outcome, again.outcome]).toEqual(['answered', 'duplicate']);
    expect(calls.sendMail).toEqual([]);
    expect(calls.audit).toHaveLength(1);
    expect(calls.audit[0]?.entry.data).toMatchObject({ replied: false, replyRefused: 'MessageRejected' });
    expect(calls.audit[0]?.entry.data).not.toHaveProperty('replyMessageId');
    expect(calls.markAnswered).toHaveLength(1);
  });

  it('while another delivery holds the reply (its lease), a redelivery neither sends nor audits: SendInFlightError', async () => {
    // Prepare: a delivery claimed the reply and is still within its lease
    const mail = await rejected();
    const { ports, calls, approvals } = fakePorts();
    await approvals.claimInboundReply(sha256(mail.messageId), DEADLINE, NOW);

    // Act
    const redelivered = submitMail(mail.raw, mail.recipients, mail.origin, ports, LATER_DEADLINE, new Date(NOW.getTime() + 5_000));

    // Assess
    await expect(redelivered).rejects.toMatchObject({ name: 'SendInFlightError' });
    expect(calls.sendMail).toEqual([]);
    expect(calls.audit).toEqual([]);
    expect(calls.markAnswered).toEqual([]);
  });

  it("a reply in a request's thread (the request still being decided) is sent and audited once across a crash", async () => {
    // Prepare
    const f = fixture('dmarc-pass');
    const original = '<original-submission@example.org>';
    const raw = await rawMime(f, { references: original, inReplyTo: original });
    const { ports, calls } = fakePorts(new Map([[original, { requestId: 'req_BBBBBBBBBBBBBBBBBBBBBBBB', status: 'awaiting-approval' }]]));
    const dying: MailPorts = { ...ports, auditUnless: async () => Promise.reject(new Error('the invocation ended')) };
    await expect(submitMail(raw, f.receipt.recipients, sesOrigin(f, raw), dying, DEADLINE, NOW)).rejects.toThrow('the invocation ended');

    // Act
    const again = await submitMail(raw, f.receipt.recipients, sesOrigin(f, raw), ports, LATER_DEADLINE, AFTER_LEASE);

    // Assess
    expect(again).toEqual({ outcome: 'answered', reason: 'request is awaiting-approval' });
    expect(calls.sendMail).toHaveLength(1);
    expect(calls.audit).toEqual([
      {
        requestId: 'req_BBBBBBBBBBBBBBBBBBBBBBBB',
        entry: {
          type: 'mail.rejected',
          actor: 'ada@example.org',
          data: {
            messageIdHash: sha256(f.mail.commonHeaders.messageId),
            reason: 'reply to a request that is awaiting-approval',
            replyMessageId: '<out-1@signoff.example.org>',
          },
        },
      },
    ]);
  });

  it('a dropped mail redelivered before it was marked answered is audited once', async () => {
    // Prepare
    const mail = await rejected('spam-fail');
    const { ports, calls } = fakePorts();
    const dying: MailPorts = { ...ports, markAnswered: async () => Promise.reject(new Error('the invocation ended')) };
    await expect(submitMail(mail.raw, mail.recipients, mail.origin, dying, DEADLINE, NOW)).rejects.toThrow('the invocation ended');

    // Act
    const again = await submitMail(mail.raw, mail.recipients, mail.origin, ports, LATER_DEADLINE, AFTER_LEASE);

    // Assess
    expect(again.outcome).toBe('dropped');
    expect(calls.sendMail).toEqual([]);
    expect(calls.audit).toHaveLength(1);
  });

  it('a refused mail delivered again is refused again, and audited once', async () => {
    // Prepare: two From headers (SES's verdicts all PASS)
    const f = fixture('dmarc-pass');
    const raw = sesStored(
      f,
      Buffer.from(
        [
          'From: Mallory <mallory@evil.example>',
          'From: Ada Lovelace <ada@example.org>',
          `Message-ID: ${f.mail.commonHeaders.messageId}`,
          'Subject: x',
          '',
          'x',
          '',
        ].join('\r\n'),
      ),
    );
    const { ports, calls } = fakePorts();

    // Act
    const first = await submitMail(raw, f.receipt.recipients, sesOrigin(f, raw), ports, DEADLINE, NOW);
    const again = await submitMail(raw, f.receipt.recipients, sesOrigin(f, raw), ports, LATER_DEADLINE, AFTER_LEASE);

    // Assess
    expect([first.outcome, again.outcome]).toEqual(['refused', 'refused']);
    expect(calls.audit).toHaveLength(1);
  });
});
