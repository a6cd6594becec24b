import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { DynamoDBClient, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { rmSync } from 'node:fs';
import { tables } from '../lambdas/adapters/tables.js';
import { evaluate } from '../local/iam/policy.js';
import { requestedAccess } from '../local/iam/requests.js';
import { functionPolicies } from '../local/iam/template.js';
import { LOCAL_ACCOUNT } from '../local/lambda-context.js';
import { newLocalCredentials } from '../local/settings.js';
import { synthesizedTemplates } from '../test/lib/app-fixture.js';
import { SigV4Verifier, type IncomingSignedRequest } from '../local/sigv4.js';

// `npx tsx bench/sigv4.ts`: what checking a signature costs the local endpoints per request (docs/decisions.md), and
// what judging the call by the caller's IAM policy adds (the bundles mode, issue #19), beside it in the same run.
// Requests the AWS SDK signed are captured off the wire once, then verified in a loop: median and 99th percentile of
// batches, in µs per request, for a small JSON call, an approval e-mail, and a 400 KB item (hashing the body grows
// with it). The IAM check (what the call asks for, from its body, then the evaluation against the function's
// synthesised statements) runs on the same captured requests. Not part of `npm test`.

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

/** µs per call of `run`, over batches after a warm-up: median and 99th percentile. */
async function timed(run: () => Promise<void> | void): Promise<{ median: number; p99: number }> {
  const BATCH = 200;
  const perRequest: number[] = [];
  for (let round = 0; round < 60; round++) {
    const started = performance.now();
    for (let i = 0; i < BATCH; i++) await run();
    // The first rounds warm the JIT and the signing-key cache.
    if (round >= 10) perRequest.push(((performance.now() - started) * 1000) / BATCH);
  }
  perRequest.sort((a, b) => a - b);
  return { median: perRequest[Math.floor(perRequest.length / 2)] ?? NaN, p99: perRequest[Math.ceil(perRequest.length * 0.99) - 1] ?? NaN };
}

const figure = (label: string, bytes: number, t: { median: number; p99: number }) =>
  `${label.padEnd(46)} body ${String(bytes).padStart(7)} B   median ${t.median.toFixed(1).padStart(6)} µs   p99 ${t.p99.toFixed(1).padStart(6)} µs`;

const measured: Array<{ label: string; service: string; request: IncomingSignedRequest; signature: number }> = [];

async function measure(label: string, service: string, request: IncomingSignedRequest): Promise<void> {
  const verifier = new SigV4Verifier({ credentials, region: REGION, service });
  const now = new Date();
  const t = await timed(async () => {
    if ((await verifier.verify(request, now)) !== undefined) throw new Error(`${label}: refused`);
  });
  measured.push({ label, service, request, signature: t.median });
  process.stdout.write(`${figure(label, request.body.length, t)}\n`);
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

// The IAM check on the same requests, by request-approval's synthesised policy (it writes requests and sends the
// approval e-mails), beside the signature check of each as the baseline.
const out = synthesizedTemplates();
const scope = {
  partition: 'aws',
  region: REGION,
  account: LOCAL_ACCOUNT,
  stateMachineArn: `arn:aws:states:${REGION}:${LOCAL_ACCOUNT}:stateMachine:signoff-approval`,
};
const policy = functionPolicies(out, ['request-approval'], {
  ...scope,
  tables: Object.fromEntries(tables.map((t) => [t.envVar, t.localName])),
}).get('request-approval');
rmSync(out, { recursive: true, force: true });
if (policy === undefined) throw new Error('no policy for request-approval');
process.stdout.write(
  `\nIAM check (what the call asks for + evaluation against request-approval's ${policy.statements.length} statements), beside the signature check\n`,
);
for (const { label, service, request, signature } of measured) {
  const path = request.url.split('?')[0] ?? '/';
  const target = request.headers['x-amz-target'];
  const call = { service, method: request.method, path, target, body: request.body };
  let decision = '';
  const t = await timed(() => {
    for (const access of requestedAccess(call, scope)) decision = evaluate(policy.statements, access);
  });
  process.stdout.write(
    `${figure(`${label}: IAM`, request.body.length, t)}   ${decision}; signature check ${signature.toFixed(1)} µs (${((t.median / signature) * 100).toFixed(0)} %)\n`,
  );
}
