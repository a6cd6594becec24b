import type { SESEvent } from 'aws-lambda';
import { mediaStore } from './adapters/media.js';
import { sesOrigin } from './adapters/ses-receipt.js';
import { requireEnv } from './shared/env.js';
import { logger } from './shared/logger.js';
import { deadlineOf, lambdaChain } from './shared/middleware.js';
import { mailPorts } from './use-cases/mail-ports.js';
import { submitMail } from './use-cases/submit-mail.js';

// SES receipt rule → S3 (raw MIME under inbound/) → this function. Trust comes from SES's verdicts and its own
// Authentication-Results, aligned with the From domain (lambdas/core/mail/mail-auth.ts); spam or virus FAIL is dropped.
// A mail refused as it stands (too many parts, unparseable, no single sender) is audited and returns normally:
// SES has already accepted it, and Lambda's retries of an async invocation would only refuse it again. Only a
// failure of S3, DynamoDB or SES itself throws, to be retried — and a reply another invocation claimed and may still
// be sending (SendInFlightError): the retry, a minute on, comes after that claim's lease (this function's 30 s timeout).

const bucket = requireEnv('INBOUND_BUCKET');
const prefix = requireEnv('INBOUND_PREFIX');
const media = mediaStore();

export const handler = lambdaChain<SESEvent, void>().handler(async (event, context) => {
  for (const record of event.Records) {
    const { mail, receipt } = record.ses;
    const raw = await media.getInboundMail(bucket, `${prefix}${mail.messageId}`);
    // A reply is claimed until this invocation ends (Lambda stops it then): a retry after it may send what was not marked.
    const outcome = await submitMail(raw, receipt.recipients, sesOrigin(record.ses, raw), mailPorts, deadlineOf(context));
    // Never the content: who, and what became of it.
    logger.info('inbound mail handled', {
      sesMessageId: mail.messageId,
      outcome: outcome.outcome,
      ...(outcome.outcome === 'refused' ? { refusal: outcome.refusal } : {}),
    });
  }
});
