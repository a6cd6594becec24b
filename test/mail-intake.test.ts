import { fileURLToPath } from 'node:url';
import { GetObjectCommand, S3Client, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_MIME_PARTS } from '../lambdas/core/mail/mail-parse.js';
import { sesEvent, sesFixture, sesStored } from './fixtures/ses.js';

// The SES-triggered handler (lambdas/mail-intake.ts) over its real adapters, with S3, DynamoDB, SES and Step
// Functions mocked: the SES receipt event and the raw MIME SES stored decide trust by alignment, and a mail refused as
// it stands returns normally (audited) instead of throwing into Lambda's async retries.

Object.assign(process.env, {
  INBOUND_BUCKET: 'signoff-inbound',
  INBOUND_PREFIX: 'inbound/',
  PUBLIC_BASE_URL: 'https://signoff.example.org',
  SIGNOFF_DIRECTORY: fileURLToPath(new URL('../config/directory.json', import.meta.url)),
  REQUESTS_TABLE: 'requests',
  APPROVALS_TABLE: 'approvals',
  AUDIT_TABLE: 'audit',
  ACCOUNTS_TABLE: 'accounts',
  STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:signoff-approval',
  AWS_REGION: 'eu-west-1',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
});
const { handler } = await import('../lambdas/mail-intake.js');

const s3 = mockClient(S3Client);
const dynamo = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESv2Client);
const sfn = mockClient(SFNClient);
const context = {
  functionName: 'signoff-MailIntake',
  awsRequestId: 'test-request',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:signoff-MailIntake',
  // The invocation's deadline is the lease of a reply it claims (lambdas/use-cases/submit-mail.ts).
  getRemainingTimeInMillis: () => 30_000,
} as Context;

