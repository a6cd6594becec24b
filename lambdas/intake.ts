import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { secretValue, requireSecretConfig } from './adapters/secrets.js';
import { PayloadTooLargeError, UnauthorizedError, ValidationError } from './core/errors.js';
import { sha256Hex } from './core/ids.js';
import { MAX_BODY_BYTES, parseSubmission } from './core/submission.js';
import { directory } from './shared/directory.js';
import { httpHandler, json, rawBody, type HttpEvent } from './shared/middleware.js';
import { acceptSubmission } from './use-cases/accept-submission.js';

// POST /v1/requests — Standard Webhooks signed intake (DESIGN.md "Webhook intake").
// webhook-id is the idempotency key: the same id and body again gives the same answer, no new request.

const webhookSecret = requireSecretConfig('SIGNOFF_WEBHOOK_SECRET');

/** Secrets Manager holds the generated key; Standard Webhooks secrets carry the `whsec_` prefix. */
async function webhook(): Promise<Webhook> {
  const value = await secretValue(webhookSecret);
  return new Webhook(value.startsWith('whsec_') ? value : `whsec_${value}`);
}

async function verifySignature(event: HttpEvent, body: string): Promise<string> {
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
    // The library parses the body after the signature checks out: a SyntaxError is a signed non-JSON body.
    if (error instanceof SyntaxError) throw new ValidationError(['body: is not valid JSON']);
    throw error;
  }
  return id;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new ValidationError(['body: is not valid JSON']);
  }
}

export const handler = httpHandler(async (event) => {
  const body = rawBody(event);
  if (Buffer.byteLength(body, 'utf8') > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(`the body is ${Buffer.byteLength(body, 'utf8')} bytes; the limit is ${MAX_BODY_BYTES}`);
  }
  const webhookId = await verifySignature(event, body);
  const now = new Date();
  const submission = parseSubmission(parseJson(body), directory, now);
  const accepted = await acceptSubmission({ channel: 'webhook', idempotencyKey: webhookId, bodyHash: sha256Hex(body), submission, now });
  const location = { location: `/v1/requests/${accepted.requestId}` };
  // A replay gets the first answer again (the status at acceptance), marked as such like other idempotent APIs.
  return json(202, { requestId: accepted.requestId, status: 'checking' }, accepted.created ? location : { ...location, 'idempotent-replayed': 'true' });
});
