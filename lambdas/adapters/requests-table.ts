import type { Item, Table } from './dynamo.js';
import { envTable } from './dynamo.js';
import { requestItem, withoutLegacyRouteFinding, type RequestItem } from './items/request-item.js';
import { parseItem } from './items/stored-item.js';

// The requests table itself, shared by requests.ts (a request's life) and request-stages.ts (its stages' writes):
// REQUESTS_TABLE, read on first use, its key, and the parse of what it returns.

export const table = envTable('REQUESTS_TABLE');
export const key = (requestId: string) => ({ requestId });

export function parsed(requestId: string, item: Item | undefined): RequestItem | undefined {
  return parsedFrom(table, requestId, item);
}

/** The item as read, parsed (lambdas/adapters/items/request-item.ts): StoredItemError if it is not a request. */
export function parsedFrom(from: Table, requestId: string, item: Item | undefined): RequestItem | undefined {
  return item === undefined ? undefined : parseItem(requestItem, withoutLegacyRouteFinding(item), from.name, key(requestId));
}
