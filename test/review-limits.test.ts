import { fileURLToPath } from 'node:url';
import { SFNClient, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_COMMENT_CHARS, MAX_FORM_BYTES, commentProblem } from '../lambdas/core/request/limits.js';
import type { RequestRecord } from '../lambdas/core/model.js';

// The review page's POST (lambdas/review.ts) over its real adapters with DynamoDB and Step Functions mocked
// (issue #11): a comment over 5,000 characters and a form over 64 KiB are refused with a 400/413 page that names
// what is wrong, and nothing is decided.

Object.assign(process.env, {
  SIGNOFF_DIRECTORY: fileURLToPath(new URL('../config/directory.json', import.meta.url)),
  REQUESTS_TABLE: 'requests',
  APPROVALS_TABLE: 'approvals',
  AUDIT_TABLE: 'audit',
  ACCOUNTS_TABLE: 'accounts',
  AWS_REGION: 'eu-west-1',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
});
const { handler } = await import('../lambdas/review.js');

const dynamo = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const context = {
  functionName: 'signoff-Review',
  awsRequestId: 'test-request',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:signoff-Review',
} as Context;

const LINK_ID = 'A'.repeat(43);
const CSRF = 'csrf-token-0123456789';
const grace = { id: 'grace', name: 'Grace Hopper', email: 'grace@example.org' };
const request: RequestRecord = {
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

function decisionPost(body: string): APIGatewayProxyEventV2 {
  const path = `/approvals/${LINK_ID}`;
  return {
    version: '2.0',
    routeKey: 'POST /approvals/{linkId}',
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    pathParameters: { linkId: LINK_ID },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'signoff.example.org',
      domainPrefix: 'signoff',
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
      requestId: 'r1',
      routeKey: 'POST /approvals/{linkId}',
      stage: '$default',
      time: '05/Dec/2026:10:00:00 +0000',
      timeEpoch: 0,
    },
    body,
    isBase64Encoded: false,
  };
}

beforeEach(() => {
  dynamo.reset();
  sfn.reset();
  dynamo.on(GetCommand, { TableName: 'approvals' }).resolves({
    Item: {
      pk: 'link#x',
      requestId: request.requestId,
      version: 1,
      stageIndex: 0,
      stage: 'supervisor',
      approver: grace,
      csrf: CSRF,
      createdAt: request.receivedAt,
    },
  });
  dynamo.on(GetCommand, { TableName: 'requests' }).resolves({ Item: { ...request } });
  dynamo.on(ScanCommand).resolves({ Items: [] });
  dynamo.on(QueryCommand).resolves({ Items: [] });
  dynamo.on(PutCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({ Attributes: { ...request } });
  sfn.on(SendTaskSuccessCommand).resolves({});
});

describe("the review page's limits", () => {
  it('refuses a comment over 5,000 characters with a 400 naming the comment, deciding nothing', async () => {
    // Prepare: 5,001 characters, counted as characters (each emoji is two UTF-16 units)
    const comment = '😀'.repeat(MAX_COMMENT_CHARS + 1);

    // Act
    const res = await handler(decisionPost(new URLSearchParams({ csrf: CSRF, decision: 'reject', comment }).toString()), context);

    // Assess
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('comment: 5,001 characters is too long; the limit is 5,000. Nothing was decided.');
    expect(dynamo.commandCalls(UpdateCommand)).toEqual([]);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toEqual([]);
  });

  it('takes a comment of exactly 5,000 characters', async () => {
    // Act
    const res = await handler(
      decisionPost(new URLSearchParams({ csrf: CSRF, decision: 'reject', comment: 'x'.repeat(MAX_COMMENT_CHARS) }).toString()),
      context,
    );

    // Assess: past the limit, the decision is claimed
    expect(res.statusCode).toBe(200);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
  });

  it('refuses a form over 64 KiB with a 413 page before reading it', async () => {
    // Prepare
    const body = `csrf=${CSRF}&decision=approve&comment=${'%F0%9F%98%80'.repeat(Math.ceil(MAX_FORM_BYTES / 12) + 1)}`;

    // Act
    const res = await handler(decisionPost(body), context);

    // Assess
    expect(res.statusCode).toBe(413);
    expect(res.body).toContain('the limit is 65,536. Nothing was decided.');
    expect(dynamo.commandCalls(UpdateCommand)).toEqual([]);
  });

  it('says nothing about a comment within the limit', () => {
    expect(commentProblem('Say which Saturday, please.')).toBeUndefined();
    expect(commentProblem('x'.repeat(MAX_COMMENT_CHARS + 1))).toMatch(/^comment: /u);
  });
});
