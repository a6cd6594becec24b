import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { SESv2Client, ListEmailTemplatesCommand, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { errorResponse, MAX_CLOCK_SKEW_MS, SigV4Verifier, type IncomingSignedRequest, type LocalCredentials } from '../../local/sigv4.js';

// The SigV4 verifier against requests the AWS SDK itself signed (captured off the wire by a server that only records
// them): what the SDK signs verifies; a changed body, header, key, secret, scope or date does not, each refused the
// way AWS refuses it.

const REGION = 'us-east-1';
const credentials: LocalCredentials = { accessKeyId: 'AKIALOCALTESTKEY2345', secretAccessKey: 'b3Vy+bG9jYWwvc2VjcmV0L2Zvci90ZXN0cy4uLi4u' };
const stranger: LocalCredentials = { accessKeyId: 'AKIALOCALSTRANGER234', secretAccessKey: credentials.secretAccessKey };

/** Sends one SDK command to a recording server and returns the request exactly as it arrived. */
async function captured(send: (endpoint: string) => Promise<unknown>): Promise<IncomingSignedRequest> {
  let request: IncomingSignedRequest | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ __type: 'RecordedOnly', message: 'recorded' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await send(`http://127.0.0.1:${(server.address() as AddressInfo).port}`).catch(() => undefined);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  if (request === undefined) throw new Error('nothing was recorded');
  return request;
}

const dynamoRequest = (signWith: LocalCredentials = credentials) =>
  captured((endpoint) =>
    new DynamoDBClient({ endpoint, region: REGION, credentials: signWith, maxAttempts: 1 }).send(new ListTablesCommand({ Limit: 5 })),
  );
const sfnRequest = () =>
  captured((endpoint) =>
    new SFNClient({ endpoint, region: REGION, credentials, maxAttempts: 1 }).send(
      new DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:m:e' }),
    ),
  );
const sesSend = () =>
  captured((endpoint) =>
    new SESv2Client({ endpoint, region: REGION, credentials, maxAttempts: 1 }).send(
      new SendEmailCommand({
        FromEmailAddress: 'signoff@example.org',
        Destination: { ToAddresses: ['ada@example.org'] },
        Content: { Simple: { Subject: { Data: 'Approval needed' }, Body: { Text: { Data: 'Review: http://127.0.0.1/approvals/x' } } } },
      }),
    ),
  );
const sesList = () =>
  captured((endpoint) =>
    new SESv2Client({ endpoint, region: REGION, credentials, maxAttempts: 1 }).send(
      new ListEmailTemplatesCommand({ PageSize: 7, NextToken: 'a b+c/d' }),
    ),
  );

const verifier = (service: string) => new SigV4Verifier({ credentials, region: REGION, service });
const withHeaders = (request: IncomingSignedRequest, headers: IncomingHttpHeaders): IncomingSignedRequest => ({
  ...request,
  headers: { ...request.headers, ...headers },
});
const signedAt = (request: IncomingSignedRequest): Date => {
  const v = String(request.headers['x-amz-date']);
  return new Date(`${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}T${v.slice(9, 11)}:${v.slice(11, 13)}:${v.slice(13, 15)}Z`);
};

describe('SigV4Verifier: a request the AWS SDK signed with the local credentials', () => {
  it.each([
    ['DynamoDB (JSON 1.0)', 'dynamodb', dynamoRequest],
    ['Step Functions (JSON 1.0)', 'states', sfnRequest],
    ['SES v2 SendEmail (REST JSON, a body)', 'ses', sesSend],
    ['SES v2 ListEmailTemplates (REST JSON, a query string with escaped characters)', 'ses', sesList],
  ])('%s verifies', async (_name, service, request) => {
    // Prepare
    const req = await request();

    // Act
    const refusal = await verifier(service).verify(req, signedAt(req));

    // Assess
    expect(refusal).toBeUndefined();
  });

  it("verifies up to 15 minutes either side of its X-Amz-Date, not beyond (AWS's own window)", async () => {
    // Prepare
    const req = await dynamoRequest();
    const at = signedAt(req).getTime();

    // Act
    const inside = await Promise.all(
      [at - MAX_CLOCK_SKEW_MS + 1000, at + MAX_CLOCK_SKEW_MS - 1000].map((t) => verifier('dynamodb').verify(req, new Date(t))),
    );
    const outside = await Promise.all(
      [at - MAX_CLOCK_SKEW_MS - 1000, at + MAX_CLOCK_SKEW_MS + 1000].map((t) => verifier('dynamodb').verify(req, new Date(t))),
    );

    // Assess
    expect(inside).toEqual([undefined, undefined]);
    for (const refusal of outside) {
      expect(refusal?.type).toBe('InvalidSignatureException');
      expect(refusal?.message).toMatch(/Signature expired/);
    }
  });
});

describe('SigV4Verifier: refusals', () => {
  it('no Authorization header → MissingAuthenticationTokenException', async () => {
    const req = await dynamoRequest();
    const { authorization: _dropped, ...headers } = req.headers;
    expect(await verifier('dynamodb').verify({ ...req, headers }, signedAt(req))).toEqual({
      type: 'MissingAuthenticationTokenException',
      message: 'Request is missing Authentication Token',
    });
  });

  it('signed with an access key that is not the local one → UnrecognizedClientException', async () => {
    const req = await dynamoRequest(stranger);
    expect((await verifier('dynamodb').verify(req, signedAt(req)))?.type).toBe('UnrecognizedClientException');
  });

  it('the local key id with another secret → InvalidSignatureException', async () => {
    const req = await dynamoRequest({ accessKeyId: credentials.accessKeyId, secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' });
    const refusal = await verifier('dynamodb').verify(req, signedAt(req));
    expect(refusal?.type).toBe('InvalidSignatureException');
    expect(refusal?.message).toMatch(/signature we calculated does not match/);
  });

  it('a tampered body → InvalidSignatureException, whether or not the claimed payload hash is changed to match', async () => {
    // Prepare
    const req = await sesSend();
    const body = Buffer.from(req.body.toString().replace('ada@example.org', 'eve@evil.example'));
    const { createHash } = await import('node:crypto');
    const rehashed = createHash('sha256').update(body).digest('hex');

    // Act
    const keptHash = await verifier('ses').verify({ ...req, body }, signedAt(req));
    const newHash = await verifier('ses').verify(
      withHeaders({ ...req, body }, { 'x-amz-content-sha256': rehashed, 'content-length': String(body.length) }),
      signedAt(req),
    );
    const unsigned = await verifier('ses').verify(withHeaders(req, { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }), signedAt(req));

    // Assess
    expect(keptHash?.type).toBe('InvalidSignatureException');
    expect(keptHash?.message).toMatch(/x-amz-content-sha256/);
    expect(newHash?.type).toBe('InvalidSignatureException');
    expect(newHash?.message).toMatch(/signature we calculated does not match/);
    expect(unsigned?.type).toBe('InvalidSignatureException');
  });

  it('a changed signed header (another operation) or path → InvalidSignatureException', async () => {
    const req = await sfnRequest();
    expect(
      (await verifier('states').verify(withHeaders(req, { 'x-amz-target': 'AWSStepFunctions.SendTaskSuccess' }), signedAt(req)))?.type,
    ).toBe('InvalidSignatureException');
    const ses = await sesSend();
    expect((await verifier('ses').verify({ ...ses, url: '/v2/email/outbound-bulk-emails' }, signedAt(ses)))?.type).toBe(
      'InvalidSignatureException',
    );
  });

  it('a signature scoped to another service or region → InvalidSignatureException', async () => {
    const req = await dynamoRequest();
    expect((await verifier('states').verify(req, signedAt(req)))?.message).toMatch(/correct service/);
    const elsewhere = new SigV4Verifier({ credentials, region: 'eu-west-1', service: 'dynamodb' });
    expect((await elsewhere.verify(req, signedAt(req)))?.message).toMatch(/valid region/);
  });

  it("an X-Amz-Date missing or not of the signature's day → InvalidSignatureException", async () => {
    const req = await dynamoRequest();
    const { 'x-amz-date': _date, ...headers } = req.headers;
    expect((await verifier('dynamodb').verify({ ...req, headers }, signedAt(req)))?.type).toBe('InvalidSignatureException');
    const nextDay = new Date(signedAt(req).getTime() + 24 * 3600_000);
    const shifted = nextDay
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    expect((await verifier('dynamodb').verify(withHeaders(req, { 'x-amz-date': shifted }), nextDay))?.message).toMatch(
      /Date in Credential scope/,
    );
  });

  it('another authorization scheme or a malformed one → InvalidSignatureException, never an exception', async () => {
    const req = await dynamoRequest();
    for (const authorization of [
      'Basic YWRhOnNlY3JldA==',
      'AWS4-HMAC-SHA256 ',
      'AWS4-HMAC-SHA256 Credential=x, SignedHeaders=host, Signature=zz',
      `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/20261205/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=${'a'.repeat(63)}`,
    ]) {
      expect((await verifier('dynamodb').verify(withHeaders(req, { authorization }), signedAt(req)))?.type, authorization).toBe(
        'InvalidSignatureException',
      );
    }
  });
});

describe("errorResponse: a refusal in the service's own error shape", () => {
  it.each(['MissingAuthenticationTokenException', 'UnrecognizedClientException', 'InvalidSignatureException'] as const)(
    '%s: JSON 1.0 is a 400 with a coral __type; REST JSON a 403 with x-amzn-ErrorType',
    (type) => {
      // Act
      const json = errorResponse('json', { type, message: 'why' });
      const rest = errorResponse('rest-json', { type, message: 'why' });

      // Assess
      expect(json.status).toBe(400);
      expect(json.headers['content-type']).toBe('application/x-amz-json-1.0');
      expect(JSON.parse(json.body)).toEqual({ __type: `com.amazon.coral.service#${type}`, message: 'why' });
      expect(rest.status).toBe(403);
      expect(rest.headers['x-amzn-ErrorType']).toBe(type);
      expect(JSON.parse(rest.body)).toEqual({ message: 'why' });
    },
  );
});
