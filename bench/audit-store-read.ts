import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { AUDIT_TIME_INDEX, tables } from '../lambdas/adapters/tables.js';
import { startDynamo } from '../local/dynamo.js';
import { newLocalCredentials } from '../local/settings.js';

// The export's floor (`tsx bench/audit-store-read.ts DATA_DIR FROM_MS`): the least an export from the local store must
// do — read every event once, a day of the time index at a time in pages of 500 through the SDK, as the export reads
// them — and nothing else: no chains, no checkpoints, no records, no file. bench/audit.ts prints the export beside it.

const dataDir = process.argv[2];
const fromMs = Number(process.argv[3]);
if (dataDir === undefined || !Number.isFinite(fromMs)) throw new Error('usage: audit-store-read.ts DATA_DIR FROM_MS');
const auditTable = tables.find((t) => t.envVar === 'AUDIT_TABLE');
if (auditTable === undefined) throw new Error('no audit table in lambdas/adapters/tables.ts');

const credentials = newLocalCredentials();
const dynamo = await startDynamo(dataDir, credentials);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials }));
const started = performance.now();
let events = 0;
for (let day = Math.floor(fromMs / 86_400_000) * 86_400_000; day <= Date.now(); day += 86_400_000) {
  const pages = paginateQuery(
    { client },
    {
      TableName: auditTable.localName,
      IndexName: AUDIT_TIME_INDEX.name,
      KeyConditionExpression: '#d = :d',
      ExpressionAttributeNames: { '#d': AUDIT_TIME_INDEX.partitionKey.name },
      ExpressionAttributeValues: { ':d': new Date(day).toISOString().slice(0, 10) },
      Limit: 500,
    },
  );
  for await (const page of pages) events += page.Items?.length ?? 0;
}
const seconds = (performance.now() - started) / 1000;
client.destroy();
await dynamo.close();
process.stderr.write(`read ${events} events from the time index in ${seconds.toFixed(1)} s (${Math.round(events / seconds)} events/s)\n`);
