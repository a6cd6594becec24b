import { appendAudit, readAudit } from './adapters/audit.js';
import { beginDelivery, markDelivery, putLink } from './adapters/approvals.js';
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
    let delivery = await beginDelivery(tokenHash, approver.id, sha256Hex(linkId));
    if (delivery.state === 'audited') continue;
    if (delivery.state === 'new') {
      const linkHash = sha256Hex(linkId);
      await putLink({ pk: `link#${linkHash}`, requestId, version, stageIndex, stage: stage.stage, approver, taskToken, deadline, createdAt: new Date().toISOString() });
      const mail = approvalMail({ institution: directory.institution, request, stage, approver, reviewUrl: `${baseUrl}/approvals/${linkId}`, deadline });
      const messageId = await sendMail({ from: mailFrom, to: [approver.email], ...mail });
      await markDelivery(tokenHash, approver.id, 'sent', messageId);
      delivery = { state: 'sent', linkHash, messageId };
    } else {
      // Recovery only: an earlier attempt sent this mail; it may also have audited it before dying.
      const sentLink = delivery.linkHash;
      const audited = (await readAudit(requestId)).some((e) => e.type === 'approval.requested' && e.data['linkHash'] === sentLink);
      if (audited) {
        await markDelivery(tokenHash, approver.id, 'audited');
        continue;
      }
    }
    await appendAudit(requestId, {
      type: 'approval.requested',
      actor: 'signoff',
      data: { stage: stage.stage, stageIndex, version, approver: approver.email, linkHash: delivery.linkHash, deadline, messageId: delivery.messageId },
    });
    await markDelivery(tokenHash, approver.id, 'audited');
  }
  return { requested: stage.assignees.length };
});
