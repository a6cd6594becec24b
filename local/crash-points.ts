import { writeSync } from 'node:fs';
import { tables } from '../lambdas/adapters/tables.js';
import { AUDIT_EVENT_TYPES } from '../lambdas/core/audit/events.js';
import type { AwsFault } from './faults.js';

// A test aid (issue #13): SIGNOFF_LOCAL_CRASH_AT=<point> makes the local runtime end its whole process at a named
// point, as `kill -9` would (nothing flushed, nothing answered, nothing cleaned up), so that a test can restart it on
// the same data directory and check what was left. The points are where a request reaches a local AWS stand-in,
// after its signature is verified and before the stand-in sees it (local/signed-endpoint.ts): the call never happens.
// Only the local runtime reads the variable; the handlers and use cases know nothing of it.
//
// A point is one of
//   audit:<event type>   the local DynamoDB receives the PutItem of an audit event of that type (any in events.ts);
//   ses:SendEmail        the local SES receives a mail to send;
//   sfn:<operation>      the local Step Functions API receives that operation (SendTaskSuccess, StartExecution, …);
// optionally followed by `#<n>`: the n-th time the point is reached in this process (default the first).
//
// Its sibling SIGNOFF_LOCAL_REFUSE_AT=<point> makes the stand-in refuse the call instead, with the permanent error the
// service gives when it will not do it however often it is asked (DynamoDB's ValidationException, SES's
// MessageRejected), from the n-th time on, every time: so that a test can see how a task that fails after its retries
// shows on the request (RecordFailure, statemachines/approval.asl.json). Its points are audit:<type> and ses:SendEmail.

export const CRASH_AT_VARIABLE = 'SIGNOFF_LOCAL_CRASH_AT';
export const REFUSE_AT_VARIABLE = 'SIGNOFF_LOCAL_REFUSE_AT';
/** The exit code of a process ended at a crash point. */
export const CRASH_EXIT_CODE = 86;

const SFN_OPERATIONS = ['StartExecution', 'SendTaskSuccess', 'SendTaskFailure', 'StopExecution', 'DescribeExecution'] as const;

export interface CrashPoint {
  /** The point as named: `audit:decision.recorded`, `ses:SendEmail#2`. */
  readonly name: string;
  readonly at:
    | { readonly service: 'audit'; readonly type: string }
    | { readonly service: 'ses' }
    | { readonly service: 'sfn'; readonly operation: string };
  /** The occurrence that ends the process (1: the first). */
  readonly occurrence: number;
}

const AUDIT_TABLE = tables.find((t) => t.envVar === 'AUDIT_TABLE')?.localName;

function problem(variable: string, value: string, why: string): Error {
  const points =
    variable === REFUSE_AT_VARIABLE
      ? 'audit:<event type> or ses:SendEmail'
      : `audit:<event type>, ses:SendEmail or sfn:<${SFN_OPERATIONS.join('|')}>`;
  return new Error(`${variable}=${JSON.stringify(value)}: ${why}. A point is ${points}, optionally followed by #<n> (the n-th time).`);
}

/**
 * The point the environment names (`variable`: SIGNOFF_LOCAL_CRASH_AT or SIGNOFF_LOCAL_REFUSE_AT), or undefined; throws
 * naming what is wrong with one that does not exist.
 */
