import { escapeHtml, requestSubject } from './core/render/render.js';
import { htmlPage, httpHandler, pathParameter, rawBody, type HttpResult } from './shared/middleware.js';
import { withdrawByLink } from './use-cases/change-request.js';
import { approvals, audit, requests, workflow } from './use-cases/default-ports.js';

// GET/HEAD /withdraw/{linkId}: asks "withdraw this request?" and changes nothing (mail scanners fetch links).
// POST: withdraws it, if nothing has decided it yet (lambdas/use-cases/change-request.ts).

function page(statusCode: number, title: string, body: string, method: string): HttpResult {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:0 auto;padding:1rem}button{font-size:1rem;padding:0.6em 1.1em;border:2px solid #111;border-radius:6px}</style></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
  return htmlPage(statusCode, html, method);
}

export const handler = httpHandler(async (event) => {
  const method = event.requestContext.http.method.toUpperCase();
  const intent =
    method === 'GET' || method === 'HEAD'
      ? { kind: 'view' as const }
      : method === 'POST'
        ? { kind: 'post' as const, body: rawBody(event) }
        : { kind: 'other' as const };
  const answer = await withdrawByLink(pathParameter(event, 'linkId'), intent, { requests, audit, workflow, approvals });
  if (answer.kind === 'not-found') return page(404, 'Link not found', '<p>This withdraw link is not valid.</p>', method);
  if (answer.kind === 'method-not-allowed') return { statusCode: 405, headers: { allow: 'GET, HEAD, POST' }, body: '' };
  const { request } = answer;
  const what = `<p>“${escapeHtml(request.submission.title)}” (${escapeHtml(requestSubject(request.submission))}), request ${escapeHtml(request.requestId)}.</p>`;
  switch (answer.kind) {
    case 'ask':
      if (request.outcome !== undefined)
        return page(200, `This request is ${request.status}`, `${what}<p>It can no longer be withdrawn.</p>`, method);
      return page(
        200,
        'Withdraw this request?',
        `${what}${
          request.status === 'failed'
            ? `<p>Signoff could not carry it on: its workflow failed at ${escapeHtml(request.failure?.step ?? 'a step')}, and its operators were alerted. Withdraw it to close it; submit it again when they say so.</p>`
            : '<p>Approvers will no longer be able to decide it.</p>'
        }<form method="post"><button type="submit" name="confirm" value="withdraw">Withdraw the request</button></form>`,
        method,
      );
    case 'refused':
      return answer.reason === 'too-large'
        ? page(413, 'Nothing was withdrawn', `${what}<p>The form sent too much. Use the button on the page to withdraw.</p>`, method)
        : page(400, 'Nothing was withdrawn', `${what}<p>Use the button on the page to withdraw.</p>`, method);
    case 'too-late':
      return page(409, `This request is already ${answer.status}`, `${what}<p>It can no longer be withdrawn.</p>`, method);
    case 'withdrawn':
      return page(200, 'Request withdrawn', `${what}<p>It is withdrawn; its review links now say so.</p>`, method);
  }
});
