import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import dynalite from 'dynalite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainEvent, hashEvent } from '../../lambdas/core/audit/audit-chain.js';
import { buildCheckpoint, hmacSigner, periodAt, hourIndexOf, type Checkpoint } from '../../lambdas/core/audit/audit-checkpoint.js';
import { parseJsonlRecord } from '../../lambdas/core/audit/export-parse.js';
import { verifyExport } from '../../lambdas/core/audit/audit-verify.js';
import { closeServer, listenLoopback } from '../../local/net.js';
import { settle, startDynamo, type LocalDynamo } from '../../local/dynamo.js';
import { newLocalCredentials } from '../../local/settings.js';

// The audit adapters against dynalite, the local DynamoDB: the time index, checkpoints stored and read back, the
// export handler answering page by page, and an old table rebuilt with its index.

const KEY = 'store-test-audit-key-0123456789';
const TOKEN = 'auditor-token-for-the-store-test';
const dir = mkdtempSync(join(tmpdir(), 'signoff-audit-store-'));
let dynamo: LocalDynamo;
const credentials = newLocalCredentials();
let audit: import('../../lambdas/adapters/audit.js').AuditTable;
let checkpoints: typeof import('../../lambdas/use-cases/checkpoint-ports.js');
let exportHandler: typeof import('../../lambdas/audit-export.js');
let doc: DynamoDBDocumentClient;

const HOUR = 3_600_000;
const T0 = Date.parse('2026-05-06T08:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms);

beforeAll(async () => {
  dynamo = await startDynamo(dir, credentials);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AUDIT_TABLE: 'signoff-audit',
    REQUESTS_TABLE: 'signoff-requests',
    SIGNOFF_AUDIT_KEY: KEY,
    SIGNOFF_AUDITOR_TOKEN: TOKEN,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  audit = (await import('../../lambdas/adapters/audit.js')).auditTable();
  checkpoints = await import('../../lambdas/use-cases/checkpoint-ports.js');
  exportHandler = await import('../../lambdas/audit-export.js');
  doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials }));

  // Two requests over two hours, and a third hour with nothing.
  await audit.appendAudit(
    'req_one',
    {
      type: 'request.submitted',
      actor: 'ada@example.org',
      data: {
        channel: 'webhook',
        idempotencyKey: 'msg_1',
        kind: 'brand-post',
        account: 'physics-x',
        version: 1,
        contentHash: 'a'.repeat(64),
      },
    },
    at(5 * 60_000),
  );
  await audit.appendAudit(
    'req_two',
    {
      type: 'request.submitted',
      actor: 'bob@example.org',
      data: { channel: 'webhook', idempotencyKey: 'msg_2', kind: 'brand-post', account: 'chem-x', version: 1, contentHash: 'b'.repeat(64) },
    },
    at(6 * 60_000),
  );
  await audit.appendAudit(
    'req_one',
    {
      type: 'decision.recorded',
      actor: 'grace@example.org',
      data: {
        stage: 'supervisor',
        stageIndex: 0,
        version: 1,
        decision: 'approve',
        comment: null,
        statements: [],
        channel: 'web',
        linkHash: 'c'.repeat(64),
        contentHash: 'a'.repeat(64),
      },
    },
    at(HOUR + 5 * 60_000),
  );
  await audit.appendAudit(
    'req_one',
    { type: 'request.outcome', actor: 'signoff', data: { outcome: 'approved', version: 1 } },
    at(HOUR + 6 * 60_000),
  );
  await checkpoints.writeCheckpoint(at(3 * HOUR + 10 * 60_000));
}, 60_000);

afterAll(async () => {
  doc.destroy();
  await dynamo.close();
  rmSync(dir, { recursive: true, force: true });
});

function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'signoff-audit-export',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:signoff-audit-export',
    memoryLimitInMB: '512',
    awsRequestId: 'test',
    logGroupName: 'test',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function get(query: Record<string, string>, token = TOKEN): Promise<APIGatewayProxyStructuredResultV2> {
  const rawQueryString = new URLSearchParams(query).toString();
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: 'GET /v1/audit/export',
    rawPath: '/v1/audit/export',
    rawQueryString,
    headers: { host: '127.0.0.1:3000', authorization: `Bearer ${token}` },
    queryStringParameters: query,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: 'local',
      http: { method: 'GET', path: '/v1/audit/export', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'r',
      routeKey: 'GET /v1/audit/export',
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
    isBase64Encoded: false,
  };
  return (await exportHandler.handler(event, lambdaContext())) as APIGatewayProxyStructuredResultV2;
}

/** Follows the pages of an export and joins their bodies, as a client does. */
async function allPages(query: Record<string, string>): Promise<{ body: string; pages: number }> {
  let result = await get(query);
  let body = result.body ?? '';
  let pages = 1;
  for (let cursor = result.headers?.['x-signoff-next-cursor']; cursor !== undefined; cursor = result.headers?.['x-signoff-next-cursor']) {
    result = await get({ cursor: String(cursor), limit: query['limit'] ?? '5000' });
    expect(result.statusCode).toBe(200);
    body += result.body ?? '';
    pages++;
  }
  return { body, pages };
}

