import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { requestIdFor } from '../lambdas/core/ids.js';
import { SAMPLE_OPENING } from '../local/samples.js';
import { newVersionBody, signedHeaders, submissionBody, withdrawalBody } from '../local/webhook-client.js';
import { postEvent } from './http-event.js';

// The signed routes (lambdas/intake.ts, versions.ts, withdraw.ts) over their real adapters, with DynamoDB and Step
// Functions mocked (issue #11): a signed delivery is good for one call — its body names the call, and its
// webhook-id is remembered with the call it was accepted for — and the signature headers and the body's nesting
// are checked before anything is read.

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
Object.assign(process.env, {
  SIGNOFF_DIRECTORY: fileURLToPath(new URL('../config/directory.json', import.meta.url)),
  SIGNOFF_WEBHOOK_SECRET: SECRET,
  REQUESTS_TABLE: 'requests',
  APPROVALS_TABLE: 'approvals',
  AUDIT_TABLE: 'audit',
  ACCOUNTS_TABLE: 'accounts',
  STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:signoff-approval',
  AWS_REGION: 'eu-west-1',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
});
const intake = (await import('../lambdas/intake.js')).handler;
const versions = (await import('../lambdas/versions.js')).handler;
const withdraw = (await import('../lambdas/withdraw.js')).handler;

const dynamo = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const context = {
  functionName: 'signoff-Withdraw',
  awsRequestId: 'test-request',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:signoff-Withdraw',
} as Context;

const REQUEST_B = 'req_BBBBBBBBBBBBBBBBBBBBBBBB';

const toWithdraw = (requestId: string, body: string, headers = signedHeaders(SECRET, body)) =>
  postEvent('POST /v1/requests/{requestId}/withdraw', `/v1/requests/${requestId}/withdraw`, body, headers, { requestId });

async function answer(result: Promise<APIGatewayProxyStructuredResultV2>): Promise<{
  status: number | undefined;
  body: { error?: string; problems?: string[] } & Record<string, unknown>;
  headers: Record<string, unknown>;
}> {
  const r = await result;
  return { status: r.statusCode, body: JSON.parse(r.body ?? '{}') as { error?: string; problems?: string[] }, headers: { ...r.headers } };
}

const putsTo = (table: string) =>
  dynamo
    .commandCalls(PutCommand)
    .map((c) => c.args[0].input)
    .filter((i) => i.TableName === table);
const updatesTo = (table: string) =>
  dynamo
    .commandCalls(UpdateCommand)
    .map((c) => c.args[0].input)
    .filter((i) => i.TableName === table);
const webhookKey = (id: string) => `webhook#${createHash('sha256').update(id).digest('hex')}`;
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

/** REQUEST_B as the requests table holds it once withdrawn. */
const withdrawnRequest = {
  requestId: REQUEST_B,
  kind: 'brand-post',
  status: 'withdrawn',
  outcome: 'withdrawn',
  version: 1,
  submission: {
    kind: 'brand-post',
    submitter: 'ada@example.org',
    account: 'physics-x',
    title: 'Open day',
    text: 'Join us on Saturday.',
    format: 'post',
    media: [],
    attestations: {},
  },
  contentHash: 'h',
  receivedAt: '2026-12-05T09:00:00.000Z',
  channel: 'webhook',
  stages: [],
  findings: [],
};

const post1 = {
  kind: 'brand-post',
  submitter: 'ada@example.org',
  account: 'physics-x',
  title: 'Open day',
  text: 'Join us on Saturday. https://example.org/open-day',
};

