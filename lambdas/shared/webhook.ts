import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { requireSecretConfig, secretValue } from '../adapters/secrets.js';
import { PayloadTooLargeError, UnauthorizedError, ValidationError } from '../core/errors.js';
import { MAX_BODY_BYTES } from '../core/submission.js';
import { rawBody, type HttpEvent } from './middleware.js';

// Standard Webhooks verification, for every signed route (intake, versions, withdrawal): webhook-id,
// webhook-timestamp (±5 minutes) and webhook-signature (v1 HMAC-SHA256 of id.timestamp.body).

const webhookSecret = requireSecretConfig('SIGNOFF_WEBHOOK_SECRET');

/** Secrets Manager holds the generated key; Standard Webhooks secrets carry the `whsec_` prefix. */
async function webhook(): Promise<Webhook> {
  const value = await secretValue(webhookSecret);
  return new Webhook(value.startsWith('whsec_') ? value : `whsec_${value}`);
}

export interface SignedBody {
  readonly webhookId: string;
  readonly body: string;
  readonly json: unknown;
}

/** Checks size, signature and JSON, in that order; returns the verified body and its idempotency key. */
export async function verifiedBody(event: HttpEvent, options: { readonly allowEmpty?: boolean } = {}): Promise<SignedBody> {
  const body = rawBody(event);
  const size = Buffer.byteLength(body, 'utf8');
  if (size > MAX_BODY_BYTES) throw new PayloadTooLargeError(`the body is ${size} bytes; the limit is ${MAX_BODY_BYTES}`);
  const id = event.headers['webhook-id'];
  const timestamp = event.headers['webhook-timestamp'];
  const signature = event.headers['webhook-signature'];
  if (id === undefined || timestamp === undefined || signature === undefined) {
    throw new UnauthorizedError('missing webhook-id, webhook-timestamp or webhook-signature header');
  }
  try {
    (await webhook()).verify(body, { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature });
  } catch (error) {
    if (error instanceof WebhookVerificationError) throw new UnauthorizedError(`webhook signature rejected: ${error.message}`);
    // The library parses the body once the signature checks out: a SyntaxError is a signed body that is not
    // JSON — which is fine only for an empty body where one is allowed.
    if (error instanceof SyntaxError) {
      if (body === '' && options.allowEmpty) return { webhookId: id, body, json: {} };
      throw new ValidationError(['body: is not valid JSON']);
    }
    throw error;
  }
  return { webhookId: id, body, json: body === '' ? {} : (JSON.parse(body) as unknown) };
}
