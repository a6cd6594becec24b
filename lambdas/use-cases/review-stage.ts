import { constantTimeEquals, isWellFormedLinkId, sha256Hex } from '../core/ids.js';
import type { RequestRecord, StageDecision } from '../core/model.js';
import type { ReviewPageState } from '../core/render/review-page.js';
import type { Directory } from '../core/request/directory.js';
import { MAX_FORM_BYTES, commentProblem, formEncodingProblem } from '../core/request/limits.js';
import {
  classificationChange,
  commentMissing,
  isDecision,
  missingStatementsProblem,
  overriddenClassification,
  separationProblem,
  stageViewOf,
  statementsOf,
} from '../core/request/review.js';
import { decisionRecordedEntry, recordsDecisionOf, workflowPassed, type AuditedSeat } from '../core/request/decision-event.js';
import { RouteError, replanAfterOverride } from '../core/request/route.js';
import { loadPreset } from '../core/rules/presets.js';
import type { ApprovalLink, ApprovalStore, AuditLog, RequestStore, Workflow } from './ports.js';
import type { RegistryView } from './registry-view.js';
import { countDecision } from '../shared/metrics.js';

// A review link (GOVERNANCE.md §2–§5): shows the stage, and takes a decision or a classification override posted
// from the page. Showing never decides: mail scanners fetch every link and some run scripts, and a decision is a POST
// carrying the CSRF token of a rendered page. A conditional write on the stage makes the first valid decision win;
// only then is the waiting task told, with the token kept server-side on the stage.

export interface ReviewStagePorts {
  readonly approvals: Pick<ApprovalStore, 'getLink'>;
  readonly requests: Pick<RequestStore, 'getRequest' | 'claimStage' | 'overridePublication' | 'waitTokenOf'>;
  readonly audit: Pick<AuditLog, 'appendAudit' | 'appendAuditUnless'>;
  readonly workflow: Pick<Workflow, 'sendTaskSuccess'>;
  /** The directory file: people, and what the page shows of the institution. */
  readonly directory: Directory;
  /** The registry and the directory over it, read only where the page shows the registry (an account opening). */
  registryView(): Promise<RegistryView>;
}

/** What the approver did: open the page (GET, HEAD), post its form, or something else. */
export type ReviewIntent = { readonly kind: 'view' } | { readonly kind: 'post'; readonly body: string } | { readonly kind: 'other' };

/** The page to answer with: its status, the state it shows, over which request, for which link. */
export interface ReviewPage {
  readonly kind: 'page';
  readonly status: 200 | 400 | 403 | 409 | 410 | 413;
  readonly state: ReviewPageState;
  readonly request: RequestRecord;
  readonly link: ApprovalLink;
  /** The directory the page is rendered with. */
  readonly directory: Directory;
}

export type ReviewAnswer = { readonly kind: 'not-found' } | { readonly kind: 'method-not-allowed' } | ReviewPage;

function statusFor(state: ReviewPageState): 200 | 409 | 410 {
  if (state.kind === 'decided') return 409;
  if (state.kind === 'closed') return 410;
  return 200;
}

