import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tracer } from '../shared/tracer.js';

// The one DynamoDB client of a function, built once at module scope. Its endpoint comes from the
// standard AWS_ENDPOINT_URL_DYNAMODB variable when set (the local runtime sets it).
export const documentClient = DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})), {
  marshallOptions: { removeUndefinedValues: true },
});

export function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error instanceof Error && error.name === 'ConditionalCheckFailedException');
}

export type Item = Record<string, unknown>;

export async function getItem(table: string, key: Item): Promise<Item | undefined> {
  const out = await documentClient.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
  return out.Item;
}

/** Puts an item only if no item with its key exists. Returns false when one did. */
export async function putIfAbsent(table: string, item: Item, keyAttribute: string): Promise<boolean> {
  try {
    await documentClient.send(
      new PutCommand({
        TableName: table,
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
export async function putIf(table: string, item: Item, condition: string, names: Record<string, string>, values: Item): Promise<boolean> {
  try {
    await documentClient.send(new PutCommand({ TableName: table, Item: item, ConditionExpression: condition, ExpressionAttributeNames: names, ExpressionAttributeValues: values }));
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

export async function putItem(table: string, item: Item): Promise<void> {
  await documentClient.send(new PutCommand({ TableName: table, Item: item }));
}

export interface ConditionalUpdate {
  readonly table: string;
  readonly key: Item;
  readonly update: string;
  readonly condition?: string;
  readonly names?: Record<string, string>;
  readonly values?: Item;
}

/** Runs a (conditional) update. Returns the new item, or undefined when the condition failed. */
export async function updateItem(u: ConditionalUpdate): Promise<Item | undefined> {
  try {
    const out = await documentClient.send(
      new UpdateCommand({
        TableName: u.table,
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

export async function queryLast(table: string, partitionKey: string, value: string): Promise<Item | undefined> {
  const out = await documentClient.send(
    new QueryCommand({
      TableName: table,
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

export async function* queryAll(table: string, partitionKey: string, value: string): AsyncGenerator<Item> {
  let startKey: Item | undefined;
  do {
    const out = await documentClient.send(
      new QueryCommand({
        TableName: table,
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
