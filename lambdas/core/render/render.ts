import { QUESTION_KEYS, QUESTIONS } from '../account-opening/questionnaire.js';
import { isBlocking, isStatementMade } from '../checks/findings.js';
import { PLATFORM_NAMES } from '../rules/platforms.js';
import type {
  AccountOpeningSubmission,
  Assignee,
  BrandPostSubmission,
  Finding,
  Outcome,
  RequestRecord,
  Severity,
  Stage,
  StagePhase,
  StatementMade,
  Submission,
} from '../model.js';
import { statementsAsked } from '../request/route.js';

// What people read: the e-mails to approvers, submitters and account admins (the approver's review page is
// review-page.ts). Plain text first (every client shows it), HTML that works on a phone and with a screen reader.
// Never a task token.

const SEVERITY_ORDER: readonly Severity[] = ['block', 'attest', 'route', 'warn', 'info'];
const SEVERITY_TITLE: Readonly<Record<Severity, string>> = {
  block: 'Blocking',
  attest: 'Needs a statement',
  route: 'Adds a review',
  warn: 'Warnings',
  info: 'For information',
};
const STAGE_TITLE: Readonly<Record<Stage['stage'], string>> = {
  supervisor: 'Supervisor',
  management: 'Management',
  comms: 'Communications',
  ethics: 'Ethics',
};
const OUTCOME_TITLE: Readonly<Record<Outcome, string>> = {
  approved: 'approved',
  rejected: 'rejected',
  'changes-requested': 'returned for changes',
  expired: 'expired without a decision',
  withdrawn: 'withdrawn',
};

export interface RenderedMail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function stageTitle(stage: Stage['stage']): string {
  return STAGE_TITLE[stage];
}

/** Findings by severity; statements already made (satisfied attestations) get their own group. */
function groupFindings(findings: readonly Finding[]): Array<[string, Finding[]]> {
  const made = findings.filter(isStatementMade);
  const open = findings.filter((f) => !made.includes(f));
  const groups: Array<[string, Finding[]]> = SEVERITY_ORDER.map((sev) => [SEVERITY_TITLE[sev], open.filter((f) => f.severity === sev)]);
  groups.push(['Statements made', made]);
  return groups.filter(([, list]) => list.length > 0);
}

function findingLine(f: Finding): string {
  return `[${f.rule}] ${f.message}${f.where ? ` (${f.where})` : ''}${f.suggestion ? ` Suggestion: ${f.suggestion}` : ''}${f.source ? ` — ${f.source.policy}, ${f.source.section}` : ''}`;
}

function findingsText(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'Checks: nothing to report.';
  return groupFindings(findings)
    .map(([title, list]) => `${title}:\n${list.map((f) => `  - ${findingLine(f)}`).join('\n')}`)
    .join('\n');
}

export function findingsHtml(findings: readonly Finding[]): string {
  if (findings.length === 0) return '<p>Checks: nothing to report.</p>';
  return groupFindings(findings)
    .map(
      ([title, list]) =>
        `<h3>${escapeHtml(title)}</h3><ul>${list
          .map(
            (f) =>
              `<li><strong>${escapeHtml(f.rule)}</strong> ${escapeHtml(f.message)}${f.where ? ` <em>(${escapeHtml(f.where)})</em>` : ''}${f.suggestion ? `<br>Suggestion: ${escapeHtml(f.suggestion)}` : ''}${f.source ? `<br><small>Source: ${escapeHtml(f.source.policy)}, ${escapeHtml(f.source.section)} — “${escapeHtml(f.source.quote)}”</small>` : ''}</li>`,
          )
          .join('')}</ul>`,
    )
    .join('');
}

/** What the request asks for, in a phrase: "a post to physics-x", "opening @Lab on Bluesky for the Physics Department". */
export function requestSubject(s: Submission, unitName?: string): string {
  return s.kind === 'brand-post'
    ? `a post to ${s.account}`
    : `opening ${s.handle} on ${PLATFORM_NAMES[s.platform]} for ${unitName ?? s.unit}`;
}

