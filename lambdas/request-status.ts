import { requireSecretConfig, secretValue } from './adapters/secrets.js';
import { requireBearer } from './shared/auth.js';
import { httpHandler, json, pathParameter } from './shared/middleware.js';
import { requests } from './use-cases/default-ports.js';
import { requestStatus } from './use-cases/read-request.js';

// GET /v1/requests/{requestId} (bearer token): status, stages and findings (lambdas/use-cases/read-request.ts).
const apiToken = requireSecretConfig('SIGNOFF_API_TOKEN');

export const handler = httpHandler(async (event) => {
  requireBearer(event, await secretValue(apiToken));
  return json(200, await requestStatus(pathParameter(event, 'requestId'), { requests }));
});
