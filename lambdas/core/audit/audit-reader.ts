import type { AuditEvent } from './audit-chain.js';
import type { Checkpoint } from './audit-checkpoint.js';
import type { ContentRecord } from './audit-export.js';

// What reading the audit trail needs from a store (the port): lambdas/adapters/audit.ts and audit-store.ts implement
// it over DynamoDB; the export use case (lambdas/use-cases/export-audit.ts) and the CLI read through it.

export interface StoredEvent {
  readonly event: AuditEvent;
  readonly account?: string;
  readonly prevAt?: string;
}

export interface EventFilter {
  readonly account?: string;
  readonly types?: readonly string[];
}

/** What the export reads (lambdas/adapters/audit.ts, and the requests table for contents). */
export interface AuditReader {
  eventsOfDay(day: string, fromKey: string, toKey: string, filter?: EventFilter, startAfter?: string): AsyncIterable<StoredEvent>;
  chainEvents(requestId: string, fromSeq?: number, toSeq?: number, filter?: EventFilter): AsyncIterable<StoredEvent>;
  eventAt(requestId: string, seq: number): Promise<StoredEvent | undefined>;
  chainEnds(requestId: string): Promise<{ first: StoredEvent; last: StoredEvent } | undefined>;
  earliestEventAt(): Promise<string | undefined>;
  firstCheckpoint(): Promise<Checkpoint | undefined>;
  latestCheckpoint(): Promise<Checkpoint | undefined>;
  checkpointsBetween(fromHour: number, toHour: number, afterHour?: number): AsyncIterable<Checkpoint>;
  contents(requestId: string): Promise<ContentRecord[]>;
}
