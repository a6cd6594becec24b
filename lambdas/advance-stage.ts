import { taskContracts } from './core/request/task-payloads.js';
import { optionalEnv } from './shared/env.js';
import { taskHandler } from './shared/middleware.js';
import { advanceStage, type AdvanceStagePorts } from './use-cases/advance-stage.js';
import { approvals, audit, requests } from './use-cases/default-ports.js';

// AdvanceStage: what a stage does next, from what the store records (lambdas/use-cases/advance-stage.ts).

/** Workflow seconds per real second: 1 on AWS; the local runtime may run deadlines faster (SIGNOFF_TIME_SCALE). */
const timeScale = Number(optionalEnv('SIGNOFF_TIME_SCALE', '1'));
if (!Number.isFinite(timeScale) || timeScale < 1) throw new Error(`SIGNOFF_TIME_SCALE must be a number ≥ 1 (got ${timeScale})`);
/**
 * The longest a stage's task waits before the workflow reads the stage again (real seconds; default an hour): a
 * decision stored by a post whose process ended before it told the workflow is acted on by then (issue #13).
 */
const recheckSeconds = Number(optionalEnv('SIGNOFF_STAGE_RECHECK_SECONDS', '3600'));
if (!Number.isInteger(recheckSeconds) || recheckSeconds < 1)
  throw new Error(
    `SIGNOFF_STAGE_RECHECK_SECONDS must be a whole number of seconds ≥ 1 (got ${optionalEnv('SIGNOFF_STAGE_RECHECK_SECONDS', '')})`,
  );
const ports: AdvanceStagePorts = { requests, audit, approvals, timeScale, recheckSeconds };

export const handler = taskHandler(taskContracts['advance-stage'], (task) => advanceStage(task, ports));
