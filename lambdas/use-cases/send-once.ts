import type { AuditEvent } from '../core/audit/audit-chain.js';
import type { AuditEntry } from '../core/audit/events.js';
import { SendInFlightError } from '../core/errors.js';
import { countMailSent, type MailKind } from '../shared/metrics.js';
import type { AuditLog, Mailer, OutgoingMail, RequestFlag, RequestStore } from './ports.js';

// A mail a request sends once per version (the acknowledgement, the outcome, the new account's notice), across
// crashes (issue #13; docs/decisions.md "Exactly once"):
//   1. claim its flag with a conditional write, leased until the claimant's own deadline (the Lambda invocation's);
//   2. compose and send it; a failed send gives the flag back, and the retried task sends it;
//   3. mark it sent (the lease ends, SES's id is kept);
//   4. audit it, unless the trail has that message id already.
// A task run again finds: the mail sent → it audits it if step 4 never happened; the lease live → SendInFlightError,
// which the state machine retries after the lease; the lease passed unmarked → the claimant died between 1 and 3,
// and the mail is sent now. Only a death between SES's acceptance and step 3 sends it twice: no sender can learn
// whether SES took a mail whose answer it never read.

export interface SendOncePorts {
  readonly requests: Pick<RequestStore, 'claimFlag' | 'markFlagSent' | 'releaseFlag'>;
  readonly mail: Mailer;
  readonly audit: Pick<AuditLog, 'appendAuditUnless'>;
}

export interface OnceMail {
  readonly requestId: string;
  readonly version: number;
  /** The request's flag that says this mail went out. */
  readonly flag: RequestFlag;
  /** What the mail is, for the MailSent metric (shared/metrics.ts). */
  readonly kind: MailKind;
  /** Until when this invocation may be sending: its deadline (shared/middleware.ts `deadlineOf`). */
  readonly leaseUntil: Date;
  /** The mail, composed only by the caller that claimed the flag. */
  compose(): OutgoingMail | Promise<OutgoingMail>;
  /** The audit event of the mail sent, with SES's message id. */
  sent(messageId: string): AuditEntry;
}

const auditedAs =
  (messageId: string) =>
  (event: AuditEvent): boolean =>
    event.type === 'notification.sent' && event.data['messageId'] === messageId;

/** Sends the mail unless it was sent before; returns its message id, or undefined when it was not sent here. */
export async function sendOnce(ports: SendOncePorts, once: OnceMail, now: Date = new Date()): Promise<string | undefined> {
  const { requestId, flag, version } = once;
  const claim = await ports.requests.claimFlag(requestId, flag, version, once.leaseUntil, now);
  if (claim.state === 'stale') return undefined;
  if (claim.state === 'in-flight')
    throw new SendInFlightError(
      `the ${once.kind} mail of ${requestId} may still be on its way (claimed until ${claim.until.toISOString()})`,
    );
  if (claim.state === 'sent') {
    // Sent by a run that may have ended before auditing it (step 4): audit it now, once.
    if (claim.messageId !== undefined)
      await ports.audit.appendAuditUnless(requestId, once.sent(claim.messageId), auditedAs(claim.messageId));
    return undefined;
  }
  let messageId: string;
  try {
    messageId = await ports.mail.sendMail(await once.compose());
  } catch (error) {
    // Not sent (composing or sending failed): the claim is given back, so the retried task sends at once.
    await ports.requests.releaseFlag(requestId, flag);
    throw error;
  }
  countMailSent(once.kind);
  // Sent: marked before the lease ends, or a retry after it would send it again.
  await whileLeased(() => ports.requests.markFlagSent(requestId, flag, version, messageId), once.leaseUntil);
  await ports.audit.appendAuditUnless(requestId, once.sent(messageId), auditedAs(messageId));
  return messageId;
}

/**
 * Runs `step` until it succeeds, retrying a failure (a throttled write) while the lease holds: the mark of a mail
 * already sent must land before anyone may take the claim over, or the mail goes out twice (issue #13, found by the
 * fault run). The last failure is thrown once another try would end after the lease.
 */
export async function whileLeased<T>(step: () => Promise<T>, leaseUntil: Date, pause: (ms: number) => Promise<void> = sleep): Promise<T> {
  for (let delay = 50; ; delay = Math.min(delay * 2, 2_000)) {
    try {
      return await step();
    } catch (error) {
      if (Date.now() + delay >= leaseUntil.getTime()) throw error;
      await pause(delay);
    }
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
