import { appendAudit } from './adapters/audit.js';
import { sendMail } from './adapters/mail.js';
import { claimFlag, finishRequest, releaseFlag } from './adapters/requests.js';
import { NotFoundError } from './core/errors.js';
import { outcomeMail } from './core/render/render.js';
import { notifySubmitterPayload } from './core/request/task-payloads.js';
import { directory } from './use-cases/registry-view.js';
import { optionalEnv } from './shared/env.js';
import { taskHandler } from './shared/middleware.js';
import { countMailSent } from './shared/metrics.js';

// NotifySubmitter: records how the request ended and tells the submitter, exactly once.
const mailFrom = optionalEnv('SIGNOFF_MAIL_FROM', `signoff@${directory.domain}`);

export const handler = taskHandler(notifySubmitterPayload, async ({ requestId, version, outcome }) => {
  const request = await finishRequest(requestId, outcome);
  if (request === undefined) throw new NotFoundError(`request ${requestId} does not exist`);
  // Another ending won (the submitter withdrew as the last decision landed): that one stands, nothing to send.
  if (request.outcome !== outcome) return { outcome: request.outcome ?? outcome };
  if (await claimFlag(requestId, 'outcomeNotified', version)) {
    await appendAudit(requestId, { type: 'request.outcome', actor: 'signoff', data: { outcome, version } });
    const mail = outcomeMail(directory.institution, request, outcome);
    let messageId: string;
    try {
      // A mailed request hears back in its own thread.
      const thread = request.thread;
      messageId = await sendMail({
        from: mailFrom,
        to: [request.submission.submitter],
        ...mail,
        ...(thread ? { inReplyTo: thread.messageId, references: thread.references } : {}),
      });
    } catch (error) {
      await releaseFlag(requestId, 'outcomeNotified');
      throw error;
    }
    countMailSent('outcome');
    await appendAudit(requestId, { type: 'notification.sent', actor: 'signoff', data: { to: request.submission.submitter, outcome, messageId } });
  }
  return { outcome };
});
