import { requireSecretConfig, secretValue } from './adapters/secrets.js';
import { requireBearer } from './shared/auth.js';
import { httpHandler, json, pathParameter } from './shared/middleware.js';
import { audit } from './use-cases/default-ports.js';
import { requestAudit } from './use-cases/read-request.js';

// GET /v1/requests/{requestId}/audit (bearer token): the request's audit events and whether the hash chain
// verifies (lambdas/use-cases/read-request.ts).
const apiToken = requireSecretConfig('SIGNOFF_API_TOKEN');

export const handler = httpHandler(async (event) => {
  requireBearer(event, await secretValue(apiToken));
  return json(200, await requestAudit(pathParameter(event, 'requestId'), { audit }));
});
