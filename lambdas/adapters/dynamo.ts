import { ConditionalCheckFailedException, DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '../shared/env.js';
import { lazy } from './lazy.js';
import type { TableSpec } from './tables.js';
import { tracer } from '../shared/tracer.js';

// DynamoDB through the document client. A function has one client, built on first use; its endpoint comes from the
// standard AWS_ENDPOINT_URL_DYNAMODB variable when set (the local runtime sets it). Every helper here takes a Table:
// a table name and the client that reaches it, so a tool that opens a store of its own (the audit CLI) builds its
// client with documentClient(config) and names its tables with tableOf, and sets no environment to do so.

/** A document client that drops undefined values on write. */
export function documentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient(config)), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** The function's one client, built on first use. */
export const defaultDocumentClient: () => DynamoDBDocumentClient = /* @__PURE__ */ lazy(() => documentClient());

/** A table and the client that reaches it. */
export interface Table {
  readonly name: string;
  readonly client: DynamoDBDocumentClient;
}

export function tableOf(name: string, client: DynamoDBDocumentClient = defaultDocumentClient()): Table {
  return { name, client };
}

/** The table an environment variable names (lambdas/adapters/tables.ts), over the default client; both read on first use. */
export function envTable(envVar: TableSpec['envVar']): Table {
  const name = lazy(() => requireEnv(envVar));
  return {
    get name() {
      return name();
    },
    get client() {
      return defaultDocumentClient();
    },
  };
}

export function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error instanceof Error && error.name === 'ConditionalCheckFailedException');
}

export type Item = Record<string, unknown>;

export async function getItem(table: Table, key: Item): Promise<Item | undefined> {
  const out = await table.client.send(new GetCommand({ TableName: table.name, Key: key, ConsistentRead: true }));
  return out.Item;
}

/** Puts an item only if no item with its key exists. Returns false when one did. */
export async function putIfAbsent(table: Table, item: Item, keyAttribute: string): Promise<boolean> {
  try {
    await table.client.send(
      new PutCommand({
        TableName: table.name,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#k)',
        ExpressionAttributeNames: { '#k': keyAttribute },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Puts an item if `condition` holds for the item under its key (or its absence). Returns false when it did not. */
export async function putIf(table: Table, item: Item, condition: string, names: Record<string, string>, values: Item): Promise<boolean> {
  try {
    await table.client.send(
      new PutCommand({
        TableName: table.name,
        Item: item,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

export async function putItem(table: Table, item: Item): Promise<void> {
  await table.client.send(new PutCommand({ TableName: table.name, Item: item }));
}

export interface ConditionalUpdate {
  readonly table: Table;
  readonly key: Item;
  readonly update: string;
  readonly condition?: string;
  readonly names?: Record<string, string>;
  readonly values?: Item;
}

/** Runs a (conditional) update. Returns the new item, or undefined when the condition failed. */
export async function updateItem(u: ConditionalUpdate): Promise<Item | undefined> {
  try {
    const out = await u.table.client.send(
      new UpdateCommand({
        TableName: u.table.name,
        Key: u.key,
        UpdateExpression: u.update,
        ConditionExpression: u.condition,
        ExpressionAttributeNames: u.names,
        ExpressionAttributeValues: u.values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return out.Attributes;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

export async function queryLast(table: Table, partitionKey: string, value: string): Promise<Item | undefined> {
  const out = await table.client.send(
    new QueryCommand({
      TableName: table.name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': partitionKey },
      ExpressionAttributeValues: { ':pk': value },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  return out.Items?.[0];
}

export async function* queryAll(table: Table, partitionKey: string, value: string): AsyncGenerator<Item> {
  let startKey: Item | undefined;
  do {
    const out = await table.client.send(
      new QueryCommand({
        TableName: table.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': partitionKey },
        ExpressionAttributeValues: { ':pk': value },
        ExclusiveStartKey: startKey,
        ConsistentRead: true,
      }),
    );
    for (const item of out.Items ?? []) yield item;
    startKey = out.LastEvaluatedKey;
  } while (startKey !== undefined);
}
