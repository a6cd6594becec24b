import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './lambda-context.js';

// Local mode's stand-in for the hourly EventBridge schedule: invokes the audit-checkpoint function on a timer (every
// minute by default, so an hour is sealed a few minutes after it ends, and the hours a stopped stack missed are
// sealed at start), with the event EventBridge Scheduler sends. The function is the deployed one: its source, or in the
// bundles mode its bundle in its own sandbox, with its own environment and credentials (issue #19).

export interface CheckpointTimer {
  /** Invokes the function once now (also what the timer does); resolves with what it returned. */
  tick(): Promise<unknown>;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/** The scheduled event as EventBridge gives it to a Lambda target. */
export function scheduledEvent(now: Date): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: LOCAL_ACCOUNT,
    time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: LOCAL_REGION,
    resources: [`arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/signoff-audit-checkpoint`],
    detail: {},
  };
}

export function startAuditCheckpoints(options: {
  /** Invokes the audit-checkpoint function with `event`. */
  readonly invoke: (event: ScheduledEvent) => Promise<unknown>;
  readonly intervalMs?: number;
  readonly onError: (error: unknown) => void;
}): CheckpointTimer {
  let running: Promise<unknown> | undefined;
  const tick = (): Promise<unknown> => {
    running ??= (async () => {
      try {
        return await options.invoke(scheduledEvent(new Date()));
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
