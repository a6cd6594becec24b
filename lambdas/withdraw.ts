import { ValidationError } from './core/errors.js';
import { signedContent } from './core/request/signed-call.js';
import { httpHandler, json, pathParameter } from './shared/middleware.js';
import { withdrawSigned } from './use-cases/signed-changes.js';
import { approvals, audit, requests, workflow } from './use-cases/default-ports.js';
import { verifiedBody } from './use-cases/signed-call.js';

// POST /v1/requests/{requestId}/withdraw (signed like intake; the body is {"action": "withdraw", "requestId"} naming
// this request): the submitter withdraws a request that is not yet decided. If a decision or the deadline won
// first, 409 says which. A retried delivery of a withdrawal that went through gets its first answer again.

export const handler = httpHandler(async (event) => {
  const signed = await verifiedBody(event);
  const requestId = pathParameter(event, 'requestId');
  const rest = Object.keys(signedContent(signed.json, { action: 'withdraw', requestId }));
  if (rest.length > 0)
    throw new ValidationError(rest.map((field) => `${field}: unknown field; a withdrawal carries "action" and "requestId" only`));
  const { replayed } = await withdrawSigned({ signed, requestId, now: new Date() }, { requests, audit, workflow, approvals });
  return json(200, { requestId, status: 'withdrawn' }, replayed ? { 'idempotent-replayed': 'true' } : {});
});
