import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';

// Outgoing mail through SES. Locally AWS_ENDPOINT_URL_SES points at aws-ses-v2-local.
const ses = new SESClient({});

export interface OutgoingMail {
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export async function sendMail(mail: OutgoingMail): Promise<string> {
  const out = await ses.send(
    new SendEmailCommand({
      Source: mail.from,
      Destination: { ToAddresses: [...mail.to] },
      Message: {
        Subject: { Data: mail.subject, Charset: 'UTF-8' },
        Body: { Text: { Data: mail.text, Charset: 'UTF-8' }, Html: { Data: mail.html, Charset: 'UTF-8' } },
      },
    }),
  );
  return out.MessageId ?? '';
}
