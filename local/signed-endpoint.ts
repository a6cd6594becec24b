import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import {
  CRASH_AT_VARIABLE,
  crashAt,
  crashCounter,
  crashPointOf,
  REFUSE_AT_VARIABLE,
  reachesCrashPoint,
  refusalCounter,
  refusalOf,
  refusalPointOf,
} from './crash-points.js';
import { faultResponse, localFaults, type FaultEndpoint } from './faults.js';
import { accessDeniedMessage, evaluate } from './iam/policy.js';
import { ACCESS_DENIED_LINE, type Principal, type Principals } from './iam/principals.js';
import { globalKeys, requestedAccess, type ServiceCall } from './iam/requests.js';
import { errorResponse, SigV4Verifier, type AwsProtocol, type LocalCredentials } from './sigv4.js';

// Puts a local AWS stand-in (dynalite, aws-ses-v2-local, the workflow service) behind Signature Version 4: every
// request is read whole, verified against the local credentials, and only then handed to the server's own
// listeners, as a request replayed from the bytes received. A refusal is answered in the service's error shape.
// Here too a verified call meets the local runtime's test aids, before the stand-in sees it: a crash point
// (SIGNOFF_LOCAL_CRASH_AT, ./crash-points.ts), a refused call (SIGNOFF_LOCAL_REFUSE_AT, the same file) and an
// injected fault (SIGNOFF_LOCAL_FAULTS, ./faults.ts).

export interface SignedEndpointOptions {
  readonly credentials: LocalCredentials;
  /**
   * The callers with keys of their own and the policies their calls are judged by (the functions' sandboxes, issue
   * #19). Without it only the credentials' holder is known, and may do anything.
   */
  readonly principals?: Principals | undefined;
  readonly region: string;
  /** The service's signing name: `dynamodb`, `ses`, `states`, `secretsmanager`, `s3`. */
  readonly service: string;
  readonly protocol: AwsProtocol;
  /** Bodies above this are refused (413) before any verification. */
  readonly maxBodyBytes: number;
  /** Paths the service's API owns; anything else is refused whether signed or not. Default: every path. */
  readonly servesPath?: (path: string) => boolean;
  /** What a caller of a path outside the API is told. */
  readonly outsideApi?: string;
  /** The faults injected into verified calls. Default: the process's, from SIGNOFF_LOCAL_FAULTS (none when unset). */
  readonly faults?: FaultEndpoint;
}

