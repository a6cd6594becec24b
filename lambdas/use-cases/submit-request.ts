import { requestIdFor } from '../core/ids.js';
import { parseSubmission } from '../core/request/submission.js';
import { acceptSubmission, type Accepted, type AcceptSubmissionPorts } from './accept-submission.js';
import type { ApprovalStore } from './ports.js';
import type { RegistryView } from './registry-view.js';
import { acceptSignedCall, type SignedBody } from './signed-call.js';

// A request submitted by signed call (POST /v1/requests, Standard Webhooks): webhook-id is the idempotency key, so
// the same id and body again gives the same answer and no new request; the same id on another signed route, or
// with another body, is a conflict.

export interface SubmitRequestPorts extends AcceptSubmissionPorts {
  readonly approvals: Pick<ApprovalStore, 'rememberSignedCall'>;
  /**
   * The registry and the directory over it as the body's validation needs them (registry-view.ts submissionViewOf),
   * read afresh: an account opened a moment ago is a valid target.
   */
  submissionView(content: unknown): Promise<RegistryView>;
}

/** `content` is the verified body without its envelope (lambdas/core/request/signed-call.ts). */
export async function submitRequest(
  call: { readonly signed: SignedBody; readonly content: unknown; readonly now: Date },
  ports: SubmitRequestPorts,
): Promise<Accepted> {
  const { signed, content, now } = call;
  const { directory, registry } = await ports.submissionView(content);
  const submission = parseSubmission(content, directory, now, registry);
  await acceptSignedCall(signed, 'submit', requestIdFor('webhook', signed.webhookId), now, ports.approvals);
  return acceptSubmission({ channel: 'webhook', idempotencyKey: signed.webhookId, bodyHash: signed.bodyHash, submission, now }, ports);
}
