import { GetCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { indexAttributesOf, type AuditEvent } from '../core/audit/audit-chain.js';
import { auditEventItem } from './items/audit-items.js';
import { parseItem } from './items/stored-item.js';

// Events written before the audit table had its time index carry no index attributes, so the index does not
// see them. This adds them, in place, from the hashed fields (the hash does not cover them, so nothing in any
// chain changes). Idempotent; run once after the index is added: `npm run audit -- reindex` on AWS, and by the
// local runtime when it rebuilds an old table. Takes its client and table as arguments: it also runs before a
// function's environment exists.

type Item = Record<string, unknown>;

export async function reindexAudit(doc: DynamoDBDocumentClient, table: string, onItem?: (done: number) => void): Promise<number> {
  const event = (item: Item) => parseItem(auditEventItem, item, table, { requestId: item['requestId'], seq: item['seq'] });
  const get = async (requestId: string, seq: number): Promise<AuditEvent | undefined> => {
    const item = (await doc.send(new GetCommand({ TableName: table, Key: { requestId, seq }, ConsistentRead: true }))).Item;
    return item === undefined ? undefined : event(item);
  };
  const accounts = new Map<string, string | null>();
  const accountOf = async (requestId: string, first: AuditEvent | undefined): Promise<string | null> => {
    const known = accounts.get(requestId);
    if (known !== undefined) return known;
    const data = (first ?? (await get(requestId, 1)))?.data;
    const account = typeof data?.['account'] === 'string' ? data['account'] : null;
    accounts.set(requestId, account);
    return account;
  };
  let done = 0;
  let startKey: Item | undefined;
  do {
    const out = await doc.send(
      new ScanCommand({
        TableName: table,
        FilterExpression:
          'attribute_not_exists(#atKey) AND attribute_exists(#hash) AND attribute_exists(#at) AND NOT begins_with(#rid, :cp)',
        ExpressionAttributeNames: { '#atKey': 'atKey', '#hash': 'hash', '#at': 'at', '#rid': 'requestId' },
        ExpressionAttributeValues: { ':cp': 'checkpoint' },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of out.Items ?? []) {
      const scanned = event(item);
      const { requestId, seq, at } = scanned;
      const account = await accountOf(requestId, seq === 1 ? scanned : undefined);
      const prevAt = seq > 1 ? (await get(requestId, seq - 1))?.at : undefined;
      const { day, atKey } = indexAttributesOf({ requestId, seq, at });
      const values: Item = {
        ':d': day,
        ':k': atKey,
        ...(account !== null ? { ':a': account } : {}),
        ...(prevAt !== undefined ? { ':p': prevAt } : {}),
      };
      await doc.send(
        new UpdateCommand({
          TableName: table,
          Key: { requestId, seq },
          UpdateExpression: `SET #day = :d, #atKey = :k${account !== null ? ', #account = :a' : ''}${prevAt !== undefined ? ', #prevAt = :p' : ''}`,
          ConditionExpression: 'attribute_exists(#rid)',
          ExpressionAttributeNames: {
            '#day': 'day',
            '#atKey': 'atKey',
            '#rid': 'requestId',
            ...(account !== null ? { '#account': 'account' } : {}),
            ...(prevAt !== undefined ? { '#prevAt': 'prevAt' } : {}),
          },
          ExpressionAttributeValues: values,
        }),
      );
      onItem?.(++done);
    }
    startKey = out.LastEvaluatedKey;
  } while (startKey !== undefined);
  return done;
}
