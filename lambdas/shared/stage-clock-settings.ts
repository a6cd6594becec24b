import { optionalEnv } from './env.js';

// The stage clock's settings, read at cold start by the functions that take a stage's step (AdvanceStage, and
// RunChecks for the first stage).

/** Workflow seconds per real second: 1 on AWS; the local runtime may run deadlines faster (SIGNOFF_TIME_SCALE). */
export function timeScaleSetting(): number {
  const timeScale = Number(optionalEnv('SIGNOFF_TIME_SCALE', '1'));
  if (!Number.isFinite(timeScale) || timeScale < 1) throw new Error(`SIGNOFF_TIME_SCALE must be a number ≥ 1 (got ${timeScale})`);
  return timeScale;
}

/**
 * The longest a stage's task waits before the workflow reads the stage again (real seconds; default an hour): a
 * decision stored by a post whose process ended before it told the workflow is acted on by then (issue #13).
 */
export function recheckSecondsSetting(): number {
  const recheckSeconds = Number(optionalEnv('SIGNOFF_STAGE_RECHECK_SECONDS', '3600'));
  if (!Number.isInteger(recheckSeconds) || recheckSeconds < 1)
    throw new Error(
      `SIGNOFF_STAGE_RECHECK_SECONDS must be a whole number of seconds ≥ 1 (got ${optionalEnv('SIGNOFF_STAGE_RECHECK_SECONDS', '')})`,
    );
  return recheckSeconds;
}
