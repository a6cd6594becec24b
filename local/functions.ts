import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { workflowFunctions, httpFunctions } from '../manifest.js';
import type { JsonValue } from './workflow/types.js';

// The same handler modules Lambda runs, invoked in-process with Lambda's event and context shapes.
// Payloads cross a JSON boundary both ways, as they do between Step Functions and Lambda.

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';
export const functionArn = (name: string) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:signoff-${name}`;

/** How long a local invocation may run: Lambda's default timeout for Signoff's functions (lib/signoff-function.ts). */
const LOCAL_TIMEOUT_MS = 30_000;

/**
 * The deadline of work done here outside a handler (the SMTP server's submitMail): what a Lambda invocation started
 * now would have, and so the lease of what it claims (a reply, lambdas/use-cases/submit-mail.ts).
 */
export function localDeadline(now: number = Date.now()): Date {
  return new Date(now + LOCAL_TIMEOUT_MS);
}

function lambdaContext(name: string): Context {
  const deadline = Date.now() + LOCAL_TIMEOUT_MS;
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

export class FunctionRegistry {
  readonly #handlers = new Map<string, Handler>();

  /** Imports every handler. Call after the environment is set: handlers read it at module scope. */
  static async load(projectRoot: URL): Promise<FunctionRegistry> {
    const registry = new FunctionRegistry();
    for (const fn of [...workflowFunctions, ...httpFunctions]) {
      // The local runtime runs under tsx, which loads the TypeScript sources directly.
      const module = (await import(new URL(fn.entry, projectRoot).href)) as { handler: Handler };
      registry.#handlers.set(fn.name, module.handler);
      registry.#handlers.set(functionArn(fn.name), module.handler);
    }
    return registry;
  }

  async invoke(nameOrArn: string, event: unknown): Promise<JsonValue> {
    const handler = this.#handlers.get(nameOrArn);
    if (handler === undefined) {
      const error = new Error(`Function not found: ${nameOrArn}`);
      error.name = 'Lambda.ResourceNotFoundException';
      throw error;
    }
    const name = nameOrArn.replace(/^.*:function:signoff-/, '');
    const result = await handler(JSON.parse(JSON.stringify(event ?? null)) as unknown, lambdaContext(name));
    return result === undefined ? null : (JSON.parse(JSON.stringify(result)) as JsonValue);
  }
}
