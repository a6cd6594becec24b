import type { Json } from './audit-chain.js';
import type { ContentRecord, ExportRecord } from './audit-export.js';
import { describeProblem, type VerifyReport } from './audit-verify.js';
import { escapeHtml } from '../render/render.js';
import { ruleOf } from '../rules/catalogue.js';

// The evidence pack of one request (`npm run audit -- evidence REQUEST_ID`): what was approved, by whom, when,
// through which channel and under which rules, read from the request's verified export. Every statement in it
// comes from a hashed event or from content bound to one by its contentHash; names come from the directory.

export const EVIDENCE_FORMAT = 'signoff-evidence/1';

export interface EvidenceVersion {
  readonly version: number;
  readonly contentHash: string;
  readonly submittedAt: string | null;
  readonly submittedBy: string | null;
  readonly outcome: string | null;
  /** The version the final approval was given to. */
  readonly approved: boolean;
  readonly content: { readonly [key: string]: Json } | null;
}

export interface EvidenceDecision {
  readonly seq: number;
  readonly at: string;
  readonly version: number | null;
  readonly stage: string | null;
  readonly decision: string;
  readonly by: string;
  readonly name: string | null;
  /** web (review link) or mail. */
  readonly channel: string | null;
  /** sha256 of the review link id the decision came through (the link itself is never stored). */
  readonly linkHash: string | null;
  readonly comment: string | null;
  /** The statements the approver made with the decision (GOVERNANCE.md §5), as "RULE: statement". */
  readonly statements: readonly string[];
}

export interface EvidenceAction {
  readonly seq: number;
  readonly at: string;
  readonly type: string;
  readonly by: string;
  readonly name: string | null;
  readonly channel: string | null;
  readonly details: { readonly [key: string]: Json };
}

export interface EvidenceFinding {
  readonly version: number | null;
  readonly rule: string;
  readonly severity: string;
  readonly message: string;
  readonly what: string | null;
  readonly source: string | null;
}

export interface EvidencePack {
  readonly format: typeof EVIDENCE_FORMAT;
  readonly requestId: string;
  readonly institution: string;
  readonly generatedAt: string;
  readonly verification: {
    readonly ok: boolean;
    readonly summary: string;
    readonly events: number;
    readonly checkpoints: number;
    readonly signaturesValid: number;
    readonly signaturesUnchecked: number;
    readonly unsealedEvents: number;
  };
  readonly request: {
    readonly kind: string | null;
    readonly account: string | null;
    readonly submitter: string | null;
    readonly submitterName: string | null;
    readonly channel: string | null;
    readonly submittedAt: string | null;
    readonly outcome: string | null;
    readonly outcomeAt: string | null;
  };
  readonly versions: readonly EvidenceVersion[];
  readonly decisions: readonly EvidenceDecision[];
  readonly approvalRequests: ReadonlyArray<{ readonly at: string; readonly stage: string | null; readonly approver: string | null; readonly name: string | null; readonly deadline: string | null }>;
  readonly actions: readonly EvidenceAction[];
  readonly findings: readonly EvidenceFinding[];
  readonly timeline: ReadonlyArray<{ readonly seq: number; readonly at: string; readonly type: string; readonly actor: string; readonly hash: string }>;
  readonly checkpoints: ReadonlyArray<{ readonly from: string; readonly to: string; readonly hash: string; readonly keyId: string }>;
}

export interface EvidenceInput {
  readonly requestId: string;
  readonly records: readonly ExportRecord[];
  readonly verification: VerifyReport;
  readonly institution: string;
  readonly nameOf: (email: string) => string | undefined;
  readonly generatedAt: string;
}

const str = (v: Json | undefined): string | null => (typeof v === 'string' ? v : null);
const num = (v: Json | undefined): number | null => (typeof v === 'number' ? v : null);

/** Who may end or steer a request besides the approvers' decisions. */
const ACTION_TYPES = new Set(['request.withdrawn', 'stage.expired', 'request.outcome', 'stage.escalation-skipped', 'account.registered', 'account.registration-refused']);

