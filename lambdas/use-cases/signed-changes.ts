import { ConflictError } from '../core/errors.js';
import { parseSubmission } from '../core/request/submission.js';
import { submitNewVersion, withdraw, type NewVersion, type NewVersionPorts, type WithdrawPorts } from './change-request.js';
import type { ApprovalStore } from './ports.js';
import type { RegistryView } from './registry-view.js';
import { acceptSignedCall, type SignedBody } from './signed-call.js';

// A new version and a withdrawal by signed call (POST /v1/requests/{requestId}/versions and …/withdraw): the
// delivery is remembered under its webhook-id first (lambdas/use-cases/signed-call.ts), then the change is made as
// lambdas/use-cases/change-request.ts makes it.

export interface SignedChangePorts {
  readonly approvals: Pick<ApprovalStore, 'rememberSignedCall'>;
}

/** A new version by signed call; `content` is the verified body without its envelope (lambdas/core/request/signed-call.ts). */
export async function submitSignedVersion(
  call: { readonly signed: SignedBody; readonly requestId: string; readonly content: unknown; readonly now: Date },
  ports: NewVersionPorts & SignedChangePorts & { submissionView(content: unknown): Promise<RegistryView> },
): Promise<NewVersion> {
  const { signed, requestId, content, now } = call;
  // The registry, not the directory file, says which accounts exist (an account opened a moment ago included).
  const { directory, registry } = await ports.submissionView(content);
  const submission = parseSubmission(content, directory, now, registry);
  await acceptSignedCall(signed, 'new-version', requestId, now, ports.approvals);
  return submitNewVersion(requestId, submission, signed.webhookId, now, ports);
}

/**
 * A withdrawal by signed call. If a decision or the deadline won first, ConflictError says which; a retried delivery
 * of a withdrawal that went through is answered as a replay.
 */
export async function withdrawSigned(
  call: { readonly signed: SignedBody; readonly requestId: string; readonly now: Date },
  ports: WithdrawPorts & SignedChangePorts,
): Promise<{ readonly replayed: boolean }> {
  const { signed, requestId, now } = call;
  const { retry } = await acceptSignedCall(signed, 'withdraw', requestId, now, ports.approvals);
  const result = await withdraw(requestId, 'api', 'api', ports);
  if (result.won) return { replayed: false };
  if (retry && result.request.status === 'withdrawn') return { replayed: true };
  throw new ConflictError(`request ${requestId} is already ${result.request.status}; it can no longer be withdrawn`);
}
