import middy, { type MiddlewareObj } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { UriTooLongError, ValidationError, httpStatusOf } from '../core/errors.js';
import { MAX_PATH_PARAMETER_BYTES } from '../core/request/limits.js';
import type { TaskContract } from '../core/request/task-payloads.js';
import { logger } from './logger.js';
import { countIntakeRefusal, countTaskFailed, metrics, type IntakeChannel } from './metrics.js';
import { tracer } from './tracer.js';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * The chain every function starts with: an X-Ray subsegment around the handler (never its response as metadata: a
 * page holds a CSRF token, a task's result a request's content), the metrics flushed with a cold-start count, and the
 * logger given the invocation's context.
 */
/**
 * An HTML page the service renders (the review page, the withdraw page): never cached, never framed, no referrer
 * (the path holds a link id), nothing loaded from elsewhere but images on the review page. HEAD gets the headers only.
 */
export function htmlPage(statusCode: number, html: string, method: string): HttpResult {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    },
    body: method === 'HEAD' ? '' : html,
  };
}

export function lambdaChain<E, R>() {
  return middy<E, R>()
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(injectLambdaContext(logger, { resetKeys: true }));
}

export interface HttpHandlerOptions {
  /** An intake route: each refusal (an answer under 500) is counted, by status (metrics.ts). */
  readonly intake?: IntakeChannel;
}

/**
 * The one mapper from error to HTTP answer (last in the chain). Errors under 500 are the caller's
 * to read, with every problem listed; anything else is logged and answered without detail.
 */
function httpErrors(options: HttpHandlerOptions): MiddlewareObj<HttpEvent, HttpResult> {
  return {
    onError: (request) => {
      const error = request.error;
      const status = httpStatusOf(error);
      if (status >= 500) {
        logger.error('unhandled error', {
          error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error),
        });
        request.response = json(500, { error: 'internal error' });
        return;
      }
      if (options.intake !== undefined) countIntakeRefusal(options.intake, String(status));
      const message = error instanceof Error ? error.message : 'bad request';
      const problems = error instanceof ValidationError ? { problems: error.problems } : {};
      request.response = json(status, { error: message, ...problems });
    },
  };
}

export function httpHandler(fn: (event: HttpEvent, context: Context) => Promise<HttpResult>, options: HttpHandlerOptions = {}) {
  return lambdaChain<HttpEvent, HttpResult>().use(httpHeaderNormalizer()).use(httpErrors(options)).handler(fn);
}

/** Which request and stage a task payload is about, for a log line: never the payload itself (it can hold a task token). */
function taskRef(payload: unknown): Readonly<Record<string, unknown>> {
  if (typeof payload !== 'object' || payload === null) return {};
  const { requestId, version, stageIndex, phase } = payload as Readonly<Record<string, unknown>>;
  return { requestId, version, stageIndex, phase };
}

/** When this invocation ends at the latest: Lambda stops it then (the lease of what it claims, send-once.ts). */
export function deadlineOf(context: Pick<Context, 'getRemainingTimeInMillis'>, now: number = Date.now()): Date {
  return new Date(now + context.getRemainingTimeInMillis());
}

/**
 * A Step Functions task, given its contract (core/request/task-payloads.ts `taskContracts`). Its payload is checked
 * against the contract's input schema: a drift between the ASL and the function fails loudly with a named error rather
 * than writing half a record. What it returns must be of the contract's output type (checked at compile time only):
 * the ASL reads it, and test/statemachines/asl-contract.test.ts checks every path it reads is in that schema.
 */
export function taskHandler<I extends z.ZodMiniType, O extends z.ZodMiniType, R extends z.infer<O>>(
  contract: TaskContract<I, O>,
  fn: (payload: z.infer<I>, context: Context) => Promise<R>,
) {
  return lambdaChain<unknown, R>().handler(async (event, context) => {
    const parsed = contract.input.safeParse(event);
    if (!parsed.success) throw new ValidationError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
    try {
      return await fn(parsed.data, context);
    } catch (error) {
      // Counted and logged with its request, then thrown on: the state machine retries it or routes it to its catch.
      const name = error instanceof Error ? error.name : 'unknown';
      countTaskFailed(name);
      logger.warn('task failed', { error: name, message: error instanceof Error ? error.message : String(error), ...taskRef(parsed.data) });
      throw error;
    }
  });
}

export function rawBody(event: HttpEvent): string {
  if (event.body === undefined) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/**
 * A path parameter as the route gave it ('' when absent), never decoded here: every id Signoff gives out is
 * URL-safe, so a value that still holds a `%` is no id of ours and simply finds nothing (404), where decoding it
 * could throw (a malformed sequence) or turn one value into another (a second decoding). Over 2,048 bytes it is no
 * id of ours and no key DynamoDB accepts: 414, instead of the read failing with a 500.
 */
export function pathParameter(event: HttpEvent, name: string): string {
  const value = event.pathParameters?.[name] ?? '';
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_PATH_PARAMETER_BYTES)
    throw new UriTooLongError(`the path parameter ${name} is ${bytes} bytes; the limit is ${MAX_PATH_PARAMETER_BYTES}`);
  return value;
}