export async function reviewStage(linkId: string, intent: ReviewIntent, ports: ReviewStagePorts): Promise<ReviewAnswer> {
  if (!isWellFormedLinkId(linkId)) return { kind: 'not-found' };
  const link = await ports.approvals.getLink(sha256Hex(linkId));
  if (link === undefined) return { kind: 'not-found' };
  const request = await ports.requests.getRequest(link.requestId);
  if (request === undefined) return { kind: 'not-found' };
  // The registry is read only where the page shows it: an opening lists the unit's existing accounts (A-EXISTING).
  const directory = request.submission.kind === 'account-opening' ? (await ports.registryView()).directory : ports.directory;
  const page = (status: ReviewPage['status'], state: ReviewPageState, shown: RequestRecord = request): ReviewPage => ({
    kind: 'page',
    status,
    state,
    request: shown,
    link,
    directory,
  });

  const state = stageViewOf(request, link);
  if (intent.kind === 'view') return page(200, state);
  if (intent.kind === 'other') return { kind: 'method-not-allowed' };

  // A closed stage answers what closed it, whatever was posted: nothing can be decided there anyway. A decided one is
  // settled first when the link's approver may decide the stage (see settleDecided). No CSRF token is asked for that:
  // settling decides nothing, and the page of a decided stage has no form to take the token from.
  if (state.kind === 'decided') {
    const separation = separationProblem(request, link, directory);
    if (separation !== undefined) return page(403, { kind: 'closed', reason: separation });
    await settleDecided(request, link, ports);
  }
  if (state.kind !== 'open') return page(statusFor(state), state);
  const size = Buffer.byteLength(intent.body, 'utf8');
  if (size > MAX_FORM_BYTES)
    return page(413, {
      kind: 'open',
      error: `The form sent ${size.toLocaleString('en')} bytes; the limit is ${MAX_FORM_BYTES.toLocaleString('en')}. Nothing was decided.`,
    });
  const encoding = formEncodingProblem(intent.body);
  if (encoding !== undefined) return page(400, { kind: 'open', error: `${capitalised(encoding)}. Nothing was decided.` });
  const form = new URLSearchParams(intent.body);
  if (!constantTimeEquals(form.get('csrf') ?? '', link.csrf)) {
    return page(403, {
      kind: 'open',
      error: 'This decision did not come from the review page, so nothing was decided. Use the buttons on this page.',
    });
  }
  const separation = separationProblem(request, link, directory);
  if (separation !== undefined) return page(403, { kind: 'closed', reason: separation });
  if (form.get('action') === 'classify') return classify(request, link, form, directory, ports, page);

  const decision = form.get('decision');
  const comment = (form.get('comment') ?? '').trim();
  if (!isDecision(decision))
    return page(400, { kind: 'open', error: `Choose approve, reject or request changes (got ${JSON.stringify(decision)}).` });
  const ticked = form.getAll('statement');
  const tooLong = commentProblem(comment);
  if (tooLong !== undefined) return page(400, { kind: 'open', ticked, error: tooLong });
  const missingComment = commentMissing(decision, comment);
  if (missingComment !== undefined) return page(400, { kind: 'open', error: missingComment });
  const { asked, missing } = statementsOf(decision, request.findings, link.stage, ticked);
  if (missing.length > 0) return page(400, { kind: 'open', ticked, error: missingStatementsProblem(missing) });

  const approver = link.approver.email;
  const result: StageDecision = {
    stageIndex: link.stageIndex,
    decision,
    decidedBy: approver,
    deciderId: link.approver.id,
    decidedAt: new Date().toISOString(),
    comment: comment === '' ? undefined : comment,
    statements: asked.length > 0 ? asked : undefined,
  };
  const claim = await ports.requests.claimStage(request.requestId, request.version, link.stageIndex, request.stages.length, result);
  if (claim === undefined) {
    const latest = (await ports.requests.getRequest(request.requestId)) ?? request;
    const lost = stageViewOf(latest, link);
    return page(statusFor(lost), lost, latest);
  }
  const claimed = claim.request;
  const recorded = decisionRecordedEntry(claimed, auditedSeat(link));
  // Unless a later post settled it first (settleDecided): one decision.recorded per stage and version, however they race.
  if (recorded !== undefined) await ports.audit.appendAuditUnless(request.requestId, recorded, recordsDecisionOf(link));
  countDecision(decision);
  // Nudge the task waiting now (asked, reminded or escalated): the workflow then reads this decision from the store
  // (AdvanceStage), never from the message. TaskTimedOut here means its wait ended first; AdvanceStage reads the
  // store then too. The token is the one the claim's write found: once the stage is decided no task can start
  // waiting on it (issue #18: no read after the claim).
  if (claim.waitToken !== undefined) await ports.workflow.sendTaskSuccess(claim.waitToken, { stageIndex: link.stageIndex });
  return page(200, { kind: 'decided', decision, by: approver, at: result.decidedAt, justNow: true }, claimed);
}

