import type { Readable } from 'node:stream';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { z } from 'zod';
import { SendInFlightError } from '../lambdas/core/errors.js';
import { MAX_ATTACHMENT_BYTES } from '../lambdas/core/mail/mail.js';
import { MAX_MIME_PARTS } from '../lambdas/core/mail/mail-parse.js';
import type { MailOutcome, Refusal } from '../lambdas/use-cases/submit-mail.js';

// The local stand-in for SES receipt: an SMTP server on loopback that hands each message to the same
// mail-intake code the SES-triggered function runs. Mail is accepted from loopback connections only,
// which is what "verified" means here (on AWS it is SES's DMARC/SPF/DKIM verdicts).

/** Mail larger than this is refused at the SMTP level; up to it, oversize attachments are answered by reply. */
const MAX_MESSAGE_BYTES = 4 * MAX_ATTACHMENT_BYTES;
/**
 * Recipients of one transaction. A request goes to one intake address; past this the client hears 452 (RFC 5321
 * §4.5.3.1.10) and sends the rest in another transaction, instead of a huge envelope reaching the audit trail.
 */
const MAX_RECIPIENTS = 50;
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

const outcomeSchema = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('duplicate') }),
  z.object({
    outcome: z.literal('refused'),
    refusal: z.enum(['too-many-parts', 'unparseable', 'sender-not-established']),
    reason: z.string(),
  }),
  z.object({ outcome: z.enum(['dropped', 'answered']), reason: z.string() }),
  z.object({ outcome: z.literal('submitted'), requestId: z.string(), created: z.boolean() }),
  z.object({ outcome: z.literal('new-version'), requestId: z.string(), version: z.number() }),
]);

/** What mail intake returned, read back from the JSON an invocation returns (local/mail-intake-entry.ts). */
export function mailOutcome(value: unknown): MailOutcome {
  const outcome: MailOutcome = outcomeSchema.parse(value);
  return outcome;
}

/** Handles one received message; the session gives the connection and envelope facts a verifying mode needs. */
export type InboundHandler = (raw: Buffer, envelopeRecipients: string[], session: SMTPServerSession) => Promise<MailOutcome>;

/**
 * The permanent answers (RFC 5321 §4.2.1, 5yz: do not send this again) to a mail refused as it stands. A 4xx here
 * would have the sending server retry for days something that can never succeed.
 */
const REFUSALS: Readonly<Record<Refusal, { readonly code: number; readonly text: string }>> = {
  'too-many-parts': {
    code: 552,
    text: `Message has more than ${MAX_MIME_PARTS} MIME parts; at most ${MAX_MIME_PARTS} MIME parts are accepted`,
  },
  unparseable: { code: 554, text: 'Message could not be parsed as MIME' },
  'sender-not-established': {
    code: 550,
    text: 'The From header must name exactly one sender, in exactly one From header (RFC 5322 section 3.6)',
  },
};

function readAll(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

export function createSmtpIntake(handle: InboundHandler, onError: (error: unknown) => void): SMTPServer {
  return new SMTPServer({
    name: 'signoff.local',
    banner: 'Signoff local mail intake',
    secure: false,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    maxRecipients: MAX_RECIPIENTS,
    logger: false,
    onConnect(session: SMTPServerSession, callback: (error?: Error) => void) {
      if (!LOOPBACK.test(session.remoteAddress)) {
        callback(Object.assign(new Error('Mail is accepted from this machine only'), { responseCode: 554 }));
        return;
      }
      callback();
    },
    onData(stream: Readable, session: SMTPServerSession, callback: (error?: Error | null) => void) {
      readAll(stream)
        .then(
          async (raw) => {
            if ((stream as Readable & { sizeExceeded?: boolean }).sizeExceeded) {
              callback(Object.assign(new Error(`Message exceeds ${MAX_MESSAGE_BYTES} bytes`), { responseCode: 552 }));
              return;
            }
            // Handled before "250 OK": once the sender hears OK, the request is stored (or the reply sent).
            const outcome = await handle(
              raw,
              session.envelope.rcptTo.map((r) => r.address),
              session,
            );
            if (outcome.outcome === 'refused') {
              const answer = REFUSALS[outcome.refusal];
              callback(Object.assign(new Error(answer.text), { responseCode: answer.code }));
              return;
            }
            callback(null);
          },
          // The message never arrived whole: the client went away mid-DATA. Nothing was handled and the sender never
          // heard OK, so it sends the mail again; no intake error (one was logged for each such client).
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        )
        .catch((error: unknown) => {
          // A reply to this mail claimed by an earlier delivery may still be on its way: try again after its lease.
          if (error instanceof SendInFlightError) {
            callback(Object.assign(new Error('A reply to this message may be on its way; try again later'), { responseCode: 451 }));
            return;
          }
          onError(error);
          // 451: a temporary failure (the store or the outbox did not answer), so the sending client tries again;
          // nothing half-done is kept as done. What can never succeed was answered with a 5xx above.
          callback(Object.assign(new Error('Temporary failure; try again'), { responseCode: 451 }));
        });
    },
  });
}
