import { createHash } from 'node:crypto';
import type { AuditEvent } from '../core/audit/audit-chain.js';
import type { AuditEntry } from '../core/audit/events.js';
import { ConflictError, NotFoundError, SendInFlightError, ValidationError } from '../core/errors.js';
import { requestIdFor } from '../core/ids.js';
import { escapeHtml } from '../core/render/render.js';
import { decideMail, type MediaToStore } from '../core/mail/mail.js';
import { trustOf, type MailOrigin } from '../core/mail/mail-auth.js';
import { MAX_MIME_HEADER_BYTES, MAX_MIME_PARTS, readInboundMail, type Unread } from '../core/mail/mail-parse.js';
import type { CheckBudget } from '../core/checks/check-budget.js';
import type { Submission } from '../core/model.js';
import type { RegistryView } from './registry-view.js';
import type { Accepted, Acceptance } from './accept-submission.js';
import type { InboundReplyClaim } from './ports.js';
import { whileLeased } from './send-once.js';

// One inbound mail, from either transport (SES receipt on AWS, SMTP locally): decide, then act. Effects come
// in as ports, so the same function runs against the real adapters and against fakes in tests.

export interface MailPorts {
  /**
   * The registry, and the directory with the registry's accounts in place of the file's, read per mail: an account
   * opened a moment ago is a valid target, and its handle is taken for the next opening.
   */
  directory(): Promise<RegistryView>;
  readonly mailFrom: string;
  readonly mediaBaseUrl: string;
  /** The checks' time budget per rule, and who hears of an overrun (the default budget, unheard, when absent). */
  readonly checkBudget?: CheckBudget | undefined;
  /** True if this Message-ID was fully handled before (a redelivery): nothing is done again. */
  answered(messageIdHash: string): Promise<boolean>;
  markAnswered(messageIdHash: string): Promise<void>;
  /** True if a mail with this Message-ID has an item at all: answered, or its reply claimed or sent. */
  known(messageIdHash: string): Promise<boolean>;
  /** Claims the reply to this Message-ID until `leaseUntil`, or says who has it (issue #13: one reply per mail). */
  claimInboundReply(messageIdHash: string, leaseUntil: Date, now: Date): Promise<InboundReplyClaim>;
  /** The reply went out with SES's id: a redelivery audits it, and sends none. */
  markInboundReplied(messageIdHash: string, messageId: string): Promise<void>;
  /** Gives back the claim leased until `leaseUntil`: its reply was not sent, and the next delivery sends it. */
  releaseInboundReply(messageIdHash: string, leaseUntil: Date): Promise<void>;
  accept(a: Acceptance): Promise<Accepted>;
  /** The mailed request whose thread this mail answers (one of its References is the request's Message-ID). */
  threadRequest(
    references: readonly string[],
  ): Promise<{ readonly requestId: string; readonly status: string; readonly outcome?: string | undefined } | undefined>;
  newVersion(
    requestId: string,
    submission: Submission,
    idempotencyKey: string,
    now: Date,
  ): Promise<{ readonly version: number; readonly created: boolean }>;
  putMedia(m: MediaToStore): Promise<void>;
  sendMail(m: {
    from: string;
    to: string[];
    subject: string;
    text: string;
    html: string;
    inReplyTo?: string;
    references?: string[];
  }): Promise<string>;
  /** Audits unless the chain holds an event `present` accepts; true when this call wrote it. */
  auditUnless(requestId: string, entry: AuditEntry, present: (event: AuditEvent) => boolean): Promise<boolean>;
}

/**
 * Why a mail is refused as it stands: it will never be a request, however often it is delivered. A transport that
 * can still refuse it answers with a permanent error (SMTP 5xx); SES has already taken it, so there it is audited.
 */
export type Refusal = 'too-many-parts' | 'unparseable' | 'sender-not-established';

export type MailOutcome =
  | { readonly outcome: 'duplicate' }
  | { readonly outcome: 'refused'; readonly refusal: Refusal; readonly reason: string }
  | { readonly outcome: 'dropped'; readonly reason: string }
  | { readonly outcome: 'answered'; readonly reason: string }
  | { readonly outcome: 'submitted'; readonly requestId: string; readonly created: boolean }
  | { readonly outcome: 'new-version'; readonly requestId: string; readonly version: number };

