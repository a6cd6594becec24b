import * as z from 'zod/mini';
import type { AuditEvent } from '../../core/audit/audit-chain.js';
import type { Checkpoint, CheckpointHead } from '../../core/audit/audit-checkpoint.js';
import type { SameShape } from './stored-item.js';

// The audit table's items (lambdas/adapters/audit.ts): events under their request, checkpoints under `checkpoint`,
// a busy hour's heads under `checkpoint#<hour>`. Fields the reader does not use (the time index's `day` and `atKey`)
// are left out of what it returns, as before. An event's data is any JSON object: its schema by type
// (core/audit/events.ts) is checked when it is appended, never again, so a chain an older version wrote still reads.

export const auditEventItem = z.object({
  requestId: z.string(),
  seq: z.number(),
  at: z.string(),
  type: z.string(),
  actor: z.string(),
  data: z.record(z.string(), z.json()),
  prevHash: z.string(),
  hash: z.string(),
  /** Outside the hash: the request's account, and the time of the event before (lambdas/adapters/audit.ts). */
  account: z.optional(z.string()),
  prevAt: z.optional(z.string()),
});

true satisfies SameShape<Omit<z.output<typeof auditEventItem>, 'account' | 'prevAt'>, AuditEvent>;

const checkpointHead = z.object({ requestId: z.string(), seq: z.number(), hash: z.string(), account: z.exactOptional(z.string()) });

true satisfies SameShape<z.output<typeof checkpointHead>, CheckpointHead>;

/** A checkpoint: its heads in the item, or in `headChunks` items of their own. */
export const checkpointItem = z.object({
  seq: z.number(),
  period: z.object({ from: z.string(), to: z.string() }),
  heads: z.optional(z.array(checkpointHead)),
  headChunks: z.optional(z.number()),
  previous: z.string(),
  at: z.string(),
  hash: z.string(),
  signature: z.string(),
  keyId: z.string(),
});

true satisfies SameShape<Omit<z.output<typeof checkpointItem>, 'seq' | 'heads' | 'headChunks'>, Omit<Checkpoint, 'kind' | 'heads'>>;

/** One part of a busy hour's heads. */
export const checkpointHeadsItem = z.object({ heads: z.array(checkpointHead) });
