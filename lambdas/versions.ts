import { signedContent } from './core/request/signed-call.js';
import { httpHandler, json, pathParameter } from './shared/middleware.js';
import { submitSignedVersion } from './use-cases/signed-changes.js';
import { approvals, audit, requests, workflow } from './use-cases/default-ports.js';
import { submissionView } from './use-cases/registry-view.js';
import { verifiedBody } from './use-cases/signed-call.js';

// POST /v1/requests/{requestId}/versions — a new version after an approver requested changes (signed like
// intake; the body is the whole request again, with "action": "new-version" and "requestId" naming this request).
// The route restarts at the first stage; approvals bind to the new content (lambdas/use-cases/signed-changes.ts).

const ports = { requests, audit, workflow, approvals, submissionView };

export const handler = httpHandler(async (event) => {
  const signed = await verifiedBody(event);
  const requestId = pathParameter(event, 'requestId');
  const content = signedContent(signed.json, { action: 'new-version', requestId });
  const version = await submitSignedVersion({ signed, requestId, content, now: new Date() }, ports);
  return json(202, { requestId, version: version.version, status: 'checking' }, version.created ? {} : { 'idempotent-replayed': 'true' });
});
