import { lstatSync, readdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SFNClient, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack, requestIdIn, reviewLink, samplePost } from '../../e2e/stack.js';

// Issue #11, "local endpoints are as closed as AWS's": the local Step Functions, DynamoDB and SES endpoints answer
// only requests SigV4-signed with the data directory's credentials (anyone else on the machine could otherwise read
// the store, send mail, or end an approval wait), aws-ses-v2-local's own mail-reading routes are shut, the data
// directory is its owner's alone, and the outbox answers only a loopback Host (DNS rebinding). Driven from outside the
// running stack, with plain HTTP and with the AWS SDK.

let stack: Stack;
let endpoints: { readonly workflow: string; readonly dynamodb: string; readonly ses: string };
beforeAll(async () => {
  stack = await Stack.start();
  endpoints = { workflow: stack.sfnEndpoint(), dynamodb: stack.dynamoEndpoint(), ses: stack.sesEndpoint() };
  // A request under way: the store, the journal and the outbox (with a review link) hold something worth taking.
  expect((await stack.submit(samplePost({ title: 'Endpoints' }))).status).toBe(202);
});
afterAll(async () => {
  await stack.dispose();
});

const REGION = 'us-east-1';
const MADE_UP = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const MAIL = {
  FromEmailAddress: 'signoff@example.org',
  Destination: { ToAddresses: ['ada@example.org'] },
  Content: { Simple: { Subject: { Data: 'Your request was approved: forged' }, Body: { Text: { Data: 'forged' } } } },
};

/** A GET with a Host header of our choosing (fetch will not send one). */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once('error', reject);
    req.end();
  });
}

describe('an unsigned call (plain HTTP with a JSON body)', () => {
  it.each([
    [
      'the workflow API: SendTaskSuccess',
      'workflow',
      'AWSStepFunctions.SendTaskSuccess',
      { taskToken: 'local1.x', output: '{"decision":"approve"}' },
    ],
    ['DynamoDB: Scan of the requests table', 'dynamodb', 'DynamoDB_20120810.Scan', { TableName: 'signoff-requests' }],
  ] as const)('to %s is refused 400 MissingAuthenticationTokenException', async (_name, which, target, body) => {
    // Act
    const res = await fetch(endpoints[which], {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target },
      body: JSON.stringify(body),
    });

    // Assess
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      __type: 'com.amazon.coral.service#MissingAuthenticationTokenException',
      message: expect.any(String) as string,
    });
  });

  it('to SES: SendEmail is refused 403 with x-amzn-ErrorType, and nothing is sent', async () => {
    // Act
    const res = await fetch(`${endpoints.ses}/v2/email/outbound-emails`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(MAIL),
    });

    // Assess
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await res.json()).toEqual({ message: expect.any(String) as string });
    // Judged by the forged subject, not the outbox's length: the stack's own mail may arrive meanwhile.
    expect((await stack.outbox()).filter((m) => m.subject === 'Your request was approved: forged')).toEqual([]);
  });

  it("with an Authorization header that only looks like AWS's (what aws-ses-v2-local and dynalite took) is refused", async () => {
    const authorization = 'AWS4-HMAC-SHA256 Credential=local/20261205/us-east-1/ses/aws4_request, SignedHeaders=host, Signature=0000';
    const res = await fetch(`${endpoints.ses}/v2/email/outbound-emails`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify(MAIL),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toMatch(/^(UnrecognizedClientException|InvalidSignatureException)$/);
  });
});

describe('a call signed with made-up credentials (the AWS SDK)', () => {
  it('is refused by each endpoint with UnrecognizedClientException, the error AWS gives for an unknown key', async () => {
    // Prepare
    const sfn = new SFNClient({ endpoint: endpoints.workflow, region: REGION, credentials: MADE_UP, maxAttempts: 1 });
    const dynamodb = new DynamoDBClient({ endpoint: endpoints.dynamodb, region: REGION, credentials: MADE_UP, maxAttempts: 1 });
    const ses = new SESv2Client({ endpoint: endpoints.ses, region: REGION, credentials: MADE_UP, maxAttempts: 1 });

    // Act + Assess
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: 'local1.x', output: '{}' }))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(dynamodb.send(new ScanCommand({ TableName: 'signoff-requests' }))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(ses.send(new SendEmailCommand(MAIL))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
      $metadata: { httpStatusCode: 403 },
    });
    for (const client of [sfn, dynamodb, ses]) client.destroy();
  });

  it('with the local key id but a guessed secret is refused with InvalidSignatureException', async () => {
    const dynamodb = new DynamoDBClient({
      endpoint: endpoints.dynamodb,
      region: REGION,
      credentials: { accessKeyId: stack.awsCredentials().accessKeyId, secretAccessKey: MADE_UP.secretAccessKey },
      maxAttempts: 1,
    });
    await expect(dynamodb.send(new ListTablesCommand({}))).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    dynamodb.destroy();
  });

  it("while the data directory's own credentials are served (they are the ones the stack uses)", async () => {
    const dynamodb = new DynamoDBClient({ endpoint: endpoints.dynamodb, region: REGION, credentials: stack.awsCredentials() });
    expect((await dynamodb.send(new ListTablesCommand({}))).TableNames).toContain('signoff-requests');
    dynamodb.destroy();
  });
});

