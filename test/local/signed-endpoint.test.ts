import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListEmailTemplatesCommand, SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamo, type LocalDynamo } from '../../local/dynamo.js';
import { functionCredentials } from '../../local/iam/principals.js';
import { closeServer, listenLoopback } from '../../local/net.js';
import { startSes, type LocalSes } from '../../local/outbox.js';
import { newLocalCredentials } from '../../local/settings.js';
import { requireSigV4 } from '../../local/signed-endpoint.js';
import { oneFunction } from './iam-fixture.js';

// The signature check in front of the local stand-ins: what a verified request's listener receives, and what the AWS
// SDK makes of each refusal (the error it raises, by name) from dynalite and aws-ses-v2-local as the runtime wraps them.

const REGION = 'us-east-1';
const credentials = newLocalCredentials();
const dir = mkdtempSync(join(tmpdir(), 'signoff-signed-endpoint-'));
let dynamo: LocalDynamo;
let ses: LocalSes;

beforeAll(async () => {
  dynamo = await startDynamo(join(dir, 'a'), credentials);
  ses = await startSes(join(dir, 'a'), credentials);
});

afterAll(async () => {
  await dynamo.close();
  await ses.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('requireSigV4 around a server', () => {
  it('hands a verified request to the original listener with its method, url, headers and whole body; refuses others before it', async () => {
    // Prepare: a listener that echoes what it received
    let calls = 0;
    const server: Server = createServer((req, res) => {
      calls++;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ TableNames: [req.method, req.url, req.headers['x-amz-target'], Buffer.concat(chunks).toString()] }));
      });
    });
    requireSigV4(server, { credentials, region: REGION, service: 'dynamodb', protocol: 'json', maxBodyBytes: 1024 });
    const endpoint = `http://127.0.0.1:${await listenLoopback(server, 0)}`;
    const client = new DynamoDBClient({ endpoint, region: REGION, credentials });

    try {
      // Act
      const out = await client.send(new ListTablesCommand({ ExclusiveStartTableName: 'signoff-audit' }));
      const unsigned = await fetch(endpoint, { method: 'POST', headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables' }, body: '{}' });
      const tooLarge = await fetch(endpoint, { method: 'POST', body: 'x'.repeat(2048) });

      // Assess
      expect(out.TableNames).toEqual(['POST', '/', 'DynamoDB_20120810.ListTables', '{"ExclusiveStartTableName":"signoff-audit"}']);
      expect(unsigned.status).toBe(400);
      expect(tooLarge.status).toBe(413);
      expect(calls).toBe(1);
    } finally {
      client.destroy();
      await closeServer(server);
    }
  });
});

describe('the local DynamoDB (dynalite)', () => {
  it('serves the SDK signing with the local credentials', async () => {
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: REGION, credentials });
    expect((await client.send(new ListTablesCommand({}))).TableNames).toContain('signoff-requests');
    client.destroy();
  });

  it('refuses a signature an hour old, and dates its answers so that the SDK corrects its clock and retries, as against AWS', async () => {
    // Prepare: a client whose clock is an hour slow
    const slow = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: REGION,
      credentials,
      systemClockOffset: -3600_000,
      maxAttempts: 2,
    });

    // Act
    const out = await slow.send(new ListTablesCommand({}));

    // Assess: the first attempt was refused as expired, the second (skew-corrected from the Date header) served
    expect(out.$metadata.attempts).toBe(2);
    expect(Math.abs(slow.config.systemClockOffset)).toBeLessThan(60_000);
    slow.destroy();
  });

  it('makes the SDK raise UnrecognizedClientException for another key and InvalidSignatureException for another secret', async () => {
    const stranger = new DynamoDBClient({ endpoint: dynamo.endpoint, region: REGION, credentials: newLocalCredentials(), maxAttempts: 1 });
    const wrongSecret = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: REGION,
      credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: 'x'.repeat(40) },
      maxAttempts: 1,
    });
    await expect(stranger.send(new ListTablesCommand({}))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(wrongSecret.send(new ListTablesCommand({}))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      $metadata: { httpStatusCode: 400 },
    });
    stranger.destroy();
    wrongSecret.destroy();
  });
});

