import { appendAudit } from './adapters/audit.js';
import { beginDelivery, finishDelivery, putLink } from './adapters/approvals.js';
import { sendMail } from './adapters/mail.js';
import { getRequest } from './adapters/requests.js';
import { NotFoundError } from './core/errors.js';
import { newLinkId, sha256Hex } from './core/ids.js';
import { approvalMail } from './core/render.js';
import { requestApprovalPayload } from './core/task-payloads.js';
import { directory } from './shared/directory.js';
import { optionalEnv, requireEnv } from './shared/env.js';
import { taskHandler } from './shared/middleware.js';

// RequestApproval (a .waitForTaskToken task): one review link per assignee, bound to that approver
// and this stage, e-mailed to them. The task token is stored with the link and never leaves the server.
// Keyed on the token with a conditional write, so a retried or replayed task sends nothing twice.

const baseUrl = requireEnv('PUBLIC_BASE_URL').replace(/\/+$/, '');
const mailFrom = optionalEnv('SIGNOFF_MAIL_FROM', `signoff@${directory.domain}`);

export const handler = taskHandler(requestApprovalPayload, async ({ taskToken, requestId, version, stageIndex, deadline }) => {
  const request = await getRequest(requestId);
  const stage = request?.stages[stageIndex];
  if (request === undefined || stage === undefined) throw new NotFoundError(`request ${requestId} has no stage ${stageIndex}`);
  const tokenHash = sha256Hex(taskToken);

  for (const approver of stage.assignees) {
    const linkId = newLinkId();
    const linkHash = sha256Hex(linkId);
    const delivery = await beginDelivery(tokenHash, approver.id, linkHash);
    if (delivery === 'sent') continue;
    await putLink({
      pk: `link#${linkHash}`,
      requestId,
      version,
      stageIndex,
      stage: stage.stage,
      approver,
      taskToken,
      deadline,
      createdAt: new Date().toISOString(),
    });
    const mail = approvalMail({ institution: directory.institution, request, stage, approver, reviewUrl: `${baseUrl}/approvals/${linkId}`, deadline });
    const messageId = await sendMail({ from: mailFrom, to: [approver.email], ...mail });
    await finishDelivery(tokenHash, approver.id, messageId);
    await appendAudit(requestId, {
      type: 'approval.requested',
      actor: 'signoff',
      data: { stage: stage.stage, stageIndex, version, approver: approver.email, linkHash, deadline, messageId },
    });
  }
  return { requested: stage.assignees.length };
});
