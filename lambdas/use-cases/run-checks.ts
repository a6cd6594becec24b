import { checkAccountOpening } from '../core/account-opening/checks.js';
import { checkBrandPost } from '../core/checks/brand-post/checks.js';
import type { CheckBudget } from '../core/checks/check-budget.js';
import { isBlocking } from '../core/checks/findings.js';
import { classifyPublication } from '../core/checks/publication.js';
import { NotFoundError } from '../core/errors.js';
import { publicationOptions, type Preset } from '../core/rules/presets.js';
import type { AuditLog, RequestStore } from './ports.js';
import type { RegistryView } from './registry-view.js';

// The governance checks of GOVERNANCE.md §4–§6 (§6 for account openings). A blocking finding sends the request back
// to the submitter (the ASL routes on `blocked`); everything else travels with it to the approvers.

export interface RunChecksPorts {
  readonly requests: Pick<RequestStore, 'getRequest' | 'saveChecks'>;
  readonly audit: Pick<AuditLog, 'appendAuditUnless'>;
  /** The registry and the directory over it, read afresh (an account opened a moment ago is a valid target). */
  registryView(): Promise<RegistryView>;
  /** The institution's preset (config/presets): which checks run, at which severity, with which thresholds. */
  readonly preset: Preset;
  /** The checks' time budget, its overruns reported with these keys. */
  checkBudget(keys: { readonly requestId: string; readonly version: number }): CheckBudget;
}

export async function runChecks(
  { requestId, version }: { readonly requestId: string; readonly version: number },
  ports: RunChecksPorts,
): Promise<{ blocked: boolean; findingCount: number }> {
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
  await ports.requests.saveChecks(requestId, version, findings, publication);
  const blocked = findings.some(isBlocking);
  // Once per version: a run again after a crash finds its event and appends none.
  await ports.audit.appendAuditUnless(
    requestId,
    {
      type: 'checks.completed',
      actor: 'signoff',
      data: {
        version,
        blocked,
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
  return { blocked, findingCount: findings.length };
}
