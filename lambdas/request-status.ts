import { getRequest } from './adapters/requests.js';
import { NotFoundError } from './core/errors.js';
import { requireBearer } from './shared/auth.js';
import { requireSecretConfig, secretValue } from './adapters/secrets.js';
import { httpHandler, json, pathParameter } from './shared/middleware.js';

// GET /v1/requests/{requestId} (bearer token): status, stages and findings (DESIGN.md "Request status").
const apiToken = requireSecretConfig('SIGNOFF_API_TOKEN');

export const handler = httpHandler(async (event) => {
  requireBearer(event, await secretValue(apiToken));
  const requestId = pathParameter(event, 'requestId');
  const request = await getRequest(requestId);
  if (request === undefined) throw new NotFoundError(`request ${requestId} does not exist`);
  return json(200, {
    requestId: request.requestId,
    kind: request.kind,
    status: request.status,
    version: request.version,
    stages: request.stages.map((s) => ({
      stage: s.stage,
      status: s.status,
      assignees: s.assignees.map((a) => a.email),
      deadline: s.deadline ?? null,
      decidedBy: s.decidedBy ?? null,
      decidedAt: s.decidedAt ?? null,
      decision: s.decision ?? null,
      comment: s.comment ?? null,
      statements: s.statements ?? [],
    })),
    findings: request.findings.map((f) => ({ rule: f.rule, severity: f.severity, message: f.message, ...(f.where ? { where: f.where } : {}) })),
    publication: request.publication ?? null,
    // No approval route could be planned (GOVERNANCE.md §2): why, as the outcome mail says it.
    ...(request.routeFailure !== undefined ? { routeFailure: request.routeFailure } : {}),
    // An approved account opening: the registry id it was entered under (GOVERNANCE.md §6).
    ...(request.kind === 'account-opening' ? { registration: request.registration ?? null } : {}),
  });
});
