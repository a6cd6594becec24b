import type { AuditEntry } from '../core/audit/events.js';
import { countMailSent, type MailKind } from '../shared/metrics.js';
import type { AuditLog, Mailer, OutgoingMail, RequestFlag, RequestStore } from './ports.js';

// A mail a request sends at most once per version (the acknowledgement, the outcome, the new account's notice):
// claim its flag with a conditional write, compose and send it, give the flag back if sending failed (the retried
// task sends it then), audit it once it went out. A crash between the claim and the send loses that mail, never
// repeats it; whatever `compose` does before the send (store a link, audit the outcome) happens under the claim.

export interface SendOncePorts {
  readonly requests: Pick<RequestStore, 'claimFlag' | 'releaseFlag'>;
  readonly mail: Mailer;
  readonly audit: Pick<AuditLog, 'appendAudit'>;
}

export interface OnceMail {
  readonly requestId: string;
  readonly version: number;
  /** The request's flag that says this mail went out. */
  readonly flag: RequestFlag;
  /** What the mail is, for the MailSent metric (shared/metrics.ts). */
  readonly kind: MailKind;
  /** The mail, composed only by the caller that claimed the flag. */
  compose(): OutgoingMail | Promise<OutgoingMail>;
  /** The audit event of the mail sent, with SES's message id. */
  sent(messageId: string): AuditEntry;
}

/** Sends the mail unless it was sent (or claimed) before; returns its message id, or undefined when it was not sent here. */
export async function sendOnce(ports: SendOncePorts, once: OnceMail): Promise<string | undefined> {
  if (!(await ports.requests.claimFlag(once.requestId, once.flag, once.version))) return undefined;
  const mail = await once.compose();
  let messageId: string;
  try {
    messageId = await ports.mail.sendMail(mail);
  } catch (error) {
    await ports.requests.releaseFlag(once.requestId, once.flag);
    throw error;
  }
  countMailSent(once.kind);
  await ports.audit.appendAudit(once.requestId, once.sent(messageId));
  return messageId;
}
