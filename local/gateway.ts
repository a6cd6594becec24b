import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { MAX_PATH_PARAMETER_BYTES } from '../lambdas/core/request/limits.js';
import { compilePattern } from '../lambdas/core/checks/text/patterns.js';
import { apiRoutes, type FunctionName } from '../manifest.js';
import type { Denial } from './iam/principals.js';
import type { FunctionRegistry } from './functions.js';
import { isLoopbackHost } from './net.js';
import { OUTBOX_PAGE_MESSAGES, outboxPage, type Outbox } from './outbox.js';

// The local stand-in for the HTTP API: each request becomes an API Gateway v2 (payload 2.0) event for
// the same handler the deployed route invokes.

/** API Gateway's own payload limit; handlers enforce their tighter ones and answer 413 themselves. */
const MAX_PAYLOAD = 10 * 1024 * 1024;

interface Route {
  readonly methods: readonly string[];
  readonly pattern: RegExp;
  readonly params: readonly string[];
  readonly path: string;
  readonly fn: FunctionName;
}

function route(methods: readonly string[], path: string, fn: FunctionName): Route {
  const params: string[] = [];
  const source = path.replace(/\{(\w+)\}/g, (_m, p: string) => {
    params.push(p);
    return '([^/]+)';
  });
  const pattern = compilePattern('gateway: a route', `^${source}$`, '');
  return { methods, pattern, params, path, fn };
}

/** The routes of manifest.ts, which the deployed API has too. */
export const routes: readonly Route[] = apiRoutes.map((r) => route(r.methods, r.path, r.function));

/**
 * How long a client has to send a whole request, headers and body (Node's requestTimeout; headersTimeout is the same
 * bound). A body trickled a byte at a time, or a Content-Length longer than the body sent, held the request and its
 * socket open for as long as the client liked (Node's own bound is 5 minutes, checked every 30 s); now it is a 408.
 * Loopback delivers the largest body the gateway takes (10 MiB) in milliseconds. The time a handler takes once the
 * request has arrived does not count.
 */
export const REQUEST_TIMEOUT_MS = 10_000;

/** How often Node looks for requests past the bound: the 408 comes at most this much after it. */
const TIMEOUT_CHECK_MS = 1_000;

/** The body, or why there is none to hand on: over the limit (413), or the client went (a 408 was sent, or it left). */
function readBody(req: IncomingMessage): Promise<Buffer | 'too-large' | 'gone'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_PAYLOAD) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_PAYLOAD ? 'too-large' : Buffer.concat(chunks)));
    // A request cut short (the time bound's 408 destroys the socket; or the client hung up) is nobody's to answer.
    req.on('error', () => resolve('gone'));
    req.on('close', () => {
      if (!req.complete) resolve('gone');
    });
  });
}

/**
 * The answer to a request Node's parser refused or the time bound ended, before any handler saw it: a JSON error
 * naming what was wrong, as every other refusal of the gateway, then the connection closed (its framing is lost).
 */
function clientErrorAnswer(
  code: string | undefined,
  timeoutMs: number,
): { readonly status: number; readonly reason: string; readonly error: string } {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return {
      status: 408,
      reason: 'Request Timeout',
      error: `the request did not arrive whole within ${timeoutMs / 1000} s (its headers and its body, as long as Content-Length says)`,
    };
  if (code === 'HPE_HEADER_OVERFLOW')
    return { status: 431, reason: 'Request Header Fields Too Large', error: 'the request line and headers are over 16 KiB' };
  return { status: 400, reason: 'Bad Request', error: `the request is not well-formed HTTP/1.1 (${code ?? 'unreadable'})` };
}

type PathParameters =
  | { readonly ok: true; readonly values: Record<string, string> }
  | { readonly ok: false; readonly statusCode: 400 | 414; readonly error: string };

