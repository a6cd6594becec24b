import { checkAccountOpening } from '../core/account-opening/checks.js';
import { checkBrandPost } from '../core/checks/brand-post/checks.js';
import type { CheckBudget } from '../core/checks/check-budget.js';
import { isBlocking } from '../core/checks/findings.js';
import { classifyPublication } from '../core/checks/publication.js';
import { NotFoundError } from '../core/errors.js';
import type { CheckedRoute, RequestRecord, Stage } from '../core/model.js';
import { RouteError, planRoute } from '../core/request/route.js';
import { openedStage, stageOpening } from '../core/request/stage-clock.js';
import { publicationOptions, type Preset } from '../core/rules/presets.js';
import { openingOf, stepOf, type AdvanceStagePorts, type OpeningStep } from './advance-stage.js';
import type { AuditAppends, AuditLog, RequestStore } from './ports.js';
import type { RegistryView } from './registry-view.js';

// The governance checks of GOVERNANCE.md §4–§6 (§6 for account openings), then, when no finding blocks, the route:
// the stages the institution's preset gives the request (by default supervisor → comms → ethics for publications and
// sensitive matters), filled from the directory, with separation of duties. A blocking finding, or no valid route,
// sends the request back to the submitter (the ASL routes on `blocked` and `planned`); everything else travels with
// it to the approvers. The findings, the route and the first stage's opening are one conditional write, and the first
// stage's step (AdvanceStage's, stepOf) is taken from what it returned: one read, one write, one invocation and one
// chain read for what took three of each (issue #18).

export interface RunChecksPorts extends Omit<AdvanceStagePorts, 'requests' | 'audit'> {
  readonly requests: Pick<RequestStore, 'getRequest' | 'saveChecks' | 'saveRoute' | 'saveRouteFailure'> & AdvanceStagePorts['requests'];
  readonly audit: Pick<AuditLog, 'forInvocation'>;
  /** The registry and the directory over it, read afresh (an account opened a moment ago is a valid target). */
  registryView(): Promise<RegistryView>;
  /** The institution's preset (config/presets): which checks run, at which severity, with which thresholds; the route. */
  readonly preset: Preset;
  /** The checks' time budget, its overruns reported with these keys. */
  checkBudget(keys: { readonly requestId: string; readonly version: number }): CheckBudget;
}

export interface CheckedRequest {
  readonly blocked: boolean;
  readonly findingCount: number;
  /** A route was planned (nothing blocked and the directory gave every stage someone to decide it). */
  readonly planned: boolean;
  readonly stageCount: number;
  /** The first stage's step, as AdvanceStage takes it (null when no route was planned). */
  readonly step: OpeningStep | null;
}

type Checks = Omit<CheckedRoute, 'stages'>;

// Once per version: a run again after a crash finds its event and appends none.
async function auditChecks(audit: AuditAppends, requestId: string, version: number, { findings, publication }: Checks) {
  await audit.appendAuditUnless(
    requestId,
    {
      type: 'checks.completed',
      actor: 'signoff',
      data: {
        version,
        blocked: findings.some(isBlocking),
        findings: findings.map((f) => ({
          rule: f.rule,
          severity: f.severity,
          message: f.message,
          where: f.where ?? null,
          stage: f.stage ?? null,
          satisfied: f.attestation?.satisfied ?? null,
        })),
        publication: publication === undefined ? null : { is: publication.is, reasons: [...publication.reasons] },
      },
    },
    (e) => e.type === 'checks.completed' && e.data['version'] === version,
  );
}

export async function runChecks(
  { requestId, version }: { readonly requestId: string; readonly version: number },
  ports: RunChecksPorts,
  now: Date = new Date(),
): Promise<CheckedRequest> {
  const { preset } = ports;
  const request = await ports.requests.getRequest(requestId);
  if (request === undefined) throw new NotFoundError(`request ${requestId} does not exist`);
  const submission = request.submission;
  const { directory: current, registry } = await ports.registryView();
  const budget = ports.checkBudget({ requestId, version });
  const findings =
    submission.kind === 'brand-post'
      ? checkBrandPost(submission, current, preset, budget)
      : checkAccountOpening(submission, current, registry, preset, budget);
  const publication = submission.kind === 'brand-post' ? classifyPublication(submission, publicationOptions(preset)) : undefined;
  const checks: Checks = { findings, publication };
  // Its events follow one another in this invocation: the chain is read once, for the first.
  const audit = ports.audit.forInvocation();
  const notPlanned = (blocked: boolean): CheckedRequest => ({
    blocked,
    findingCount: findings.length,
    planned: false,
    stageCount: 0,
    step: null,
  });

  if (findings.some(isBlocking)) {
    await ports.requests.saveChecks(requestId, version, findings, publication);
    await auditChecks(audit, requestId, version, checks);
    return notPlanned(true);
  }
  let planned: readonly Stage[];
  try {
    planned = planRoute(submission, current, publication ?? { is: false, reasons: [] }, preset, findings);
  } catch (error) {
    if (!(error instanceof RouteError)) throw error;
    // No valid route (GOVERNANCE.md §2, separation of duties): the submitter hears why (outcomeMail), nobody is asked.
    // A route failure, not a finding: no rule of GOVERNANCE.md §5 or §6 fired.
    await ports.requests.saveChecks(requestId, version, findings, publication);
    await ports.requests.saveRouteFailure(requestId, version, { reason: error.message });
    await auditChecks(audit, requestId, version, checks);
    await audit.appendAuditUnless(
      requestId,
      { type: 'route.failed', actor: 'signoff', data: { version, reason: error.message } },
      (e) => e.type === 'route.failed' && e.data['version'] === version,
    );
    return notPlanned(false);
  }
  const saved = await saveRoute(request, planned, checks, ports, now);
  if (saved.stages.length === 0 && saved.outcome !== undefined) {
    // The request ended while it was checked (withdrawn; its execution is being stopped): no route, the findings kept.
    await ports.requests.saveChecks(requestId, version, findings, publication);
    await auditChecks(audit, requestId, version, checks);
    return notPlanned(false);
  }
  // The events say what the store holds: after a crash, what the first run saved.
  await auditChecks(audit, requestId, version, { findings: saved.findings, publication: saved.publication });
  await audit.appendAuditUnless(
    requestId,
    {
      type: 'route.planned',
      actor: 'signoff',
      data: { version, stages: saved.stages.map((s) => ({ stage: s.stage, assignees: s.assignees.map((a) => a.email) })) },
    },
    (e) => e.type === 'route.planned' && e.data['version'] === version,
  );
  const step = await stepOf(saved, { requestId, version, stageIndex: 0, callback: null }, { ...ports, audit }, now, false);
  return { blocked: false, findingCount: saved.findings.length, planned: true, stageCount: saved.stages.length, step: openingOf(step) };
}

/**
 * The findings and the route, its first stage opened at `now`, in one conditional write: a run again after a crash
 * finds what the first run saved (its findings, route and the first stage's times) and goes on from those.
 */
async function saveRoute(request: RequestRecord, planned: readonly Stage[], checks: Checks, ports: RunChecksPorts, now: Date) {
  const { requestId, version } = request;
  const publishAt = request.submission.kind === 'brand-post' ? request.submission.publishAt : undefined;
  const [first, ...rest] = planned;
  const stages = first === undefined ? planned : [openedStage(first, stageOpening(first, now, publishAt)), ...rest];
  const saved = (await ports.requests.saveRoute(requestId, version, { ...checks, stages })) ?? (await ports.requests.getRequest(requestId));
  if (saved?.version !== version) throw new NotFoundError(`request ${requestId} has no version ${version}`);
  return saved;
}
