import { appendAudit, readAudit } from './adapters/audit.js';
import { beginDelivery, markDelivery, putLink } from './adapters/approvals.js';
import { sendMail } from './adapters/mail.js';
import { getRequest, markDelivered, recordEscalation, registerWait } from './adapters/requests.js';
import { AlreadyDecidedError, NotFoundError } from './core/errors.js';
import { newLinkId, sha256Hex } from './core/ids.js';
import type { Assignee, RequestRecord, StagePhase } from './core/model.js';
import { approvalMail } from './core/render/render.js';
import { deputiesFor } from './core/request/route.js';
import { requestApprovalPayload } from './core/request/task-payloads.js';
import { directory } from './use-cases/registry-view.js';
import { optionalEnv, requireEnv, withoutTrailingSlashes } from './shared/env.js';
import { taskHandler } from './shared/middleware.js';
import { countMailSent } from './shared/metrics.js';

// The callback task of a stage (RequestApproval, .waitForTaskToken), in the phase AdvanceStage gives it: asks the
// assignees, reminds them at half-time, or asks their deputies at the deadline (GOVERNANCE.md §3). It registers its
// task token on the stage (server-side only) so the decision endpoint can nudge the task now waiting, and e-mails
// review links: one per person, bound to them and the stage. Each e-mail is keyed on (stage, phase, person) with
// conditional writes, so a retried, replayed or re-entered task sends nothing twice.

const baseUrl = withoutTrailingSlashes(requireEnv('PUBLIC_BASE_URL'));
const mailFrom = optionalEnv('SIGNOFF_MAIL_FROM', `signoff@${directory.domain}`);

const AUDIT_TYPE: Readonly<Record<StagePhase, 'approval.requested' | 'approval.reminded' | 'approval.escalated'>> = {
  requested: 'approval.requested',
  reminded: 'approval.reminded',
  escalated: 'approval.escalated',
};

async function recipients(request: RequestRecord, stageIndex: number, phase: StagePhase, deadline: string): Promise<readonly Assignee[]> {
  const stage = request.stages[stageIndex];
  if (stage === undefined) return [];
  if (phase !== 'escalated') return stage.assignees;
  if (stage.escalatedTo !== undefined) return stage.escalatedTo;
  const deputies = deputiesFor(request, stageIndex, directory);
  await recordEscalation(request.requestId, request.version, stageIndex, deputies, new Date().toISOString(), deadline);
  if (deputies.length === 0) {
    await appendAudit(request.requestId, { type: 'stage.escalation-skipped', actor: 'signoff', data: { stage: stage.stage, stageIndex, reason: 'no eligible deputy in the directory' } });
  }
  return deputies;
}

export const handler = taskHandler(requestApprovalPayload, async ({ taskToken, requestId, version, stageIndex, phase, deadline }) => {
  const request = await getRequest(requestId);
  const stage = request?.stages[stageIndex];
  if (request === undefined || stage === undefined) throw new NotFoundError(`request ${requestId} has no stage ${stageIndex}`);
  if ((await registerWait(requestId, version, stageIndex, taskToken, phase)) === undefined) {
    throw new AlreadyDecidedError(`stage ${stageIndex} of ${requestId} is no longer open`);
  }
  const people = await recipients(request, stageIndex, phase, deadline);
  const current = (await getRequest(requestId)) ?? request;

  for (const approver of people) {
    const linkId = newLinkId();
    const ref = { requestId, version, stageIndex, phase, approverId: approver.id };
    let delivery = await beginDelivery(ref, sha256Hex(linkId));
    if (delivery.state === 'audited') continue;
    if (delivery.state === 'new') {
      const linkHash = sha256Hex(linkId);
      await putLink({ pk: `link#${linkHash}`, requestId, version, stageIndex, stage: stage.stage, approver, csrf: newLinkId(), createdAt: new Date().toISOString() });
      const mail = approvalMail({ institution: directory.institution, request: current, stage: current.stages[stageIndex] ?? stage, approver, reviewUrl: `${baseUrl}/approvals/${linkId}`, deadline, phase, unitName: current.submission.kind === 'account-opening' ? directory.unitName(current.submission.unit) : undefined });
      const messageId = await sendMail({ from: mailFrom, to: [approver.email], ...mail });
      countMailSent(`approval-${phase}`);
      await markDelivery(ref, 'sent', messageId);
      delivery = { state: 'sent', linkHash, messageId };
    } else {
      // Recovery only: an earlier attempt sent this mail; it may also have audited it before dying.
      const sentLink = delivery.linkHash;
      const audited = (await readAudit(requestId)).some((e) => e.type === AUDIT_TYPE[phase] && e.data['linkHash'] === sentLink);
      if (audited) {
        await markDelivery(ref, 'audited');
        continue;
      }
    }
    await appendAudit(requestId, {
      type: AUDIT_TYPE[phase],
      actor: 'signoff',
      data: { stage: stage.stage, stageIndex, version, approver: approver.email, linkHash: delivery.linkHash, deadline, messageId: delivery.messageId },
    });
    await markDelivery(ref, 'audited');
  }
  // Every e-mail of this phase is out: a failure reported for this task from now on did not come from here.
  await markDelivered(requestId, version, stageIndex, phase);
  return { asked: people.length };
});