describe('appendAudit', () => {
  it('stores the time index, the account and the time of the event before beside the hashed event', async () => {
    // Prepare & Act: beforeAll appended req_one's second event

    // Assess
    const item = (await doc.send(new GetCommand({ TableName: 'signoff-audit', Key: { requestId: 'req_one', seq: 2 } }))).Item ?? {};
    expect(item).toMatchObject({
      day: '2026-05-06',
      atKey: '2026-05-06T09:05:00.000Z#req_one#0000000002',
      account: 'physics-x',
      prevAt: '2026-05-06T08:05:00.000Z',
    });
    const [, second] = await audit.readAudit('req_one');
    if (second === undefined) throw new Error('req_one has a second event');
    expect(Object.keys(second).sort()).toEqual(['actor', 'at', 'data', 'hash', 'prevHash', 'requestId', 'seq', 'type']);
    expect(hashEvent(second)).toBe(item['hash']);
  });

  it('never stamps an event earlier than the one before it', async () => {
    // Prepare
    await audit.appendAudit(
      'req_clock',
      {
        type: 'request.submitted',
        actor: 'ada@example.org',
        data: {
          channel: 'webhook',
          idempotencyKey: 'msg_clock',
          kind: 'brand-post',
          account: 'physics-x',
          version: 1,
          contentHash: 'a'.repeat(64),
        },
      },
      new Date('2031-01-01T10:00:00.000Z'),
    );

    // Act
    const second = await audit.appendAudit(
      'req_clock',
      { type: 'checks.completed', actor: 'signoff', data: { version: 1, blocked: false, findings: [], publication: null } },
      new Date('2031-01-01T09:59:00.000Z'),
    );

    // Assess
    expect(second.at).toBe('2031-01-01T10:00:00.000Z');
  });
});

describe('checkpoints in the audit table', () => {
  it('seal each hour from the time index, with accounts, the empty hour too', async () => {
    // Prepare & Act: beforeAll sealed three hours
    const latest = await audit.latestCheckpoint();
    const all: Checkpoint[] = [];
    for await (const cp of audit.checkpointsBetween(hourIndexOf(at(0)), hourIndexOf(at(3 * HOUR)))) all.push(cp);

    // Assess
    expect(all.map((c) => c.period.from)).toEqual(['2026-05-06T08:00:00.000Z', '2026-05-06T09:00:00.000Z', '2026-05-06T10:00:00.000Z']);
    expect(all.map((c) => c.heads.map((h) => `${h.requestId}#${h.seq}@${h.account ?? ''}`))).toEqual([
      ['req_one#1@physics-x', 'req_two#1@chem-x'],
      ['req_one#3@physics-x'],
      [],
    ]);
    expect(latest).toEqual(all[2]);
  });

  it("keep a busy hour's heads in items of their own and read them back whole", async () => {
    // Prepare: 4,500 heads would make one item of over 400 KB
    const heads = Array.from({ length: 4500 }, (_v, i) => ({
      requestId: `req_${String(i).padStart(6, '0')}`,
      seq: 1 + (i % 7),
      hash: (i % 16).toString(16).repeat(64),
      account: 'physics-x',
    }));
    const cp = await buildCheckpoint(
      undefined,
      periodAt(hourIndexOf('2040-01-01T00:00:00.000Z')),
      heads,
      new Date('2040-01-01T01:05:00Z'),
      hmacSigner(KEY),
    );

    // Act
    const stored = await audit.putCheckpoint(cp);
    const back = await audit.latestCheckpoint();

    // Assess
    expect(stored).toEqual(cp);
    expect(back?.heads).toHaveLength(4500);
    expect(back).toEqual(cp);
  });
});

