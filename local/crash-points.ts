import { writeSync } from 'node:fs';
import { tables } from '../lambdas/adapters/tables.js';

// A test aid (issue #13): SIGNOFF_LOCAL_CRASH_AT=<point> makes the local runtime end its whole process at a named
// point, as `kill -9` would (nothing flushed, nothing answered, nothing cleaned up), so that a test can restart it on
// the same data directory and check what was left. The points are where a request reaches a local AWS stand-in,
// after its signature is verified and before the stand-in sees it (local/signed-endpoint.ts): the call never happens.
// Only the local runtime reads the variable; the handlers and use cases know nothing of it.

export const CRASH_AT_VARIABLE = 'SIGNOFF_LOCAL_CRASH_AT';
/** The exit code of a process ended at a crash point. */
export const CRASH_EXIT_CODE = 86;

export const CRASH_POINTS = [
  /** The local DynamoDB receives the PutItem of a `decision.recorded` event to the audit table. */
  'audit:decision.recorded',
  /** The local Step Functions API receives SendTaskSuccess. */
  'sfn:SendTaskSuccess',
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

const AUDIT_TABLE = tables.find((t) => t.envVar === 'AUDIT_TABLE')?.localName;

/** The crash point the environment names, or undefined; throws naming the variable for a point that does not exist. */
export function crashPointOf(value: string | undefined): CrashPoint | undefined {
  if (value === undefined || value === '') return undefined;
  const point = CRASH_POINTS.find((p) => p === value);
  if (point === undefined) throw new Error(`${CRASH_AT_VARIABLE} must be one of ${CRASH_POINTS.join(', ')} (got ${JSON.stringify(value)})`);
  return point;
}

/** The operation an AWS JSON-protocol request asks for (`X-Amz-Target: <prefix>.<Operation>`). */
function operationOf(target: string | string[] | undefined): string {
  return (
    String(target ?? '')
      .split('.')
      .at(-1) ?? ''
  );
}

function isAuditDecisionPut(body: Buffer): boolean {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return false;
    const { TableName, Item } = parsed as { TableName?: unknown; Item?: { type?: { S?: unknown } } };
    return TableName === AUDIT_TABLE && Item?.type?.S === 'decision.recorded';
  } catch {
    return false;
  }
}

/** Whether a verified request to a local stand-in (`service`: its signing name) is the call `point` names. */
export function reachesCrashPoint(
  point: CrashPoint,
  service: string,
  request: { readonly target: string | string[] | undefined; readonly body: Buffer },
): boolean {
  const operation = operationOf(request.target);
  if (point === 'audit:decision.recorded') return service === 'dynamodb' && operation === 'PutItem' && isAuditDecisionPut(request.body);
  return service === 'states' && operation === 'SendTaskSuccess';
}

/** Ends the process now, with CRASH_EXIT_CODE, saying where (written synchronously: nothing else runs after it). */
export function crashAt(point: CrashPoint): never {
  writeSync(2, `${CRASH_AT_VARIABLE}: crashing at ${point} (exit ${CRASH_EXIT_CODE})\n`);
  process.exit(CRASH_EXIT_CODE);
}
