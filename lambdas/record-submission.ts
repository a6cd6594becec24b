import { appendAudit } from './adapters/audit.js';
import { putWithdrawLink } from './adapters/approvals.js';
import { sendMail } from './adapters/mail.js';
import { claimFlag, recordExecution, releaseFlag } from './adapters/requests.js';
import { NotFoundError } from './core/errors.js';
import { newLinkId, sha256Hex } from './core/ids.js';
import { acknowledgementMail } from './core/render/render.js';
import { recordSubmissionPayload } from './core/request/task-payloads.js';
import { directory } from './use-cases/registry-view.js';
import { optionalEnv, requireEnv, withoutTrailingSlashes } from './shared/env.js';
import { taskHandler } from './shared/middleware.js';
import { countMailSent } from './shared/metrics.js';

// RecordSubmission: ties the stored submission (this version) to the execution that carries it, and
// acknowledges it to the submitter with a link to withdraw it — in the mail thread for mailed requests.

const baseUrl = withoutTrailingSlashes(requireEnv('PUBLIC_BASE_URL'));
const mailFrom = optionalEnv('SIGNOFF_MAIL_FROM', `signoff@${directory.domain}`);

export const handler = taskHandler(recordSubmissionPayload, async ({ requestId, version, executionArn }) => {
  const request = await recordExecution(requestId, executionArn);
  if (request === undefined) throw new NotFoundError(`request ${requestId} does not exist`);
  await appendAudit(requestId, { type: 'workflow.started', actor: 'signoff', data: { executionArn, version } });
  if (await claimFlag(requestId, 'acknowledged', version)) {
    const withdrawId = newLinkId();
    await putWithdrawLink(sha256Hex(withdrawId), requestId);
    const mail = acknowledgementMail(directory.institution, request, `${baseUrl}/withdraw/${withdrawId}`);
    const thread = request.thread;
    let messageId: string;
    try {
      messageId = await sendMail({
        from: mailFrom,
        to: [request.submission.submitter],
        ...mail,
        ...(thread ? { inReplyTo: thread.messageId, references: [...thread.references] } : {}),
      });
    } catch (error) {
      await releaseFlag(requestId, 'acknowledged');
      throw error;
    }
    countMailSent('acknowledgement');
    await appendAudit(requestId, { type: 'notification.sent', actor: 'signoff', data: { to: request.submission.submitter, kind: 'acknowledgement', version, messageId } });
  }
  return { kind: request.kind };
});
