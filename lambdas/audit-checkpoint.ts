import type { ScheduledEvent } from 'aws-lambda';
import { logger } from './shared/logger.js';
import { lambdaChain } from './shared/middleware.js';
import { writeCheckpoint } from './use-cases/checkpoint-ports.js';

// Hourly (EventBridge schedule, a few minutes past the hour): seals the hours that ended, empty ones included,
// with signed checkpoints in the audit table and, on AWS, a write-once copy in the Object Lock bucket.
export const handler = lambdaChain<ScheduledEvent, { written: number; latest: string | null }>().handler(async (_event, context) => {
  // Stops starting hours 5 s before the timeout; after a long outage the next runs seal the rest.
  const run = await writeCheckpoint(new Date(), { deadline: Date.now() + context.getRemainingTimeInMillis() - 5000 });
  logger.info('audit checkpoints written', { written: run.written.length, latest: run.latest?.period.from ?? null });
  return { written: run.written.length, latest: run.latest?.period.from ?? null };
});