/** What an action changed, in words, for the printable page (the JSON keeps every detail). */
function actionSummary(a: EvidenceAction): string {
  const d = a.details;
  if (a.type === 'publication.overridden') {
    const yesNo = (v: Json | undefined) => (v === true ? 'a publication' : 'not a publication');
    return `classified as ${yesNo(d['to'])} (the classifier said ${yesNo(d['from'])}); reason: “${str(d['reason']) ?? '—'}”`;
  }
  if (a.type === 'account.registered') return `registered as ${str(d['accountId']) ?? '?'} (${str(d['handle']) ?? '?'} on ${str(d['platform']) ?? '?'})`;
  if (a.type === 'account.registration-refused' || a.type === 'stage.escalation-skipped') return str(d['reason']) ?? '';
  if (a.type === 'request.outcome') return str(d['outcome']) ?? '';
  return '';
}

function statementsOf(value: Json | undefined): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((s) => (typeof s === 'object' && s !== null && !Array.isArray(s) ? [`${str(s['rule']) ?? '?'}: ${str(s['statement']) ?? ''}`] : []));
}

export function verificationSummary(report: VerifyReport): string {
  if (!report.ok) return `FAILED — ${report.problem !== undefined ? describeProblem(report.problem) : 'unknown problem'}`;
  const sealed = report.events - report.unsealedEvents;
  return [
    `verified: ${report.events} events in ${report.chains} chain(s), every hash recomputed`,
    `${report.checkpoints} checkpoint(s) (${report.signatures.valid} signature(s) valid${report.signatures.unchecked > 0 ? `, ${report.signatures.unchecked} not checked: no key` : ''})`,
    report.unsealedEvents > 0 ? `${sealed} event(s) sealed by a checkpoint, ${report.unsealedEvents} after the last checkpoint (chained, not yet sealed)` : 'every event sealed by a checkpoint',
    ...(report.partial !== undefined ? [report.partial] : []),
  ].join('; ');
}

