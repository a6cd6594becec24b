import { AlreadyDecidedError, NotFoundError, SendInFlightError } from '../core/errors.js';
import { newLinkId, sha256Hex } from '../core/ids.js';
import type { Assignee, RequestRecord, StageName, StagePhase } from '../core/model.js';
import { approvalMail } from '../core/render/render.js';
import type { Directory } from '../core/request/directory.js';
import { deputiesFor } from '../core/request/route.js';
import type { ApprovalStore, AuditAppends, AuditLog, DeliveryRef, Mailer, RequestStore } from './ports.js';
import { whileLeased } from './send-once.js';
import { countMailSent } from '../shared/metrics.js';

// The callback task of a stage, in the phase AdvanceStage gives it: asks the assignees, reminds them at half-time, or
// asks their deputies at the deadline (GOVERNANCE.md §3). It registers its task token on the stage (server-side only)
// so the decision endpoint can nudge the task now waiting, and e-mails review links: one per person, bound to them
// and the stage. Each e-mail is keyed on (stage, phase, person) with conditional writes (sending → sent → audited),
// so a retried, replayed or re-entered task sends nothing twice.

export interface RequestApprovalPorts {
  readonly requests: Pick<RequestStore, 'getRequest' | 'registerWait' | 'recordEscalation' | 'markDelivered'>;
  readonly approvals: Pick<ApprovalStore, 'beginDelivery' | 'deliveryOf' | 'markDelivery' | 'releaseDelivery' | 'putLink'>;
  readonly audit: Pick<AuditLog, 'forInvocation'>;
  readonly mail: Mailer;
  readonly directory: Directory;
  readonly mailFrom: string;
  /** Where review links point (PUBLIC_BASE_URL, no trailing slash). */
  readonly baseUrl: string;
}

/** The ports of one run of the task: its appends remember the chain (AuditLog.forInvocation). */
type Invocation = Omit<RequestApprovalPorts, 'audit'> & { readonly audit: AuditAppends };

/** What auditing a sent ask takes (AdvanceStage calls it too). */
type AuditAsksPorts = { readonly audit: Pick<AuditAppends, 'appendAuditUnless'> };

export interface ApprovalTask {
  readonly taskToken: string;
  readonly requestId: string;
  readonly version: number;
  readonly stageIndex: number;
  readonly phase: StagePhase;
  readonly deadline: string;
}

const AUDIT_TYPE: Readonly<Record<StagePhase, 'approval.requested' | 'approval.reminded' | 'approval.escalated'>> = {
  requested: 'approval.requested',
  reminded: 'approval.reminded',
  escalated: 'approval.escalated',
};

/**
 * Who this phase asks, and the request as it stands once they are known (what the mails show): `request` as the wait's
 * registration returned it, or as the escalation wrote it (read again only when another run wrote the escalation).
 */
async function recipients(
  request: RequestRecord,
  stageIndex: number,
  phase: StagePhase,
  deadline: string,
  ports: Invocation,
): Promise<{ readonly people: readonly Assignee[]; readonly current: RequestRecord }> {
  const stage = request.stages[stageIndex];
  if (stage === undefined) return { people: [], current: request };
  if (phase !== 'escalated') return { people: stage.assignees, current: request };
  if (stage.escalatedTo !== undefined) return { people: stage.escalatedTo, current: request };
  const deputies = deputiesFor(request, stageIndex, ports.directory);
  const escalated = await ports.requests.recordEscalation(
    request.requestId,
    request.version,
    stageIndex,
    deputies,
    new Date().toISOString(),
    deadline,
  );
  if (deputies.length === 0) {
    // Once per stage and version, though the task that finds no deputy runs again after a crash.
    await ports.audit.appendAuditUnless(
      request.requestId,
      {
        type: 'stage.escalation-skipped',
        actor: 'signoff',
        data: { stage: stage.stage, stageIndex, version: request.version, reason: 'no eligible deputy in the directory' },
      },
      (e) => e.type === 'stage.escalation-skipped' && e.data['stageIndex'] === stageIndex && e.data['version'] === request.version,
    );
  }
  return { people: deputies, current: escalated ?? (await ports.requests.getRequest(request.requestId)) ?? request };
}

