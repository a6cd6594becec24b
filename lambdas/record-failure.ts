import { taskContracts } from './core/request/task-payloads.js';
import { logger } from './shared/logger.js';
import { taskHandler } from './shared/middleware.js';
import { audit, requests } from './use-cases/default-ports.js';
import { recordFailure } from './use-cases/record-failure.js';

// RecordFailure (a task failed after its retries; the execution fails next): lambdas/use-cases/record-failure.ts.
export const handler = taskHandler(taskContracts['record-failure'], async (task) => {
  const request = await recordFailure(task, { requests, audit });
  // Named in the log with what the request now says; the alarm on failed executions (lib/constructs/alarms.ts) pages.
  logger.error('workflow failed', {
    requestId: task.requestId,
    version: task.version,
    failure: request?.failure ?? null,
    status: request?.status ?? null,
  });
  return { recorded: request !== undefined };
});
