import { ConflictError, NotFoundError, ValidationError } from '../core/errors.js';
import { contentHashOf, isWellFormedLinkId, sha256Hex } from '../core/ids.js';
import type { RequestRecord, RequestStatus, Submission } from '../core/model.js';
import { MAX_FORM_BYTES } from '../core/request/limits.js';
import type { ApprovalStore, AuditLog, RequestStore, Workflow } from './ports.js';

// What a submitter may do to a request after submitting it (GOVERNANCE.md §3): withdraw it while it is not
// decided (a signed call, or the link in the acknowledgement), and answer "request changes" with a new version
// (a signed call, or a reply in the mail thread), which restarts the route at the first stage. The signed calls
// verify and remember their delivery first: lambdas/use-cases/signed-changes.ts.

export interface WithdrawPorts {
  readonly requests: Pick<RequestStore, 'withdrawRequest' | 'getRequest'>;
  readonly audit: Pick<AuditLog, 'appendAuditUnless'>;
  readonly workflow: Pick<Workflow, 'stopExecution'>;
}

export interface NewVersionPorts {
  readonly requests: Pick<RequestStore, 'getRequest' | 'startNewVersion'>;
  readonly audit: Pick<AuditLog, 'appendAuditUnless'>;
  readonly workflow: Pick<Workflow, 'startApproval'>;
}

export interface Withdrawn {
  readonly request: RequestRecord;
  /** False when another outcome had already won; `request.outcome` says which. */
  readonly won: boolean;
}

export async function withdraw(requestId: string, actor: string, channel: 'api' | 'link', ports: WithdrawPorts): Promise<Withdrawn> {
  const withdrawn = await ports.requests.withdrawRequest(requestId);
  if (withdrawn === undefined) {
    const current = await ports.requests.getRequest(requestId);
    if (current === undefined) throw new NotFoundError(`request ${requestId} does not exist`);
    // Withdrawn before, perhaps by a call that ended before its event and the stop (issue #13): finished here, once.
    if (current.outcome === 'withdrawn') await finishWithdrawal(current, actor, channel, ports);
    return { request: current, won: false };
  }
  await finishWithdrawal(withdrawn, actor, channel, ports);
  return { request: withdrawn, won: true };
}

/** The withdrawal's event (once per version) and the end of its execution (stopping a stopped one changes nothing). */
async function finishWithdrawal(request: RequestRecord, actor: string, channel: 'api' | 'link', ports: WithdrawPorts): Promise<void> {
  const { requestId, version } = request;
  await ports.audit.appendAuditUnless(
    requestId,
    { type: 'request.withdrawn', actor, data: { channel, version } },
    (e) => e.type === 'request.withdrawn' && e.data['version'] === version,
  );
  // Waiting tasks end with the execution; open review links now read "withdrawn".
  if (request.executionArn !== undefined) await ports.workflow.stopExecution(request.executionArn, 'Withdrawn', `withdrawn by ${actor}`);
}

export interface NewVersion {
  readonly requestId: string;
  readonly version: number;
  /** False when this was a retry of a version already started with the same idempotency key. */
  readonly created: boolean;
}

