import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { ClassicLevel } from 'classic-level';
import { afterAll, describe, expect, it } from 'vitest';
import { openDynalite } from '../../local/dynamo-store.js';
import { settle } from '../../local/dynamo.js';
import { oneKeyTable } from './one-key-table.js';
import { closeServer, listenLoopback } from '../../local/net.js';

// dynalite over its LevelDB (issue #13): every iterator a Query, Scan or ListTables opens is closed once answered, so
// LevelDB can delete the table files it read and free what it held (dynalite 4.0.0 alone closes none); and ListTables
// reads the table definitions only (dynalite alone reads every key of the store for it).

const work = mkdtempSync(join(tmpdir(), 'signoff-dynamo-store-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** dynalite over a LevelDB of its own under `work`, tables made at once. */
const storeIn = (name: string) => openDynalite({ path: join(work, name), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });

/** A client of the store's server, once it listens on a loopback port. */
async function clientOf(server: Server): Promise<DynamoDBClient> {
  const port = await listenLoopback(server, 0);
  return new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
}

describe('openDynalite', () => {
  it('closes every iterator that a Query (with and without a Limit), a Scan and ListTables opened', async () => {
    // Prepare: count iterators opened and closed under dynalite's streams
    const { server, store } = storeIn('db');
    let opened = 0;
    let closed = 0;
    for (const method of ['keys', 'values'] as const) {
      const open = store[method].bind(store);
      store[method] = (options) => {
        const iterator = open(options);
        opened++;
        const close = iterator.close.bind(iterator);
        iterator.close = () => {
          closed++;
          return close();
        };
        return iterator;
      };
    }
    const client = await clientOf(server);
    await client.send(
      new CreateTableCommand({
        TableName: 'items',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'N' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await settle(client, 'items', 'active');
    for (let sk = 0; sk < 20; sk++)
      await client.send(new PutItemCommand({ TableName: 'items', Item: { pk: { S: 'a' }, sk: { N: String(sk) } } }));
    const query = { TableName: 'items', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'a' } } };

    // Act
    const answers = [
      (await client.send(new QueryCommand(query))).Count,
      (await client.send(new QueryCommand({ ...query, Limit: 1, ScanIndexForward: false }))).Count,
      (await client.send(new ScanCommand({ TableName: 'items', Limit: 5 }))).Count,
      (await client.send(new ListTablesCommand({}))).TableNames?.length,
    ];
    // A stream ends (and closes its iterator) once it has read its range, which may be just after the answer.
    for (let i = 0; i < 200 && closed < opened; i++) await new Promise<void>((done) => setTimeout(done, 5));
    const counts = { opened, closed };
    client.destroy();
    await closeServer(server);

    // Assess
    expect(answers).toEqual([20, 1, 5, 1]);
    expect(counts.opened).toBeGreaterThanOrEqual(4);
    expect(counts.closed).toBe(counts.opened);
  });

  it('lists the tables from their definitions alone, not from every key of the store', async () => {
    // Prepare: two tables, one of 50 items; count the keys every key iterator yields
    const { server, store } = storeIn('listing');
    let keysRead = 0;
    const keys = store.keys.bind(store);
    store.keys = (options) => {
      const iterator = keys(options) as ReturnType<typeof keys> & { next(): Promise<unknown> };
      const next = iterator.next.bind(iterator);
      iterator.next = async () => {
        const key = await next();
        if (key !== undefined) keysRead++;
        return key;
      };
      return iterator;
    };
    const client = await clientOf(server);
    for (const name of ['first', 'second']) await oneKeyTable(client, name);
    for (let n = 0; n < 50; n++) await client.send(new PutItemCommand({ TableName: 'first', Item: { pk: { S: `item-${n}` } } }));
    keysRead = 0;

    // Act
    const listed = (await client.send(new ListTablesCommand({}))).TableNames;
    client.destroy();
    await closeServer(server);

    // Assess
    expect(listed).toEqual(['first', 'second']);
    expect(keysRead).toBe(2);
  });
});

describe('openDynalite writes', () => {
  it('writes each item in one LevelDB batch with its index entries, so a crash cannot keep one without the other (issue #18)', async () => {
    // Prepare: a table with a global index, and one without; watch the writes that reach LevelDB
    const { server, store } = storeIn('joined');
    const writes: Array<{ method: string; keys: string[] }> = [];
    const level = store as unknown as Record<'_put' | '_del' | '_batch', (...args: unknown[]) => Promise<void>>;
    for (const method of ['_put', '_del', '_batch'] as const) {
      const original = level[method].bind(level);
      level[method] = (...args: unknown[]) => {
        const keys =
          method === '_batch' ? (args[0] as Array<{ type: string; key: string }>).map((o) => `${o.type} ${o.key}`) : [String(args[0])];
        writes.push({ method, keys });
        return original(...args);
      };
    }
    const client = await clientOf(server);
    await client.send(
      new CreateTableCommand({
        TableName: 'indexed',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'day', AttributeType: 'S' },
        ],
        GlobalSecondaryIndexes: [
          { IndexName: 'byDay', KeySchema: [{ AttributeName: 'day', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await settle(client, 'indexed', 'active');
    await oneKeyTable(client, 'plain');
    const onDay = async (day: string) =>
      (
        await client.send(
          new QueryCommand({
            TableName: 'indexed',
            IndexName: 'byDay',
            KeyConditionExpression: '#d = :d',
            ExpressionAttributeNames: { '#d': 'day' },
            ExpressionAttributeValues: { ':d': { S: day } },
          }),
        )
      ).Items?.map((i) => i['pk']?.S);
    const steps: Array<{ method: string; keys: string[] }[]> = [];
    const step = async (write: () => Promise<unknown>) => {
      writes.length = 0;
      await write();
      steps.push([...writes]);
    };

    try {
      // Act: put an item, move it to another day, delete it; put an item where there is no index
      await step(() => client.send(new PutItemCommand({ TableName: 'indexed', Item: { pk: { S: 'a' }, day: { S: 'd1' } } })));
      const afterPut = await onDay('d1');
      await step(() =>
        client.send(
          new UpdateItemCommand({
            TableName: 'indexed',
            Key: { pk: { S: 'a' } },
            UpdateExpression: 'SET #d = :d',
            ExpressionAttributeNames: { '#d': 'day' },
            ExpressionAttributeValues: { ':d': { S: 'd2' } },
          }),
        ),
      );
      const afterMove = [await onDay('d1'), await onDay('d2')];
      await step(() => client.send(new DeleteItemCommand({ TableName: 'indexed', Key: { pk: { S: 'a' } } })));
      const afterDelete = await onDay('d2');
      await step(() => client.send(new PutItemCommand({ TableName: 'plain', Item: { pk: { S: 'b' } } })));

      // Assess: one batch per write to the indexed table, its index entries first; the plain table's put alone
      expect(steps.map((writesOfStep) => writesOfStep.map((w) => w.method))).toEqual([['_batch'], ['_batch'], ['_batch'], ['_put']]);
      const [put, move, removal] = steps.map((writesOfStep) => writesOfStep[0]?.keys.map((k) => k.replace(/~[^~]*$/, '~…')) ?? []);
      expect(put).toEqual(['put index-global~indexed~byDay~…', 'put item-indexed~…']);
      expect(move).toEqual(['del index-global~indexed~byDay~…', 'put index-global~indexed~byDay~…', 'put item-indexed~…']);
      expect(removal).toEqual(['del index-global~indexed~byDay~…', 'del item-indexed~…']);
      expect({ afterPut, afterMove, afterDelete }).toEqual({ afterPut: ['a'], afterMove: [[], ['a']], afterDelete: [] });
    } finally {
      client.destroy();
      await closeServer(server);
    }
  });

  it('asks LevelDB to sync every put, delete and batch (local/durable.ts), whatever dynalite passes', async () => {
    // Prepare: watch the options classic-level's own write methods receive
    const seen: Array<{ method: string; sync: unknown }> = [];
    const prototype = ClassicLevel.prototype as unknown as Record<string, (...args: unknown[]) => Promise<void>>;
    const restore: Array<() => void> = [];
    for (const [method, optionsAt] of [
      ['_put', 2],
      ['_del', 1],
      ['_batch', 1],
    ] as const) {
      const original = prototype[method] as (...args: unknown[]) => Promise<void>;
      prototype[method] = function (this: unknown, ...args: unknown[]) {
        seen.push({ method, sync: (args[optionsAt] as { sync?: unknown } | undefined)?.sync });
        return original.apply(this, args);
      };
      restore.push(() => {
        prototype[method] = original;
      });
    }
    try {
      const { server } = storeIn('synced');
      const client = await clientOf(server);
      try {
        // Act: a table, an item, its deletion
        await oneKeyTable(client, 'synced', 'id');
        await client.send(new PutItemCommand({ TableName: 'synced', Item: { id: { S: 'a' } } }));
        await client.send(new DeleteItemCommand({ TableName: 'synced', Key: { id: { S: 'a' } } }));
      } finally {
        client.destroy();
        await closeServer(server);
      }
      // Assert: every write that reached LevelDB asked for a sync
      // (the table's definition, its status, the item; the item's deletion)
      expect(seen).toEqual([
        { method: '_put', sync: true },
        { method: '_put', sync: true },
        { method: '_put', sync: true },
        { method: '_del', sync: true },
      ]);
    } finally {
      for (const r of restore) r();
    }
  });
});
