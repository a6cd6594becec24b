import { NotFoundError } from '../core/errors.js';
import type { Directory } from '../core/request/directory.js';
import { RouteError, planRoute } from '../core/request/route.js';
import type { Preset } from '../core/rules/presets.js';
import type { AuditLog, RequestStore } from './ports.js';

// The stages the institution's preset gives a request (by default supervisor → comms → ethics for publications and
// sensitive matters), filled from the directory, with separation of duties. No valid route: the submitter hears why.

export interface PlanRoutePorts {
  readonly requests: Pick<RequestStore, 'getRequest' | 'saveRoute' | 'saveRouteFailure'>;
  readonly audit: Pick<AuditLog, 'appendAuditUnless'>;
  readonly directory: Directory;
  readonly preset: Preset;
}

export async function planApprovalRoute(
  { requestId, version }: { readonly requestId: string; readonly version: number },
  ports: PlanRoutePorts,
): Promise<{ planned: boolean; stageCount: number }> {
  const request = await ports.requests.getRequest(requestId);
  if (request === undefined) throw new NotFoundError(`request ${requestId} does not exist`);
  const publication = request.publication ?? { is: false, reasons: [] };
  try {
    const stages = planRoute(request.submission, ports.directory, publication, ports.preset, request.findings);
    await ports.requests.saveRoute(requestId, version, stages);
    // Once per version, as every event a task writes: a run again after a crash appends none.
    await ports.audit.appendAuditUnless(
      requestId,
      {
        type: 'route.planned',
        actor: 'signoff',
        data: { version, stages: stages.map((s) => ({ stage: s.stage, assignees: s.assignees.map((a) => a.email) })) },
      },
      (e) => e.type === 'route.planned' && e.data['version'] === version,
    );
    return { planned: true, stageCount: stages.length };
  } catch (error) {
    if (!(error instanceof RouteError)) throw error;
    // No valid route (GOVERNANCE.md §2, separation of duties): the submitter hears why (outcomeMail), nobody is asked.
    // A route failure, not a finding: no rule of GOVERNANCE.md §5 or §6 fired.
    await ports.requests.saveRouteFailure(requestId, version, { reason: error.message });
    await ports.audit.appendAuditUnless(
      requestId,
      { type: 'route.failed', actor: 'signoff', data: { version, reason: error.message } },
      (e) => e.type === 'route.failed' && e.data['version'] === version,
    );
    return { planned: false, stageCount: 0 };
  }
}