export function buildEvidence(input: EvidenceInput): EvidencePack {
  const name = (email: string | null) => (email === null ? null : (input.nameOf(email) ?? null));
  const contents = new Map<number, ContentRecord>();
  const versions = new Map<number, { contentHash: string; submittedAt: string | null; submittedBy: string | null; outcome: string | null }>();
  const decisions: EvidenceDecision[] = [];
  const approvalRequests: Array<EvidencePack['approvalRequests'][number]> = [];
  const actions: EvidenceAction[] = [];
  const findings: EvidenceFinding[] = [];
  const timeline: Array<EvidencePack['timeline'][number]> = [];
  const checkpoints: Array<EvidencePack['checkpoints'][number]> = [];
  const request = { kind: null as string | null, account: null as string | null, submitter: null as string | null, channel: null as string | null, submittedAt: null as string | null, outcome: null as string | null, outcomeAt: null as string | null };
  let approvedVersion: number | null = null;

  for (const record of input.records) {
    if (record.kind === 'content' && record.requestId === input.requestId) contents.set(record.version, record);
    if (record.kind === 'checkpoint') checkpoints.push({ from: record.period.from, to: record.period.to, hash: record.hash, keyId: record.keyId });
    if (record.kind !== 'event' || record.requestId !== input.requestId) continue;
    const e = record;
    const d = e.data;
    timeline.push({ seq: e.seq, at: e.at, type: e.type, actor: e.actor, hash: e.hash });
    switch (e.type) {
      case 'request.submitted':
        Object.assign(request, { kind: str(d['kind']), account: str(d['account']), submitter: e.actor, channel: str(d['channel']), submittedAt: e.at });
        versions.set(num(d['version']) ?? 1, { contentHash: str(d['contentHash']) ?? '', submittedAt: e.at, submittedBy: e.actor, outcome: null });
        break;
      case 'request.version': {
        const v = num(d['version']);
        if (v !== null) versions.set(v, { contentHash: str(d['contentHash']) ?? '', submittedAt: e.at, submittedBy: e.actor, outcome: null });
        break;
      }
      case 'checks.completed': {
        const list = Array.isArray(d['findings']) ? d['findings'] : [];
        for (const f of list) {
          if (typeof f !== 'object' || f === null || Array.isArray(f)) continue;
          const finding = f as { readonly [key: string]: Json };
          const rule = str(finding['rule']) ?? '?';
          const entry = ruleOf(rule);
          findings.push({ version: num(d['version']), rule, severity: str(finding['severity']) ?? '?', message: str(finding['message']) ?? '', what: entry?.what ?? null, source: entry?.source ?? null });
        }
        break;
      }
      case 'approval.requested':
        approvalRequests.push({ at: e.at, stage: str(d['stage']), approver: str(d['approver']), name: name(str(d['approver'])), deadline: str(d['deadline']) });
        break;
      case 'decision.recorded':
        decisions.push({
          seq: e.seq,
          at: e.at,
          version: num(d['version']),
          stage: str(d['stage']),
          decision: str(d['decision']) ?? '?',
          by: e.actor,
          name: name(e.actor),
          channel: str(d['channel']),
          linkHash: str(d['linkHash']),
          comment: str(d['comment']),
          statements: statementsOf(d['statements']),
        });
        break;
      case 'request.outcome': {
        const outcome = str(d['outcome']);
        request.outcome = outcome;
        request.outcomeAt = e.at;
        const v = num(d['version']);
        const known = v === null ? undefined : versions.get(v);
        if (v !== null && known !== undefined) versions.set(v, { ...known, outcome });
        if (outcome === 'approved') approvedVersion = v;
        break;
      }
      default:
        break;
    }
    if (ACTION_TYPES.has(e.type) || e.type.includes('override')) {
      actions.push({ seq: e.seq, at: e.at, type: e.type, by: e.actor, name: name(e.actor), channel: str(d['channel']), details: d });
    }
  }

  const versionNumbers = [...new Set([...versions.keys(), ...contents.keys()])].sort((a, b) => a - b);
  const report = input.verification;
  return {
    format: EVIDENCE_FORMAT,
    requestId: input.requestId,
    institution: input.institution,
    generatedAt: input.generatedAt,
    verification: {
      ok: report.ok,
      summary: verificationSummary(report),
      events: report.events,
      checkpoints: report.checkpoints,
      signaturesValid: report.signatures.valid,
      signaturesUnchecked: report.signatures.unchecked,
      unsealedEvents: report.unsealedEvents,
    },
    request: { ...request, submitterName: name(request.submitter) },
    versions: versionNumbers.map((v) => {
      const known = versions.get(v);
      const content = contents.get(v);
      return {
        version: v,
        contentHash: known?.contentHash ?? content?.contentHash ?? '',
        submittedAt: known?.submittedAt ?? null,
        submittedBy: known?.submittedBy ?? null,
        outcome: known?.outcome ?? null,
        approved: v === approvedVersion,
        content: content?.submission ?? null,
      };
    }),
    decisions,
    approvalRequests,
    actions,
    findings,
    timeline,
    checkpoints,
  };
}

// ---- The printable page ------------------------------------------------------------------------------

const h = (v: string | number | null | undefined): string => (v === null || v === undefined || v === '' ? '—' : escapeHtml(String(v)));

function person(email: string | null, name: string | null): string {
  if (email === null) return '—';
  return name === null ? h(email) : `${h(name)} &lt;${h(email)}&gt;`;
}

