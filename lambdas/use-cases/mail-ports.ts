import { appendAudit } from '../adapters/audit.js';
import { inboundAnswered, markInboundAnswered } from '../adapters/approvals.js';
import { sendMail } from '../adapters/mail.js';
import { putMedia } from '../adapters/media.js';
import { loggedCheckBudget } from '../shared/check-budget.js';
import { countIntakeRefusal, countMailSent } from '../shared/metrics.js';
import { directory, registryView } from './registry-view.js';
import { optionalEnv, requireEnv, withoutTrailingSlashes } from '../shared/env.js';
import { getRequest } from '../adapters/requests.js';
import { requestIdFor } from '../core/ids.js';
import { acceptSubmission } from './accept-submission.js';
import { submitNewVersion } from './change-request.js';
import type { MailPorts } from './submit-mail.js';

// The real adapters behind submitMail, shared by the SES-triggered function and the local SMTP server. Both transports
// count here alike (shared/metrics.ts): each reply sent, and each mail not taken, which is audited once as mail.rejected.
export const mailPorts: MailPorts = {
  directory: registryView,
  mailFrom: optionalEnv('SIGNOFF_MAIL_FROM', `signoff@${directory.domain}`),
  mediaBaseUrl: `${withoutTrailingSlashes(requireEnv('PUBLIC_BASE_URL'))}/media`,
  checkBudget: loggedCheckBudget({ source: 'mail' }),
  answered: inboundAnswered,
  markAnswered: markInboundAnswered,
  accept: acceptSubmission,
  async threadRequest(references) {
    for (const ref of references) {
      const request = await getRequest(requestIdFor('mail', ref));
      if (request !== undefined) return { requestId: request.requestId, status: request.status, outcome: request.outcome };
    }
    return undefined;
  },
  newVersion: submitNewVersion,
  putMedia: (m) => putMedia(m.key, m.content, m.contentType),
  async sendMail(m) {
    const messageId = await sendMail(m);
    countMailSent('mail-reply');
    return messageId;
  },
  async audit(requestId, entry) {
    const event = await appendAudit(requestId, entry);
    if (entry.type === 'mail.rejected') countIntakeRefusal('mail', entry.data.refusal ?? (entry.data.replied === false ? 'dropped' : 'answered'));
    return event;
  },
};