describe('the local SES (aws-ses-v2-local)', () => {
  const mail = new SendEmailCommand({
    FromEmailAddress: 'signoff@example.org',
    Destination: { ToAddresses: ['ada@example.org'] },
    Content: { Simple: { Subject: { Data: 'Signed' }, Body: { Text: { Data: 'hello' } } } },
  });

  it('sends for the SDK signing with the local credentials (the replayed body reaches its JSON parser)', async () => {
    const client = new SESv2Client({ endpoint: ses.endpoint, region: REGION, credentials });
    const out = await client.send(mail);
    expect(out.MessageId).toBeTruthy();
    expect((await ses.outbox.latest(10)).map((m) => m.subject)).toContain('Signed');
    // A GET with a query string verifies as well.
    expect((await client.send(new ListEmailTemplatesCommand({ PageSize: 10 }))).TemplatesMetadata).toEqual([]);
    client.destroy();
  });

  it('makes the SDK raise UnrecognizedClientException (HTTP 403) for another key, and sends nothing', async () => {
    const before = ses.outbox.count;
    const stranger = new SESv2Client({ endpoint: ses.endpoint, region: REGION, credentials: newLocalCredentials(), maxAttempts: 1 });
    await expect(stranger.send(mail)).rejects.toMatchObject({ name: 'UnrecognizedClientException', $metadata: { httpStatusCode: 403 } });
    expect(ses.outbox.count).toBe(before);
    stranger.destroy();
  });

  it.each([
    ['GET', '/'],
    ['GET', '/store'],
    ['POST', '/clear-store'],
    ['GET', '/health-check'],
    ['GET', '/get-emlContent?messageId=x'],
    ['POST', '/'],
  ])('refuses its own route %s %s, with a pointer to the outbox', async (method, path) => {
    const res = await fetch(`${ses.endpoint}${path}`, {
      method,
      ...(method === 'POST' ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=SendEmail' } : {}),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
    expect(((await res.json()) as { message: string }).message).toMatch(/\/_local\/outbox/);
  });
});

describe("IAM at the endpoints: a function's own credentials, judged by its statements (issue #19)", () => {
  const table = (name: string) => `arn:aws:dynamodb:us-east-1:000000000000:table/${name}`;
  const {
    principals,
    own,
    arn: principalArn,
  } = oneFunction(credentials, 'review', [
    { effect: 'Allow', actions: ['dynamodb:GetItem', 'dynamodb:DescribeTable'], resources: [table('signoff-requests')] },
    {
      effect: 'Allow',
      actions: ['ses:SendEmail'],
      resources: ['arn:aws:ses:us-east-1:000000000000:identity/example.org'],
      conditions: { StringEquals: { 'ses:FromAddress': ['signoff@example.org'] } },
    },
  ]);
  let guarded: LocalDynamo;
  let guardedSes: LocalSes;

  beforeAll(async () => {
    guarded = await startDynamo(join(dir, 'iam'), credentials, principals);
    guardedSes = await startSes(join(dir, 'iam'), credentials, principals);
  });

  afterAll(async () => {
    await guarded.close();
    await guardedSes.close();
  });

  it('serves what the statements allow, and refuses the rest with AccessDeniedException as DynamoDB shapes it', async () => {
    const client = new DynamoDBClient({ endpoint: guarded.endpoint, region: REGION, credentials: own, maxAttempts: 1 });
    try {
      // Act
      const allowed = await client.send(new DescribeTableCommand({ TableName: 'signoff-requests' }));
      const refused = await client.send(new DescribeTableCommand({ TableName: 'signoff-audit' })).catch((e: unknown) => e);

      // Assess
      expect(allowed.Table?.TableName).toBe('signoff-requests');
      expect(refused).toMatchObject({
        name: 'AccessDeniedException',
        message: `User: ${principalArn} is not authorized to perform: dynamodb:DescribeTable on resource: ${table('signoff-audit')} because no identity-based policy allows the dynamodb:DescribeTable action`,
        $metadata: { httpStatusCode: 400 },
      });
      expect(principals.denials).toEqual([
        expect.objectContaining({ principal: 'signoff-review', action: 'dynamodb:DescribeTable', resource: table('signoff-audit') }),
      ]);
    } finally {
      client.destroy();
    }
  });

  it('holds SES to the condition on the sender, refusing with HTTP 403 as SES v2 does, and sends nothing refused', async () => {
    const client = new SESv2Client({ endpoint: guardedSes.endpoint, region: REGION, credentials: own, maxAttempts: 1 });
    const mail = (from: string) =>
      new SendEmailCommand({
        FromEmailAddress: from,
        Destination: { ToAddresses: ['grace@example.org'] },
        Content: { Simple: { Subject: { Data: 'IAM' }, Body: { Text: { Data: 'x' } } } },
      });
    try {
      const before = guardedSes.outbox.count;
      // Act
      const sent = await client.send(mail('signoff@example.org'));
      const refused = await client.send(mail('rector@example.org')).catch((e: unknown) => e);

      // Assess
      expect(sent.MessageId).toEqual(expect.any(String));
      expect(refused).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
      expect((refused as Error).message).toContain(
        'is not authorized to perform: ses:SendEmail on resource: arn:aws:ses:us-east-1:000000000000:identity/example.org',
      );
      expect(guardedSes.outbox.count).toBe(before + 1);
    } finally {
      client.destroy();
    }
  });

  it("lets the local runtime's credentials do anything, and knows no key it was not given", async () => {
    const root = new DynamoDBClient({ endpoint: guarded.endpoint, region: REGION, credentials, maxAttempts: 1 });
    const stranger = new DynamoDBClient({
      endpoint: guarded.endpoint,
      region: REGION,
      credentials: functionCredentials(credentials, 'not-a-function'),
      maxAttempts: 1,
    });
    try {
      expect((await root.send(new DescribeTableCommand({ TableName: 'signoff-audit' }))).Table?.TableName).toBe('signoff-audit');
      await expect(stranger.send(new ListTablesCommand({}))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    } finally {
      root.destroy();
      stranger.destroy();
    }
  });
});
