import { requestOfWithdrawLink } from './adapters/approvals.js';
import { getRequest } from './adapters/requests.js';
import { isWellFormedLinkId, sha256Hex } from './core/ids.js';
import { MAX_FORM_BYTES } from './core/request/limits.js';
import { escapeHtml, requestSubject } from './core/render/render.js';
import { httpHandler, pathParameter, rawBody, type HttpResult } from './shared/middleware.js';
import { withdraw } from './use-cases/change-request.js';

// GET/HEAD /withdraw/{linkId}: asks "withdraw this request?" and changes nothing (mail scanners fetch links).
// POST: withdraws it, if nothing has decided it yet.

function page(statusCode: number, title: string, body: string, method: string): HttpResult {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:0 auto;padding:1rem}button{font-size:1rem;padding:0.6em 1.1em;border:2px solid #111;border-radius:6px}</style></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
  return {
    statusCode,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'" },
    body: method === 'HEAD' ? '' : html,
  };
}

export const handler = httpHandler(async (event) => {
  const method = event.requestContext.http.method.toUpperCase();
  const linkId = pathParameter(event, 'linkId');
  const requestId = isWellFormedLinkId(linkId) ? await requestOfWithdrawLink(sha256Hex(linkId)) : undefined;
  const request = requestId === undefined ? undefined : await getRequest(requestId);
  if (request === undefined) return page(404, 'Link not found', '<p>This withdraw link is not valid.</p>', method);
  const what = `<p>“${escapeHtml(request.submission.title)}” (${escapeHtml(requestSubject(request.submission))}), request ${escapeHtml(request.requestId)}.</p>`;
  if (method === 'GET' || method === 'HEAD') {
    if (request.outcome !== undefined) return page(200, `This request is ${request.status}`, `${what}<p>It can no longer be withdrawn.</p>`, method);
    return page(200, 'Withdraw this request?', `${what}<p>Approvers will no longer be able to decide it.</p><form method="post"><button type="submit" name="confirm" value="withdraw">Withdraw the request</button></form>`, method);
  }
  if (method !== 'POST') return { statusCode: 405, headers: { allow: 'GET, HEAD, POST' }, body: '' };
  const raw = rawBody(event);
  if (Buffer.byteLength(raw, 'utf8') > MAX_FORM_BYTES) return page(413, 'Nothing was withdrawn', `${what}<p>The form sent too much. Use the button on the page to withdraw.</p>`, method);
  if (new URLSearchParams(raw).get('confirm') !== 'withdraw') return page(400, 'Nothing was withdrawn', `${what}<p>Use the button on the page to withdraw.</p>`, method);
  const result = await withdraw(request.requestId, request.submission.submitter, 'link');
  if (!result.won) return page(409, `This request is already ${result.request.status}`, `${what}<p>It can no longer be withdrawn.</p>`, method);
  return page(200, 'Request withdrawn', `${what}<p>It is withdrawn; its review links now say so.</p>`, method);
});
