import { appendAudit } from '../adapters/audit.js';
import { inboundAnswered, markInboundAnswered } from '../adapters/approvals.js';
import { sendMail } from '../adapters/mail.js';
import { putMedia } from '../adapters/media.js';
import { directory } from '../shared/directory.js';
import { optionalEnv, requireEnv } from '../shared/env.js';
import { acceptSubmission } from './accept-submission.js';
import type { MailPorts } from './submit-mail.js';

// The real adapters behind submitMail, shared by the SES-triggered function and the local SMTP server.
export const mailPorts: MailPorts = {
  directory,
  mailFrom: optionalEnv('SIGNOFF_MAIL_FROM', `signoff@${directory.domain}`),
  mediaBaseUrl: `${requireEnv('PUBLIC_BASE_URL').replace(/\/+$/, '')}/media`,
  answered: inboundAnswered,
  markAnswered: markInboundAnswered,
  accept: acceptSubmission,
  putMedia: (m) => putMedia(m.key, m.content, m.contentType),
  sendMail,
  audit: appendAudit,
};
