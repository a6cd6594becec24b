import { readAudit } from './adapters/audit.js';
import { verifyChain } from './core/audit/audit-chain.js';
import { NotFoundError } from './core/errors.js';
import { requireBearer } from './shared/auth.js';
import { requireSecretConfig, secretValue } from './adapters/secrets.js';
import { httpHandler, json, pathParameter } from './shared/middleware.js';

// GET /v1/requests/{requestId}/audit (bearer token): the request's audit events and whether the
// hash chain verifies. The institution-wide export (DESIGN.md "Audit") builds on the same records.
const apiToken = requireSecretConfig('SIGNOFF_API_TOKEN');

export const handler = httpHandler(async (event) => {
  requireBearer(event, await secretValue(apiToken));
  const requestId = pathParameter(event, 'requestId');
  const events = await readAudit(requestId);
  if (events.length === 0) throw new NotFoundError(`request ${requestId} has no audit events`);
  return json(200, { requestId, events, verification: verifyChain(events) });
});
