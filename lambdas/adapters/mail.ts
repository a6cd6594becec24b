import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { lazy } from './lazy.js';
import { tracer } from '../shared/tracer.js';

// Outgoing mail through SES (API v2, which carries custom headers: replies thread under the mail they
// answer). Locally AWS_ENDPOINT_URL_SESV2 points at aws-ses-v2-local.

export interface OutgoingMail {
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** The Message-ID this mail answers (In-Reply-To), and the thread so far (References). */
  readonly inReplyTo?: string | undefined;
  readonly references?: readonly string[] | undefined;
}

export interface Mailer {
  /** Sends the mail; returns SES's message id. */
  sendMail(mail: OutgoingMail): Promise<string>;
}

const defaultClient = /* @__PURE__ */ lazy(() => tracer.captureAWSv3Client(new SESv2Client({})));

/** Mail through the given SES client; by default the function's one, built on first use. */
export function mailer(client?: SESv2Client): Mailer {
  const ses = () => client ?? defaultClient();
  return {
    async sendMail(mail) {
      const headers = [
        ...(mail.inReplyTo ? [{ Name: 'In-Reply-To', Value: mail.inReplyTo }] : []),
        ...(mail.references && mail.references.length > 0 ? [{ Name: 'References', Value: mail.references.join(' ') }] : []),
      ];
      const out = await ses().send(
        new SendEmailCommand({
          FromEmailAddress: mail.from,
          Destination: { ToAddresses: [...mail.to] },
          Content: {
            Simple: {
              Subject: { Data: mail.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: mail.text, Charset: 'UTF-8' }, Html: { Data: mail.html, Charset: 'UTF-8' } },
              ...(headers.length > 0 ? { Headers: headers } : {}),
            },
          },
        }),
      );
      return out.MessageId ?? '';
    },
  };
}