beforeEach(() => {
  dynamo.reset();
  sfn.reset();
  dynamo.on(ScanCommand).resolves({ Items: [] });
  dynamo.on(QueryCommand).resolves({ Items: [] });
  dynamo.on(GetCommand).resolves({});
  dynamo.on(PutCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({ Attributes: {} });
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:execution' });
  sfn.on(StopExecutionCommand).resolves({});
});

describe('a signed body names its call', () => {
  it("refuses an intake delivery replayed to another request's withdraw (400 naming action and requestId), withdrawing nothing", async () => {
    // Prepare: the delivery as captured on its way to intake
    const body = JSON.stringify(post1);
    const headers = signedHeaders(SECRET, body, 'msg_captured');

    // Act
    const res = await answer(withdraw(toWithdraw(REQUEST_B, body, headers), context));

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.problems).toEqual([expect.stringMatching(/^action: required/u), expect.stringMatching(/^requestId: required/u)]);
    expect(putsTo('approvals')).toEqual([]);
    expect(updatesTo('requests')).toEqual([]);
    expect(sfn.commandCalls(StopExecutionCommand)).toEqual([]);
  });

  it("refuses a withdrawal of one request sent to another's path (400 naming requestId)", async () => {
    const body = withdrawalBody('req_AAAAAAAAAAAAAAAAAAAAAAAA');
    const res = await answer(withdraw(toWithdraw(REQUEST_B, body), context));
    expect(res.status).toBe(400);
    expect(res.body.problems).toEqual([`requestId: "req_AAAAAAAAAAAAAAAAAAAAAAAA" is not the request of this path ("${REQUEST_B}")`]);
    expect(updatesTo('requests')).toEqual([]);
  });

  it('refuses at intake a body signed as a withdrawal', async () => {
    const body = withdrawalBody(REQUEST_B);
    const res = await answer(intake(postEvent('POST /v1/requests', '/v1/requests', body, signedHeaders(SECRET, body)), context));
    expect(res.status).toBe(400);
    expect(res.body.problems?.[0]).toMatch(/^action: POST \/v1\/requests takes "action": "submit", not "withdraw"/u);
    expect(putsTo('requests')).toEqual([]);
  });

  it('refuses a withdrawal with other fields, naming them', async () => {
    const body = JSON.stringify({ action: 'withdraw', requestId: REQUEST_B, reason: 'x' });
    const res = await answer(withdraw(toWithdraw(REQUEST_B, body), context));
    expect(res.status).toBe(400);
    expect(res.body.problems).toEqual(['reason: unknown field; a withdrawal carries "action" and "requestId" only']);
  });
});

describe('a webhook-id is good for one call', () => {
  it('remembers an accepted submission under its webhook-id: route, request, body hash and an expiry', async () => {
    // Prepare: an account opening (the mocked registry is empty, so a post would name no registered account)
    const body = submissionBody(SAMPLE_OPENING);
    const before = Math.floor(Date.now() / 1000);

    // Act
    const res = await answer(
      intake(postEvent('POST /v1/requests', '/v1/requests', body, signedHeaders(SECRET, body, 'msg_first')), context),
    );

    // Assess
    expect(res.status).toBe(202);
    const [remembered] = putsTo('approvals');
    expect(remembered?.Item).toMatchObject({
      pk: webhookKey('msg_first'),
      webhookId: 'msg_first',
      action: 'submit',
      requestId: requestIdFor('webhook', 'msg_first'),
      bodyHash: createHash('sha256').update(body).digest('hex'),
    });
    expect(Number(remembered?.Item?.['expiresAt'])).toBeGreaterThanOrEqual(before + 30 * 24 * 3600);
    expect(remembered?.ConditionExpression).toBe('attribute_not_exists(#pk) OR #ttl < :now');
  });

  it('refuses a withdrawal whose webhook-id was accepted for a submission (409), withdrawing nothing', async () => {
    // Prepare: the id is remembered for intake
    dynamo.on(PutCommand, { TableName: 'approvals' }).rejects(conditionFailed());
    dynamo.on(GetCommand, { TableName: 'approvals' }).resolves({
      Item: {
        pk: webhookKey('msg_reused'),
        webhookId: 'msg_reused',
        action: 'submit',
        requestId: 'req_AAAAAAAAAAAAAAAAAAAAAAAA',
        bodyHash: 'h',
        acceptedAt: '2026-12-05T10:00:00.000Z',
      },
    });
    const body = withdrawalBody(REQUEST_B);

    // Act
    const res = await answer(withdraw(toWithdraw(REQUEST_B, body, signedHeaders(SECRET, body, 'msg_reused')), context));

    // Assess
    expect(res.status).toBe(409);
    expect(res.body.error).toBe(
      'webhook-id msg_reused was already used at 2026-12-05T10:00:00.000Z for POST /v1/requests (it created request req_AAAAAAAAAAAAAAAAAAAAAAAA); a webhook-id is good for one call: sign each call with a new webhook-id',
    );
    expect(updatesTo('requests')).toEqual([]);
  });

  it('answers a retried withdrawal that went through as the first time (200, idempotent-replayed)', async () => {
    // Prepare: the same id, route, request and body are remembered; the request is withdrawn already
    const body = withdrawalBody(REQUEST_B);
    dynamo.on(PutCommand, { TableName: 'approvals' }).rejects(conditionFailed());
    dynamo.on(GetCommand, { TableName: 'approvals' }).resolves({
      Item: {
        webhookId: 'msg_retry',
        action: 'withdraw',
        requestId: REQUEST_B,
        bodyHash: createHash('sha256').update(body).digest('hex'),
        acceptedAt: '2026-12-05T10:00:00.000Z',
      },
    });
    dynamo.on(UpdateCommand, { TableName: 'requests' }).rejects(conditionFailed());
    dynamo.on(GetCommand, { TableName: 'requests' }).resolves({ Item: withdrawnRequest });

    // Act
    const res = await answer(withdraw(toWithdraw(REQUEST_B, body, signedHeaders(SECRET, body, 'msg_retry')), context));

    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ requestId: REQUEST_B, status: 'withdrawn' });
    expect(res.headers['idempotent-replayed']).toBe('true');
  });

  it('still refuses a second withdrawal under a new webhook-id (409: already withdrawn)', async () => {
    dynamo.on(UpdateCommand, { TableName: 'requests' }).rejects(conditionFailed());
    dynamo.on(GetCommand, { TableName: 'requests' }).resolves({ Item: withdrawnRequest });
    const res = await answer(withdraw(toWithdraw(REQUEST_B, withdrawalBody(REQUEST_B)), context));
    expect(res.status).toBe(409);
    expect(res.body.error).toContain('already withdrawn');
  });
});

