import { fileURLToPath } from 'node:url';
import { GetObjectCommand, S3Client, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SFNClient, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { sesEvent, sesFixture, sesStored } from '../fixtures/ses.js';
import { CSRF, grace, graceLink, LINK_ID, pendingRequest, postEvent } from '../http-event.js';

// Powertools Metrics in the handlers' middy chains (lambdas/shared/metrics.ts): a decision, an intake refusal and a
// mail sent each leave one CloudWatch embedded-metric-format (EMF) line on standard output, as Lambda's log stream
// gets it. The handlers run over their real adapters with AWS mocked; the EMF is read from what reaches stdout.

Object.assign(process.env, {
  INBOUND_BUCKET: 'signoff-inbound',
  INBOUND_PREFIX: 'inbound/',
  PUBLIC_BASE_URL: 'https://signoff.example.org',
  SIGNOFF_DIRECTORY: fileURLToPath(new URL('../../config/directory.json', import.meta.url)),
  SIGNOFF_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  REQUESTS_TABLE: 'requests',
  APPROVALS_TABLE: 'approvals',
  AUDIT_TABLE: 'audit',
  ACCOUNTS_TABLE: 'accounts',
  STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:signoff-approval',
  AWS_REGION: 'eu-west-1',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_SERVICE_NAME: 'signoff',
  POWERTOOLS_METRICS_NAMESPACE: 'Signoff',
  // Off for the other unit tests (vitest.config.ts), on here.
  POWERTOOLS_METRICS_DISABLED: 'false',
});
const review = (await import('../../lambdas/review.js')).handler;
const intake = (await import('../../lambdas/intake.js')).handler;
const mailIntake = (await import('../../lambdas/mail-intake.js')).handler;
const recordSubmission = (await import('../../lambdas/record-submission.js')).handler;

const s3 = mockClient(S3Client);
const dynamo = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESv2Client);
const sfn = mockClient(SFNClient);
const context = {
  functionName: 'signoff-Test',
  awsRequestId: 'test-request',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:signoff-Test',
  getRemainingTimeInMillis: () => 30_000,
} as Context;

/** SES's stored object for a fixture, with the given message in place of the fixture's own. */
function serveMail(name: string, message: string): void {
  const raw = sesStored(sesFixture(name), Buffer.from(message));
  s3.on(GetObjectCommand).resolves({
    Body: { transformToByteArray: async () => new Uint8Array(raw) } as unknown as NonNullable<GetObjectCommandOutput['Body']>,
  });
}

/** An EMF record, as far as these tests read it: metric names and dimension names, the values at the top level. */
const emfRecord = z.looseObject({
  _aws: z.object({
    CloudWatchMetrics: z.array(
      z.object({ Namespace: z.string(), Dimensions: z.array(z.array(z.string())), Metrics: z.array(z.object({ Name: z.string() })) }),
    ),
  }),
});

interface Emitted {
  readonly namespace: string;
  readonly metrics: readonly string[];
  readonly dimensions: Readonly<Record<string, unknown>>;
}

let stdout: string[] = [];

/** The EMF records written to stdout: each metric's name, and the values of its dimensions. */
function emitted(): Emitted[] {
  const records: Emitted[] = [];
  for (const line of stdout.join('').split('\n')) {
    if (!line.startsWith('{"_aws"')) continue;
    const emf = emfRecord.parse(JSON.parse(line));
    for (const directive of emf._aws.CloudWatchMetrics) {
      const dimensions = Object.fromEntries(directive.Dimensions.flat().map((d) => [d, emf[d]]));
      records.push({ namespace: directive.Namespace, metrics: directive.Metrics.map((m) => m.Name), dimensions });
    }
  }
  return records;
}

const named = (name: string) => emitted().filter((e) => e.metrics.includes(name));

