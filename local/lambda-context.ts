import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

// Lambda's context object for a local invocation, in the main thread (sources) or a function's worker (bundles).

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';
export const functionArn = (name: string) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:signoff-${name}`;

/** How long a local invocation may run: Lambda's default timeout for Signoff's functions (lib/signoff-function.ts). */
export const LOCAL_TIMEOUT_MS = 30_000;

/** The context of an invocation of `name` that must end by `deadline` (epoch ms). */
export function lambdaContext(name: string, deadline: number): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `signoff-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn(name),
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/signoff-${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
