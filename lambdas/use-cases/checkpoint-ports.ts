import { archiveEnabled, archiveObject } from '../adapters/audit-archive.js';
import { checkpointSigner } from '../adapters/audit-signer.js';
import { earliestEventAt, headsOf, latestCheckpoint, putCheckpoint } from '../adapters/audit.js';
import { writeCheckpoints, type CheckpointLimits, type CheckpointPorts, type CheckpointRun } from './write-checkpoint.js';

// The real adapters behind writeCheckpoints, shared by the scheduled function (AWS) and the local timer.
export const checkpointPorts: CheckpointPorts = {
  latestCheckpoint,
  earliestEventAt,
  headsOf,
  putCheckpoint,
  signer: checkpointSigner,
  ...(archiveEnabled
    ? { archive: (cp) => archiveObject(`checkpoints/${cp.period.from.slice(0, 10)}/${cp.period.from}.json`, `${JSON.stringify(cp)}\n`, 'application/json') }
    : {}),
};

/** Seals every hour that has ended and has no checkpoint yet (see writeCheckpoints). */
export function writeCheckpoint(now: Date = new Date(), limits: CheckpointLimits = {}): Promise<CheckpointRun> {
  return writeCheckpoints(now, checkpointPorts, limits);
}
