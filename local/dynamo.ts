import { CreateTableCommand, DynamoDBClient, ListTablesCommand, type KeySchemaElement, type AttributeDefinition } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tables } from '../lib/tables.js';
import { closeServer, listenLoopback } from './net.js';

// dynalite persisted under the data directory: the local stand-in for DynamoDB. One process per path.

export interface LocalDynamo {
  readonly endpoint: string;
  close(): Promise<void>;
}

export async function startDynamo(dataDir: string): Promise<LocalDynamo> {
  const path = join(dataDir, 'dynamodb');
  mkdirSync(path, { recursive: true });
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const port = await listenLoopback(server, 0);
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames ?? []);
  for (const t of tables) {
    if (existing.has(t.localName)) continue;
    const keys: KeySchemaElement[] = [{ AttributeName: t.partitionKey.name, KeyType: 'HASH' }];
    const attributes: AttributeDefinition[] = [{ AttributeName: t.partitionKey.name, AttributeType: t.partitionKey.type }];
    if (t.sortKey) {
      keys.push({ AttributeName: t.sortKey.name, KeyType: 'RANGE' });
      attributes.push({ AttributeName: t.sortKey.name, AttributeType: t.sortKey.type });
    }
    await client.send(new CreateTableCommand({ TableName: t.localName, KeySchema: keys, AttributeDefinitions: attributes, BillingMode: 'PAY_PER_REQUEST' }));
  }
  client.destroy();
  return { endpoint, close: () => closeServer(server) };
}