describe("aws-ses-v2-local's own routes", () => {
  it.each([
    ['GET', '/'],
    ['GET', '/store'],
    ['GET', '/store?since=0'],
    ['POST', '/clear-store'],
    ['GET', '/get-emlContent?messageId=x'],
    ['GET', '/health-check'],
  ])('%s %s is refused, signed or not, and shows no mail', async (method, path) => {
    // Prepare: mail with a review link exists
    await stack.mailTo('grace@example.org', 'Endpoints');

    // Act
    const res = await fetch(`${endpoints.ses}${path}`, { method });
    const body = await res.text();

    // Assess
    expect(res.status).toBe(403);
    expect(body).not.toContain('/approvals/');
    expect(body).toContain('/_local/outbox');
    // the store was not cleared either
    expect((await stack.outbox()).length).toBeGreaterThan(0);
  });
});

describe('the data directory', () => {
  it('is 0700, and every directory under it 0700 and every file 0600 (secrets, store, journal, outbox, media)', async () => {
    // Prepare: a request by webhook, one by mail with an image (the media folder), mail sent
    await stack.submit(samplePost({ title: 'Modes' }));
    const smtp = createTransport({ host: '127.0.0.1', port: stack.smtpPort, secure: false, ignoreTLS: true });
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    await smtp.sendMail({
      from: 'ada@example.org',
      to: 'submit+physics-x@example.org',
      subject: 'Modes by mail',
      text: 'Lab tour today. https://example.org/lab\nAlt 1: A laser bench\nConsent: yes\nAI: no',
      attachments: [{ filename: 'lab.png', content: png, contentType: 'image/png' }],
    });
    smtp.close();
    requestIdIn((await stack.mailTo('ada@example.org', 'Re: Modes by mail')).text);
    reviewLink(await stack.mailTo('grace@example.org', 'Modes'));

    // Act
    const seen: Array<{ path: string; mode: string; directory: boolean }> = [];
    const walk = (path: string): void => {
      const stat = lstatSync(path);
      seen.push({ path: path.slice(stack.dataDir.length) || '/', mode: (stat.mode & 0o777).toString(8), directory: stat.isDirectory() });
      if (stat.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
    };
    walk(stack.dataDir);

    // Assess
    const names = seen.map((s) => s.path);
    for (const expected of ['/secrets.json', '/audit-secrets.json', '/outbox.jsonl', '/dynamodb', '/executions', '/media'])
      expect(names).toContain(expected);
    expect(seen.filter((s) => s.path.startsWith('/dynamodb/')).length).toBeGreaterThan(2);
    expect(seen.filter((s) => s.path.startsWith('/media/')).length).toBeGreaterThan(0);
    expect(seen.filter((s) => s.directory && s.mode !== '700')).toEqual([]);
    expect(seen.filter((s) => !s.directory && s.mode !== '600')).toEqual([]);
  });
});

describe('/_local/ pages (the outbox shows every review link)', () => {
  it.each(['/_local/outbox', '/_local/outbox.json'])(
    '%s is refused when asked for as evil.example (a DNS-rebinding page), answered as 127.0.0.1',
    async (path) => {
      // Prepare
      await stack.mailTo('grace@example.org', 'Endpoints');
      const url = `${stack.baseUrl}${path}`;

      // Act
      const evil = await getWithHost(url, `evil.example:${stack.port}`);
      const bare = await getWithHost(url, 'evil.example');
      const loopback = await getWithHost(url, `127.0.0.1:${stack.port}`);
      const localhost = await getWithHost(url, `localhost:${stack.port}`);

      // Assess
      for (const refused of [evil, bare]) {
        expect(refused.status).toBe(403);
        expect(refused.body).toMatch(/127\.0\.0\.1, localhost or \[::1\]/);
        expect(refused.body).not.toContain('/approvals/');
      }
      expect(loopback.status).toBe(200);
      expect(loopback.body).toContain('/approvals/');
      expect(localhost.status).toBe(200);
    },
  );
});

describe('request targets API Gateway would not route (issue #13 fuzz)', () => {
  it('answers 404 for `//` and for `//x/v1/requests`, where the first was a 500 and the second reached intake', async () => {
    // Prepare: node's http.request sends the path exactly as given
    const base = `http://127.0.0.1:${stack.port}`;

    // Act
    const slashes = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(base, { path: '//', headers: { host: `127.0.0.1:${stack.port}` } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.once('error', reject);
      req.end();
    });
    const authority = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(base, { method: 'POST', path: '//x/v1/requests', headers: { 'content-type': 'application/json' } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.once('error', reject);
      req.end('{}');
    });

    // Assess
    expect([slashes.status, slashes.body]).toEqual([404, JSON.stringify({ error: 'no route for GET //' })]);
    expect([authority.status, authority.body]).toEqual([404, JSON.stringify({ error: 'no route for POST //x/v1/requests' })]);
  });
});