function postText(request: RequestRecord, s: BrandPostSubmission): string {
  const media = s.media.map((m, i) => `  media[${i}]: ${m.type} ${m.url}${m.alt ? ` — alt: ${m.alt}` : ''}`).join('\n');
  return [
    `Title: ${s.title}`,
    `Account: ${s.account}`,
    `Format: ${s.format}${request.publication?.is ? ' (a publication)' : ''}`,
    `Publish at: ${s.publishAt ?? 'not scheduled'}`,
    '',
    s.text,
    ...(media ? ['', 'Media:', media] : []),
  ].join('\n');
}

function openingFacts(s: AccountOpeningSubmission): Array<[string, string]> {
  return [
    ['Unit', s.unit],
    ['Platform', PLATFORM_NAMES[s.platform]],
    ['Handle', s.handle],
    ['Administrators', s.admins.join(', ')],
    ...(s.group !== undefined
      ? [['Group', `${s.group.visibility}${s.group.joinPolicy ? ` — joining: ${s.group.joinPolicy}` : ''}`] as [string, string]]
      : []),
    ['Social-media manager gets admin rights', s.attestations.smmAdmin === true ? 'yes' : 'not confirmed'],
    ['Access details kept in', s.attestations.credentialStore ?? 'not given'],
    ['Comment policy prepared', s.attestations.commentPolicy === true ? 'yes' : 'not confirmed'],
  ];
}

export function openingText(s: AccountOpeningSubmission): string {
  return [
    `Title: ${s.title}`,
    ...openingFacts(s).map(([k, v]) => `${k}: ${v}`),
    '',
    'Questionnaire:',
    ...QUESTION_KEYS.map((k, i) => `  ${i + 1}. ${QUESTIONS[k]}\n     ${s.questionnaire[k] ?? '(not answered)'}`),
  ].join('\n');
}

function contentText(request: RequestRecord): string {
  const s = request.submission;
  return s.kind === 'brand-post' ? postText(request, s) : openingText(s);
}