export async function submitNewVersion(
  requestId: string,
  submission: Submission,
  idempotencyKey: string,
  now: Date,
  ports: NewVersionPorts,
): Promise<NewVersion> {
  const current = (await ports.requests.getRequest(requestId)) as (RequestRecord & { versionKey?: string }) | undefined;
  if (current === undefined) throw new NotFoundError(`request ${requestId} does not exist`);
  // A retry of this version: whatever the call that stored it did not finish (its event, its execution) is done now.
  if (current.versionKey === idempotencyKey) {
    await startVersion(current, submission.submitter, idempotencyKey, ports);
    return { requestId, version: current.version, created: false };
  }
  const problems: string[] = [];
  if (submission.submitter !== current.submission.submitter)
    problems.push(`submitter: a new version must come from ${current.submission.submitter}, who submitted the request`);
  if (submission.kind !== current.submission.kind)
    problems.push(`kind: a new version must be a ${current.submission.kind} like the request (got ${submission.kind})`);
  if (problems.length > 0) throw new ValidationError(problems);
  if (current.outcome !== 'changes-requested') {
    throw new ConflictError(`request ${requestId} is ${current.status}; a new version is accepted only after changes were requested`);
  }
  const next = await ports.requests.startNewVersion(current, submission, contentHashOf(submission), idempotencyKey, now);
  if (next === undefined) {
    const again = (await ports.requests.getRequest(requestId)) as (RequestRecord & { versionKey?: string }) | undefined;
    if (again?.versionKey === idempotencyKey) return { requestId, version: again.version, created: false };
    throw new ConflictError(`request ${requestId} changed while this version was submitted; it is now ${again?.status ?? 'gone'}`);
  }
  await startVersion(next, submission.submitter, idempotencyKey, ports);
  return { requestId, version: next.version, created: true };
}

/** A new version's event (once) and its execution (starting it again is a no-op: same name, same input). */
async function startVersion(request: RequestRecord, actor: string, idempotencyKey: string, ports: NewVersionPorts): Promise<void> {
  const { requestId, version } = request;
  const previous = request.previousVersions?.at(-1);
  if (previous === undefined) throw new NotFoundError(`request ${requestId} has no version before ${version}`);
  await ports.audit.appendAuditUnless(
    requestId,
    {
      type: 'request.version',
      actor,
      data: { version, contentHash: request.contentHash, previousContentHash: previous.contentHash, idempotencyKey },
    },
    (e) => e.type === 'request.version' && e.data['version'] === version,
  );
  await ports.workflow.startApproval(`${requestId}-v${version}`, { requestId, version });
}

// ---- The withdraw link (GET/HEAD asks, POST withdraws) ---------------------------------------------------

export type WithdrawLinkAnswer =
  | { readonly kind: 'not-found' }
  | { readonly kind: 'method-not-allowed' }
  /** The confirmation page: the request can still be withdrawn, or it has ended. */
  | { readonly kind: 'ask'; readonly request: RequestRecord }
  /** A post that withdrew nothing: too large, or without the confirmation. */
  | { readonly kind: 'refused'; readonly reason: 'too-large' | 'unconfirmed'; readonly request: RequestRecord }
  /** Another outcome won first; `status` is the request's now. */
  | { readonly kind: 'too-late'; readonly request: RequestRecord; readonly status: RequestStatus }
  | { readonly kind: 'withdrawn'; readonly request: RequestRecord };

export async function withdrawByLink(
  linkId: string,
  intent: { readonly kind: 'view' } | { readonly kind: 'post'; readonly body: string } | { readonly kind: 'other' },
  ports: WithdrawPorts & { readonly approvals: Pick<ApprovalStore, 'requestOfWithdrawLink'> },
): Promise<WithdrawLinkAnswer> {
  const requestId = isWellFormedLinkId(linkId) ? await ports.approvals.requestOfWithdrawLink(sha256Hex(linkId)) : undefined;
  const request = requestId === undefined ? undefined : await ports.requests.getRequest(requestId);
  if (request === undefined) return { kind: 'not-found' };
  if (intent.kind === 'view') return { kind: 'ask', request };
  if (intent.kind === 'other') return { kind: 'method-not-allowed' };
  if (Buffer.byteLength(intent.body, 'utf8') > MAX_FORM_BYTES) return { kind: 'refused', reason: 'too-large', request };
  if (new URLSearchParams(intent.body).get('confirm') !== 'withdraw') return { kind: 'refused', reason: 'unconfirmed', request };
  const result = await withdraw(request.requestId, request.submission.submitter, 'link', ports);
  return result.won ? { kind: 'withdrawn', request } : { kind: 'too-late', request, status: result.request.status };
}
