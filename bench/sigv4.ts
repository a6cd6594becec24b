import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { DynamoDBClient, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { newLocalCredentials } from '../local/settings.js';
import { SigV4Verifier, type IncomingSignedRequest } from '../local/sigv4.js';

// `npx tsx bench/sigv4.ts`: what checking a signature costs the local endpoints per request (docs/decisions.md).
// Requests the AWS SDK signed are captured off the wire once, then verified in a loop: median and 99th percentile of
// batches, in µs per request, for a small JSON call, an approval e-mail, and a 400 KB item (hashing the body grows
// with it). Not part of `npm test`.

const REGION = 'us-east-1';
const credentials = newLocalCredentials();

async function captured(send: (endpoint: string) => Promise<unknown>): Promise<IncomingSignedRequest> {
  let request: IncomingSignedRequest | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      res.end('{"__type":"Recorded","message":"recorded"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  await send(`http://127.0.0.1:${(server.address() as AddressInfo).port}`).catch(() => undefined);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (request === undefined) throw new Error('nothing recorded');
  return request;
}

async function measure(label: string, service: string, request: IncomingSignedRequest): Promise<void> {
  const verifier = new SigV4Verifier({ credentials, region: REGION, service });
  const now = new Date();
  const BATCH = 200;
  const perRequest: number[] = [];
  for (let round = 0; round < 60; round++) {
    const started = performance.now();
    for (let i = 0; i < BATCH; i++) {
      if ((await verifier.verify(request, now)) !== undefined) throw new Error(`${label}: refused`);
    }
    // The first rounds warm the JIT and the signing-key cache.
    if (round >= 10) perRequest.push(((performance.now() - started) * 1000) / BATCH);
  }
  perRequest.sort((a, b) => a - b);
  const median = perRequest[Math.floor(perRequest.length / 2)] ?? NaN;
  const p99 = perRequest[Math.ceil(perRequest.length * 0.99) - 1] ?? NaN;
  process.stdout.write(
    `${label.padEnd(46)} body ${String(request.body.length).padStart(7)} B   median ${median.toFixed(1).padStart(6)} µs   p99 ${p99.toFixed(1).padStart(6)} µs\n`,
  );
}

const dynamo = (endpoint: string) => new DynamoDBClient({ endpoint, region: REGION, credentials, maxAttempts: 1 });
await measure('DynamoDB ListTables', 'dynamodb', await captured((e) => dynamo(e).send(new ListTablesCommand({}))));
const text = 'An approval e-mail: the post, its findings and the review link. '.repeat(60);
await measure(
  'SES SendEmail (an approval e-mail, ~4 KB)',
  'ses',
  await captured((e) =>
    new SESv2Client({ endpoint: e, region: REGION, credentials, maxAttempts: 1 }).send(
      new SendEmailCommand({
        FromEmailAddress: 'signoff@example.org',
        Destination: { ToAddresses: ['grace@example.org'] },
        Content: { Simple: { Subject: { Data: 'Approval needed' }, Body: { Text: { Data: text } } } },
      }),
    ),
  ),
);
await measure(
  'DynamoDB PutItem (a 400 KB item)',
  'dynamodb',
  await captured((e) =>
    dynamo(e).send(
      new PutItemCommand({ TableName: 'signoff-requests', Item: { requestId: { S: 'req_x' }, pad: { S: 'x'.repeat(400 * 1024) } } }),
    ),
  ),
);