/** SES's stored object for the fixture: its headers on top of a message From `from` (the fixture's by default). */
function stored(name: string, message?: string): Buffer {
  const f = sesFixture(name);
  const h = f.mail.commonHeaders;
  const text =
    message ??
    [
      `From: ${h.from?.[0] ?? ''}`,
      'To: submit+physics-x@example.org',
      `Subject: ${h.subject ?? ''}`,
      `Message-ID: ${h.messageId}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain',
      '',
      'Join us on Saturday for the open day.',
      '',
    ].join('\r\n');
  return sesStored(f, Buffer.from(text));
}

function serve(raw: Buffer): void {
  s3.on(GetObjectCommand).resolves({
    Body: { transformToByteArray: async () => new Uint8Array(raw) } as unknown as NonNullable<GetObjectCommandOutput['Body']>,
  });
}

/** The audit events the handler wrote, as (type, actor, reason). */
function audited(): Array<[unknown, unknown, unknown]> {
  return dynamo
    .commandCalls(PutCommand)
    .map((c) => c.args[0].input)
    .filter((input) => input.TableName === 'audit')
    .map((input) => [
      input.Item?.['type'],
      input.Item?.['actor'],
      (input.Item?.['data'] as Record<string, unknown> | undefined)?.['reason'],
    ]);
}

beforeEach(() => {
  s3.reset();
  dynamo.reset();
  ses.reset();
  sfn.reset();
  dynamo.on(ScanCommand).resolves({ Items: [] });
  dynamo.on(QueryCommand).resolves({ Items: [] });
  dynamo.on(GetCommand).resolves({});
  dynamo.on(PutCommand).resolves({});
  // Every conditional update holds: a reply's claim is taken, its mark and the mail's are written.
  dynamo.on(UpdateCommand).resolves({ Attributes: {} });
  ses.on(SendEmailCommand).resolves({ MessageId: 'out-1' });
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:execution' });
});

describe('mail-intake handler', () => {
  it("reads the raw mail SES stored, and refuses SPF and DKIM PASS for the sender's own domain (not aligned with From)", async () => {
    // Prepare
    const event = sesEvent('spf-dkim-pass-unaligned');
    serve(stored('spf-dkim-pass-unaligned'));

    // Act
    await handler(event, context);

    // Assess: the object under the prefix and SES message id; no request, no execution; audited as unverified
    expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'signoff-inbound',
      Key: `inbound/${event.Records[0]?.ses.mail.messageId ?? ''}`,
    });
    expect(sfn.commandCalls(StartExecutionCommand)).toEqual([]);
    expect(dynamo.commandCalls(PutCommand).filter((c) => c.args[0].input.TableName === 'requests')).toEqual([]);
    expect(audited()).toEqual([
      [
        'mail.rejected',
        'ada@example.org',
        expect.stringMatching(
          /^unverified origin \(SPF PASS \(evil\.example: not aligned\), DKIM PASS \(evil\.example: not aligned\), DMARC GRAY/u,
        ),
      ],
    ]);
  });

  it('takes a DKIM PASS aligned with From (an ESP sending for the institution) as verified', async () => {
    // Prepare
    serve(stored('dkim-aligned-esp'));

    // Act
    await handler(sesEvent('dkim-aligned-esp'), context);

    // Assess: past the trust check (what follows is the mocked empty registry's answer)
    const reasons = audited().map(([, , reason]) => String(reason));
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).not.toMatch(/^unverified origin/u);
  });

  it("ignores an amazonses.com Authentication-Results the sender wrote below SES's own", async () => {
    // Prepare
    const f = sesFixture('spf-dkim-pass-unaligned');
    const forged = [
      'Authentication-Results: amazonses.com; spf=pass smtp.mailfrom=ada@example.org; dkim=pass header.d=example.org; dmarc=pass header.from=example.org',
      'From: ada@example.org',
      'To: submit+physics-x@example.org',
      'Subject: x',
      `Message-ID: ${f.mail.commonHeaders.messageId}`,
      '',
      'Body',
      '',
    ].join('\r\n');
    serve(stored('spf-dkim-pass-unaligned', forged));

    // Act
    await handler(sesEvent('spf-dkim-pass-unaligned'), context);

    // Assess
    expect(audited().map(([, , reason]) => String(reason))).toEqual([expect.stringMatching(/^unverified origin/u)]);
  });

  it('refuses and audits a mail with too many MIME parts, and returns normally (no Lambda retry)', async () => {
    // Prepare
    const parts = Array.from({ length: 3_000 }, (_, i) => `--b\r\nContent-Type: text/plain\r\n\r\npart ${i}`).join('\r\n');
    serve(
      stored(
        'dmarc-pass',
        [
          'From: ada@example.org',
          'Message-ID: <many-parts@example.org>',
          'MIME-Version: 1.0',
          'Content-Type: multipart/mixed; boundary="b"',
          '',
          parts,
          '--b--',
          '',
        ].join('\r\n'),
      ),
    );

    // Act
    const result = handler(sesEvent('dmarc-pass'), context);

    // Assess
    await expect(result).resolves.toBeUndefined();
    expect(audited()).toEqual([['mail.rejected', 'unknown', `more than ${MAX_MIME_PARTS} MIME parts`]]);
    expect(ses.commandCalls(SendEmailCommand)).toEqual([]);
  });

  it('refuses and audits a mail with two From headers without answering either address', async () => {
    // Prepare
    serve(
      stored(
        'dmarc-pass',
        ['From: mallory@evil.example', 'From: ada@example.org', 'Message-ID: <two-from@example.org>', 'Subject: x', '', 'Body', ''].join(
          '\r\n',
        ),
      ),
    );

    // Act
    await handler(sesEvent('dmarc-pass'), context);

    // Assess
    expect(audited()).toEqual([['mail.rejected', 'unknown', 'sender not established: 2 From headers']]);
    expect(ses.commandCalls(SendEmailCommand)).toEqual([]);
    expect(sfn.commandCalls(StartExecutionCommand)).toEqual([]);
  });
});
