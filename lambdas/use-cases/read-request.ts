import { verifyChain } from '../core/audit/audit-chain.js';
import { NotFoundError } from '../core/errors.js';
import type { AuditLog, RequestStore } from './ports.js';

// What the bearer-token reads show of one request: its status, stages and findings (DESIGN.md "Request status"),
// and its audit events with whether their hash chain verifies.

/** GET /v1/requests/{requestId}. */
export async function requestStatus(requestId: string, ports: { readonly requests: Pick<RequestStore, 'getRequest'> }) {
  const request = await ports.requests.getRequest(requestId);
  if (request === undefined) throw new NotFoundError(`request ${requestId} does not exist`);
  return {
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
    findings: request.findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      ...(f.where ? { where: f.where } : {}),
    })),
    publication: request.publication ?? null,
    // A workflow step that failed after its retries (issue #13): status `failed`, or an ended request's later step.
    failure: request.failure === undefined ? null : { step: request.failure.step, error: request.failure.error, at: request.failure.at },
    // An approved account opening: the registry id it was entered under (GOVERNANCE.md §6).
    ...(request.kind === 'account-opening' ? { registration: request.registration ?? null } : {}),
  };
}

/** GET /v1/requests/{requestId}/audit. The institution-wide export (DESIGN.md "Audit") builds on the same records. */
export async function requestAudit(requestId: string, ports: { readonly audit: Pick<AuditLog, 'readAudit'> }) {
  const events = await ports.audit.readAudit(requestId);
  if (events.length === 0) throw new NotFoundError(`request ${requestId} has no audit events`);
  return { requestId, events, verification: verifyChain(events) };
}
