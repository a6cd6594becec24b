import type { CheckpointRun } from '../lambdas/use-cases/write-checkpoint.js';

// Local mode's stand-in for the hourly EventBridge schedule: seals ended hours on a timer (every minute by default,
// so an hour is sealed a few minutes after it ends, and the hours a stopped stack missed are sealed at start).
// Start it after the environment is set (the audit adapters read it when loaded).

export interface CheckpointTimer {
  /** Runs once now (also what the timer runs); resolves with what it wrote. */
  tick(): Promise<CheckpointRun | undefined>;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

export function startAuditCheckpoints(options: {
  readonly intervalMs?: number;
  readonly onError: (error: unknown) => void;
}): CheckpointTimer {
  let running: Promise<CheckpointRun | undefined> | undefined;
  const tick = (): Promise<CheckpointRun | undefined> => {
    running ??= (async () => {
      try {
        const { writeCheckpoint } = await import('../lambdas/use-cases/checkpoint-ports.js');
        return await writeCheckpoint(new Date());
      } catch (error) {
        options.onError(error);
        return undefined;
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  const timer = setInterval(() => void tick(), options.intervalMs ?? 60_000);
  timer.unref();
  void tick();
  return {
    tick,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
