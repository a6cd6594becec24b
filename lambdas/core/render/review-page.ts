import type { Account } from '../request/directory.js';
import { MAX_COMMENT_CHARS } from '../request/limits.js';
import type { Assignee, RequestRecord, StatementMade } from '../model.js';
import { statementsAsked } from '../request/route.js';
import { PLATFORM_NAMES } from '../rules/platforms.js';
import { diffLines } from './diff.js';
import { contentHtml, escapeHtml, findingsHtml, openingText, stageTitle, statementsText, wrapHtml } from './render.js';

// The review page an approver opens from their link: the request, its checks, the route, what changed since the
// last version, the classification comms may override, and the decision form (with the statements to make).

export type ReviewPageState =
  | {
      readonly kind: 'open';
      readonly error?: string | undefined;
      readonly notice?: string | undefined;
      readonly ticked?: readonly string[] | undefined;
    }
  | { readonly kind: 'decided'; readonly by: string; readonly at: string; readonly decision: string; readonly justNow: boolean }
  | { readonly kind: 'closed'; readonly reason: string };

export interface ReviewPageInput {
  readonly institution: string;
  readonly request: RequestRecord;
  readonly stageIndex: number;
  readonly approver: Assignee;
  readonly deadline: string;
  /** Embedded in the form; the POST must carry it back. */
  readonly csrf: string;
  readonly state: ReviewPageState;
  /** The registry's accounts, for an account opening (A-EXISTING). */
  readonly accounts?: readonly Account[] | undefined;
}

function diffHtml(before: string, after: string): string {
  return diffLines(before, after)
    .map((d) =>
      d.op === 'same'
        ? `<span>  ${escapeHtml(d.line)}</span>`
        : d.op === 'added'
          ? `<ins style="background:#d7f5dd;text-decoration:none">+ ${escapeHtml(d.line)}</ins>`
          : `<del style="background:#fbd9d9">- ${escapeHtml(d.line)}</del>`,
    )
    .join('\n');
}

function versionDiffHtml(request: RequestRecord): string {
  const previous = request.previousVersions?.at(-1);
  if (previous === undefined) return '';
  const before = previous.submission;
  const after = request.submission;
  const heading = `<h2>What changed since version ${previous.version}</h2>`;
  const pre = (lines: string) =>
    `<pre aria-label="Changes: lines starting with + were added, lines starting with - were removed" style="white-space:pre-wrap;font:inherit">${lines}</pre>`;
  if (before.kind !== 'brand-post' || after.kind !== 'brand-post') {
    return `${heading}${pre(diffHtml(before.kind === 'account-opening' ? openingText(before) : before.text, after.kind === 'account-opening' ? openingText(after) : after.text))}`;
  }
  const fields = (['title', 'account', 'publishAt', 'format'] as const)
    .filter((f) => before[f] !== after[f])
    .map((f) => `<li>${f}: “${escapeHtml(String(before[f] ?? '—'))}” → “${escapeHtml(String(after[f] ?? '—'))}”</li>`)
    .join('');
  const media =
    before.media.length !== after.media.length ||
    before.media.some((m, i) => m.url !== after.media[i]?.url || m.alt !== after.media[i]?.alt);
  return `${heading}${fields ? `<ul>${fields}</ul>` : ''}${media ? '<p>The media changed.</p>' : ''}${pre(diffHtml(before.text, after.text))}`;
}

function publicationHtml(request: RequestRecord, canOverride: boolean, csrf: string): string {
  const p = request.publication;
  if (p === undefined || request.submission.kind !== 'brand-post') return '';
  const override = p.override;
  const said = `<p>Publication (GOVERNANCE.md §4): <strong>${p.is ? 'yes' : 'no'}</strong> — ${escapeHtml(p.reasons.join('; '))}</p>${
    override !== undefined
      ? `<p class="notice">Classification overridden by ${escapeHtml(override.by)} at ${escapeHtml(override.at)} (the classifier said ${override.was ? 'yes' : 'no'}): “${escapeHtml(override.reason)}”</p>`
      : ''
  }`;
  if (!canOverride) return said;
  const to = !p.is;
  return `${said}<details><summary>Override the classification</summary>
<form method="post"><input type="hidden" name="csrf" value="${escapeHtml(csrf)}"><input type="hidden" name="action" value="classify"><input type="hidden" name="publication" value="${to ? 'yes' : 'no'}">
<p>Classify this post as ${to ? 'a publication: the ethics service is added to the route' : 'not a publication: an ethics review asked only because of the classification is dropped'}.</p>
<label for="override-reason">Reason (required; kept in the audit trail)</label><br><textarea id="override-reason" name="reason" rows="3" required></textarea><br>
<button type="submit">${to ? 'Classify as a publication' : 'Classify as not a publication'}</button></form></details>`;
}