describe('signature headers and body limits', () => {
  it('refuses a webhook-timestamp with anything but digits, though the signature covers its leading number (401)', async () => {
    // Prepare: signed for the timestamp's number; the library read "…abc" as that number
    const body = withdrawalBody(REQUEST_B);
    const headers = signedHeaders(SECRET, body);
    headers['webhook-timestamp'] = `${headers['webhook-timestamp'] ?? ''}abc`;

    // Act
    const res = await answer(withdraw(toWithdraw(REQUEST_B, body, headers), context));

    // Assess
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('webhook-timestamp must be whole seconds since 1970, digits only');
    expect(dynamo.calls()).toEqual([]);
  });

  it('refuses a signed body sent as another media type or compressed (415), before reading anything', async () => {
    // Prepare: correctly signed bytes, said to be an image, and said to be gzip though they are not
    const body = withdrawalBody(REQUEST_B);
    const asImage = { ...signedHeaders(SECRET, body), 'content-type': 'image/png' };
    const gzipped = { ...signedHeaders(SECRET, body), 'content-encoding': 'gzip' };

    // Act
    const image = await answer(withdraw(toWithdraw(REQUEST_B, body, asImage), context));
    const gzip = await answer(withdraw(toWithdraw(REQUEST_B, body, gzipped), context));

    // Assess
    expect([image.status, image.body.error]).toEqual([415, 'Content-Type is "image/png"; send the body as application/json']);
    expect([gzip.status, gzip.body.error]).toEqual([415, 'Content-Encoding "gzip" is not supported; send the body uncompressed']);
    expect(dynamo.calls()).toEqual([]);
  });

  it('refuses a body nested deeper than 32 levels before parsing it (400), where it was a 500', async () => {
    // Prepare: 60,000 levels in the kind field, within the size limit
    const body = `{"kind":${'['.repeat(60_000)}${']'.repeat(60_000)}}`;

    // Act
    const res = await answer(intake(postEvent('POST /v1/requests', '/v1/requests', body, signedHeaders(SECRET, body)), context));

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.problems).toEqual(['body: nested deeper than 32 levels of objects and arrays']);
  });

  it('answers 414 for a request id over 2,048 bytes, before reading the table', async () => {
    // Prepare
    const requestId = 'r'.repeat(2_049);
    const body = newVersionBody(requestId, post1);

    // Act
    const res = await answer(
      versions(
        postEvent('POST /v1/requests/{requestId}/versions', `/v1/requests/${requestId}/versions`, body, signedHeaders(SECRET, body), {
          requestId,
        }),
        context,
      ),
    );

    // Assess
    expect(res.status).toBe(414);
    expect(res.body.error).toBe('the path parameter requestId is 2049 bytes; the limit is 2048');
    expect(dynamo.commandCalls(GetCommand)).toEqual([]);
  });
});
