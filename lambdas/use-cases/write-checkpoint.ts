import {
  buildCheckpoint,
  HOUR_MS,
  hourIndexOf,
  periodAt,
  type Checkpoint,
  type CheckpointHead,
  type CheckpointSigner,
  type Period,
} from '../core/audit/audit-checkpoint.js';

// Seals every hour that has ended (plus a grace period) and has no checkpoint yet, oldest first, each chained to
// the one before. Called hourly by a schedule on AWS and by a timer locally; running it more often, twice at once
// or after a long stop is harmless: a missed hour is sealed late, never skipped, and the first writer of an hour wins.

/**
 * How long after its end an hour is sealed. An event is stamped when it is written (never before the event before
 * it), so it lands in an hour that has ended only if its write took longer than this: far beyond any function's
 * timeout. It also covers the time index being read eventually consistent on AWS.
 */
export const SEAL_GRACE_MS = 5 * 60 * 1000;

export interface CheckpointPorts {
  latestCheckpoint(): Promise<Checkpoint | undefined>;
  earliestEventAt(): Promise<string | undefined>;
  headsOf(period: Period): Promise<CheckpointHead[]>;
  /** Stores the checkpoint unless its hour has one; returns the one that holds the hour. */
  putCheckpoint(checkpoint: Checkpoint): Promise<Checkpoint>;
  signer(): Promise<CheckpointSigner>;
  /** The write-once copy (AWS); may run more than once for the same checkpoint. */
  archive?(checkpoint: Checkpoint): Promise<void>;
}

export interface CheckpointRun {
  readonly written: readonly Checkpoint[];
  /** The latest checkpoint after the run (undefined when nothing has been sealed yet). */
  readonly latest: Checkpoint | undefined;
}

export interface CheckpointLimits {
  /** At most this many hours per run (the rest on the next run). */
  readonly maxHours?: number;
  /** Start no new hour after this time (ms since the epoch): a function stops well inside its timeout. */
  readonly deadline?: number;
}

export async function writeCheckpoints(now: Date, ports: CheckpointPorts, limits: CheckpointLimits = {}): Promise<CheckpointRun> {
  const maxHours = limits.maxHours ?? 1000;
  const deadline = limits.deadline ?? Number.POSITIVE_INFINITY;
  const sealable = hourIndexOf(new Date(now.getTime() - SEAL_GRACE_MS));
  let previous = await ports.latestCheckpoint();
  let next: number;
  if (previous !== undefined) {
    // Again, in case the run that wrote it stopped before its copy was made.
    await ports.archive?.(previous);
    next = hourIndexOf(previous.period.from) + 1;
  } else {
    // The first checkpoint of a store starts at the hour of its earliest event, so no event precedes the chain.
    const earliest = await ports.earliestEventAt();
    next = earliest === undefined ? sealable : Math.min(hourIndexOf(earliest), sealable);
  }
  const written: Checkpoint[] = [];
  if (next >= sealable) return { written, latest: previous };
  const signer = await ports.signer();
  for (; next < sealable && written.length < maxHours && Date.now() < deadline; next++) {
    const period = periodAt(next);
    const checkpoint = await buildCheckpoint(previous, period, await ports.headsOf(period), now, signer);
    const stored = await ports.putCheckpoint(checkpoint);
    if (stored.hash === checkpoint.hash) written.push(stored);
    await ports.archive?.(stored);
    previous = stored;
  }
  return { written, latest: previous };
}

/** When the next hour becomes sealable, for a timer that wants to wake just then. */
export function nextSealAt(now: Date): Date {
  return new Date((hourIndexOf(new Date(now.getTime() - SEAL_GRACE_MS)) + 1) * HOUR_MS + SEAL_GRACE_MS);
}