export function contentHtml(request: RequestRecord): string {
  const s = request.submission;
  if (s.kind === 'account-opening') {
    const facts = openingFacts(s)
      .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`)
      .join('');
    const answers = QUESTION_KEYS.map(
      (k) =>
        `<li><strong>${escapeHtml(QUESTIONS[k])}</strong><br>${s.questionnaire[k] === undefined ? '<em>not answered</em>' : `<span style="white-space:pre-wrap">${escapeHtml(s.questionnaire[k])}</span>`}</li>`,
    ).join('');
    return `<dl>${facts}</dl><h3>Questionnaire</h3><ol>${answers}</ol>`;
  }
  const media = s.media
    .map(
      (m, i) =>
        `<li>media[${i}]: ${escapeHtml(m.type)} <a href="${escapeHtml(m.url)}">${escapeHtml(m.url)}</a>${m.alt ? ` — alt: ${escapeHtml(m.alt)}` : ' — <strong>no alt text</strong>'}</li>`,
    )
    .join('');
  return `<dl><dt>Account</dt><dd>${escapeHtml(s.account)}</dd><dt>Format</dt><dd>${escapeHtml(s.format)}${request.publication?.is ? ' (a publication)' : ''}</dd><dt>Publish at</dt><dd>${escapeHtml(s.publishAt ?? 'not scheduled')}</dd></dl>
<blockquote style="white-space:pre-wrap;border-left:4px solid #555;margin:0;padding:0.5em 1em">${escapeHtml(s.text)}</blockquote>${media ? `<h3>Media</h3><ul>${media}</ul>` : ''}`;
}

export function statementsText(statements: readonly StatementMade[] | undefined): string {
  return statements === undefined || statements.length === 0
    ? ''
    : ` (stated: ${statements.map((m) => `[${m.rule}] ${m.statement}`).join(' ')})`;
}

export function wrapHtml(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:0 auto;padding:1rem;color:#111;background:#fff;overflow-wrap:anywhere}button{font-size:1rem;padding:0.6em 1.1em;margin:0.25em 0.5em 0.25em 0;border-radius:6px;border:2px solid #111;cursor:pointer}button[value=approve]{background:#0a6b2d;color:#fff}button[value=reject]{background:#a3120f;color:#fff}textarea{width:100%;font:inherit;box-sizing:border-box}a{color:#0645ad}:focus-visible{outline:3px solid #0645ad;outline-offset:2px}.notice{padding:0.75em 1em;border:2px solid #111;border-radius:6px}</style>
</head><body><main>${body}</main></body></html>`;
}

export interface ApprovalMailInput {
  readonly institution: string;
  readonly request: RequestRecord;
  readonly stage: Stage;
  readonly approver: Assignee;
  readonly reviewUrl: string;
  readonly deadline: string;
  readonly phase?: StagePhase | undefined;
  /** The requesting unit's name, for an account opening. */
  readonly unitName?: string | undefined;
}

const SUBJECT_PREFIX: Readonly<Record<StagePhase, string>> = {
  requested: 'Approval needed',
  reminded: 'Reminder: approval needed',
  escalated: 'Escalated to you: approval needed',
};

export function approvalMail(m: ApprovalMailInput): RenderedMail {
  const s = m.request.submission;
  const phase = m.phase ?? 'requested';
  const stageName = stageTitle(m.stage.stage).toLowerCase();
  const what = requestSubject(s, m.unitName);
  const subject = `${SUBJECT_PREFIX[phase]} (${stageTitle(m.stage.stage)}): ${s.title}`;
  const ask =
    phase === 'escalated'
      ? `Nobody decided the ${stageName} approval of ${what} by its deadline. As the recorded deputy of ${m.stage.assignees.map((a) => a.name).join(', ')}, you are asked to decide.`
      : phase === 'reminded'
        ? `A reminder: ${s.submitter} is still waiting for your ${stageName} approval of ${what}. Half of the time to decide has passed; your first link still works too.`
        : `${s.submitter} asks for your ${stageName} approval of ${what}.`;
  const asked = statementsAsked(m.request.findings, m.stage.stage);
  const toState =
    asked.length > 0 ? ['To approve, you will be asked to state:', ...asked.map((a) => `  - [${a.rule}] ${a.statement}`), ''] : [];
  const changed = m.request.version > 1 ? [`This is version ${m.request.version}: the review page shows what changed.`, ''] : [];
  const text = [
    `Hello ${m.approver.name},`,
    '',
    ask,
    `Please decide by ${m.deadline}. Open the review page to approve, reject or request changes:`,
    '',
    m.reviewUrl,
    '',
    ...toState,
    ...changed,
    '--- Content ---',
    contentText(m.request),
    '',
    '--- Checks ---',
    findingsText(m.request.findings),
    '',
    `Request ${m.request.requestId}, version ${m.request.version}. This link is yours alone; opening it decides nothing.`,
    `— Signoff, ${m.institution}`,
  ].join('\n');
  const html = wrapHtml(
    subject,
    `<p>Hello ${escapeHtml(m.approver.name)},</p><p>${escapeHtml(ask)} Please decide by ${escapeHtml(m.deadline)}.</p>
<p><a href="${escapeHtml(m.reviewUrl)}">Open the review page</a> to approve, reject or request changes.</p>${asked.length > 0 ? `<p>To approve, you will be asked to state:</p><ul>${asked.map((a) => `<li><strong>${escapeHtml(a.rule)}</strong> ${escapeHtml(a.statement)}</li>`).join('')}</ul>` : ''}
<h2>${escapeHtml(s.title)}</h2>${contentHtml(m.request)}<h2>Checks</h2>${findingsHtml(m.request.findings)}
<p><small>Request ${escapeHtml(m.request.requestId)}, version ${m.request.version}. This link is yours alone; opening it decides nothing.</small></p>`,
  );
  return { subject, text, html };
}

/** Sent when the workflow takes a request (each version): its id, what happens next, and how to withdraw it. */
export function acknowledgementMail(institution: string, request: RequestRecord, withdrawUrl: string): RenderedMail {
  const s = request.submission;
  const subject = request.thread ? `Re: ${s.title}` : `Received: ${s.title}`;
  const text = [
    `Your request "${s.title}" (${requestSubject(s)}) is submitted as request ${request.requestId}${request.version > 1 ? `, version ${request.version}` : ''}.`,
    ...(s.kind === 'brand-post'
      ? [
          'It is being checked now; then the approvers are asked in turn (your supervisor, then the communications team,',
          'and the ethics service if it is a publication). You will hear when it is decided.',
        ]
      : [
          "It is being checked now; then the approvers are asked in turn (your unit's management, then the communications",
          'team). Once both approve, the account enters the registry and its administrators are told.',
        ]),
    '',
    'To withdraw it before it is decided, open:',
    withdrawUrl,
    '',
    `— Signoff, ${institution}`,
  ].join('\n');
  return {
    subject,
    text,
    html: wrapHtml(
      subject,
      `<pre style="white-space:pre-wrap;font:inherit">${escapeHtml(text).replace(escapeHtml(withdrawUrl), `<a href="${escapeHtml(withdrawUrl)}">${escapeHtml(withdrawUrl)}</a>`)}</pre>`,
    ),
  };
}

export function outcomeMail(institution: string, request: RequestRecord, outcome: Outcome): RenderedMail {
  const s = request.submission;
  const subject = `Your request was ${OUTCOME_TITLE[outcome]}: ${s.title}`;
  const decided = request.stages.filter((st) => st.decision !== undefined);
  const decisions = decided.map(
    (st) =>
      `  ${stageTitle(st.stage)}: ${st.decision} by ${st.decidedBy ?? 'nobody'} at ${st.decidedAt ?? '?'}${st.comment ? ` — "${st.comment}"` : ''}${statementsText(st.statements)}`,
  );
  const registration = request.registration;
  // What keeps the request out of approval: its blocking findings, or the route that could not be planned.
  const toFix = [
    ...request.findings.filter(isBlocking).map(findingLine),
    ...(request.routeFailure === undefined ? [] : [`No valid approval route: ${request.routeFailure.reason}.`]),
  ];
  const lines = [
    `Your request "${s.title}" (${requestSubject(s)}) was ${OUTCOME_TITLE[outcome]}.`,
    '',
    ...(registration === undefined
      ? []
      : registration.registered
        ? [`The account is now in the registry as ${registration.accountId}: posts to it can be submitted from now on.`, '']
        : [`The account could not be registered: ${registration.reason ?? 'see the audit trail'}.`, '']),
    ...(outcome === 'changes-requested' && toFix.length > 0
      ? ['Fix the following and submit a new version:', ...toFix.map((line) => `  - ${line}`), '']
      : []),
    ...(decisions.length > 0 ? ['Decisions:', ...decisions, ''] : []),
    ...(outcome === 'expired'
      ? ['Nobody decided before the deadline; nothing was approved. Submit it again if it is still wanted.', '']
      : []),
    `Request ${request.requestId}, version ${request.version}.`,
    `— Signoff, ${institution}`,
  ];
  const text = lines.join('\n');
  return { subject, text, html: wrapHtml(subject, `<pre style="white-space:pre-wrap;font:inherit">${escapeHtml(text)}</pre>`) };
}

/**
 * Sent when an approved account opening enters the registry (GOVERNANCE.md §6): to its administrators and the
 * social-media manager — what was registered, what they are responsible for, and how posts to it are submitted.
 */
export function accountRegisteredMail(
  institution: string,
  request: RequestRecord,
  account: { readonly id: string; readonly domain: string; readonly unitName: string },
): RenderedMail {
  const s = request.submission;
  if (s.kind !== 'account-opening') throw new TypeError(`request ${request.requestId} is not an account opening`);
  const subject = `Registered: ${s.handle} on ${PLATFORM_NAMES[s.platform]}`;
  const text = [
    `${s.handle} on ${PLATFORM_NAMES[s.platform]}, for ${account.unitName}, is now a registered institutional account of ${institution}: ${account.id}.`,
    '',
    `It was requested by ${s.submitter} (request ${request.requestId}) and approved by ${request.stages
      .filter((st) => st.decision === 'approve')
      .map((st) => `${stageTitle(st.stage).toLowerCase()} (${st.decidedBy ?? '?'})`)
      .join(' and ')}.`,
    '',
    `Administrators: ${s.admins.join(', ')}.`,
    `The social-media manager ${s.attestations.smmAdmin === true ? 'is to receive admin rights' : 'has not been confirmed as an admin'}; the access details are kept in: ${s.attestations.credentialStore ?? 'not recorded'}.`,
    'Signoff never stores passwords: keep them in that store only.',
    '',
    `Posts to it go through Signoff from now on: by webhook with "account": "${account.id}", or by mail to submit+${account.id}@${account.domain}.`,
    '',
    `— Signoff, ${institution}`,
  ].join('\n');
  return { subject, text, html: wrapHtml(subject, `<pre style="white-space:pre-wrap;font:inherit">${escapeHtml(text)}</pre>`) };
}