export function crashPointOf(value: string | undefined, variable: string = CRASH_AT_VARIABLE): CrashPoint | undefined {
  if (value === undefined || value === '') return undefined;
  const [point = '', count, ...rest] = value.split('#');
  if (rest.length > 0) throw problem(variable, value, 'more than one #');
  const occurrence = count === undefined ? 1 : Number(count);
  if (!Number.isInteger(occurrence) || occurrence < 1)
    throw problem(variable, value, `the occurrence must be a whole number ≥ 1 (got ${JSON.stringify(count)})`);
  const colon = point.indexOf(':');
  const service = point.slice(0, colon);
  const what = point.slice(colon + 1);
  if (service === 'audit') {
    if (!AUDIT_EVENT_TYPES.some((t) => t === what)) throw problem(variable, value, `${JSON.stringify(what)} is no audit event type`);
    return { name: value, at: { service, type: what }, occurrence };
  }
  if (service === 'ses') {
    if (what !== 'SendEmail') throw problem(variable, value, 'the local SES has one point, SendEmail');
    return { name: value, at: { service }, occurrence };
  }
  if (service === 'sfn' && variable === REFUSE_AT_VARIABLE)
    throw problem(variable, value, 'Step Functions calls are crash points only, not refusal points');
  if (service === 'sfn') {
    if (!SFN_OPERATIONS.some((o) => o === what))
      throw problem(variable, value, `${JSON.stringify(what)} is not a Step Functions operation Signoff calls`);
    return { name: value, at: { service, operation: what }, occurrence };
  }
  throw problem(variable, value, `unknown service ${JSON.stringify(service)}`);
}

/** The point SIGNOFF_LOCAL_REFUSE_AT names, or undefined; throws naming what is wrong with one that does not exist. */
export function refusalPointOf(value: string | undefined): CrashPoint | undefined {
  return crashPointOf(value, REFUSE_AT_VARIABLE);
}

/**
 * The permanent error a refused call gets, as the service words it: not throttling, not a server error, so neither
 * the SDK nor the state machine's retries try it again.
 */
export function refusalOf(point: CrashPoint): AwsFault {
  if (point.at.service === 'ses')
    return {
      type: 'MessageRejected',
      status: 400,
      message: 'Email address is not verified. The following identities failed the check in region US-EAST-1: signoff@example.org',
    };
  return {
    type: 'ValidationException',
    status: 400,
    namespace: 'com.amazon.coral.validate',
    message: `One or more parameter values were invalid: refused at ${point.name} (${REFUSE_AT_VARIABLE})`,
  };
}

/** The operation an AWS JSON-protocol request asks for (`X-Amz-Target: <prefix>.<Operation>`). */
function operationOf(target: string | string[] | undefined): string {
  return (
    String(target ?? '')
      .split('.')
      .at(-1) ?? ''
  );
}

function isAuditPut(body: Buffer, type: string): boolean {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return false;
    const { TableName, Item } = parsed as { TableName?: unknown; Item?: { type?: { S?: unknown } } };
    return TableName === AUDIT_TABLE && Item?.type?.S === type;
  } catch {
    return false;
  }
}

/** Whether a verified request to a local stand-in (`service`: its signing name) is the call `point` names. */
export function reachesCrashPoint(
  point: CrashPoint,
  service: string,
  request: {
    readonly method?: string | undefined;
    readonly path?: string;
    readonly target: string | string[] | undefined;
    readonly body: Buffer;
  },
): boolean {
  const { at } = point;
  if (at.service === 'audit')
    return service === 'dynamodb' && operationOf(request.target) === 'PutItem' && isAuditPut(request.body, at.type);
  // SES v2's SendEmail: POST /v2/email/outbound-emails (REST, no target header).
  if (at.service === 'ses') return service === 'ses' && request.method === 'POST' && request.path === '/v2/email/outbound-emails';
  return service === 'states' && operationOf(request.target) === at.operation;
}

/** Counts the calls that reach `point`; true for the one that is its occurrence. */
export function crashCounter(point: CrashPoint): () => boolean {
  let reached = 0;
  return () => ++reached === point.occurrence;
}

/** Counts the calls that reach a refusal point; true for its occurrence and every one after it. */
export function refusalCounter(point: CrashPoint): () => boolean {
  let reached = 0;
  return () => ++reached >= point.occurrence;
}

/** Ends the process now, with CRASH_EXIT_CODE, saying where (written synchronously: nothing else runs after it). */
export function crashAt(point: CrashPoint): never {
  writeSync(2, `${CRASH_AT_VARIABLE}: crashing at ${point.name} (exit ${CRASH_EXIT_CODE})\n`);
  process.exit(CRASH_EXIT_CODE);
}
