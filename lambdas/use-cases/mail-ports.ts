import { mediaStore } from '../adapters/media.js';
import { requestIdFor } from '../core/ids.js';
import { loggedCheckBudget } from '../shared/check-budget.js';
import { countIntakeRefusal, countMailSent } from '../shared/metrics.js';
import { optionalEnv, requireEnv, withoutTrailingSlashes } from '../shared/env.js';
import { acceptSubmission } from './accept-submission.js';
import { submitNewVersion } from './change-request.js';
import { defaultPorts } from './default-ports.js';
import { directory, registryView } from './registry-view.js';
import type { MailPorts } from './submit-mail.js';

// The real adapters behind submitMail, shared by the SES-triggered function and the local SMTP server. Both transports
// count here alike (shared/metrics.ts): each reply sent, and each mail not taken, which is audited once as mail.rejected
// (counted when the event is written, not when a redelivery finds it written).
const { requests, approvals, audit, mail } = defaultPorts;
const media = mediaStore();

export const mailPorts: MailPorts = {
  directory: registryView,
  mailFrom: optionalEnv('SIGNOFF_MAIL_FROM', `signoff@${directory.domain}`),
  mediaBaseUrl: `${withoutTrailingSlashes(requireEnv('PUBLIC_BASE_URL'))}/media`,
  checkBudget: loggedCheckBudget({ source: 'mail' }),
  answered: approvals.inboundAnswered,
  markAnswered: approvals.markInboundAnswered,
  known: approvals.inboundKnown,
  claimInboundReply: approvals.claimInboundReply,
  markInboundReplied: approvals.markInboundReplied,
  releaseInboundReply: approvals.releaseInboundReply,
  accept: (a) => acceptSubmission(a, defaultPorts),
  async threadRequest(references) {
    for (const ref of references) {
      const request = await requests.getRequest(requestIdFor('mail', ref));
      if (request !== undefined) return { requestId: request.requestId, status: request.status, outcome: request.outcome };
    }
    return undefined;
  },
  newVersion: (requestId, submission, idempotencyKey, now) => submitNewVersion(requestId, submission, idempotencyKey, now, defaultPorts),
  putMedia: (m) => media.putMedia(m.key, m.content, m.contentType),
  async sendMail(m) {
    const messageId = await mail.sendMail(m);
    countMailSent('mail-reply');
    return messageId;
  },
  async auditUnless(requestId, entry, present) {
    const event = await audit.appendAuditUnless(requestId, entry, present);
    // Counted where it is written: a redelivery that finds the event there counts nothing again.
    if (event !== undefined && entry.type === 'mail.rejected')
      countIntakeRefusal(
        'mail',
        entry.data.refusal ?? (entry.data.replied === false && entry.data.replyRefused === undefined ? 'dropped' : 'answered'),
      );
    return event !== undefined;
  },
};
