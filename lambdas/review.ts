import { appendAudit } from './adapters/audit.js';
import { getLink, type ApprovalLink } from './adapters/approvals.js';
import { claimStage, getRequest, overridePublication, waitTokenOf } from './adapters/requests.js';
import { sendTaskSuccess } from './adapters/workflow.js';
import { deciderKey, personKey, type Directory } from './core/request/directory.js';
import { constantTimeEquals, isWellFormedLinkId, sha256Hex } from './core/ids.js';
import { MAX_FORM_BYTES, commentProblem } from './core/request/limits.js';
import type { Decision, PublicationClassification, RequestRecord, StageDecision } from './core/model.js';
import { loadPreset } from './core/rules/presets.js';
import { reviewPage, type ReviewPageState } from './core/render/review-page.js';
import { RouteError, replanAfterOverride, statementsAsked } from './core/request/route.js';
import { directory as fileDirectory, registryView } from './use-cases/registry-view.js';
import { httpHandler, pathParameter, rawBody, type HttpEvent, type HttpResult } from './shared/middleware.js';
import { countDecision } from './shared/metrics.js';

// GET/HEAD /approvals/{linkId}: renders the request and never decides. Mail scanners (Safe Links, Mimecast,
// Proofpoint) fetch every link and some run scripts; none of that can decide, because a decision is a POST
// that carries the CSRF token of a rendered page.
// POST /approvals/{linkId}: the decision. A conditional write on the stage makes the first valid decision
// win; only then is the waiting task told, with the token kept server-side on the stage.

const DECISIONS: readonly Decision[] = ['approve', 'reject', 'request-changes'];
const MAX_REASON_CHARS = 1_000;

function page(statusCode: number, html: string, method: string): HttpResult {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    },
    body: method === 'HEAD' ? '' : html,
  };
}

function notFound(method: string): HttpResult {
  return page(404, `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Link not found</title></head><body><main><h1>Link not found</h1><p>This approval link is not valid. Use the link from your most recent approval e-mail.</p></main></body></html>`, method);
}

/** The stage's current deadline: the second one once it was escalated. */
function deadlineOf(request: RequestRecord, link: ApprovalLink): string {
  const stage = request.stages[link.stageIndex];
  return stage?.escalationDeadline ?? stage?.deadline ?? '';
}

/** Where the stage stands, from the approver's side. */
function stateOf(request: RequestRecord, link: ApprovalLink): ReviewPageState {
  const stage = request.stages[link.stageIndex];
  if (request.outcome === 'withdrawn') return { kind: 'closed', reason: 'The submitter withdrew this request; there is nothing to decide.' };
  if (request.version !== link.version) return { kind: 'closed', reason: `This link was for version ${link.version}; the request is now at version ${request.version}, and the approvers are asked again.` };
  if (stage?.status === 'expired') return { kind: 'closed', reason: `This stage expired at ${stage.decidedAt ?? deadlineOf(request, link)} without a decision. Nothing was approved.` };
  if (stage?.decision !== undefined && stage.decidedAt !== undefined) {
    return { kind: 'decided', decision: stage.decision, by: stage.decidedBy ?? 'nobody', at: stage.decidedAt, justNow: false };
  }
  if (request.status !== 'awaiting-approval' || stage?.status !== 'pending') return { kind: 'closed', reason: `This request is ${request.status}; there is nothing to decide here.` };
  return { kind: 'open' };
}

function statusFor(state: ReviewPageState): number {
  if (state.kind === 'decided') return 409;
  if (state.kind === 'closed') return 410;
  return 200;
}

