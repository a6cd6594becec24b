import { reviewPage } from './core/render/review-page.js';
import { currentDeadline } from './core/request/review.js';
import { htmlPage, httpHandler, pathParameter, rawBody, type HttpEvent, type HttpResult } from './shared/middleware.js';
import { approvals, audit, requests, workflow } from './use-cases/default-ports.js';
import { directory, registryView } from './use-cases/registry-view.js';
import { reviewStage, type ReviewIntent, type ReviewPage, type ReviewStagePorts } from './use-cases/review-stage.js';

// GET/HEAD /approvals/{linkId}: renders the request and never decides. POST /approvals/{linkId}: the decision, or a
// communications approver's override of the publication classification (lambdas/use-cases/review-stage.ts).

const ports: ReviewStagePorts = { approvals, requests, audit, workflow, directory, registryView };

function notFound(method: string): HttpResult {
  return htmlPage(
    404,
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Link not found</title></head><body><main><h1>Link not found</h1><p>This approval link is not valid. Use the link from your most recent approval e-mail.</p></main></body></html>`,
    method,
  );
}

function render(p: ReviewPage): string {
  const { link, request } = p;
  return reviewPage({
    institution: p.directory.institution,
    request,
    stageIndex: link.stageIndex,
    approver: link.approver,
    deadline: currentDeadline(request, link.stageIndex),
    csrf: link.csrf,
    state: p.state,
    accounts: p.directory.accounts,
  });
}

function intentOf(event: HttpEvent, method: string): ReviewIntent {
  if (method === 'GET' || method === 'HEAD') return { kind: 'view' };
  if (method === 'POST') return { kind: 'post', body: rawBody(event) };
  return { kind: 'other' };
}

export const handler = httpHandler(async (event: HttpEvent) => {
  const method = event.requestContext.http.method.toUpperCase();
  const answer = await reviewStage(pathParameter(event, 'linkId'), intentOf(event, method), ports);
  if (answer.kind === 'not-found') return notFound(method);
  if (answer.kind === 'method-not-allowed') return { statusCode: 405, headers: { allow: 'GET, HEAD, POST' }, body: '' };
  return htmlPage(answer.status, render(answer), method);
});
