import { sha256Hex } from './core/ids.js';
import { parseSubmission } from './core/submission.js';
import { registryView } from './shared/directory.js';
import { httpHandler, json } from './shared/middleware.js';
import { verifiedBody } from './shared/webhook.js';
import { acceptSubmission } from './use-cases/accept-submission.js';

// POST /v1/requests — Standard Webhooks signed intake (DESIGN.md "Webhook intake").
// webhook-id is the idempotency key: the same id and body again gives the same answer, no new request.

export const handler = httpHandler(async (event) => {
  const { webhookId, body, json: parsed } = await verifiedBody(event);
  const now = new Date();
  // The registry, not the directory file, says which accounts exist (an account opened a moment ago included).
  const { directory, registry } = await registryView();
  const submission = parseSubmission(parsed, directory, now, registry);
  const accepted = await acceptSubmission({ channel: 'webhook', idempotencyKey: webhookId, bodyHash: sha256Hex(body), submission, now });
  const location = { location: `/v1/requests/${accepted.requestId}` };
  // A replay gets the first answer again (the status at acceptance), marked as such like other idempotent APIs.
  return json(202, { requestId: accepted.requestId, status: 'checking' }, accepted.created ? location : { ...location, 'idempotent-replayed': 'true' });
});