function openingHtml(content: { readonly [key: string]: Json }): string {
  const rows: Array<[string, Json | undefined]> = [
    ['Title', content['title']],
    ['Unit', content['unit']],
    ['Platform', content['platform']],
    ['Handle', content['handle']],
    ['Administrators', Array.isArray(content['admins']) ? content['admins'].join(', ') : null],
    ['Group', content['group'] === undefined || content['group'] === null ? null : JSON.stringify(content['group'])],
    ['Statements', content['attestations'] === undefined ? null : JSON.stringify(content['attestations'])],
  ];
  const answers = content['questionnaire'];
  const qa = typeof answers === 'object' && answers !== null && !Array.isArray(answers) ? Object.entries(answers).map(([k, v]) => `<tr><th>${h(k)}</th><td>${h(str(v))}</td></tr>`).join('') : '';
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th>${k}</th><td>${h(typeof v === 'string' ? v : null)}</td></tr>`).join('')}</table>${qa ? `<table class="kv"><caption>Questionnaire</caption>${qa}</table>` : ''}`;
}

function contentHtml(content: { readonly [key: string]: Json } | null): string {
  if (content === null) return '<p class="warn">The content of this version is not in the export.</p>';
  if (content['kind'] === 'account-opening') return openingHtml(content);
  const media = Array.isArray(content['media']) ? content['media'] : [];
  const mediaItems = media
    .map((m, i) => {
      const item = (typeof m === 'object' && m !== null && !Array.isArray(m) ? m : {}) as { readonly [key: string]: Json };
      return `<li>media[${i}]: ${h(str(item['type']))} ${h(str(item['url']))} — alt: ${h(str(item['alt']))}</li>`;
    })
    .join('');
  return `<table class="kv"><tr><th>Title</th><td>${h(str(content['title']))}</td></tr><tr><th>Account</th><td>${h(str(content['account']))}</td></tr><tr><th>Format</th><td>${h(str(content['format']))}</td></tr><tr><th>Publish at</th><td>${h(str(content['publishAt']))}</td></tr></table>
<blockquote>${h(str(content['text']))}</blockquote>${mediaItems !== '' ? `<ul>${mediaItems}</ul>` : ''}`;
}