describe('GET /v1/audit/export', () => {
  it('answers 401 without the auditor token', async () => {
    // Prepare & Act
    const result = await get({ format: 'jsonl' }, 'wrong-token');

    // Assess
    expect(result.statusCode).toBe(401);
  });

  it('answers 400 listing every bad parameter', async () => {
    // Prepare & Act
    const result = await get({ format: 'xml', limit: '0', type: 'Not A Type' });

    // Assess
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body ?? '{}')).toMatchObject({
      problems: [
        'format must be csv or jsonl (got "xml")',
        'limit must be a whole number from 1 to 20000',
        'type "Not A Type" is not an event type',
      ],
    });
  });

  it('answers page by page with a next link, and the joined pages verify', async () => {
    // Prepare
    const query = { format: 'jsonl', from: '2026-05-06T08:00:00Z', to: '2026-05-06T11:00:00Z', limit: '2' };

    // Act
    const first = await get(query);
    const { body, pages } = await allPages(query);
    const lines = body.trimEnd().split('\n');
    const report = await verifyExport(
      lines.map((l, i) => ({ n: i + 1, record: parseJsonlRecord(l) })),
      hmacSigner(KEY),
    );

    // Assess
    expect(first.headers?.['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(String(first.headers?.['link'])).toMatch(
      /^<http:\/\/127\.0\.0\.1:3000\/v1\/audit\/export\?cursor=[A-Za-z0-9_-]+&limit=2>; rel="next"$/,
    );
    expect(pages).toBeGreaterThan(3);
    expect(report).toMatchObject({ ok: true, events: 4, chains: 2, checkpoints: 3, signatures: { valid: 3, unchecked: 0 } });
  });

  it('answers CSV with the header row on the first page only', async () => {
    // Prepare & Act
    const { body } = await allPages({ format: 'csv', from: '2026-05-06T08:00:00Z', to: '2026-05-06T11:00:00Z', limit: '3' });

    // Assess
    const lines = body.trimEnd().split('\n');
    expect(lines[0]).toBe('requestId,seq,at,type,actor,data,prevHash,hash,kind');
    expect(lines.filter((l) => l.startsWith('requestId,'))).toHaveLength(1);
    expect(lines.filter((l) => l.endsWith(',event'))).toHaveLength(4);
  });

  it('exports one request with its chain only, filtered by account or type as asked', async () => {
    // Prepare & Act
    const one = await allPages({ format: 'jsonl', requestId: 'req_two', contents: 'false' });
    const chem = await allPages({ format: 'jsonl', account: 'chem-x', from: '2026-05-06T08:00:00Z', to: '2026-05-06T11:00:00Z' });
    const decisions = await allPages({
      format: 'jsonl',
      type: 'decision.recorded',
      from: '2026-05-06T08:00:00Z',
      to: '2026-05-06T11:00:00Z',
    });
    const events = (body: string) =>
      body
        .split('\n')
        .filter((l) => l.startsWith('{"kind":"event"'))
        .map((l) => JSON.parse(l) as { requestId: string; type: string });

    // Assess
    expect(events(one.body).map((e) => e.requestId)).toEqual(['req_two']);
    expect(events(chem.body).map((e) => e.requestId)).toEqual(['req_two']);
    expect(events(decisions.body).map((e) => e.type)).toEqual(['decision.recorded']);
  });
});

describe('an audit table from before the time index', () => {
  it('is rebuilt with the index at start, and its events get their index attributes', async () => {
    // Prepare: a data directory whose audit table has no index and events without index attributes
    const oldDir = mkdtempSync(join(tmpdir(), 'signoff-audit-old-'));
    const server = dynalite({ path: join(oldDir, 'dynamodb'), createTableMs: 0, deleteTableMs: 0 });
    const port = await listenLoopback(server, 0);
    const client = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await client.send(
      new CreateTableCommand({
        TableName: 'signoff-audit',
        KeySchema: [
          { AttributeName: 'requestId', KeyType: 'HASH' },
          { AttributeName: 'seq', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'requestId', AttributeType: 'S' },
          { AttributeName: 'seq', AttributeType: 'N' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    // dynalite creates tables asynchronously even with createTableMs: 0; a put before ACTIVE fails.
    await settle(client, 'signoff-audit', 'active');
    const first = chainEvent(undefined, {
      requestId: 'req_old',
      at: '2029-01-01T10:00:00.000Z',
      type: 'request.submitted',
      actor: 'ada@example.org',
      data: { account: 'physics-x' },
    });
    const second = chainEvent(first, {
      requestId: 'req_old',
      at: '2029-01-01T10:30:00.000Z',
      type: 'checks.completed',
      actor: 'signoff',
      data: {},
    });
    const oldDoc = DynamoDBDocumentClient.from(client);
    for (const e of [first, second]) await oldDoc.send(new PutCommand({ TableName: 'signoff-audit', Item: { ...e } }));
    client.destroy();
    await closeServer(server);

    // Act
    const restarted = await startDynamo(oldDir, credentials);

    // Assess
    const after = new DynamoDBClient({ endpoint: restarted.endpoint, region: 'us-east-1', credentials });
    const table = await after.send(new DescribeTableCommand({ TableName: 'signoff-audit' }));
    const item = (
      await DynamoDBDocumentClient.from(after).send(new GetCommand({ TableName: 'signoff-audit', Key: { requestId: 'req_old', seq: 2 } }))
    ).Item;
    after.destroy();
    await restarted.close();
    rmSync(oldDir, { recursive: true, force: true });
    expect(table.Table?.GlobalSecondaryIndexes?.map((g) => g.IndexName)).toEqual(['byTime']);
    expect(item).toMatchObject({
      ...second,
      day: '2029-01-01',
      atKey: '2029-01-01T10:30:00.000Z#req_old#0000000002',
      account: 'physics-x',
      prevAt: '2029-01-01T10:00:00.000Z',
    });
  });
});
