import { escapeHtml } from '../lambdas/core/render/render.js';
import type { LocalSettings } from './settings.js';

export function landingPage(settings: LocalSettings): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Signoff (local)</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:0 auto;padding:1rem}code{background:#f2f2f2;padding:0 0.2em}</style></head>
<body><main><h1>Signoff is running locally</h1>
<ul><li><a href="/_local/outbox">Outbox</a>: every e-mail Signoff sends, with the review links approvers click.</li>
<li><code>POST /v1/requests</code>: submit a brand post or an account opening (signed with the webhook secret in <code>${escapeHtml(settings.secretsFile)}</code>).</li>
<li><code>GET /v1/requests/{requestId}</code>: its status (bearer token from the same file).</li>
<li><code>GET /v1/accounts</code>: the registry of institutional accounts (same bearer token).</li></ul>
<p>Try it: run <code>npm run sample</code> (a post) or <code>npm run sample -- opening</code> (an account opening) in another terminal, then open the outbox.</p></main></body></html>`;
}