function capitalised(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

function auditedSeat(link: ApprovalLink): AuditedSeat {
  return { ...link, linkHash: link.pk.slice('link#'.length) };
}

/**
 * A decision the stage holds whose post did not finish (issue #13: the process ended after the claim, before the
 * audit or the nudge): its `decision.recorded` event is appended if the trail has none for the stage and version,
 * and the task waiting on the stage is nudged unless the workflow went past it. Both steps are idempotent, so any
 * later post of an approver of the stage settles it; GET never does (showing never changes anything). A post
 * landing between another post's claim and its audit cannot append the event twice: both append through
 * appendAuditUnless, whose conditional put on the next seq makes the later of two racing writers see the first's event.
 */
async function settleDecided(request: RequestRecord, link: ApprovalLink, ports: ReviewStagePorts): Promise<void> {
  const entry = decisionRecordedEntry(request, auditedSeat(link), link.approver.email);
  if (entry === undefined) return;
  await ports.audit.appendAuditUnless(request.requestId, entry, recordsDecisionOf(link));
  if (workflowPassed(request, link.stageIndex)) return;
  const token = await ports.requests.waitTokenOf(request.requestId, link.stageIndex);
  if (token !== undefined) await ports.workflow.sendTaskSuccess(token, { stageIndex: link.stageIndex });
}

/**
 * A communications approver overrides the publication classification (GOVERNANCE.md §4) with a reason: the
 * route after their stage is planned again (an ethics stage appears or goes), and the override is audited.
 * Their own decision is still to be made on the page that follows.
 */
async function classify(
  request: RequestRecord,
  link: ApprovalLink,
  form: URLSearchParams,
  directory: Directory,
  ports: ReviewStagePorts,
  page: (status: ReviewPage['status'], state: ReviewPageState, shown?: RequestRecord) => ReviewPage,
): Promise<ReviewPage> {
  const change = classificationChange(request, link, form.get('publication'), form.get('reason'));
  if (!change.ok) return page(change.status, { kind: 'open', error: change.problem });
  const { current, to, reason } = change;
  const publication = overriddenClassification(current, to, reason, link.approver.email, new Date().toISOString());
  let stages: ReturnType<typeof replanAfterOverride>;
  try {
    stages = replanAfterOverride(request, link.stageIndex, publication, directory, loadPreset(directory.preset));
  } catch (error) {
    if (!(error instanceof RouteError)) throw error;
    return page(409, { kind: 'open', error: `The classification was not changed: ${error.message}.` });
  }
  const updated = await ports.requests.overridePublication(
    request.requestId,
    request.version,
    link.stageIndex,
    request.stages.length,
    publication,
    stages,
  );
  if (updated === undefined) {
    const latest = (await ports.requests.getRequest(request.requestId)) ?? request;
    const now = stageViewOf(latest, link);
    return page(
      now.kind === 'open' ? 409 : statusFor(now),
      now.kind === 'open' ? { kind: 'open', error: 'The route changed while you were reading; review it again below.' } : now,
      latest,
    );
  }
  await ports.audit.appendAudit(request.requestId, {
    type: 'publication.overridden',
    actor: link.approver.email,
    data: {
      version: request.version,
      stage: link.stage,
      stageIndex: link.stageIndex,
      from: current.is,
      to,
      reason,
      classifierReasons: [...current.reasons],
      route: stages.map((s) => ({ stage: s.stage, assignees: s.assignees.map((a) => a.email) })),
      channel: 'web',
      linkHash: link.pk.slice('link#'.length),
    },
  });
  const before = request.stages.map((s) => s.stage).join(' → ');
  const after = stages.map((s) => s.stage).join(' → ');
  return page(
    200,
    {
      kind: 'open',
      notice: `Classified as ${to ? 'a publication' : 'not a publication'}. Route: ${before === after ? `unchanged (${after})` : `${before} became ${after}`}. Your decision is still to be made.`,
    },
    updated,
  );
}
