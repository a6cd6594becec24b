import { parseSubmission } from './core/submission.js';
import { registryView } from './shared/directory.js';
import { httpHandler, json } from './shared/middleware.js';
import { verifiedBody } from './shared/webhook.js';
import { submitNewVersion } from './use-cases/change-request.js';

// POST /v1/requests/{requestId}/versions — a new version after an approver requested changes (signed like
// intake; the body is a brand post). The route restarts at the first stage; approvals bind to the new content.

export const handler = httpHandler(async (event) => {
  const { webhookId, json: parsed } = await verifiedBody(event);
  const now = new Date();
  // The registry, not the directory file, says which accounts exist (an account opened a moment ago included).
  const { directory, registry } = await registryView();
  const submission = parseSubmission(parsed, directory, now, registry);
  const requestId = event.pathParameters?.['requestId'] ?? '';
  const version = await submitNewVersion(requestId, submission, webhookId, now);
  return json(202, { requestId, version: version.version, status: 'checking' }, version.created ? {} : { 'idempotent-replayed': 'true' });
});
