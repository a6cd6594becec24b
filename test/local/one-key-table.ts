import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { settle } from '../../local/dynamo.js';

/** Makes a table keyed by one string attribute (`key`, `pk` by default) and waits until it is active. */
export async function oneKeyTable(client: DynamoDBClient, name: string, key = 'pk'): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await settle(client, name, 'active');
}