export const handler = httpHandler(async (event: HttpEvent) => {
  const method = event.requestContext.http.method.toUpperCase();
  const linkId = pathParameter(event, 'linkId');
  if (!isWellFormedLinkId(linkId)) return notFound(method);
  const link = await getLink(sha256Hex(linkId));
  if (link === undefined) return notFound(method);
  const request = await getRequest(link.requestId);
  if (request === undefined) return notFound(method);
  // The registry is read only where the page shows it: an opening lists the unit's existing accounts (A-EXISTING).
  const directory = request.submission.kind === 'account-opening' ? (await registryView()).directory : fileDirectory;
  const render = (state: ReviewPageState, r: RequestRecord = request) =>
    reviewPage({ institution: directory.institution, request: r, stageIndex: link.stageIndex, approver: link.approver, deadline: deadlineOf(r, link), csrf: link.csrf, state, accounts: directory.accounts });

  const state = stateOf(request, link);
  if (method === 'GET' || method === 'HEAD') return page(200, render(state), method);
  if (method !== 'POST') return { statusCode: 405, headers: { allow: 'GET, HEAD, POST' }, body: '' };

  // A closed stage answers what closed it, whatever was posted: nothing can be decided there anyway.
  if (state.kind !== 'open') return page(statusFor(state), render(state), method);
  const raw = rawBody(event);
  const size = Buffer.byteLength(raw, 'utf8');
  if (size > MAX_FORM_BYTES) return page(413, render({ kind: 'open', error: `The form sent ${size.toLocaleString('en')} bytes; the limit is ${MAX_FORM_BYTES.toLocaleString('en')}. Nothing was decided.` }), method);
  const form = new URLSearchParams(raw);
  if (!constantTimeEquals(form.get('csrf') ?? '', link.csrf)) {
    return page(403, render({ kind: 'open', error: 'This decision did not come from the review page, so nothing was decided. Use the buttons on this page.' }), method);
  }
  // Separation of duties (GOVERNANCE.md §2): nobody approves their own request, one person decides at most one stage.
  // People are compared by directory id, never by how an address happens to be spelled.
  const approver = link.approver.email;
  if (link.approver.id === personKey(directory, request.submission.submitter)) {
    return page(403, render({ kind: 'closed', reason: 'You submitted this request, so you cannot decide on it.' }), method);
  }
  const other = request.stages.find((s, i) => i !== link.stageIndex && deciderKey(directory, s) === link.approver.id);
  if (other !== undefined) {
    return page(403, render({ kind: 'closed', reason: `You already decided the ${other.stage} stage of this request; another member of the group must decide this one.` }), method);
  }
  if (form.get('action') === 'classify') return classify(request, link, form, directory, render, method);

  const decision = form.get('decision') as Decision | null;
  const comment = (form.get('comment') ?? '').trim();
  if (decision === null || !DECISIONS.includes(decision)) {
    return page(400, render({ kind: 'open', error: `Choose approve, reject or request changes (got ${JSON.stringify(decision)}).` }), method);
  }
  const tooLong = commentProblem(comment);
  if (tooLong !== undefined) return page(400, render({ kind: 'open', ticked: form.getAll('statement'), error: tooLong }), method);
  if (decision !== 'approve' && comment === '') {
    return page(400, render({ kind: 'open', error: decision === 'reject' ? 'A rejection needs a reason in the comment.' : 'Requesting changes needs a comment saying what to change.' }), method);
  }
  // Statements the findings ask of this stage (GOVERNANCE.md §5): approving means making each of them.
  const asked = decision === 'approve' ? statementsAsked(request.findings, link.stage) : [];
  const ticked = form.getAll('statement');
  const missing = asked.filter((a) => !ticked.includes(a.rule));
  if (missing.length > 0) {
    return page(400, render({ kind: 'open', ticked, error: `To approve, make ${missing.length === 1 ? 'this statement' : 'these statements'} (tick ${missing.length === 1 ? 'it' : 'each'}), or request changes: ${missing.map((m) => `${m.rule} — ${m.statement}`).join(' ')}` }), method);
  }

  const result: StageDecision = { stageIndex: link.stageIndex, decision, decidedBy: approver, deciderId: link.approver.id, decidedAt: new Date().toISOString(), comment: comment === '' ? undefined : comment, statements: asked.length > 0 ? asked : undefined };
  const claimed = await claimStage(request.requestId, request.version, link.stageIndex, request.stages.length, result);
  if (claimed === undefined) {
    const latest = (await getRequest(request.requestId)) ?? request;
    const lost = stateOf(latest, link);
    return page(statusFor(lost), render(lost, latest), method);
  }
  await appendAudit(request.requestId, {
    type: 'decision.recorded',
    actor: approver,
    data: {
      stage: link.stage,
      stageIndex: link.stageIndex,
      version: request.version,
      decision,
      comment: comment === '' ? null : comment,
      statements: asked.map((a) => ({ rule: a.rule, statement: a.statement })),
      channel: 'web',
      linkHash: link.pk.slice('link#'.length),
      contentHash: request.contentHash,
    },
  });
  countDecision(decision);
  // Nudge the task waiting now (asked, reminded or escalated): the workflow then reads this decision from the store
  // (AdvanceStage), never from the message. TaskTimedOut here means its wait ended first; AdvanceStage reads the
  // store then too. The token is read after the claim, so a task that started waiting meanwhile is the one nudged.
  const token = await waitTokenOf(request.requestId, link.stageIndex);
  if (token !== undefined) await sendTaskSuccess(token, { stageIndex: link.stageIndex });
  return page(200, render({ kind: 'decided', decision, by: approver, at: result.decidedAt, justNow: true }, claimed), method);
});

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
  render: (state: ReviewPageState, r?: RequestRecord) => string,
  method: string,
): Promise<HttpResult> {
  const current = request.publication;
  if (link.stage !== 'comms' || request.submission.kind !== 'brand-post' || current === undefined) {
    return page(403, render({ kind: 'open', error: 'Only a communications approver can override the publication classification of a post.' }), method);
  }
  const wanted = form.get('publication');
  if (wanted !== 'yes' && wanted !== 'no') return page(400, render({ kind: 'open', error: `Choose whether the post is a publication (got ${JSON.stringify(wanted)}).` }), method);
  const to = wanted === 'yes';
  const reason = (form.get('reason') ?? '').trim();
  if (reason === '') return page(400, render({ kind: 'open', error: 'Overriding the classification needs a reason; it is kept in the audit trail.' }), method);
  if (reason.length > MAX_REASON_CHARS) return page(400, render({ kind: 'open', error: `The reason is ${reason.length} characters; keep it under ${MAX_REASON_CHARS}.` }), method);
  if (to === current.is) return page(409, render({ kind: 'open', error: `The post is already classified as ${to ? 'a publication' : 'not a publication'}; nothing changed.` }), method);

  const at = new Date().toISOString();
  const publication: PublicationClassification = {
    is: to,
    reasons: [`classified as ${to ? 'a publication' : 'not a publication'} by ${link.approver.email}: ${reason}`],
    override: { by: link.approver.email, at, reason, was: current.override?.was ?? current.is },
  };
  let stages: ReturnType<typeof replanAfterOverride>;
  try {
    stages = replanAfterOverride(request, link.stageIndex, publication, directory, loadPreset(directory.preset));
  } catch (error) {
    if (!(error instanceof RouteError)) throw error;
    return page(409, render({ kind: 'open', error: `The classification was not changed: ${error.message}.` }), method);
  }
  const updated = await overridePublication(request.requestId, request.version, link.stageIndex, request.stages.length, publication, stages);
  if (updated === undefined) {
    const latest = (await getRequest(request.requestId)) ?? request;
    const now = stateOf(latest, link);
    return page(now.kind === 'open' ? 409 : statusFor(now), render(now.kind === 'open' ? { kind: 'open', error: 'The route changed while you were reading; review it again below.' } : now, latest), method);
  }
  await appendAudit(request.requestId, {
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
  return page(200, render({ kind: 'open', notice: `Classified as ${to ? 'a publication' : 'not a publication'}. Route: ${before === after ? `unchanged (${after})` : `${before} became ${after}`}. Your decision is still to be made.` }, updated), method);
}
