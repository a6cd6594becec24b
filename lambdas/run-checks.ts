import { appendAudit } from './adapters/audit.js';
import { getRequest, saveChecks } from './adapters/requests.js';
import { checkBrandPost } from './core/checks/brand-post/checks.js';
import { NotFoundError } from './core/errors.js';
import { isBlocking } from './core/checks/findings.js';
import { classifyPublication } from './core/checks/publication.js';
import { requestRef } from './core/request/task-payloads.js';
import { loadPreset, publicationOptions } from './core/rules/presets.js';
import { checkAccountOpening } from './core/account-opening/checks.js';
import { loggedCheckBudget } from './shared/check-budget.js';
import { directory, registryView } from './use-cases/registry-view.js';
import { taskHandler } from './shared/middleware.js';

// RunChecks: the governance checks of GOVERNANCE.md §4–§6 (§6 for account openings). A blocking finding sends the request back
// to the submitter (the ASL routes on `blocked`); everything else travels with it to the approvers.
// The institution's preset (config/presets): which checks run, at which severity, with which thresholds.
const preset = loadPreset(directory.preset);

export const handler = taskHandler(requestRef, async ({ requestId, version }) => {
  const request = await getRequest(requestId);
  if (request === undefined) throw new NotFoundError(`request ${requestId} does not exist`);
  const submission = request.submission;
  const { directory: current, registry } = await registryView();
  const budget = loggedCheckBudget({ requestId, version });
  const findings =
    submission.kind === 'brand-post' ? checkBrandPost(submission, current, preset, budget) : checkAccountOpening(submission, current, registry, preset, budget);
  const publication = submission.kind === 'brand-post' ? classifyPublication(submission, publicationOptions(preset)) : undefined;
  await saveChecks(requestId, version, findings, publication);
  const blocked = findings.some(isBlocking);
  await appendAudit(requestId, {
    type: 'checks.completed',
    actor: 'signoff',
    data: {
      version,
      blocked,
      findings: findings.map((f) => ({ rule: f.rule, severity: f.severity, message: f.message, where: f.where ?? null, stage: f.stage ?? null, satisfied: f.attestation?.satisfied ?? null })),
      publication: publication === undefined ? null : { is: publication.is, reasons: [...publication.reasons] },
    },
  });
  return { blocked, findingCount: findings.length };
});
