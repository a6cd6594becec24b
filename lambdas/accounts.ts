import { requireSecretConfig, secretValue } from './adapters/secrets.js';
import { requireBearer } from './shared/auth.js';
import { httpHandler, json, pathParameter } from './shared/middleware.js';
import { registry } from './use-cases/default-ports.js';
import { readAccount, readAccounts, type ReadAccountsPorts } from './use-cases/read-accounts.js';
import { directory } from './use-cases/registry-view.js';

// GET /v1/accounts and GET /v1/accounts/{accountId} (bearer token): the registry of institutional accounts
// (lambdas/use-cases/read-accounts.ts).
const apiToken = requireSecretConfig('SIGNOFF_API_TOKEN');
const ports: ReadAccountsPorts = { registry, directory };

export const handler = httpHandler(async (event) => {
  requireBearer(event, await secretValue(apiToken));
  const accountId = event.pathParameters?.['accountId'] === undefined ? undefined : pathParameter(event, 'accountId');
  if (accountId !== undefined) return json(200, await readAccount(accountId, ports));
  return json(200, await readAccounts(event.queryStringParameters ?? {}, ports));
});