export function evidenceHtml(pack: EvidencePack): string {
  const v = pack.verification;
  const r = pack.request;
  const versions = pack.versions
    .map(
      (ver) => `<section class="version${ver.approved ? ' approved' : ''}"><h3>Version ${ver.version}${ver.approved ? ' — the content as approved' : ''}</h3>
<p>Submitted ${h(ver.submittedAt)} by ${h(ver.submittedBy)}; outcome ${h(ver.outcome)}; contentHash <code>${h(ver.contentHash)}</code></p>${contentHtml(ver.content)}</section>`,
    )
    .join('');
  const decisions = pack.decisions
    .map((d) => `<tr><td>${h(d.at)}</td><td>${person(d.by, d.name)}</td><td>${h(d.stage)}</td><td><strong>${h(d.decision)}</strong></td><td>${h(d.channel)}</td><td>${h(d.version)}</td><td>${h(d.comment)}</td><td>${d.statements.map((st) => h(st)).join('<br>')}</td><td><code>${h(d.linkHash?.slice(0, 16) ?? null)}</code></td></tr>`)
    .join('');
  const asked = pack.approvalRequests.map((a) => `<tr><td>${h(a.at)}</td><td>${h(a.stage)}</td><td>${person(a.approver, a.name)}</td><td>${h(a.deadline)}</td></tr>`).join('');
  const actions = pack.actions.map((a) => `<tr><td>${h(a.at)}</td><td>${h(a.type)}</td><td>${person(a.by, a.name)}</td><td>${h(a.channel)}</td><td>${h(actionSummary(a))}</td></tr>`).join('');
  const findings = pack.findings
    .map((f) => `<tr><td>${h(f.version)}</td><td><strong>${h(f.rule)}</strong></td><td>${h(f.severity)}</td><td>${h(f.message)}</td><td>${h(f.source)}</td></tr>`)
    .join('');
  const timeline = pack.timeline.map((e) => `<tr><td>${e.seq}</td><td>${h(e.at)}</td><td>${h(e.type)}</td><td>${h(e.actor)}</td><td><code>${h(e.hash.slice(0, 16))}…</code></td></tr>`).join('');
  const checkpoints = pack.checkpoints.map((c) => `<tr><td>${h(c.from)}</td><td>${h(c.to)}</td><td><code>${h(c.hash.slice(0, 16))}…</code></td><td>${h(c.keyId)}</td></tr>`).join('');
  const table = (head: string[], rows: string, empty: string) =>
    rows === '' ? `<p>${empty}</p>` : `<table><thead><tr>${head.map((c) => `<th>${c}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Evidence pack ${h(pack.requestId)}</title>
<style>
body{font:11pt/1.45 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1.5rem;color:#111;background:#fff}
h1{font-size:1.5rem}h2{font-size:1.2rem;border-bottom:2px solid #111;margin-top:2rem}h3{font-size:1.05rem}
table{border-collapse:collapse;width:100%;margin:0.5rem 0}th,td{border:1px solid #999;padding:0.25rem 0.4rem;text-align:left;vertical-align:top}
th{background:#eee}code{font-size:0.85em;word-break:break-all}blockquote{white-space:pre-wrap;border-left:4px solid #555;margin:0.5rem 0;padding:0.4rem 1rem}
.ok{border:3px solid #0a6b2d;padding:0.6rem 1rem}.failed{border:3px solid #a3120f;padding:0.6rem 1rem}.approved{border:2px solid #0a6b2d;padding:0 1rem}.warn{color:#a3120f}
table.kv{width:auto}@media print{body{padding:0;max-width:none}h2{break-after:avoid}tr,section{break-inside:avoid}}
</style></head><body>
<h1>Evidence pack — request ${h(pack.requestId)}</h1>
<p>${h(pack.institution)}. Generated ${h(pack.generatedAt)} by Signoff from the request's audit export (<code>audit.jsonl</code>, <code>audit.csv</code> beside this page).</p>
<div class="${v.ok ? 'ok' : 'failed'}"><strong>Verification: ${v.ok ? 'passed' : 'FAILED'}</strong><br>${h(v.summary)}</div>
<h2>Request</h2>
<table class="kv"><tr><th>Kind</th><td>${h(r.kind)}</td></tr><tr><th>Account</th><td>${h(r.account)}</td></tr><tr><th>Submitted by</th><td>${person(r.submitter, r.submitterName)}</td></tr>
<tr><th>Channel</th><td>${h(r.channel)}</td></tr><tr><th>Submitted at</th><td>${h(r.submittedAt)}</td></tr><tr><th>Outcome</th><td><strong>${h(r.outcome)}</strong> at ${h(r.outcomeAt)}</td></tr></table>
<h2>Content, version by version</h2>${versions || '<p>No versions recorded.</p>'}
<h2>Decisions</h2>${table(['Time (UTC)', 'Person', 'Stage', 'Decision', 'Channel', 'Version', 'Comment', 'Statements made', 'Link id hash'], decisions, 'No decisions were recorded.')}
<h2>Approvals requested</h2>${table(['Time (UTC)', 'Stage', 'Approver', 'Deadline'], asked, 'No approvals were requested.')}
<h2>Other actions</h2>${table(['Time (UTC)', 'Event', 'By', 'Channel', 'What'], actions, 'None.')}
<h2>Findings of the checks, with their rules</h2>${table(['Version', 'Rule', 'Severity', 'Finding', 'Source of the rule'], findings, 'The checks found nothing.')}
<h2>Audit trail</h2>${table(['Seq', 'Time (UTC)', 'Event', 'Actor', 'Hash'], timeline, 'No events.')}
<h2>Checkpoints</h2>${table(['From', 'To', 'Hash', 'Signing key'], checkpoints, 'No checkpoint covers these events yet.')}
<h2>Checking this pack</h2><p><code>npm run audit -- verify audit.jsonl</code> (or <code>audit.csv</code>) recomputes every hash and checkpoint signature and names the first record that does not fit. Names are those of the directory when the pack was made; the trail itself records e-mail addresses.</p>
</body></html>
`;
}
