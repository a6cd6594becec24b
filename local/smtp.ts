import type { Readable } from 'node:stream';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { MAX_ATTACHMENT_BYTES } from '../lambdas/core/mail.js';

// The local stand-in for SES receipt: an SMTP server on loopback that hands each message to the same
// mail-intake code the SES-triggered function runs. Mail is accepted from loopback connections only,
// which is what "verified" means here (on AWS it is SES's DMARC/SPF/DKIM verdicts).

/** Mail larger than this is refused at the SMTP level; up to it, oversize attachments are answered by reply. */
const MAX_MESSAGE_BYTES = 4 * MAX_ATTACHMENT_BYTES;
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

export type InboundHandler = (raw: Buffer, envelopeRecipients: string[]) => Promise<void>;

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
        .then(async (raw) => {
          if ((stream as Readable & { sizeExceeded?: boolean }).sizeExceeded) {
            callback(Object.assign(new Error(`Message exceeds ${MAX_MESSAGE_BYTES} bytes`), { responseCode: 552 }));
            return;
          }
          // Handled before "250 OK": once the sender hears OK, the request is stored (or the reply sent).
          await handle(raw, session.envelope.rcptTo.map((r) => r.address));
          callback(null);
        })
        .catch((error: unknown) => {
          onError(error);
          // 451: a temporary failure, so the sending client tries again; nothing half-done is kept as done.
          callback(Object.assign(new Error('Temporary failure; try again'), { responseCode: 451 }));
        });
    },
  });
}
