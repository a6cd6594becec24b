import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  type AttributeDefinition,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDynalite } from './dynamo-store.js';
import { reindexAudit } from '../lambdas/adapters/audit-reindex.js';
import { tables, type KeySpec, type TableSpec } from '../lambdas/adapters/tables.js';
import { LOCAL_REGION } from './functions.js';
import { closeServer, listenLoopback } from './net.js';
import { requireSigV4 } from './signed-endpoint.js';
import type { Principals } from './iam/principals.js';
import type { LocalCredentials } from './sigv4.js';

// dynalite persisted under the data directory: the local stand-in for DynamoDB. One process per path. It answers
// only requests signed (SigV4) with the data directory's credentials, as DynamoDB answers only signed ones.

/** dynalite's own limit on a request body. */
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

export interface LocalDynamo {
  readonly endpoint: string;
  close(): Promise<void>;
}

export async function startDynamo(dataDir: string, credentials: LocalCredentials, principals?: Principals): Promise<LocalDynamo> {
  const path = join(dataDir, 'dynamodb');
  mkdirSync(path, { recursive: true });
  const { server } = openDynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  requireSigV4(server, {
    credentials,
    principals,
    region: LOCAL_REGION,
    service: 'dynamodb',
    protocol: 'json',
    maxBodyBytes: MAX_REQUEST_BYTES,
  });
  const port = await listenLoopback(server, 0);
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials });
  try {
    for (const t of tables) await ensureTable(client, t);
  } finally {
    client.destroy();
  }
  return { endpoint, close: () => closeServer(server) };
}

function keySchema(partitionKey: KeySpec, sortKey: KeySpec | undefined): KeySchemaElement[] {
  return [
    { AttributeName: partitionKey.name, KeyType: 'HASH' },
    ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }] : []),
  ];
}

async function createTable(client: DynamoDBClient, name: string, t: TableSpec): Promise<void> {
  const attributes = new Map<string, AttributeDefinition>();
  const define = (k: KeySpec | undefined) => {
    if (k !== undefined) attributes.set(k.name, { AttributeName: k.name, AttributeType: k.type });
  };
  define(t.partitionKey);
  define(t.sortKey);
  const indexes: GlobalSecondaryIndex[] = (t.indexes ?? []).map((i) => {
    define(i.partitionKey);
    define(i.sortKey);
    return { IndexName: i.name, KeySchema: keySchema(i.partitionKey, i.sortKey), Projection: { ProjectionType: 'ALL' } };
  });
  await client.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: keySchema(t.partitionKey, t.sortKey),
      AttributeDefinitions: [...attributes.values()],
      BillingMode: 'PAY_PER_REQUEST',
      ...(indexes.length > 0 ? { GlobalSecondaryIndexes: indexes } : {}),
    }),
  );
  await settle(client, name, 'active');
}

/**
 * dynalite creates and deletes tables asynchronously (CREATING, DELETING) even with no configured delay, so a
 * create right after a delete of the same name, or a write right after a create, can meet the table mid-change.
 * Polls until the table is ACTIVE, or gone.
 */
export async function settle(client: DynamoDBClient, name: string, want: 'active' | 'gone'): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const status = await client.send(new DescribeTableCommand({ TableName: name })).then(
      (out) => out.Table?.TableStatus,
      (error: unknown) => {
        if (error instanceof Error && error.name === 'ResourceNotFoundException') return 'GONE';
        throw error;
      },
    );
    if ((want === 'active' && status === 'ACTIVE') || (want === 'gone' && status === 'GONE')) return;
    await new Promise<void>((done) => setTimeout(done, 5));
  }
  throw new Error(`table ${name} did not become ${want}`);
}

async function deleteTable(client: DynamoDBClient, name: string): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName: name }));
  await settle(client, name, 'gone');
}

async function hasAllIndexes(client: DynamoDBClient, name: string, t: TableSpec): Promise<boolean> {
  const out = await client.send(new DescribeTableCommand({ TableName: name }));
  const present = new Set((out.Table?.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName));
  return (t.indexes ?? []).every((i) => present.has(i.name));
}

async function copyItems(doc: DynamoDBDocumentClient, from: string, to: string): Promise<void> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(new ScanCommand({ TableName: from, ExclusiveStartKey: startKey }));
    const items = out.Items ?? [];
    for (let i = 0; i < items.length; i += 25) {
      let requests: Record<string, Array<{ PutRequest: { Item: Record<string, unknown> } }>> = {
        [to]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
      };
      while (Object.keys(requests).length > 0) {
        const written = await doc.send(new BatchWriteCommand({ RequestItems: requests }));
        requests = (written.UnprocessedItems ?? {}) as typeof requests;
      }
    }
    startKey = out.LastEvaluatedKey;
  } while (startKey !== undefined);
}

/**
 * Creates a table, or brings an existing one up to its spec. dynalite cannot add an index to a table, so a
 * table from an earlier version is rebuilt through a copy (`<name>.rebuild`), in steps that a crash at any
 * point leaves resumable: while the original lacks the index it still holds every item; once the new table
 * exists, the copy does.
 */
async function ensureTable(client: DynamoDBClient, t: TableSpec): Promise<void> {
  const doc = DynamoDBDocumentClient.from(client);
  const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames ?? []);
  const rebuild = `${t.localName}.rebuild`;
  const hasTable = existing.has(t.localName);
  if (!hasTable && !existing.has(rebuild)) {
    await createTable(client, t.localName, t);
    return;
  }
  const current = hasTable && (await hasAllIndexes(client, t.localName, t));
  if (existing.has(rebuild) && !current) {
    // Interrupted in the first step: the original is intact, start again.
    if (hasTable) await deleteTable(client, rebuild);
  } else if (current && !existing.has(rebuild)) {
    return;
  }
  if (!current) {
    if (hasTable) {
      await createTable(client, rebuild, t);
      await copyItems(doc, t.localName, rebuild);
      await deleteTable(client, t.localName);
    }
    await createTable(client, t.localName, t);
  }
  await copyItems(doc, rebuild, t.localName);
  await deleteTable(client, rebuild);
  if (t.envVar === 'AUDIT_TABLE') await reindexAudit(doc, t.localName);
}