beforeEach(() => {
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  s3.reset();
  dynamo.reset();
  ses.reset();
  sfn.reset();
  dynamo.on(ScanCommand).resolves({ Items: [] });
  dynamo.on(QueryCommand).resolves({ Items: [] });
  dynamo.on(GetCommand).resolves({});
  dynamo.on(PutCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({ Attributes: {} });
  ses.on(SendEmailCommand).resolves({ MessageId: 'out-1' });
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:execution' });
  sfn.on(SendTaskSuccessCommand).resolves({});
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('metrics', () => {
  it('counts a decision recorded, by decision', async () => {
    // Prepare: grace's link to the open stage
    dynamo.on(GetCommand, { TableName: 'approvals' }).resolves({ Item: { ...graceLink } });
    dynamo.on(GetCommand, { TableName: 'requests' }).resolves({ Item: { ...pendingRequest } });
    dynamo.on(UpdateCommand).resolves({ Attributes: { ...pendingRequest } });
    const body = new URLSearchParams({ csrf: CSRF, decision: 'reject', comment: 'Not on a Saturday.' }).toString();

    // Act
    const res = await review(
      postEvent(
        'POST /approvals/{linkId}',
        `/approvals/${LINK_ID}`,
        body,
        { 'content-type': 'application/x-www-form-urlencoded' },
        { linkId: LINK_ID },
      ),
      context,
    );

    // Assess
    expect(res.statusCode).toBe(200);
    expect(named('DecisionRecorded')).toEqual([
      { namespace: 'Signoff', metrics: ['DecisionRecorded'], dimensions: { service: 'signoff', decision: 'reject' } },
    ]);
  });

  it('counts nothing for a decision refused', async () => {
    dynamo.on(GetCommand, { TableName: 'approvals' }).resolves({
      Item: {
        pk: 'link#x',
        requestId: pendingRequest.requestId,
        version: 1,
        stageIndex: 0,
        stage: 'supervisor',
        approver: grace,
        csrf: CSRF,
        createdAt: pendingRequest.receivedAt,
      },
    });
    dynamo.on(GetCommand, { TableName: 'requests' }).resolves({ Item: { ...pendingRequest } });
    const body = new URLSearchParams({ csrf: CSRF, decision: 'reject', comment: '' }).toString();
    const res = await review(
      postEvent(
        'POST /approvals/{linkId}',
        `/approvals/${LINK_ID}`,
        body,
        { 'content-type': 'application/x-www-form-urlencoded' },
        { linkId: LINK_ID },
      ),
      context,
    );
    expect(res.statusCode).toBe(400);
    expect(named('DecisionRecorded')).toEqual([]);
  });

  it('counts a webhook intake refusal, by the status answered', async () => {
    // Act: a delivery without its signature
    const res = await intake(postEvent('POST /v1/requests', '/v1/requests', '{}', { 'content-type': 'application/json' }), context);

    // Assess
    expect(res.statusCode).toBe(401);
    expect(named('IntakeRefused')).toEqual([
      { namespace: 'Signoff', metrics: ['IntakeRefused'], dimensions: { service: 'signoff', channel: 'webhook', reason: '401' } },
    ]);
  });

  it('counts a mail refused at intake, by its refusal', async () => {
    // Prepare: two From headers, so no sender is established
    serveMail(
      'dmarc-pass',
      ['From: mallory@evil.example', 'From: ada@example.org', 'Message-ID: <two-from@example.org>', 'Subject: x', '', 'Body', ''].join(
        '\r\n',
      ),
    );

    // Act
    await mailIntake(sesEvent('dmarc-pass'), context);

    // Assess
    expect(named('IntakeRefused')).toEqual([
      {
        namespace: 'Signoff',
        metrics: ['IntakeRefused'],
        dimensions: { service: 'signoff', channel: 'mail', reason: 'sender-not-established' },
      },
    ]);
    expect(named('MailSent')).toEqual([]);
  });

  it('counts a mail sent, by kind: the acknowledgement of a submission', async () => {
    // Prepare: the request as RecordSubmission finds it, its acknowledgement not yet claimed
    dynamo.on(UpdateCommand).resolves({ Attributes: { ...pendingRequest, status: 'checking', stages: [] } });

    // Act
    await recordSubmission({ requestId: pendingRequest.requestId, version: 1, executionArn: 'arn:execution' }, context);

    // Assess
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(named('MailSent')).toEqual([
      { namespace: 'Signoff', metrics: ['MailSent'], dimensions: { service: 'signoff', kind: 'acknowledgement' } },
    ]);
  });

  it('counts a task that failed, by the name of its error, and throws it on for the state machine to retry', async () => {
    // Prepare: DynamoDB throttles the task's first write past the SDK's retries
    const throttled = Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), { name: 'ThrottlingException' });
    dynamo.on(UpdateCommand).rejects(throttled);

    // Act
    const task = recordSubmission({ requestId: pendingRequest.requestId, version: 1, executionArn: 'arn:execution' }, context);

    // Assess
    await expect(task).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(named('TaskFailed')).toEqual([
      { namespace: 'Signoff', metrics: ['TaskFailed'], dimensions: { service: 'signoff', error: 'ThrottlingException' } },
    ]);
  });

  it('counts a mail answered at intake both as a refusal and as a reply sent', async () => {
    // Prepare: a known sender writing to an account the (empty) registry does not have
    const f = sesFixture('no-account');
    const h = f.mail.commonHeaders;
    serveMail(
      'no-account',
      [
        `From: ${h.from?.[0] ?? ''}`,
        'To: submit+nowhere@example.org',
        `Subject: ${h.subject ?? ''}`,
        `Message-ID: ${h.messageId}`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain',
        '',
        'Join us on Saturday.',
        '',
      ].join('\r\n'),
    );

    // Act
    await mailIntake(sesEvent('no-account'), context);

    // Assess
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(named('IntakeRefused').map((e) => e.dimensions)).toEqual([{ service: 'signoff', channel: 'mail', reason: 'answered' }]);
    expect(named('MailSent').map((e) => e.dimensions)).toEqual([{ service: 'signoff', kind: 'mail-reply' }]);
  });
});
