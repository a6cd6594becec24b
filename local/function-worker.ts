import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { lambdaContext } from './lambda-context.js';

// One function's sandbox (local/function-sandbox.ts): a worker thread with that function's environment alone, which
// imports its bundle once (the cold start) and then runs one invocation per message, as a Lambda execution
// environment does. Results and errors cross back as plain data: an error keeps its name (Step Functions retries and
// catches by it), its message and its stack.

const { name, bundle } = z.object({ name: z.string(), bundle: z.string() }).parse(workerData);
const port = parentPort;
if (port === null) throw new Error('local/function-worker.ts runs only as a worker thread');

const started = performance.now();
const module = (await import(bundle)) as { handler: (event: unknown, context: Context) => Promise<unknown> };
port.postMessage({ type: 'ready', initMs: performance.now() - started });

const invocation = z.object({ id: z.number(), event: z.unknown(), deadline: z.number() });

port.on('message', (message: unknown) => {
  const { id, event, deadline } = invocation.parse(message);
  void (async () => {
    try {
      const result = await module.handler(event, lambdaContext(name, deadline));
      port.postMessage({ type: 'result', id, result: result === undefined ? null : JSON.parse(JSON.stringify(result)) });
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      port.postMessage({ type: 'error', id, error: { name: e.name, message: e.message, stack: e.stack ?? '' } });
    }
  })();
});