/**
 * The route's path parameters, percent-decoded once. A malformed escape (`%E0%A4%A`, or bytes that are not UTF-8)
 * is the client's mistake, a 400, where decodeURIComponent would throw; a parameter over 2,048 bytes decoded is
 * no id Signoff gives out and no key DynamoDB takes, a 414 (the handlers check it too: lambdas/shared/middleware.ts).
 */
export function pathParametersOf(r: Route, match: RegExpExecArray): PathParameters {
  const values: Record<string, string> = {};
  for (const [i, name] of r.params.entries()) {
    let value: string;
    try {
      value = decodeURIComponent(match[i + 1] ?? '');
    } catch {
      return { ok: false, statusCode: 400, error: `the path parameter ${name} is not valid percent-encoded UTF-8` };
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > MAX_PATH_PARAMETER_BYTES)
      return {
        ok: false,
        statusCode: 414,
        error: `the path parameter ${name} is ${bytes} bytes; the limit is ${MAX_PATH_PARAMETER_BYTES}`,
      };
    values[name] = value;
  }
  return { ok: true, values };
}

/**
 * The request target as API Gateway reads it: the path exactly as sent (no dot segments resolved, no `//host` taken for
 * an authority: `new URL('//x/v1/requests', base)` routed that to /v1/requests, and `//` threw into a 500) and the query.
 */
export function targetOf(url: string | undefined): { readonly path: string; readonly query: string } {
  const target = url ?? '/';
  const at = target.indexOf('?');
  return at === -1 ? { path: target, query: '' } : { path: target.slice(0, at), query: target.slice(at + 1) };
}

function toEvent(req: IncomingMessage, r: Route, pathParameters: Record<string, string>, body: Buffer): APIGatewayProxyEventV2 {
  const target = targetOf(req.url);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(target.query)) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const now = new Date();
  // As API Gateway keys a route: the method of this request and the route's path template.
  const routeKey = `${req.method ?? 'GET'} ${r.path}`;
  const textual = /^(application\/(json|x-www-form-urlencoded)|text\/)/.test(headers['content-type'] ?? 'application/json');
  return {
    version: '2.0',
    routeKey,
    rawPath: target.path,
    rawQueryString: target.query,
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(r.params.length > 0 ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers['host'] ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: target.path,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: textual ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !textual,
  };
}

function respond(res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
  const body = result.body === undefined ? Buffer.alloc(0) : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(body);
}

/** Messages /_local/outbox.json answers with at most, and by default. */
export const OUTBOX_JSON_LIMIT = 500;

/**
 * ?from=N skips the first N messages, so a client polling a long outbox reads only what is new; ?limit=L (at most
 * OUTBOX_JSON_LIMIT, the default) bounds the page. Anything else than a whole number is the default, as before.
 */
export function outboxWindow(from: string | null, limit: string | null): { from: number; limit: number } {
  const whole = (text: string | null): number | undefined => {
    const n = Number(text ?? '');
    return text !== null && text !== '' && Number.isSafeInteger(n) ? n : undefined;
  };
  const f = whole(from);
  const l = whole(limit);
  return { from: f !== undefined && f > 0 ? f : 0, limit: l !== undefined && l > 0 ? Math.min(l, OUTBOX_JSON_LIMIT) : OUTBOX_JSON_LIMIT };
}

export interface GatewayOptions {
  readonly functions: Pick<FunctionRegistry, 'invoke' | 'figures' | 'origin'>;
  readonly outbox: Pick<Outbox, 'count' | 'page' | 'latest'>;
  readonly landingPage: string;
  /** The calls the local endpoints refused by IAM policy (the bundles mode), listed with the functions' figures. */
  readonly accessDenied?: () => readonly Denial[];
  /** REQUEST_TIMEOUT_MS unless given (a test gives less). */
  readonly requestTimeoutMs?: number;
}

