import { appendAudit } from './adapters/audit.js';
import { getRequest, saveRoute, saveRouteFailure } from './adapters/requests.js';
import { NotFoundError } from './core/errors.js';
import { RouteError, planRoute } from './core/request/route.js';
import { requestRef } from './core/request/task-payloads.js';
import { loadPreset } from './core/rules/presets.js';
import { directory } from './use-cases/registry-view.js';
import { taskHandler } from './shared/middleware.js';

// PlanRoute: the stages the institution's preset gives this request (by default supervisor → comms → ethics
// for publications and sensitive matters), filled from the directory, with separation of duties.
const preset = loadPreset(directory.preset);
export const handler = taskHandler(requestRef, async ({ requestId, version }) => {
  const request = await getRequest(requestId);
  if (request === undefined) throw new NotFoundError(`request ${requestId} does not exist`);
  const publication = request.publication ?? { is: false, reasons: [] };
  try {
    const stages = planRoute(request.submission, directory, publication, preset, request.findings);
    await saveRoute(requestId, version, stages);
    await appendAudit(requestId, {
      type: 'route.planned',
      actor: 'signoff',
      data: { version, stages: stages.map((s) => ({ stage: s.stage, assignees: s.assignees.map((a) => a.email) })) },
    });
    return { planned: true, stageCount: stages.length };
  } catch (error) {
    if (!(error instanceof RouteError)) throw error;
    // No valid route (GOVERNANCE.md §2, separation of duties): the submitter hears why (outcomeMail), nobody is asked.
    // A route failure, not a finding: no rule of GOVERNANCE.md §5 or §6 fired.
    await saveRouteFailure(requestId, version, { reason: error.message });
    await appendAudit(requestId, { type: 'route.failed', actor: 'signoff', data: { version, reason: error.message } });
    return { planned: false, stageCount: 0 };
  }
});
