import { signedContent } from './core/request/signed-call.js';
import { httpHandler, json } from './shared/middleware.js';
import { approvals, audit, requests, workflow } from './use-cases/default-ports.js';
import { submissionView } from './use-cases/registry-view.js';
import { verifiedBody } from './use-cases/signed-call.js';
import { submitRequest, type SubmitRequestPorts } from './use-cases/submit-request.js';

// POST /v1/requests — Standard Webhooks signed intake (DESIGN.md "Webhook intake"; lambdas/use-cases/submit-request.ts).
// The body may say "action": "submit", no other.

const ports: SubmitRequestPorts = { approvals, requests, audit, workflow, submissionView };

export const handler = httpHandler(
  async (event) => {
    const signed = await verifiedBody(event);
    const content = signedContent(signed.json, { action: 'submit' });
    const accepted = await submitRequest({ signed, content, now: new Date() }, ports);
    const location = { location: `/v1/requests/${accepted.requestId}` };
    // A replay gets the first answer again (the status at acceptance), marked as such like other idempotent APIs.
    return json(
      202,
      { requestId: accepted.requestId, status: 'checking' },
      accepted.created ? location : { ...location, 'idempotent-replayed': 'true' },
    );
  },
  { intake: 'webhook' },
);
