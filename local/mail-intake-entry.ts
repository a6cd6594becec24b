import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { sesOrigin } from '../lambdas/adapters/ses-receipt.js';
import { LOOPBACK } from '../lambdas/core/mail/mail-auth.js';
import { mailPorts } from '../lambdas/use-cases/mail-ports.js';
import { submitMail, type MailOutcome } from '../lambdas/use-cases/submit-mail.js';

// Mail-intake as the local runtime invokes it (issue #19): SES receipt has no local stand-in (no S3 to store the raw
// mail in), so the SMTP server hands the bytes it received, with the receipt record its verifying mode computed, to
// the use case the deployed handler runs (lambdas/mail-intake.ts → submitMail, with the same ports). Run
// through the function registry like the others: in this process for the sources, and in the bundles mode in a
// sandbox of its own with mail-intake's synthesised environment and credentials, so its calls are judged by its role.

const verdict = z.exactOptional(z.object({ status: z.enum(['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED', 'DISABLED']) }));
const eventSchema = z.object({
  /** The message as received, base64 (the event crosses a JSON boundary, as a Lambda event does). */
  raw: z.base64(),
  recipients: z.array(z.string()),
  /**
   * In the verifying mode, what SES's receipt event carries (its verdicts and the envelope sender, `Records[n].ses`) as
   * the local stand-in computed them, and whose Authentication-Results it prepended to `raw`; absent for a loopback
   * mail, which the default mode trusts.
   */
  receipt: z.optional(
    z.object({
      record: z.object({
        mail: z.object({ source: z.string() }),
        receipt: z.object({
          spfVerdict: verdict,
          dkimVerdict: verdict,
          dmarcVerdict: verdict,
          spamVerdict: verdict,
          virusVerdict: verdict,
        }),
      }),
      authservId: z.string(),
    }),
  ),
});

export type LocalMailEvent = z.input<typeof eventSchema>;

export async function handler(event: unknown, context: Context): Promise<MailOutcome> {
  const { raw, recipients, receipt } = eventSchema.parse(event);
  const bytes = Buffer.from(raw, 'base64');
  // The origin as the deployed handler finds it from SES's event (lambdas/mail-intake.ts), or a loopback mail's.
  const origin = receipt === undefined ? LOOPBACK : sesOrigin(receipt.record, bytes, receipt.authservId);
  return submitMail(bytes, recipients, origin, mailPorts, new Date(Date.now() + context.getRemainingTimeInMillis()));
}
