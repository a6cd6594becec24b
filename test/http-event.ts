import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ApprovalLink } from '../lambdas/adapters/approvals.js';
import type { RequestRecord } from '../lambdas/core/model.js';

// What the handler tests hand a function as API Gateway (HTTP API, payload 2.0) would: one builder, so every test's
// event has the shape the deployed route gives. And the request most review tests start from: a brand post pending at
// Grace, its supervisor, with Grace's link to that stage.

export function httpEvent(
  method: 'GET' | 'POST',
  routeKey: string,
  path: string,
  options: {
    readonly body?: string;
    readonly headers?: Record<string, string>;
    readonly pathParameters?: Record<string, string>;
    readonly query?: Record<string, string>;
  } = {},
): APIGatewayProxyEventV2 {
  const { body, headers = {}, pathParameters, query } = options;
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: query === undefined ? '' : new URLSearchParams(query).toString(),
    headers,
    ...(query === undefined ? {} : { queryStringParameters: query }),
    ...(pathParameters === undefined ? {} : { pathParameters }),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'signoff.example.org',
      domainPrefix: 'signoff',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
      requestId: 'r1',
      routeKey,
      stage: '$default',
      time: '05/Dec/2026:10:00:00 +0000',
      timeEpoch: 0,
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
  };
}

/** A POST of `body` to a route (payload 2.0). */
export function postEvent(
  routeKey: string,
  path: string,
  body: string,
  headers: Record<string, string>,
  pathParameters?: Record<string, string>,
): APIGatewayProxyEventV2 {
  return httpEvent('POST', routeKey, path, { body, headers, ...(pathParameters === undefined ? {} : { pathParameters }) });
}

export const LINK_ID = 'A'.repeat(43);
export const CSRF = 'csrf-token-0123456789';
export const grace = { id: 'grace', name: 'Grace Hopper', email: 'grace@example.org' };

/** A brand post pending at its supervisor, Grace. */
export const pendingRequest: RequestRecord = {
  requestId: 'req_AAAAAAAAAAAAAAAAAAAAAAAA',
  kind: 'brand-post',
  status: 'awaiting-approval',
  version: 1,
  submission: {
    kind: 'brand-post',
    submitter: 'ada@example.org',
    account: 'physics-x',
    title: 'Open day',
    text: 'Saturday.',
    format: 'post',
    media: [],
    attestations: {},
  },
  contentHash: 'h',
  receivedAt: '2026-12-05T09:00:00.000Z',
  channel: 'webhook',
  stages: [{ stage: 'supervisor', status: 'pending', assignees: [grace], timeoutSeconds: 3600, deadline: '2026-12-08T09:00:00.000Z' }],
  findings: [],
};

/** Grace's link to the pending stage, as the approvals table holds it. */
export const graceLink: ApprovalLink = {
  pk: 'link#x',
  requestId: pendingRequest.requestId,
  version: 1,
  stageIndex: 0,
  stage: 'supervisor',
  approver: grace,
  csrf: CSRF,
  createdAt: pendingRequest.receivedAt,
};

/** Grace's decision form posted to her link. */
export function decisionPost(body: string): APIGatewayProxyEventV2 {
  return postEvent(
    'POST /approvals/{linkId}',
    `/approvals/${LINK_ID}`,
    body,
    { 'content-type': 'application/x-www-form-urlencoded' },
    { linkId: LINK_ID },
  );
}