export function createGateway(options: GatewayOptions): Server {
  const timeout = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  // Each connection's current answer: a refusal after its headers went out would corrupt it, so none is written then.
  const answers = new WeakMap<Duplex, ServerResponse>();
  const bounds = { requestTimeout: timeout, headersTimeout: timeout, connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_MS, timeout) };
  const server = createServer(bounds, (req, res) => {
    answers.set(req.socket, res);
    void (async () => {
      const { path, query: rawQuery } = targetOf(req.url);
      const method = (req.method ?? 'GET').toUpperCase();
      if (path.startsWith('/_local/') && !isLoopbackHost(req.headers.host)) {
        // The outbox holds every review link: only a page asked for by a loopback name is answered (DNS rebinding).
        respond(res, {
          statusCode: 403,
          headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' },
          body: `${path} answers only when asked for as 127.0.0.1, localhost or [::1] (with the port): this request named the host "${req.headers.host ?? ''}".\n`,
        });
        return;
      }
      if (method === 'GET' && path === '/_local/outbox.json') {
        const query = new URLSearchParams(rawQuery);
        const { from, limit } = outboxWindow(query.get('from'), query.get('limit'));
        const total = options.outbox.count;
        const messages = await options.outbox.page(from, limit);
        const next = from + messages.length;
        respond(res, {
          statusCode: 200,
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'cache-control': 'no-store',
            'x-outbox-total': String(total),
            ...(next < total ? { link: `</_local/outbox.json?from=${next}&limit=${limit}>; rel="next"` } : {}),
          },
          body: JSON.stringify(messages),
        });
        return;
      }
      if (method === 'GET' && path === '/_local/functions.json') {
        // Each function's load and invocation times since the start: cold (load, first call) and warm, and the calls
        // IAM refused (issue #19).
        respond(res, {
          statusCode: 200,
          headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
          body: JSON.stringify({
            origin: options.functions.origin,
            functions: options.functions.figures(),
            accessDenied: options.accessDenied?.() ?? [],
          }),
        });
        return;
      }
      if (method === 'GET' && path === '/_local/outbox') {
        const total = options.outbox.count;
        respond(res, {
          statusCode: 200,
          headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
          body: outboxPage(await options.outbox.latest(OUTBOX_PAGE_MESSAGES), total),
        });
        return;
      }
      if (method === 'GET' && path === '/') {
        respond(res, { statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: options.landingPage });
        return;
      }
      for (const r of routes) {
        const match = r.pattern.exec(path);
        if (match === null) continue;
        if (!r.methods.includes(method)) {
          respond(res, {
            statusCode: 405,
            headers: { allow: r.methods.join(', '), 'content-type': 'application/json' },
            body: JSON.stringify({ error: `${method} is not allowed here` }),
          });
          return;
        }
        const parameters = pathParametersOf(r, match);
        if (!parameters.ok) {
          respond(res, {
            statusCode: parameters.statusCode,
            headers: { 'content-type': 'application/json; charset=utf-8' },
            body: JSON.stringify({ error: parameters.error }),
          });
          return;
        }
        const body = await readBody(req);
        if (body === 'gone') return;
        if (body === 'too-large') {
          respond(res, {
            statusCode: 413,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ error: `the body is over ${MAX_PAYLOAD} bytes` }),
          });
          return;
        }
        const result = (await options.functions.invoke(
          r.fn,
          toEvent(req, r, parameters.values, body),
        )) as APIGatewayProxyStructuredResultV2;
        respond(res, result);
        return;
      }
      respond(res, {
        statusCode: 404,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ error: `no route for ${method} ${path}` }),
      });
    })().catch((error: unknown) => {
      // Handlers map their own errors; reaching here is a defect of the gateway itself.
      process.stderr.write(`gateway error: ${error instanceof Error ? error.stack : String(error)}\n`);
      if (!res.headersSent)
        respond(res, {
          statusCode: 500,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ error: 'internal error' }),
        });
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (socket.writable && answers.get(socket)?.headersSent !== true) {
      const { status, reason, error: message } = clientErrorAnswer(error.code, timeout);
      const body = JSON.stringify({ error: message });
      socket.write(
        `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  });
  return server;
}
