import type { SESMail, SESReceipt } from 'aws-lambda';
import { receiverResults, type MailOrigin } from '../core/mail/mail-auth.js';
import { topHeaderFields } from '../core/mail/mail-parse.js';

// SES receipt → the evidence the core judges a mail's origin by (lambdas/core/mail/mail-auth.ts). SES gives its verdicts
// and the envelope sender in the event, and prepends its own Authentication-Results (authserv-id amazonses.com) to
// the raw MIME it stores: which domains SPF and each DKIM signature passed for, needed for alignment. No SDK call:
// the raw bytes come in.

export const SES_AUTHSERV_ID = 'amazonses.com';

/** What this adapter reads of a receipt record (`Records[n].ses`). */
export interface SesReceiptRecord {
  readonly mail: Pick<SESMail, 'source'>;
  readonly receipt: Partial<Pick<SESReceipt, 'spfVerdict' | 'dkimVerdict' | 'dmarcVerdict' | 'spamVerdict' | 'virusVerdict'>>;
}

const status = (v: { readonly status: string } | undefined): string => v?.status.toUpperCase() ?? 'MISSING';

/**
 * The origin of a mail SES received: its verdicts, its envelope sender, and SES's own Authentication-Results — the
 * topmost one, and only if SES wrote it. `authservId` is SES's unless a stand-in computing the same verdicts names
 * itself (the local SMTP intake in its verifying mode).
 */
export function sesOrigin(record: SesReceiptRecord, raw: Buffer, authservId: string = SES_AUTHSERV_ID): MailOrigin {
  const r = record.receipt;
  return {
    kind: 'receipt',
    evidence: {
      authservId,
      spf: status(r.spfVerdict),
      dkim: status(r.dkimVerdict),
      dmarc: status(r.dmarcVerdict),
      spam: status(r.spamVerdict),
      virus: status(r.virusVerdict),
      envelopeFrom: record.mail.source,
      results: receiverResults(topHeaderFields(raw), authservId),
    },
  };
}