function readAll(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A request that reads as `req` did, from `body`: what the wrapped listeners receive once it is verified. */
function replay(req: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = Readable.from(body.length > 0 ? [body] : [], { objectMode: false });
  return Object.assign(copy, {
    method: req.method,
    url: req.url,
    headers: req.headers,
    rawHeaders: req.rawHeaders,
    trailers: req.trailers,
    rawTrailers: req.rawTrailers,
    httpVersion: req.httpVersion,
    httpVersionMajor: req.httpVersionMajor,
    httpVersionMinor: req.httpVersionMinor,
    socket: req.socket,
    connection: req.socket,
    complete: true,
    aborted: false,
    setTimeout: (ms: number, callback?: () => void) => req.setTimeout(ms, callback),
  }) as unknown as IncomingMessage;
}

/**
 * IAM's refusal of a call, if its principal's policy does not allow everything the call asks for: the first access
 * refused, in AWS's words, and a line on this process's output naming the function, action and resource.
 */
function authorize(
  principals: Principals | undefined,
  principal: Principal,
  call: ServiceCall,
): { type: string; message: string } | undefined {
  if (principals === undefined || principal.statements === undefined) return undefined;
  const global = globalKeys(principal, principals.scope);
  for (const asked of requestedAccess(call, principals.scope)) {
    const access = { ...asked, context: { ...global, ...asked.context } };
    const decision = evaluate(principal.statements, access);
    if (decision === 'allowed') continue;
    principals.denied(principal, access);
    const message = accessDeniedMessage(principal.arn, access, decision);
    process.stderr.write(`${ACCESS_DENIED_LINE}${principal.name}: ${message}\n`);
    return { type: 'AccessDeniedException', message };
  }
  return undefined;
}

function answer(res: ServerResponse, protocol: AwsProtocol, refusal: { readonly type: string; readonly message: string }): void {
  const { status, headers, body } = errorResponse(protocol, refusal);
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/** Moves the server's 'request' listeners behind the signature check. Call once, before the first request. */
export function requireSigV4(server: Server, options: SignedEndpointOptions): SigV4Verifier {
  const verifier = new SigV4Verifier(options);
  const crashPoint = crashPointOf(process.env[CRASH_AT_VARIABLE]);
  const crashNow = crashPoint === undefined ? undefined : crashCounter(crashPoint);
  const refusalPoint = refusalPointOf(process.env[REFUSE_AT_VARIABLE]);
  const refuseNow = refusalPoint === undefined ? undefined : refusalCounter(refusalPoint);
  const faults = options.faults ?? localFaults()?.endpoint;
  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      // The Date of every answer is the clock the signature was judged by: an SDK corrects its clock skew from it.
      const now = new Date();
      res.setHeader('date', now.toUTCString());
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (options.servesPath !== undefined && !options.servesPath(path)) {
        // Drain what was sent, so the answer is not cut off by a reset connection.
        req.resume();
        answer(res, options.protocol, { type: 'AccessDeniedException', message: options.outsideApi ?? `${path} is not part of this API` });
        return;
      }
      const body = await readAll(req, options.maxBodyBytes);
      if (body === 'too-large') {
        res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' });
        res.end(`request body over ${options.maxBodyBytes} bytes\n`);
        return;
      }
      const verified = await verifier.authenticate({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body }, now);
      if ('type' in verified) {
        answer(res, options.protocol, verified);
        return;
      }
      const denied = authorize(options.principals, verified.principal, {
        service: options.service,
        method: req.method ?? 'GET',
        path,
        query: (req.url ?? '').split('?')[1] ?? '',
        copySource: req.headers['x-amz-copy-source'] !== undefined,
        target: req.headers['x-amz-target'],
        body,
      });
      if (denied !== undefined) {
        answer(res, options.protocol, denied);
        return;
      }
      if (
        crashPoint !== undefined &&
        reachesCrashPoint(crashPoint, options.service, { method: req.method, path, target: req.headers['x-amz-target'], body }) &&
        crashNow?.()
      )
        crashAt(crashPoint);
      if (
        refusalPoint !== undefined &&
        reachesCrashPoint(refusalPoint, options.service, { method: req.method, path, target: req.headers['x-amz-target'], body }) &&
        refuseNow?.()
      ) {
        const refused = faultResponse(options.protocol, refusalOf(refusalPoint));
        res.writeHead(refused.status, { ...refused.headers, 'content-length': String(Buffer.byteLength(refused.body)) });
        res.end(refused.body);
        return;
      }
      if (faults !== undefined) {
        const call = {
          service: options.service,
          protocol: options.protocol,
          method: req.method ?? 'GET',
          path,
          target: req.headers['x-amz-target'],
          body,
        };
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const injected = await faults.answer(call, { url, region: options.region, credentials: options.credentials });
        if (injected !== undefined) {
          res.writeHead(injected.status, { ...injected.headers, 'content-length': String(Buffer.byteLength(injected.body)) });
          res.end(injected.body);
          return;
        }
      }
      const replayed = replay(req, body);
      for (const listener of listeners) listener.call(server, replayed, res);
    })().catch((error: unknown) => {
      process.stderr.write(`signed endpoint (${options.service}) error: ${error instanceof Error ? error.stack : String(error)}\n`);
      if (!res.headersSent) answer(res, options.protocol, { type: 'InvalidSignatureException', message: 'the request could not be read' });
      else res.destroy();
    });
  });
  return verifier;
}
