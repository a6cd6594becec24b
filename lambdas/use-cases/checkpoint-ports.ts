import { defaultAuditArchive, type AuditArchive } from '../adapters/audit-archive.js';
import { checkpointSigner } from '../adapters/audit-signer.js';
import { auditTable, type AuditTable } from '../adapters/audit.js';
import type { CheckpointSigner } from '../core/audit/audit-checkpoint.js';
import { writeCheckpoints, type CheckpointLimits, type CheckpointPorts, type CheckpointRun } from './write-checkpoint.js';

// The adapters behind writeCheckpoints: over any audit table, signer and archive (the audit CLI's own), and the
// function's, shared by the scheduled function (AWS) and the local timer.

export function checkpointPortsOf(
  audit: AuditTable,
  signer: () => Promise<CheckpointSigner>,
  archive: () => AuditArchive | undefined,
): CheckpointPorts {
  return {
    latestCheckpoint: audit.latestCheckpoint,
    earliestEventAt: audit.earliestEventAt,
    headsOf: audit.headsOf,
    putCheckpoint: audit.putCheckpoint,
    signer,
    // Without an archive (locally), nothing is copied.
    archive: async (cp) =>
      archive()?.put(`checkpoints/${cp.period.from.slice(0, 10)}/${cp.period.from}.json`, `${JSON.stringify(cp)}\n`, 'application/json'),
  };
}

/** The function's: AUDIT_TABLE, the signer its environment configures, AUDIT_BUCKET's archive if it is set. */
export const checkpointPorts: CheckpointPorts = checkpointPortsOf(auditTable(), checkpointSigner, defaultAuditArchive);

/** Seals every hour that has ended and has no checkpoint yet (see writeCheckpoints). */
export function writeCheckpoint(now: Date = new Date(), limits: CheckpointLimits = {}): Promise<CheckpointRun> {
  return writeCheckpoints(now, checkpointPorts, limits);
}
