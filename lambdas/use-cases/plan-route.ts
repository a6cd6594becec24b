import { NotFoundError } from '../core/errors.js';
import type { Stage } from '../core/model.js';
import type { Directory } from '../core/request/directory.js';
import { RouteError, planRoute } from '../core/request/route.js';
import { openedStage, stageOpening } from '../core/request/stage-clock.js';
import type { Preset } from '../core/rules/presets.js';
import { stepOf, type AdvanceStagePorts, type StageStep } from './advance-stage.js';
import type { AuditLog, RequestStore } from './ports.js';

// The stages the institution's preset gives a request (by default supervisor → comms → ethics for publications and
// sensitive matters), filled from the directory, with separation of duties. No valid route: the submitter hears why.
// The first stage opens in the same write that saves the route, and its first step (AdvanceStage's, stepOf) is taken
// here from what that write returned: the state machine goes from here to the first ask (issue #18).

export interface PlanRoutePorts extends Omit<AdvanceStagePorts, 'requests' | 'audit'> {
  readonly requests: Pick<RequestStore, 'getRequest' | 'saveRoute' | 'saveRouteFailure'> & AdvanceStagePorts['requests'];
  readonly audit: Pick<AuditLog, 'forInvocation'>;
  readonly directory: Directory;
  readonly preset: Preset;
}

export type PlannedRoute =
  | { readonly planned: true; readonly stageCount: number; readonly step: StageStep }
  | { readonly planned: false; readonly stageCount: 0; readonly step: null };

export async function planApprovalRoute(
  { requestId, version }: { readonly requestId: string; readonly version: number },
  ports: PlanRoutePorts,
  now: Date = new Date(),
): Promise<PlannedRoute> {
  const request = await ports.requests.getRequest(requestId);
  if (request === undefined) throw new NotFoundError(`request ${requestId} does not exist`);
  const publication = request.publication ?? { is: false, reasons: [] };
  // Its events follow one another in this invocation: the chain is read once, for the first.
  const audit = ports.audit.forInvocation();
  let planned: readonly Stage[];
  try {
    planned = planRoute(request.submission, ports.directory, publication, ports.preset, request.findings);
  } catch (error) {
    if (!(error instanceof RouteError)) throw error;
    // No valid route (GOVERNANCE.md §2, separation of duties): the submitter hears why (outcomeMail), nobody is asked.
    // A route failure, not a finding: no rule of GOVERNANCE.md §5 or §6 fired.
    await ports.requests.saveRouteFailure(requestId, version, { reason: error.message });
    await audit.appendAuditUnless(
      requestId,
      { type: 'route.failed', actor: 'signoff', data: { version, reason: error.message } },
      (e) => e.type === 'route.failed' && e.data['version'] === version,
    );
    return { planned: false, stageCount: 0, step: null };
  }
  const publishAt = request.submission.kind === 'brand-post' ? request.submission.publishAt : undefined;
  const [first, ...rest] = planned;
  const stages = first === undefined ? planned : [openedStage(first, stageOpening(first, now, publishAt)), ...rest];
  // Conditional on the version still being checked: a run again after a crash finds the route (and the first stage's
  // times) the first run saved, and goes on from those.
  const saved = (await ports.requests.saveRoute(requestId, version, stages)) ?? (await ports.requests.getRequest(requestId));
  if (saved?.version !== version) throw new NotFoundError(`request ${requestId} has no version ${version}`);
  // Once per version, as every event a task writes: a run again after a crash appends none.
  await audit.appendAuditUnless(
    requestId,
    {
      type: 'route.planned',
      actor: 'signoff',
      data: { version, stages: saved.stages.map((s) => ({ stage: s.stage, assignees: s.assignees.map((a) => a.email) })) },
    },
    (e) => e.type === 'route.planned' && e.data['version'] === version,
  );
  const step = await stepOf(saved, { requestId, version, stageIndex: 0, callback: null }, { ...ports, audit }, now);
  return { planned: true, stageCount: saved.stages.length, step };
}
