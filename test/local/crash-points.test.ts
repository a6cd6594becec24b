import { describe, expect, it } from 'vitest';
import { crashPointOf, reachesCrashPoint } from '../../local/crash-points.js';

// The test aid SIGNOFF_LOCAL_CRASH_AT (local/crash-points.ts): which verified calls to a local stand-in are a point.

const put = (table: string, type: string) =>
  Buffer.from(JSON.stringify({ TableName: table, Item: { requestId: { S: 'req_1' }, seq: { N: '4' }, type: { S: type } } }));

describe('crash points', () => {
  it('reads the point from the environment, and refuses one that does not exist by name', () => {
    expect(crashPointOf(undefined)).toBeUndefined();
    expect(crashPointOf('')).toBeUndefined();
    expect(crashPointOf('sfn:SendTaskSuccess')).toBe('sfn:SendTaskSuccess');
    expect(() => crashPointOf('sfn:StartExecution')).toThrow(/SIGNOFF_LOCAL_CRASH_AT must be one of/);
  });

  it('matches the PutItem of a decision.recorded event to the audit table, and SendTaskSuccess, nothing else', () => {
    const dynamo = (operation: string, body: Buffer) =>
      reachesCrashPoint('audit:decision.recorded', 'dynamodb', { target: `DynamoDB_20120810.${operation}`, body });
    const sfn = (operation: string) =>
      reachesCrashPoint('sfn:SendTaskSuccess', 'states', { target: `AWSStepFunctions.${operation}`, body: Buffer.from('{}') });

    expect(dynamo('PutItem', put('signoff-audit', 'decision.recorded'))).toBe(true);
    expect(dynamo('PutItem', put('signoff-audit', 'approval.requested'))).toBe(false);
    expect(dynamo('PutItem', put('signoff-requests', 'decision.recorded'))).toBe(false);
    expect(dynamo('Query', put('signoff-audit', 'decision.recorded'))).toBe(false);
    expect(dynamo('PutItem', Buffer.from('not json'))).toBe(false);
    expect(sfn('SendTaskSuccess')).toBe(true);
    expect(sfn('SendTaskFailure')).toBe(false);
    expect(
      reachesCrashPoint('sfn:SendTaskSuccess', 'dynamodb', { target: 'AWSStepFunctions.SendTaskSuccess', body: Buffer.from('') }),
    ).toBe(false);
  });
});
