import type { Json } from './audit-chain.js';
import { actionSummary, jsonString, type EvidencePack } from './evidence.js';
import { escapeHtml } from '../render/render.js';

// The evidence pack (evidence.ts) as a printable page: one HTML file an auditor opens or prints, nothing loaded from
// elsewhere.

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
  const qa =
    typeof answers === 'object' && answers !== null && !Array.isArray(answers)
      ? Object.entries(answers)
          .map(([k, v]) => `<tr><th>${h(k)}</th><td>${h(jsonString(v))}</td></tr>`)
          .join('')
      : '';
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th>${k}</th><td>${h(typeof v === 'string' ? v : null)}</td></tr>`).join('')}</table>${qa ? `<table class="kv"><caption>Questionnaire</caption>${qa}</table>` : ''}`;
}

function contentHtml(content: { readonly [key: string]: Json } | null): string {
  if (content === null) return '<p class="warn">The content of this version is not in the export.</p>';
  if (content['kind'] === 'account-opening') return openingHtml(content);
  const media = Array.isArray(content['media']) ? content['media'] : [];
  const mediaItems = media
    .map((m, i) => {
      const item = (typeof m === 'object' && m !== null && !Array.isArray(m) ? m : {}) as { readonly [key: string]: Json };
      return `<li>media[${i}]: ${h(jsonString(item['type']))} ${h(jsonString(item['url']))} — alt: ${h(jsonString(item['alt']))}</li>`;
    })
    .join('');
  return `<table class="kv"><tr><th>Title</th><td>${h(jsonString(content['title']))}</td></tr><tr><th>Account</th><td>${h(jsonString(content['account']))}</td></tr><tr><th>Format</th><td>${h(jsonString(content['format']))}</td></tr><tr><th>Publish at</th><td>${h(jsonString(content['publishAt']))}</td></tr></table>
<blockquote>${h(jsonString(content['text']))}</blockquote>${mediaItems !== '' ? `<ul>${mediaItems}</ul>` : ''}`;
}

export function evidenceHtml(pack: EvidencePack): string {
  const v = pack.verification;
  const r = pack.request;
  const versions = pack.versions
    .map(
      (
        ver,
      ) => `<section class="version${ver.approved ? ' approved' : ''}"><h3>Version ${ver.version}${ver.approved ? ' — the content as approved' : ''}</h3>
<p>Submitted ${h(ver.submittedAt)} by ${h(ver.submittedBy)}; outcome ${h(ver.outcome)}; contentHash <code>${h(ver.contentHash)}</code></p>${contentHtml(ver.content)}</section>`,
    )
    .join('');
  const decisions = pack.decisions
    .map(
      (d) =>
        `<tr><td>${h(d.at)}</td><td>${person(d.by, d.name)}</td><td>${h(d.stage)}</td><td><strong>${h(d.decision)}</strong></td><td>${h(d.channel)}</td><td>${h(d.version)}</td><td>${h(d.comment)}</td><td>${d.statements.map((st) => h(st)).join('<br>')}</td><td><code>${h(d.linkHash?.slice(0, 16) ?? null)}</code></td></tr>`,
    )
    .join('');
  const asked = pack.approvalRequests
    .map((a) => `<tr><td>${h(a.at)}</td><td>${h(a.stage)}</td><td>${person(a.approver, a.name)}</td><td>${h(a.deadline)}</td></tr>`)
    .join('');
  const actions = pack.actions
    .map(
      (a) =>
        `<tr><td>${h(a.at)}</td><td>${h(a.type)}</td><td>${person(a.by, a.name)}</td><td>${h(a.channel)}</td><td>${h(actionSummary(a))}</td></tr>`,
    )
    .join('');
  const findings = pack.findings
    .map(
      (f) =>
        `<tr><td>${h(f.version)}</td><td><strong>${h(f.rule)}</strong></td><td>${h(f.severity)}</td><td>${h(f.message)}</td><td>${h(f.source)}</td></tr>`,
    )
    .join('');
  const timeline = pack.timeline
    .map(
      (e) =>
        `<tr><td>${e.seq}</td><td>${h(e.at)}</td><td>${h(e.type)}</td><td>${h(e.actor)}</td><td><code>${h(e.hash.slice(0, 16))}…</code></td></tr>`,
    )
    .join('');
  const checkpoints = pack.checkpoints
    .map((c) => `<tr><td>${h(c.from)}</td><td>${h(c.to)}</td><td><code>${h(c.hash.slice(0, 16))}…</code></td><td>${h(c.keyId)}</td></tr>`)
    .join('');
  const table = (head: string[], rows: string, empty: string) =>
    rows === ''
      ? `<p>${empty}</p>`
      : `<table><thead><tr>${head.map((c) => `<th>${c}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>`;
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
