import { signedContent } from './core/request/signed-call.js';
import { parseSubmission } from './core/request/submission.js';
import { registryView } from './use-cases/registry-view.js';
import { httpHandler, json, pathParameter } from './shared/middleware.js';
import { acceptSignedCall, verifiedBody } from './use-cases/signed-call.js';
import { submitNewVersion } from './use-cases/change-request.js';

// POST /v1/requests/{requestId}/versions — a new version after an approver requested changes (signed like
// intake; the body is the whole request again, with "action": "new-version" and "requestId" naming this request).
// The route restarts at the first stage; approvals bind to the new content.

export const handler = httpHandler(async (event) => {
  const signed = await verifiedBody(event);
  const requestId = pathParameter(event, 'requestId');
  const content = signedContent(signed.json, { action: 'new-version', requestId });
  const now = new Date();
  // The registry, not the directory file, says which accounts exist (an account opened a moment ago included).
  const { directory, registry } = await registryView();
  const submission = parseSubmission(content, directory, now, registry);
  await acceptSignedCall(signed, 'new-version', requestId, now);
  const version = await submitNewVersion(requestId, submission, signed.webhookId, now);
  return json(202, { requestId, version: version.version, status: 'checking' }, version.created ? {} : { 'idempotent-replayed': 'true' });
});