function existingAccountsHtml(request: RequestRecord, accounts: readonly Account[]): string {
  const s = request.submission;
  if (s.kind !== 'account-opening') return '';
  const same = accounts.filter((a) => a.unit === s.unit && a.platform === s.platform && a.status === 'active');
  return `<h2>The unit's existing accounts on ${escapeHtml(PLATFORM_NAMES[s.platform])}</h2>${
    same.length === 0
      ? '<p>None in the registry.</p>'
      : `<ul>${same.map((a) => `<li>${escapeHtml(a.handle)} (${escapeHtml(a.id)})</li>`).join('')}</ul><p>Could the unit contribute to one of these instead (GOVERNANCE.md §6 A-EXISTING)?</p>`
  }`;
}

function statementsFieldset(asked: readonly StatementMade[], ticked: readonly string[]): string {
  if (asked.length === 0) return '';
  return `<fieldset><legend>To approve, state:</legend>${asked
    .map(
      (a, i) =>
        `<p><input type="checkbox" id="statement-${i}" name="statement" value="${escapeHtml(a.rule)}"${ticked.includes(a.rule) ? ' checked' : ''}> <label for="statement-${i}"><strong>${escapeHtml(a.rule)}</strong> ${escapeHtml(a.statement)}</label></p>`,
    )
    .join('')}</fieldset>`;
}

export function reviewPage(p: ReviewPageInput): string {
  const s = p.request.submission;
  const stage = p.request.stages[p.stageIndex];
  const stageName = stage === undefined ? 'approval' : stageTitle(stage.stage);
  const earlier = p.request.stages
    .slice(0, p.stageIndex)
    .map(
      (st) =>
        `<li>${escapeHtml(stageTitle(st.stage))}: ${escapeHtml(st.decision ?? st.status)}${st.decidedBy ? ` by ${escapeHtml(st.decidedBy)}` : ''}${st.decidedAt ? ` at ${escapeHtml(st.decidedAt)}` : ''}${st.comment ? ` — “${escapeHtml(st.comment)}”` : ''}${escapeHtml(statementsText(st.statements))}</li>`,
    )
    .join('');
  const route = p.request.stages.map((st) => `${stageTitle(st.stage)} (${st.status})`).join(' → ');
  const escalation =
    stage?.escalatedAt !== undefined
      ? `<p class="notice" role="status">This stage was escalated at ${escapeHtml(stage.escalatedAt)} to ${escapeHtml((stage.escalatedTo ?? []).map((a) => a.name).join(', ') || 'nobody (no deputy recorded)')}.${stage.escalationDeadline ? ` It can be decided until ${escapeHtml(stage.escalationDeadline)}.` : ''}</p>`
      : '';
  let action: string;
  switch (p.state.kind) {
    case 'open':
      action = `<h2>Your decision</h2>${p.state.error ? `<p class="notice" role="alert">${escapeHtml(p.state.error)}</p>` : ''}${p.state.notice ? `<p class="notice" role="status">${escapeHtml(p.state.notice)}</p>` : ''}
<form method="post"><input type="hidden" name="csrf" value="${escapeHtml(p.csrf)}">${statementsFieldset(stage === undefined ? [] : statementsAsked(p.request.findings, stage.stage), p.state.ticked ?? [])}<label for="comment">Comment (required to reject or request changes)</label><br><textarea id="comment" name="comment" rows="4" maxlength="${MAX_COMMENT_CHARS}"></textarea><br>
<button type="submit" name="decision" value="approve">Approve</button><button type="submit" name="decision" value="request-changes">Request changes</button><button type="submit" name="decision" value="reject">Reject</button></form>
<p>Decide by ${escapeHtml(p.deadline)}.</p>`;
      break;
    case 'decided':
      action = `<p class="notice" role="status">${p.state.justNow ? 'Thank you: your decision is recorded.' : 'Already decided.'} This stage was decided (${escapeHtml(p.state.decision)}) by ${escapeHtml(p.state.by)} at ${escapeHtml(p.state.at)}.</p>`;
      break;
    case 'closed':
      action = `<p class="notice" role="status">${escapeHtml(p.state.reason)}</p>`;
      break;
  }
  return wrapHtml(
    `${stageName} review: ${s.title}`,
    `<h1>${escapeHtml(stageName)} review</h1><p>For ${escapeHtml(p.approver.name)} · ${escapeHtml(p.institution)}</p>
<h2>${escapeHtml(s.title)}</h2><p>Submitted by ${escapeHtml(s.submitter)} · request ${escapeHtml(p.request.requestId)}, version ${p.request.version}</p>
${contentHtml(p.request)}
<h2>Checks</h2>${findingsHtml(p.request.findings)}${publicationHtml(p.request, p.state.kind === 'open' && stage?.stage === 'comms', p.csrf)}
${existingAccountsHtml(p.request, p.accounts ?? [])}${versionDiffHtml(p.request)}
<h2>Route</h2><p>${escapeHtml(route)}</p>${earlier ? `<h3>Earlier decisions</h3><ul>${earlier}</ul>` : ''}
${escalation}${action}`,
  );
}
