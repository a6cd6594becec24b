import { UnauthorizedError } from '../core/errors.js';
import { constantTimeEquals } from '../core/ids.js';
import type { HttpEvent } from './middleware.js';

/** Bearer-token check for reads (DESIGN.md: SIGNOFF_API_TOKEN). Compared in constant time. */
export function requireBearer(event: HttpEvent, expected: string): void {
  const auth = event.headers['authorization'] ?? '';
  const token = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() : '';
  if (token === '' || !constantTimeEquals(token, expected)) throw new UnauthorizedError('a valid bearer token is required');
}
