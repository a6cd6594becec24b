import { ConflictError } from '../core/errors.js';
import { accountOf, contentHashOf, requestIdFor } from '../core/ids.js';
import type { RequestRecord, Submission } from '../core/model.js';
import type { AuditLog, RequestStore, Workflow } from './ports.js';

// Accepting a validated submission, whatever channel brought it: store the request (conditional on its
// id, which derives from the channel's idempotency key), audit it, start its execution.

export interface AcceptSubmissionPorts {
  readonly requests: Pick<RequestStore, 'createRequest' | 'getRequest'>;
  readonly audit: Pick<AuditLog, 'appendAuditUnless' | 'forInvocation'>;
  readonly workflow: Pick<Workflow, 'startApproval'>;
}

export interface ThreadRef {
  /** The Message-ID of the mail that submitted it, so replies thread under it. */
  readonly messageId: string;
  readonly references: readonly string[];
}

export interface Acceptance {
  readonly channel: 'webhook' | 'mail';
  readonly idempotencyKey: string;
  /** Hash of the delivered bytes: the same key with other bytes is a conflict, not a retry. */
  readonly bodyHash: string;
  readonly submission: Submission;
  readonly thread?: ThreadRef | undefined;
  readonly now: Date;
}

export interface Accepted {
  readonly requestId: string;
  /** False when this delivery was a retry of one already accepted. */
  readonly created: boolean;
}

type StoredRequest = RequestRecord & {
  readonly bodyHash: string;
  readonly idempotencyKey: string;
  readonly thread?: ThreadRef | undefined;
};

export async function acceptSubmission(a: Acceptance, ports: AcceptSubmissionPorts): Promise<Accepted> {
  const requestId = requestIdFor(a.channel, a.idempotencyKey);
  const record: StoredRequest = {
    requestId,
    kind: a.submission.kind,
    status: 'checking',
    version: 1,
    submission: a.submission,
    contentHash: contentHashOf(a.submission),
    receivedAt: a.now.toISOString(),
    channel: a.channel,
    stages: [],
    findings: [],
    bodyHash: a.bodyHash,
    idempotencyKey: a.idempotencyKey,
    thread: a.thread,
  };
  const created = await ports.requests.createRequest(record);
  if (!created) {
    const existing = (await ports.requests.getRequest(requestId)) as Partial<StoredRequest> | undefined;
    if (existing?.bodyHash !== a.bodyHash) {
      throw new ConflictError(
        `${a.channel === 'webhook' ? 'webhook-id' : 'Message-ID'} ${a.idempotencyKey} was already used for a different body; use a new one for a new request`,
      );
    }
  }
  // The first delivery and any retry of it do the rest alike (issue #13): the delivery that stored the request may
  // have ended before auditing it or starting its execution, and the sender retries whatever got no answer. The
  // event is appended unless the trail has it (stored and audited in one step for the first delivery's version 1);
  // starting the execution again is a no-op (its name is the request's, and the input the same). The delivery that
  // created the request knows its chain is empty and appends without reading it (issue #18); a racing retry that
  // appended first makes its put fail, and then it reads.
  const audit = created ? ports.audit.forInvocation([requestId]) : ports.audit;
  await audit.appendAuditUnless(
    requestId,
    {
      type: 'request.submitted',
      actor: a.submission.submitter,
      data: {
        channel: a.channel,
        idempotencyKey: a.idempotencyKey,
        version: 1,
        contentHash: record.contentHash,
        account: accountOf(a.submission),
        kind: a.submission.kind,
      },
    },
    (e) => e.type === 'request.submitted',
  );
  await ports.workflow.startApproval(requestId, { requestId, version: 1 });
  return { requestId, created };
}
