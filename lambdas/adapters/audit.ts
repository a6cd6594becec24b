import { chainEvent, type AuditEvent, type Json } from '../core/audit-chain.js';
import { ConcurrentUpdateError } from '../core/errors.js';
import { requireEnv } from '../shared/env.js';
import { putIfAbsent, queryAll, queryLast } from './dynamo.js';

// The audit table: partition requestId, sort seq. Appends are conditional on the seq being free,
// so two writers racing for the same position cannot fork a chain; the loser re-reads the head.
const table = requireEnv('AUDIT_TABLE');
const MAX_ATTEMPTS = 8;

export interface AuditEntry {
  readonly type: string;
  readonly actor: string;
  readonly data: { readonly [key: string]: Json };
}

export async function appendAudit(requestId: string, entry: AuditEntry, now: Date = new Date()): Promise<AuditEvent> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const head = (await queryLast(table, 'requestId', requestId)) as AuditEvent | undefined;
    const event = chainEvent(head, { requestId, at: now.toISOString(), ...entry });
    if (await putIfAbsent(table, { ...event }, 'seq')) return event;
  }
  throw new ConcurrentUpdateError(`could not append to the audit chain of ${requestId} after ${MAX_ATTEMPTS} attempts`);
}

export async function readAudit(requestId: string): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  for await (const item of queryAll(table, 'requestId', requestId)) events.push(item as unknown as AuditEvent);
  return events;
}
