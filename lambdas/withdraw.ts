import { ConflictError } from './core/errors.js';
import { httpHandler, json } from './shared/middleware.js';
import { verifiedBody } from './shared/webhook.js';
import { withdraw } from './use-cases/change-request.js';

// POST /v1/requests/{requestId}/withdraw (signed like intake; body optional): the submitter withdraws a
// request that is not yet decided. If a decision or the deadline won first, 409 says which.

export const handler = httpHandler(async (event) => {
  await verifiedBody(event, { allowEmpty: true });
  const requestId = event.pathParameters?.['requestId'] ?? '';
  const result = await withdraw(requestId, 'api', 'api');
  if (!result.won) throw new ConflictError(`request ${requestId} is already ${result.request.status}; it can no longer be withdrawn`);
  return json(200, { requestId, status: 'withdrawn' });
});
