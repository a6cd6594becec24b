import type { RequestKind } from '../core/model.js';
import { NotFoundError } from '../core/errors.js';
import { newLinkId, sha256Hex } from '../core/ids.js';
import { acknowledgementMail } from '../core/render/render.js';
import type { Directory } from '../core/request/directory.js';
import type { ApprovalStore, AuditLog, RequestStore } from './ports.js';
import { sendOnce, type SendOncePorts } from './send-once.js';

// Ties the stored submission (this version) to the execution that carries it, and acknowledges it to the submitter
// once, with a link to withdraw it — in the mail thread for mailed requests.

export interface RecordSubmissionPorts extends Omit<SendOncePorts, 'audit'> {
  readonly requests: Pick<RequestStore, 'recordExecution' | 'claimFlag' | 'markFlagSent' | 'releaseFlag'>;
  readonly approvals: Pick<ApprovalStore, 'putWithdrawLink'>;
  readonly audit: Pick<AuditLog, 'forInvocation'>;
  readonly directory: Pick<Directory, 'institution'>;
  readonly mailFrom: string;
  /** Where the withdraw link points (PUBLIC_BASE_URL, no trailing slash). */
  readonly baseUrl: string;
}

export interface ExecutionStarted {
  readonly requestId: string;
  readonly version: number;
  readonly executionArn: string;
}

export async function recordSubmission(
  { requestId, version, executionArn }: ExecutionStarted,
  ports: RecordSubmissionPorts,
  deadline: Date,
): Promise<{ kind: RequestKind }> {
  const request = await ports.requests.recordExecution(requestId, executionArn);
  if (request === undefined) throw new NotFoundError(`request ${requestId} does not exist`);
  // Two appends, the second (the acknowledgement's) after the first without reading the chain again.
  const audit = ports.audit.forInvocation();
  // Once per execution, however often this task runs (a replay after a crash runs it again).
  await audit.appendAuditUnless(
    requestId,
    { type: 'workflow.started', actor: 'signoff', data: { executionArn, version } },
    (e) => e.type === 'workflow.started' && e.data['executionArn'] === executionArn,
  );
  await sendOnce(
    { ...ports, audit },
    {
      requestId,
      version,
      flag: 'acknowledged',
      kind: 'acknowledgement',
      leaseUntil: deadline,
      async compose() {
        const withdrawId = newLinkId();
        await ports.approvals.putWithdrawLink(sha256Hex(withdrawId), requestId);
        const mail = acknowledgementMail(ports.directory.institution, request, `${ports.baseUrl}/withdraw/${withdrawId}`);
        const thread = request.thread;
        return {
          from: ports.mailFrom,
          to: [request.submission.submitter],
          ...mail,
          ...(thread ? { inReplyTo: thread.messageId, references: [...thread.references] } : {}),
        };
      },
      sent: (messageId) => ({
        type: 'notification.sent',
        actor: 'signoff',
        data: { to: request.submission.submitter, kind: 'acknowledgement', version, messageId },
      }),
    },
  );
  return { kind: request.kind };
}