/** Why a mail the parser would not read is refused, and what its sender is told. */
const UNREAD: Readonly<Record<Unread, { readonly refusal: Refusal; readonly reason: string }>> = {
  parts: { refusal: 'too-many-parts', reason: `more than ${MAX_MIME_PARTS} MIME parts` },
  headers: { refusal: 'unparseable', reason: `MIME headers over ${MAX_MIME_HEADER_BYTES / 1024 / 1024} MiB` },
  malformed: { refusal: 'unparseable', reason: 'the message could not be parsed as MIME' },
};

/** Recipients kept in an audit event: an envelope of thousands must not make the event too large to store. */
const MAX_AUDITED_RECIPIENTS = 50;

function sha256(value: Buffer | string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** The audit event of a mail not taken and not replied to (refused, dropped): its Message-ID and why. */
const rejectedAs =
  (messageIdHash: string, reason: string) =>
  (event: AuditEvent): boolean =>
    event.type === 'mail.rejected' &&
    event.data['messageIdHash'] === messageIdHash &&
    event.data['reason'] === reason &&
    event.data['replyMessageId'] === undefined;

/** The audit event of a reply sent: by SES's id of that reply. */
const repliedAs =
  (replyMessageId: string) =>
  (event: AuditEvent): boolean =>
    event.type === 'mail.rejected' && event.data['replyMessageId'] === replyMessageId;

/** The audit event of a reply SES refused for good: by the mail's Message-ID. */
const refusedAs =
  (messageIdHash: string) =>
  (event: AuditEvent): boolean =>
    event.type === 'mail.rejected' && event.data['messageIdHash'] === messageIdHash && event.data['replyRefused'] !== undefined;

/**
 * What SES answers a send it will never accept, however often it is asked (SES v2 SendEmail): an address it rejects
 * (a sandboxed account's unverified recipient, a suppressed one), a sender domain it has not verified, a malformed
 * request. Throttling and server errors are not here: those are retried.
 */
const REFUSED_FOR_GOOD: ReadonlySet<string> = new Set(['MessageRejected', 'MailFromDomainNotVerifiedException', 'BadRequestException']);

/** A reply's fate for its audit event: sent (SES's id), or refused by SES for good (its error's name). */
export type ReplyFate = { readonly replyMessageId: string } | { readonly replyRefused: string };

interface Reply {
  readonly messageIdHash: string;
  /** The chain its event goes to. */
  readonly requestId: string;
  readonly mail: Parameters<MailPorts['sendMail']>[0];
  /** The mail.rejected event of the reply, sent or refused for good. */
  audited(fate: ReplyFate): AuditEntry;
}

/**
 * Replies to an inbound mail once, across crashes and redeliveries (issue #13; the protocol of send-once.ts):
 *   1. claim the reply with a conditional write, leased until this invocation's deadline;
 *   2. send it; a failed send gives the claim back, and the redelivery sends it;
 *   3. mark it replied (the lease ends, SES's id is kept);
 *   4. audit it, unless the trail has that reply's id; 5. mark the mail answered.
 * A redelivery finds: the mail answered → a duplicate; the reply marked → it audits it if step 4 never happened;
 * the lease live → SendInFlightError (thrown: SES's invocation is retried, the SMTP client hears 451); the lease passed
 * unmarked → the claimant died between 1 and 3, and the reply is sent now. Only a death between SES's acceptance and
 * step 3 sends it twice.
 */
async function replyOnce(ports: MailPorts, reply: Reply, deadline: Date, now: Date): Promise<'answered' | 'duplicate'> {
  const { messageIdHash, requestId } = reply;
  const claim = await ports.claimInboundReply(messageIdHash, deadline, now);
  if (claim.state === 'answered') return 'duplicate';
  if (claim.state === 'in-flight')
    throw new SendInFlightError(
      `the reply to inbound mail ${messageIdHash} may still be on its way (claimed until ${claim.until.toISOString()})`,
    );
  let replyMessageId: string;
  if (claim.state === 'replied') {
    // Sent by a delivery that may have ended before auditing it (step 4): audited now, once; not sent again.
    replyMessageId = claim.messageId;
  } else {
    try {
      replyMessageId = await ports.sendMail(reply.mail);
    } catch (error) {
      if (error instanceof Error && REFUSED_FOR_GOOD.has(error.name)) {
        // No reply will ever go out (a stranger's address SES will not mail): the mail is audited as answered without
        // one, once, and not retried until the sender gives up (issue #13, found in review).
        await ports.auditUnless(requestId, reply.audited({ replyRefused: error.name }), refusedAs(messageIdHash));
        await ports.markAnswered(messageIdHash);
        return 'answered';
      }
      await ports.releaseInboundReply(messageIdHash, deadline);
      throw error;
    }
    // Sent: marked before the lease ends, or a redelivery after it would send it again.
    await whileLeased(() => ports.markInboundReplied(messageIdHash, replyMessageId), deadline);
  }
  await ports.auditUnless(requestId, reply.audited({ replyMessageId }), repliedAs(replyMessageId));
  await ports.markAnswered(messageIdHash);
  return 'answered';
}

/**
 * Audits a refusal without the mail's content, under the request id its Message-ID gives — unless a mail with that
 * Message-ID was handled before: then under its bytes', so that nobody can add events to a request's chain by
 * sending garbage with that request's Message-ID. Not marked answered: the same bytes again are refused again.
 */
async function refuse(
  ports: MailPorts,
  ids: { readonly messageId: string; readonly byBytes: string },
  recipients: readonly string[],
  refusal: Refusal,
  reason: string,
  trust: string | undefined,
): Promise<MailOutcome> {
  // Taken once any delivery of a mail with that Message-ID got as far as its item (answered, or its reply claimed or
  // sent and not yet marked answered after a crash).
  const taken = ids.messageId !== ids.byBytes && (await ports.known(sha256(ids.messageId)));
  const messageId = taken ? ids.byBytes : ids.messageId;
  const messageIdHash = sha256(messageId);
  // Once per mail: the same bytes delivered again are refused again, and audited once.
  await ports.auditUnless(
    requestIdFor('mail', messageId),
    {
      type: 'mail.rejected',
      actor: 'unknown',
      data: {
        messageIdHash,
        reason,
        refusal,
        ...(trust === undefined ? {} : { trust }),
        recipients: recipients.slice(0, MAX_AUDITED_RECIPIENTS),
        replied: false,
      },
    },
    rejectedAs(messageIdHash, reason),
  );
  return { outcome: 'refused', refusal, reason };
}

export async function submitMail(
  raw: Buffer,
  envelopeRecipients: readonly string[],
  origin: MailOrigin,
  ports: MailPorts,
  /** Until when this call may be replying: the Lambda invocation's deadline (locally too, local/mail-intake-entry.ts). */
  deadline: Date,
  now: Date = new Date(),
): Promise<MailOutcome> {
  // A mail without a Message-ID is keyed by its bytes, so a redelivery is still recognised.
  const byBytes = `<${sha256(raw)}@signoff.invalid>`;
  const reading = await readInboundMail(raw, envelopeRecipients);
  if (reading.outcome === 'unread') {
    // The same bytes fail the same way every time: a refusal, not a failure to retry.
    const { refusal, reason } = UNREAD[reading.why];
    return refuse(ports, { messageId: reading.messageId ?? byBytes, byBytes }, envelopeRecipients, refusal, reason, undefined);
  }
  const { mail } = reading;
  const messageId = mail.messageId || byBytes;
  const messageIdHash = sha256(messageId);
  if (await ports.answered(messageIdHash)) return { outcome: 'duplicate' };

  const requestId = requestIdFor('mail', messageId);
  const { directory, registry } = await ports.directory();
  const trust = trustOf(origin, mail.from);
  const decision = decideMail(mail, { directory, registry, trust, now, mediaBaseUrl: ports.mediaBaseUrl, budget: ports.checkBudget });
  if (decision.action === 'refuse')
    return refuse(ports, { messageId, byBytes }, mail.recipients, 'sender-not-established', decision.reason, trust.basis);
  const thread = { inReplyTo: messageId, references: [...mail.references, messageId] };
  const subject = mail.subject.toLowerCase().startsWith('re:') ? mail.subject : `Re: ${mail.subject || '(no subject)'}`;

  if (decision.action === 'drop') {
    // Audited without the mail's content: who, to where, why; once, though the mail be delivered again before it is marked.
    await ports.auditUnless(
      requestId,
      {
        type: 'mail.rejected',
        actor: decision.sender ?? 'unknown',
        data: {
          messageIdHash,
          reason: decision.reason,
          trust: trust.basis,
          recipients: mail.recipients.slice(0, MAX_AUDITED_RECIPIENTS),
          replied: false,
        },
      },
      rejectedAs(messageIdHash, decision.reason),
    );
    await ports.markAnswered(messageIdHash);
    return { outcome: 'dropped', reason: decision.reason };
  }
  if (decision.action === 'reply') {
    const replied = await replyOnce(
      ports,
      {
        messageIdHash,
        requestId,
        mail: {
          from: ports.mailFrom,
          to: [decision.sender],
          subject,
          text: decision.reply,
          html: `<pre style="white-space:pre-wrap;font:inherit">${escapeHtml(decision.reply)}</pre>`,
          ...thread,
        },
        // Audited without the mail's content: who, to where, why.
        audited: (fate) => ({
          type: 'mail.rejected',
          actor: decision.sender,
          data: {
            messageIdHash,
            reason: decision.reason,
            trust: trust.basis,
            recipients: mail.recipients.slice(0, MAX_AUDITED_RECIPIENTS),
            replied: 'replyMessageId' in fate,
            ...fate,
          },
        }),
      },
      deadline,
      now,
    );
    return replied === 'duplicate' ? { outcome: 'duplicate' } : { outcome: 'answered', reason: decision.reason };
  }

  for (const m of decision.media) await ports.putMedia(m);
  // A reply in a request's thread: a new version if changes were requested, otherwise answered, not submitted.
  const answering = await ports.threadRequest(mail.references);
  if (answering !== undefined) {
    if (answering.outcome !== 'changes-requested') {
      const text = `Your request ${answering.requestId} is ${answering.status}, so this reply changed nothing. To change it, withdraw it (the link is in the acknowledgement) and submit it again.`;
      const replied = await replyOnce(
        ports,
        {
          messageIdHash,
          requestId: answering.requestId,
          mail: { from: ports.mailFrom, to: [decision.sender], subject, text, html: `<p>${escapeHtml(text)}</p>`, ...thread },
          audited: (fate) => ({
            type: 'mail.rejected',
            actor: decision.sender,
            data: { messageIdHash, reason: `reply to a request that is ${answering.status}`, ...fate },
          }),
        },
        deadline,
        now,
      );
      return replied === 'duplicate' ? { outcome: 'duplicate' } : { outcome: 'answered', reason: `request is ${answering.status}` };
    }
    let version: { readonly version: number };
    try {
      version = await ports.newVersion(answering.requestId, decision.submission, messageId, now);
    } catch (error) {
      // Not a version of that request (another kind, another sender), or the request moved on meanwhile: answered,
      // not retried — a redelivery would meet the same refusal.
      if (!(error instanceof ValidationError || error instanceof ConflictError || error instanceof NotFoundError)) throw error;
      const problems = error instanceof ValidationError ? error.problems : [error.message];
      const text = [
        `This reply is not a new version of request ${answering.requestId}, so nothing was submitted:`,
        ...problems.map((p) => `  - ${p}`),
      ].join('\n');
      const reason = `not a new version: ${error.name}`;
      const replied = await replyOnce(
        ports,
        {
          messageIdHash,
          requestId: answering.requestId,
          mail: {
            from: ports.mailFrom,
            to: [decision.sender],
            subject,
            text,
            html: `<pre style="white-space:pre-wrap;font:inherit">${escapeHtml(text)}</pre>`,
            ...thread,
          },
          audited: (fate) => ({ type: 'mail.rejected', actor: decision.sender, data: { messageIdHash, reason, ...fate } }),
        },
        deadline,
        now,
      );
      return replied === 'duplicate' ? { outcome: 'duplicate' } : { outcome: 'answered', reason: `not a new version (${error.name})` };
    }
    await ports.markAnswered(messageIdHash);
    return { outcome: 'new-version', requestId: answering.requestId, version: version.version };
  }
  const accepted = await ports.accept({
    channel: 'mail',
    idempotencyKey: messageId,
    bodyHash: sha256(raw),
    submission: decision.submission,
    thread: { messageId, references: thread.references },
    now,
  });
  // The acknowledgement, in this thread, comes from the workflow's first state (RecordSubmission).
  await ports.markAnswered(messageIdHash);
  return { outcome: 'submitted', requestId: accepted.requestId, created: accepted.created };
}
