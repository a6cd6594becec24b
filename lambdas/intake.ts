import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { appendAudit } from './adapters/audit.js';
import { createRequest, getRequest } from './adapters/requests.js';
import { secretValue, requireSecretConfig } from './adapters/secrets.js';
import { startExecution } from './adapters/workflow.js';
import { ConflictError, PayloadTooLargeError, UnauthorizedError, ValidationError } from './core/errors.js';
import { contentHashOf, requestIdFor, sha256Hex } from './core/ids.js';
import type { RequestRecord } from './core/model.js';
import { MAX_BODY_BYTES, parseSubmission } from './core/submission.js';
import { directory } from './shared/directory.js';
import { requireEnv } from './shared/env.js';
import { httpHandler, json, rawBody, type HttpEvent } from './shared/middleware.js';

// POST /v1/requests — Standard Webhooks signed intake (DESIGN.md "Webhook intake").
// webhook-id is the idempotency key: the same id and body again gives the same answer, no new request.

const webhookSecret = requireSecretConfig('SIGNOFF_WEBHOOK_SECRET');
const stateMachineArn = requireEnv('STATE_MACHINE_ARN');

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
  const requestId = requestIdFor('webhook', webhookId);
  const bodyHash = sha256Hex(body);

  const record: RequestRecord & { bodyHash: string; webhookId: string } = {
    requestId,
    kind: submission.kind,
    status: 'checking',
    version: 1,
    submission,
    contentHash: contentHashOf(submission),
    receivedAt: now.toISOString(),
    channel: 'webhook',
    stages: [],
    findings: [],
    bodyHash,
    webhookId,
  };

  if (await createRequest(record)) {
    await appendAudit(requestId, {
      type: 'request.submitted',
      actor: submission.submitter,
      data: { channel: 'webhook', webhookId, version: 1, contentHash: record.contentHash, account: submission.account, kind: submission.kind },
    });
  } else {
    const existing = (await getRequest(requestId)) as (RequestRecord & { bodyHash?: string }) | undefined;
    if (existing?.bodyHash !== bodyHash) {
      throw new ConflictError(`webhook-id ${webhookId} was already used for a different body; use a new webhook-id for a new request`);
    }
    // A retry of a delivery we accepted: make sure its execution runs (starting it again is a no-op).
    await startExecution(stateMachineArn, requestId, { requestId, version: existing.version });
    // Same answer as the first time (the status at acceptance), marked as a replay like other idempotent APIs.
    return json(202, { requestId, status: 'checking' }, { location: `/v1/requests/${requestId}`, 'idempotent-replayed': 'true' });
  }
  await startExecution(stateMachineArn, requestId, { requestId, version: 1 });
  return json(202, { requestId, status: record.status }, { location: `/v1/requests/${requestId}` });
});
