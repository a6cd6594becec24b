import { SfnApiError } from './types.js';

// Paging as Step Functions pages ListExecutions and GetExecutionHistory (issue #19): `maxResults` from 1 to 1000,
// 0 or absent meaning 100; `nextToken` opaque, given back with the same arguments for the next page; a token that is
// not one of ours is answered `InvalidToken`. Here a token names the offset of the next item and the operation it
// belongs to, so one operation's token is refused by the other.

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

/** Reads `maxResults` as Step Functions does; anything outside 0‥1000 is a ValidationException. */
export function pageSize(value: unknown): number {
  if (value === undefined || value === null || value === 0) return DEFAULT_PAGE_SIZE;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_PAGE_SIZE)
    throw new SfnApiError(
      'ValidationException',
      `1 validation error detected: Value '${String(value)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${MAX_PAGE_SIZE}`,
    );
  return value;
}

/** The page of `items` that `nextToken` (absent: the first) and `maxResults` ask for, and the token of the next one. */
export function pageOf<T>(operation: string, items: readonly T[], maxResults: unknown, nextToken: unknown): Page<T> {
  const size = pageSize(maxResults);
  const from = nextToken === undefined || nextToken === null ? 0 : offsetOf(operation, nextToken);
  const to = from + size;
  const page = items.slice(from, to);
  return to < items.length ? { items: page, nextToken: tokenOf(operation, to) } : { items: page };
}

function tokenOf(operation: string, offset: number): string {
  return Buffer.from(JSON.stringify({ op: operation, offset })).toString('base64url');
}

function offsetOf(operation: string, token: unknown): number {
  if (typeof token === 'string' && token.length > 0 && token.length <= 1024) {
    try {
      const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
      if (typeof value === 'object' && value !== null && 'op' in value && 'offset' in value) {
        const { op, offset } = value;
        if (op === operation && typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0) return offset;
      }
    } catch {
      // Not JSON: not one of ours either.
    }
  }
  throw new SfnApiError('InvalidToken', `Invalid Token: '${String(token).slice(0, 64)}'`);
}