export async function requestApproval(
  { taskToken, requestId, version, stageIndex, phase, deadline }: ApprovalTask,
  given: RequestApprovalPorts,
  leaseUntil: Date,
  now: Date = new Date(),
): Promise<{ asked: number }> {
  const ports: Invocation = { ...given, audit: given.audit.forInvocation() };
  const { directory } = ports;
  // The registration is the first call (issue #18): its conditional write holds only while the stage is open and
  // pending, and returns the request as it left it, so the request is read only when the stage is not open.
  const waiting = await ports.requests.registerWait(requestId, version, stageIndex, taskToken, phase);
  if (waiting === undefined) {
    const request = await ports.requests.getRequest(requestId);
    if (request?.stages[stageIndex] === undefined) throw new NotFoundError(`request ${requestId} has no stage ${stageIndex}`);
    await auditAsksSent(request, stageIndex, phase, deadline, ports);
    throw new AlreadyDecidedError(`stage ${stageIndex} of ${requestId} is no longer open`);
  }
  const stage = waiting.stages[stageIndex];
  if (stage === undefined) throw new NotFoundError(`request ${requestId} has no stage ${stageIndex}`);
  const audited = (ref: DeliveryRef, approver: Assignee, sent: { readonly linkHash: string; readonly messageId: string | null }) =>
    auditDelivery(ports, ref, { stage: stage.stage, approver: approver.email, deadline, ...sent });
  const { people, current } = await recipients(waiting, stageIndex, phase, deadline, ports);
  // Waiting again in a phase whose asks all went out and were audited (AdvanceStage's recheck, issue #18): nothing
  // is left to send or audit, so no delivery is read.
  if (current.stages[stageIndex]?.delivered === phase) return { asked: people.length };

  for (const approver of people) {
    const linkId = newLinkId();
    const linkHash = sha256Hex(linkId);
    const ref = { requestId, version, stageIndex, phase, approverId: approver.id };
    const delivery = await ports.approvals.beginDelivery(ref, linkHash, leaseUntil, now);
    if (delivery.state === 'audited') continue;
    // Another run of this task may still be sending it: retried after its lease (the ASL's SendInFlightError retrier).
    if (delivery.state === 'in-flight')
      throw new SendInFlightError(
        `the ${phase} mail to ${approver.id} for ${requestId} may still be on its way (until ${delivery.until.toISOString()})`,
      );
    if (delivery.state === 'sent') {
      // An earlier run sent it and ended before auditing it (or before marking it audited).
      await audited(ref, approver, delivery);
      continue;
    }
    let messageId: string;
    try {
      await ports.approvals.putLink({
        pk: `link#${linkHash}`,
        requestId,
        version,
        stageIndex,
        stage: stage.stage,
        approver,
        csrf: newLinkId(),
        createdAt: new Date().toISOString(),
      });
      const mail = approvalMail({
        institution: directory.institution,
        request: current,
        stage: current.stages[stageIndex] ?? stage,
        approver,
        reviewUrl: `${ports.baseUrl}/approvals/${linkId}`,
        deadline,
        phase,
        unitName: current.submission.kind === 'account-opening' ? directory.unitName(current.submission.unit) : undefined,
      });
      messageId = await ports.mail.sendMail({ from: ports.mailFrom, to: [approver.email], ...mail });
    } catch (error) {
      // Not sent: the delivery is given back, so the retried task sends it at once rather than after the lease.
      await ports.approvals.releaseDelivery(ref);
      throw error;
    }
    countMailSent(`approval-${phase}`);
    // Sent: marked before the lease ends, or a retry after it would send it again.
    await whileLeased(() => ports.approvals.markDelivery(ref, 'sent', messageId), leaseUntil);
    await audited(ref, approver, { linkHash, messageId });
  }
  // Every e-mail of this phase is out: a failure reported for this task from now on did not come from here.
  await ports.requests.markDelivered(requestId, version, stageIndex, phase);
  return { asked: people.length };
}

/**
 * The asks of a phase an earlier run sent and never audited, audited now that the stage is decided (issue #13: a mail
 * sent, then its run died, then the approver decided; the retried ask, or AdvanceStage finding the decision, calls
 * this). Nothing new is sent. A mail not marked sent is known to have arrived only when its approver decided the stage:
 * audited then without SES's id, which died with the run (a run still alive audits it with the id, and whichever comes
 * second finds the link in the trail).
 */
export async function auditAsksSent(
  request: RequestRecord,
  stageIndex: number,
  phase: StagePhase,
  deadline: string,
  ports: AuditAsksPorts & { readonly approvals: Pick<ApprovalStore, 'deliveryOf' | 'markDelivery'> },
): Promise<void> {
  const stage = request.stages[stageIndex];
  // Marked delivered: the run that asked this phase audited every ask before marking it, so nothing is left to read.
  if (stage === undefined || stage.delivered === phase) return;
  const { requestId, version } = request;
  for (const approver of phase === 'escalated' ? (stage.escalatedTo ?? []) : stage.assignees) {
    const ref = { requestId, version, stageIndex, phase, approverId: approver.id };
    const delivery = await ports.approvals.deliveryOf(ref);
    const sent =
      delivery?.state === 'sent'
        ? delivery
        : delivery?.state === 'in-flight' && delivery.linkHash !== undefined && stage.deciderId === approver.id
          ? { linkHash: delivery.linkHash, messageId: null }
          : undefined;
    if (sent !== undefined) await auditDelivery(ports, ref, { stage: stage.stage, approver: approver.email, deadline, ...sent });
  }
}

/** Audits a delivery that was sent, unless the trail has its link already, and marks it audited. */
async function auditDelivery(
  ports: AuditAsksPorts & { readonly approvals: Pick<ApprovalStore, 'markDelivery'> },
  ref: DeliveryRef,
  sent: {
    readonly stage: StageName;
    readonly approver: string;
    readonly deadline: string;
    readonly linkHash: string;
    readonly messageId: string | null;
  },
): Promise<void> {
  const type = AUDIT_TYPE[ref.phase];
  await ports.audit.appendAuditUnless(
    ref.requestId,
    {
      type,
      actor: 'signoff',
      data: {
        stage: sent.stage,
        stageIndex: ref.stageIndex,
        version: ref.version,
        approver: sent.approver,
        linkHash: sent.linkHash,
        deadline: sent.deadline,
        messageId: sent.messageId,
      },
    },
    (e) => e.type === type && e.data['linkHash'] === sent.linkHash,
  );
  await ports.approvals.markDelivery(ref, 'audited');
}
