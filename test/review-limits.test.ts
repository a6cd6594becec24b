import { fileURLToPath } from 'node:url';
import { SFNClient, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_COMMENT_CHARS, MAX_FORM_BYTES, commentProblem } from '../lambdas/core/request/limits.js';
import { CSRF, decisionPost, graceLink, pendingRequest } from './http-event.js';

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

beforeEach(() => {
  dynamo.reset();
  sfn.reset();
  dynamo.on(GetCommand, { TableName: 'approvals' }).resolves({ Item: { ...graceLink } });
  dynamo.on(GetCommand, { TableName: 'requests' }).resolves({ Item: { ...pendingRequest } });
  dynamo.on(ScanCommand).resolves({ Items: [] });
  dynamo.on(QueryCommand).resolves({ Items: [] });
  dynamo.on(PutCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({ Attributes: { ...pendingRequest } });
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

  it.each([
    ['a byte that is not UTF-8, as it is', `csrf=${CSRF}&decision=request-changes&comment=\ufffd`, 'The form holds U+FFFD as it is'],
    [
      'a percent-encoded byte that is not UTF-8',
      `csrf=${CSRF}&decision=request-changes&comment=%FF`,
      'The form field &#34;comment&#34; is not valid percent-encoded UTF-8',
    ],
  ])(
    'refuses a form with %s with a 400, deciding nothing (issue #13: it decided, with a comment of U+FFFD)',
    async (_what, body, message) => {
      // Act
      const res = await handler(decisionPost(body), context);

      // Assess
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(message);
      expect(res.body).toContain('Nothing was decided.');
      expect(dynamo.commandCalls(UpdateCommand)).toEqual([]);
      expect(sfn.commandCalls(SendTaskSuccessCommand)).toEqual([]);
    },
  );

  it('says nothing about a comment within the limit', () => {
    expect(commentProblem('Say which Saturday, please.')).toBeUndefined();
    expect(commentProblem('x'.repeat(MAX_COMMENT_CHARS + 1))).toMatch(/^comment: /u);
  });
});
