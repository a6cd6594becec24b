import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { requireSecretConfig, secretValue } from '../adapters/secrets.js';
import { ConflictError, PayloadTooLargeError, UnauthorizedError, UnsupportedMediaTypeError, ValidationError } from '../core/errors.js';
import { sha256Hex } from '../core/ids.js';
import { MAX_JSON_DEPTH, isWholeSeconds, jsonNestedDeeperThan } from '../core/request/limits.js';
import { bodyEncodingProblem, conflictOf, type SignedAction } from '../core/request/signed-call.js';
import { MAX_BODY_BYTES } from '../core/request/submission.js';
import { rawBody, type HttpEvent } from '../shared/middleware.js';
import type { ApprovalStore } from './ports.js';

// Standard Webhooks verification, for every signed route (intake, versions, withdrawal): webhook-id,
// webhook-timestamp (±5 minutes) and webhook-signature (v1 HMAC-SHA256 of id.timestamp.body). Then the call is
// remembered under its webhook-id, so that one delivery is good for one call (lambdas/core/request/signed-call.ts).

const webhookSecret = requireSecretConfig('SIGNOFF_WEBHOOK_SECRET');

/** Secrets Manager holds the generated key; Standard Webhooks secrets carry the `whsec_` prefix. */
async function webhook(): Promise<Webhook> {
  const value = await secretValue(webhookSecret);
  return new Webhook(value.startsWith('whsec_') ? value : `whsec_${value}`);
}

export interface SignedBody {
  readonly webhookId: string;
  readonly body: string;
  /** sha256 of the delivered bytes: the same webhook-id with other bytes is a conflict, not a retry. */
  readonly bodyHash: string;
  readonly json: unknown;
}

/** Checks size, media type, signature, nesting and JSON, in that order; returns the verified body and its webhook-id. */
export async function verifiedBody(event: HttpEvent): Promise<SignedBody> {
  const body = rawBody(event);
  const size = Buffer.byteLength(body, 'utf8');
  if (size > MAX_BODY_BYTES) throw new PayloadTooLargeError(`the body is ${size} bytes; the limit is ${MAX_BODY_BYTES}`);
  const encoding = bodyEncodingProblem(event.headers['content-type'], event.headers['content-encoding']);
  if (encoding !== undefined) throw new UnsupportedMediaTypeError(encoding);
  const id = event.headers['webhook-id'];
  const timestamp = event.headers['webhook-timestamp'];
  const signature = event.headers['webhook-signature'];
  if (id === undefined || timestamp === undefined || signature === undefined) {
    throw new UnauthorizedError('missing webhook-id, webhook-timestamp or webhook-signature header');
  }
  // The library reads the timestamp with parseInt, which stops at the first non-digit: "1700000000abc" verified
  // as 1700000000, so the header was not what was signed. Standard Webhooks sends whole seconds, digits only.
  if (!isWholeSeconds(timestamp)) throw new UnauthorizedError('webhook-timestamp must be whole seconds since 1970, digits only');
  try {
    // Not parsed by the library: the nesting is checked first (below).
    (await webhook()).verify(
      body,
      { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature },
      { jsonParse: false },
    );
  } catch (error) {
    if (error instanceof WebhookVerificationError) throw new UnauthorizedError(`webhook signature rejected: ${error.message}`);
    throw error;
  }
  // One linear scan before any parse: a 60,000-deep body overflowed the stack of the first walk over it (a 500).
  if (jsonNestedDeeperThan(body, MAX_JSON_DEPTH))
    throw new ValidationError([`body: nested deeper than ${MAX_JSON_DEPTH} levels of objects and arrays`]);
  let json: unknown;
  try {
    json = body === '' ? undefined : (JSON.parse(body) as unknown);
  } catch {
    throw new ValidationError(['body: is not valid JSON']);
  }
  return { webhookId: id, body, bodyHash: sha256Hex(body), json };
}

/**
 * Remembers this signed call under its webhook-id. Returns whether it is a retry of the call the id was first
 * accepted for (same route, request and body: answer as the first time); throws ConflictError when the id was
 * accepted for another call — another route, another request or another body.
 */
export async function acceptSignedCall(
  signed: SignedBody,
  action: SignedAction,
  requestId: string,
  now: Date,
  approvals: Pick<ApprovalStore, 'rememberSignedCall'>,
): Promise<{ readonly retry: boolean }> {
  const call = { webhookId: signed.webhookId, action, requestId, bodyHash: signed.bodyHash, acceptedAt: now.toISOString() };
  const first = await approvals.rememberSignedCall(call, now);
  if (first === undefined) return { retry: false };
  const conflict = conflictOf(first, call);
  if (conflict !== undefined) throw new ConflictError(conflict);
  return { retry: true };
}
