import { NotFoundError } from '../core/errors.js';
import type { Outcome } from '../core/model.js';
import { outcomeMail } from '../core/render/render.js';
import type { Directory } from '../core/request/directory.js';
import type { AuditLog, RequestStore } from './ports.js';
import { sendOnce, type SendOncePorts } from './send-once.js';

// Records how the request ended and tells the submitter, exactly once.

export interface NotifySubmitterPorts extends Omit<SendOncePorts, 'audit'> {
  readonly requests: Pick<RequestStore, 'finishRequest' | 'claimFlag' | 'markFlagSent' | 'releaseFlag'>;
  readonly audit: Pick<AuditLog, 'forInvocation'>;
  readonly directory: Pick<Directory, 'institution'>;
  readonly mailFrom: string;
}

export interface RequestEnded {
  readonly requestId: string;
  readonly version: number;
  readonly outcome: Exclude<Outcome, 'withdrawn'>;
}

export async function notifySubmitter(
  { requestId, version, outcome }: RequestEnded,
  ports: NotifySubmitterPorts,
  deadline: Date,
): Promise<{ outcome: Outcome }> {
  const request = await ports.requests.finishRequest(requestId, outcome);
  if (request === undefined) throw new NotFoundError(`request ${requestId} does not exist`);
  // Another ending won (the submitter withdrew as the last decision landed): that one stands, nothing to send.
  if (request.outcome !== outcome) return { outcome: request.outcome ?? outcome };
  // The outcome is audited once per version, before its mail: a run that dies after this appends nothing again. The
  // mail's event follows it without reading the chain again.
  const audit = ports.audit.forInvocation();
  await audit.appendAuditUnless(
    requestId,
    { type: 'request.outcome', actor: 'signoff', data: { outcome, version } },
    (e) => e.type === 'request.outcome' && e.data['version'] === version,
  );
  await sendOnce(
    { ...ports, audit },
    {
      requestId,
      version,
      flag: 'outcomeNotified',
      kind: 'outcome',
      leaseUntil: deadline,
      compose() {
        const mail = outcomeMail(ports.directory.institution, request, outcome);
        // A mailed request hears back in its own thread.
        const thread = request.thread;
        return {
          from: ports.mailFrom,
          to: [request.submission.submitter],
          ...mail,
          ...(thread ? { inReplyTo: thread.messageId, references: thread.references } : {}),
        };
      },
      sent: (messageId) => ({
        type: 'notification.sent',
        actor: 'signoff',
        data: { to: request.submission.submitter, outcome, messageId },
      }),
    },
  );
  return { outcome };
}
