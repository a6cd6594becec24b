import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { SESEvent } from 'aws-lambda';
import { getInboundMail } from './adapters/media.js';
import { trustFromSes } from './core/mail.js';
import { requireEnv } from './shared/env.js';
import { logger } from './shared/logger.js';
import { mailPorts } from './use-cases/mail-ports.js';
import { submitMail } from './use-cases/submit-mail.js';

// SES receipt rule → S3 (raw MIME under inbound/) → this function. The verdicts SES computed decide trust:
// DMARC PASS, or SPF and DKIM PASS; spam or virus FAIL is dropped (lambdas/core/mail.ts).

const bucket = requireEnv('INBOUND_BUCKET');
const prefix = requireEnv('INBOUND_PREFIX');

export const handler = middy<SESEvent, void>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    for (const record of event.Records) {
      const { mail, receipt } = record.ses;
      const raw = await getInboundMail(bucket, `${prefix}${mail.messageId}`);
      const outcome = await submitMail(raw, receipt.recipients, trustFromSes(receipt), mailPorts);
      // Never the content: who, and what became of it.
      logger.info('inbound mail handled', { sesMessageId: mail.messageId, outcome: outcome.outcome });
    }
  });
