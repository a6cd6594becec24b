import * as z from 'zod/mini';
import type { SignedCallRecord } from '../../core/request/signed-call.js';
import type { ApprovalLink } from '../approvals.js';
import type { SameShape } from './stored-item.js';

// The approvals table's items (lambdas/adapters/approvals.ts), one schema per kind of key. A link is returned whole,
// as stored (loose: a field this schema does not know is kept); of the others the adapter returns what it reads.

export const approvalLinkItem = z.looseObject({
  pk: z.string(),
  requestId: z.string(),
  version: z.number(),
  stageIndex: z.number(),
  stage: z.enum(['supervisor', 'management', 'comms', 'ethics']),
  approver: z.looseObject({ id: z.string(), name: z.string(), email: z.string() }),
  csrf: z.string(),
  createdAt: z.string(),
});

true satisfies SameShape<z.output<typeof approvalLinkItem>, ApprovalLink>;

/**
 * An approval e-mail's delivery: sending (until its lease, the sender's deadline; none on items written before
 * issue #13) → sent (with the SES message id) → audited.
 */
export const deliveryItem = z.discriminatedUnion('state', [
  z.object({ state: z.literal('sending'), lease: z.optional(z.number()), linkHash: z.optional(z.string()) }),
  z.object({ state: z.literal('sent'), linkHash: z.string(), messageId: z.string() }),
  z.object({ state: z.literal('audited') }),
]);

/**
 * An inbound mail (`inbound#<sha256 of its Message-ID>`): its reply claimed (`replying`, until its lease, the claimant's
 * deadline; none once the claim is given back) → the reply sent (`replied`, with SES's id) → handled (`answered`; an
 * item without a state, written before issue #13, is answered too).
 */
export const inboundItem = z.union([
  z.object({ state: z.literal('replying'), until: z.optional(z.string()) }),
  z.object({ state: z.literal('replied'), messageId: z.string() }),
  z.object({ state: z.optional(z.literal('answered')), messageId: z.optional(z.string()) }),
]);

/** A withdraw link: its hash names the request. */
export const withdrawLinkItem = z.object({ requestId: z.string() });

/** A signed call remembered under its webhook-id (the TTL attribute beside it is not read). */
export const signedCallItem = z.object({
  webhookId: z.string(),
  action: z.enum(['submit', 'new-version', 'withdraw']),
  requestId: z.string(),
  bodyHash: z.string(),
  acceptedAt: z.string(),
});

true satisfies SameShape<z.output<typeof signedCallItem>, SignedCallRecord>;
