import type { Decision, Finding, PublicationClassification, RequestRecord, StageName, StatementMade } from '../model.js';
import { deciderKey, personKey, type Directory } from './directory.js';
import { statementsAsked } from './route.js';

// The rules of a decision on a review page (GOVERNANCE.md §2–§5), pure: where the stage stands from the approver's
// side, separation of duties, what a decision must carry, the statements approving makes, and what overriding the
// publication classification needs. lambdas/use-cases/review-stage.ts applies them.

export const DECISIONS: readonly Decision[] = ['approve', 'reject', 'request-changes'];
/** The longest reason for overriding the publication classification. */
export const MAX_REASON_CHARS = 1_000;

/** The seat a review link gives: one approver, one stage of one version. */
export interface ReviewSeat {
  readonly version: number;
  readonly stageIndex: number;
  readonly stage: StageName;
  readonly approver: { readonly id: string; readonly email: string };
}

/** Where the stage stands, from the approver's side. */
export type StageView =
  | { readonly kind: 'open' }
  | { readonly kind: 'decided'; readonly decision: string; readonly by: string; readonly at: string; readonly justNow: boolean }
  | { readonly kind: 'closed'; readonly reason: string };

/** The stage's current deadline: the second one once it was escalated. */
export function currentDeadline(request: RequestRecord, stageIndex: number): string {
  const stage = request.stages[stageIndex];
  return stage?.escalationDeadline ?? stage?.deadline ?? '';
}

export function stageViewOf(request: RequestRecord, seat: ReviewSeat): StageView {
  const stage = request.stages[seat.stageIndex];
  if (request.outcome === 'withdrawn')
    return { kind: 'closed', reason: 'The submitter withdrew this request; there is nothing to decide.' };
  if (request.version !== seat.version)
    return {
      kind: 'closed',
      reason: `This link was for version ${seat.version}; the request is now at version ${request.version}, and the approvers are asked again.`,
    };
  if (stage?.status === 'expired')
    return {
      kind: 'closed',
      reason: `This stage expired at ${stage.decidedAt ?? currentDeadline(request, seat.stageIndex)} without a decision. Nothing was approved.`,
    };
  if (stage?.decision !== undefined && stage.decidedAt !== undefined) {
    return { kind: 'decided', decision: stage.decision, by: stage.decidedBy ?? 'nobody', at: stage.decidedAt, justNow: false };
  }
  if (request.status === 'failed')
    return {
      kind: 'closed',
      reason: `Signoff could not carry this request on: its workflow failed at ${request.failure?.step ?? 'a step'} (${request.failure?.error ?? 'an error'}), and its operators were alerted. Nothing was approved; there is nothing to decide here.`,
    };
  if (request.status !== 'awaiting-approval' || stage?.status !== 'pending')
    return { kind: 'closed', reason: `This request is ${request.status}; there is nothing to decide here.` };
  return { kind: 'open' };
}

/**
 * Separation of duties (GOVERNANCE.md §2): nobody decides their own request, one person decides at most one stage.
 * People are compared by directory id, never by how an address happens to be spelled. Why this approver may not
 * decide this stage, or undefined when they may.
 */
export function separationProblem(request: RequestRecord, seat: ReviewSeat, directory: Directory): string | undefined {
  if (seat.approver.id === personKey(directory, request.submission.submitter))
    return 'You submitted this request, so you cannot decide on it.';
  const other = request.stages.find((s, i) => i !== seat.stageIndex && deciderKey(directory, s) === seat.approver.id);
  if (other !== undefined)
    return `You already decided the ${other.stage} stage of this request; another member of the group must decide this one.`;
  return undefined;
}

export function isDecision(value: string | null): value is Decision {
  return DECISIONS.some((d) => d === value);
}

/** A rejection and a request for changes say why, in the comment. */
export function commentMissing(decision: Decision, comment: string): string | undefined {
  if (decision === 'approve' || comment !== '') return undefined;
  return decision === 'reject' ? 'A rejection needs a reason in the comment.' : 'Requesting changes needs a comment saying what to change.';
}

/**
 * The statements the findings ask of this stage (GOVERNANCE.md §5), which approving makes, and those of them the
 * approver did not tick (by rule id). Rejecting or requesting changes makes none.
 */
export function statementsOf(
  decision: Decision,
  findings: readonly Finding[],
  stage: StageName,
  ticked: readonly string[],
): { readonly asked: StatementMade[]; readonly missing: StatementMade[] } {
  const asked = decision === 'approve' ? statementsAsked(findings, stage) : [];
  return { asked, missing: asked.filter((a) => !ticked.includes(a.rule)) };
}

export function missingStatementsProblem(missing: readonly StatementMade[]): string {
  const one = missing.length === 1;
  return `To approve, make ${one ? 'this statement' : 'these statements'} (tick ${one ? 'it' : 'each'}), or request changes: ${missing.map((m) => `${m.rule} — ${m.statement}`).join(' ')}`;
}

/** What an override of the publication classification asks for (GOVERNANCE.md §4), read from the form. */
export type ClassificationChange =
  | { readonly ok: true; readonly current: PublicationClassification; readonly to: boolean; readonly reason: string }
  | { readonly ok: false; readonly status: 400 | 403 | 409; readonly problem: string };

/** Only a communications approver overrides a post's classification, to the other value, with a short reason. */
export function classificationChange(
  request: RequestRecord,
  seat: ReviewSeat,
  wanted: string | null,
  reasonGiven: string | null,
): ClassificationChange {
  const current: PublicationClassification | undefined = request.publication;
  if (seat.stage !== 'comms' || request.submission.kind !== 'brand-post' || current === undefined) {
    return { ok: false, status: 403, problem: 'Only a communications approver can override the publication classification of a post.' };
  }
  if (wanted !== 'yes' && wanted !== 'no')
    return { ok: false, status: 400, problem: `Choose whether the post is a publication (got ${JSON.stringify(wanted)}).` };
  const to = wanted === 'yes';
  const reason = (reasonGiven ?? '').trim();
  if (reason === '')
    return { ok: false, status: 400, problem: 'Overriding the classification needs a reason; it is kept in the audit trail.' };
  if (reason.length > MAX_REASON_CHARS)
    return { ok: false, status: 400, problem: `The reason is ${reason.length} characters; keep it under ${MAX_REASON_CHARS}.` };
  if (to === current.is)
    return {
      ok: false,
      status: 409,
      problem: `The post is already classified as ${to ? 'a publication' : 'not a publication'}; nothing changed.`,
    };
  return { ok: true, current, to, reason };
}

/** The classification an override gives, keeping what the classifier said first. */
export function overriddenClassification(
  current: PublicationClassification,
  to: boolean,
  reason: string,
  by: string,
  at: string,
): PublicationClassification {
  return {
    is: to,
    reasons: [`classified as ${to ? 'a publication' : 'not a publication'} by ${by}: ${reason}`],
    override: { by, at, reason, was: current.override?.was ?? current.is },
  };
}
