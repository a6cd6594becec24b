import { requestIdFor } from './core/ids.js';
import { signedContent } from './core/request/signed-call.js';
import { parseSubmission } from './core/request/submission.js';
import { registryView } from './use-cases/registry-view.js';
import { httpHandler, json } from './shared/middleware.js';
import { acceptSignedCall, verifiedBody } from './use-cases/signed-call.js';
import { acceptSubmission } from './use-cases/accept-submission.js';

// POST /v1/requests — Standard Webhooks signed intake (DESIGN.md "Webhook intake").
// webhook-id is the idempotency key: the same id and body again gives the same answer, no new request; the same
// id on another signed route, or with another body, is a 409. The body may say "action": "submit", no other.

export const handler = httpHandler(async (event) => {
  const signed = await verifiedBody(event);
  const content = signedContent(signed.json, { action: 'submit' });
  const now = new Date();
  // The registry, not the directory file, says which accounts exist (an account opened a moment ago included).
  const { directory, registry } = await registryView();
  const submission = parseSubmission(content, directory, now, registry);
  await acceptSignedCall(signed, 'submit', requestIdFor('webhook', signed.webhookId), now);
  const accepted = await acceptSubmission({ channel: 'webhook', idempotencyKey: signed.webhookId, bodyHash: signed.bodyHash, submission, now });
  const location = { location: `/v1/requests/${accepted.requestId}` };
  // A replay gets the first answer again (the status at acceptance), marked as such like other idempotent APIs.
  return json(202, { requestId: accepted.requestId, status: 'checking' }, accepted.created ? location : { ...location, 'idempotent-replayed': 'true' });
}, { intake: 'webhook' });
