import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// Preloaded into a measured stack (NODE_OPTIONS="--import ./bench/call-counter.ts", BENCH_CALLS_FILE=<file>): an SDK
// middleware on every AWS SDK client the process makes, which appends one line per call to the file — the service,
// the operation, when it started and how long it took, and whether it failed. bench/calls.ts reads the lines between
// two moments to count what one request costs. The handlers carry nothing of it; only this preload adds it.

interface HandlerContext {
  readonly clientName?: string;
  readonly commandName?: string;
}
type Next = (args: unknown) => Promise<unknown>;
interface MiddlewareStack {
  add(middleware: (next: Next, context: HandlerContext) => Next, options: { step: 'initialize'; name: string }): void;
}
interface SmithyClient {
  middlewareStack: MiddlewareStack;
}

const file = process.env['BENCH_CALLS_FILE'];
/** BENCH_CALLS_SITES=1: each line also names the use case's function that made the call (a stack trace per call). */
const sites = process.env['BENCH_CALLS_SITES'] === '1';

/** The innermost frame of the stack in lambdas/use-cases/ (else in lambdas/): which step of which use case called. */
function siteOf(stack: string | undefined): string | undefined {
  const frames = (stack ?? '').split('\n').filter((l) => l.includes('/lambdas/'));
  const frame = frames.find((l) => l.includes('/lambdas/use-cases/')) ?? frames[0];
  if (frame === undefined) return undefined;
  const at = frame.indexOf('/lambdas/');
  const name = frame.trim().startsWith('at ') ? frame.trim().slice(3).split(' ')[0] : '';
  return `${name} ${frame.slice(at + 1).replace(/\)$/, '')}`;
}
if (file === undefined) throw new Error('bench/call-counter.ts needs BENCH_CALLS_FILE');

/**
 * Calls made for the bench's own reads (GET /v1/requests/{id} and its audit, which only lambdas/use-cases/read-request.ts
 * serves): they are marked, so that what a post costs leaves out the bench watching it.
 */
const OBSERVING = '/lambdas/use-cases/read-request.ts';
// Deep enough to reach the use case from the SDK's middleware, through its awaits.
Error.stackTraceLimit = Math.max(Error.stackTraceLimit, 60);

const { Client } = createRequire(import.meta.url)('@smithy/core/client') as {
  Client: { prototype: { send: (this: SmithyClient, ...args: unknown[]) => unknown } };
};
const counted = new WeakSet<MiddlewareStack>();
const send = Client.prototype.send;
Client.prototype.send = function (this: SmithyClient, ...args: unknown[]) {
  // A document client shares its client's stack: the middleware goes on each stack once.
  if (!counted.has(this.middlewareStack)) {
    counted.add(this.middlewareStack);
    this.middlewareStack.add(
      (next, context) => async (input) => {
        const stack = new Error().stack;
        const site = sites ? siteOf(stack) : undefined;
        const observing = stack?.includes(OBSERVING) === true;
        const started = performance.now();
        let ok = true;
        try {
          return await next(input);
        } catch (error) {
          ok = false;
          throw error;
        } finally {
          const service = (context.clientName ?? 'unknown').replace(/Client$/, '');
          const operation = (context.commandName ?? 'unknown').replace(/Command$/, '');
          const table = (input as { input?: { TableName?: unknown } }).input?.TableName;
          const line = {
            service,
            operation,
            ...(typeof table === 'string' ? { table } : {}),
            ...(site !== undefined ? { site } : {}),
            ...(observing ? { observing } : {}),
            at: started + performance.timeOrigin,
            ms: performance.now() - started,
            ok,
          };
          appendFileSync(file, `${JSON.stringify(line)}\n`);
        }
      },
      { step: 'initialize', name: 'benchCallCounter' },
    );
  }
  return send.apply(this, args);
};
