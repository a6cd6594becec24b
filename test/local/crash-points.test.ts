import { describe, expect, it } from 'vitest';
import {
  crashCounter,
  crashPointOf,
  reachesCrashPoint,
  refusalCounter,
  refusalOf,
  refusalPointOf,
  type CrashPoint,
} from '../../local/crash-points.js';

// The test aid SIGNOFF_LOCAL_CRASH_AT (local/crash-points.ts): which verified calls to a local stand-in are a point.

const put = (table: string, type: string) =>
  Buffer.from(JSON.stringify({ TableName: table, Item: { requestId: { S: 'req_1' }, seq: { N: '4' }, type: { S: type } } }));

function point(value: string): CrashPoint {
  const parsed = crashPointOf(value);
  if (parsed === undefined) throw new Error(`no point in ${value}`);
  return parsed;
}

describe('crash points', () => {
  it('reads the point from the environment, and refuses one that does not exist, naming what is wrong', () => {
    expect(crashPointOf(undefined)).toBeUndefined();
    expect(crashPointOf('')).toBeUndefined();
    expect(crashPointOf('sfn:SendTaskSuccess')).toEqual({
      name: 'sfn:SendTaskSuccess',
      at: { service: 'sfn', operation: 'SendTaskSuccess' },
      occurrence: 1,
    });
    expect(crashPointOf('ses:SendEmail#3')).toEqual({ name: 'ses:SendEmail#3', at: { service: 'ses' }, occurrence: 3 });
    expect(crashPointOf('audit:request.submitted')?.at).toEqual({ service: 'audit', type: 'request.submitted' });
    expect(() => crashPointOf('sfn:ListExecutions')).toThrow(/"ListExecutions" is not a Step Functions operation/);
    expect(() => crashPointOf('audit:decision.made')).toThrow(/"decision.made" is no audit event type/);
    expect(() => crashPointOf('ses:SendEmail#0')).toThrow(/occurrence must be a whole number ≥ 1/);
    expect(() => crashPointOf('ses:SendEmail#1#2')).toThrow(/more than one #/);
    expect(() => crashPointOf('sqs:SendMessage')).toThrow(/unknown service "sqs"/);
  });

  it('matches the PutItem of an event of the type to the audit table, SES SendEmail and an SFN operation, nothing else', () => {
    const decision = point('audit:decision.recorded');
    const dynamo = (operation: string, body: Buffer) =>
      reachesCrashPoint(decision, 'dynamodb', { target: `DynamoDB_20120810.${operation}`, body });
    const success = point('sfn:SendTaskSuccess');
    const sfn = (operation: string) =>
      reachesCrashPoint(success, 'states', { target: `AWSStepFunctions.${operation}`, body: Buffer.from('{}') });
    const send = point('ses:SendEmail');
    const ses = (method: string, path: string) =>
      reachesCrashPoint(send, 'ses', { method, path, target: undefined, body: Buffer.from('{}') });

    expect(dynamo('PutItem', put('signoff-audit', 'decision.recorded'))).toBe(true);
    expect(dynamo('PutItem', put('signoff-audit', 'approval.requested'))).toBe(false);
    expect(dynamo('PutItem', put('signoff-requests', 'decision.recorded'))).toBe(false);
    expect(dynamo('Query', put('signoff-audit', 'decision.recorded'))).toBe(false);
    expect(dynamo('PutItem', Buffer.from('not json'))).toBe(false);
    expect(sfn('SendTaskSuccess')).toBe(true);
    expect(sfn('SendTaskFailure')).toBe(false);
    expect(reachesCrashPoint(success, 'dynamodb', { target: 'AWSStepFunctions.SendTaskSuccess', body: Buffer.from('') })).toBe(false);
    expect(ses('POST', '/v2/email/outbound-emails')).toBe(true);
    expect(ses('GET', '/v2/email/outbound-emails')).toBe(false);
    expect(ses('POST', '/v2/email/identities')).toBe(false);
  });

  it('ends the process at the occurrence named, not before nor after', () => {
    const counter = crashCounter(point('ses:SendEmail#3'));
    expect([counter(), counter(), counter(), counter()]).toEqual([false, false, true, false]);
  });

  it('refuses (SIGNOFF_LOCAL_REFUSE_AT) from the occurrence named on, every time, with the permanent error the service gives', () => {
    const send = refusalPointOf('ses:SendEmail#2');
    const audit = refusalPointOf('audit:checks.completed');
    if (send === undefined || audit === undefined) throw new Error('no refusal point');
    const counter = refusalCounter(send);
    expect([counter(), counter(), counter(), counter()]).toEqual([false, true, true, true]);
    expect(refusalOf(send)).toMatchObject({ type: 'MessageRejected', status: 400 });
    expect(refusalOf(audit)).toMatchObject({ type: 'ValidationException', status: 400, namespace: 'com.amazon.coral.validate' });
    expect(() => refusalPointOf('sfn:StartExecution')).toThrow(
      /SIGNOFF_LOCAL_REFUSE_AT="sfn:StartExecution": Step Functions calls are crash points only, not refusal points\. A point is audit:<event type> or ses:SendEmail/,
    );
    expect(refusalPointOf(undefined)).toBeUndefined();
  });
});
