import { createHash, createHmac, randomBytes, timingSafeEqual, type Hash, type Hmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Principal, Principals } from './iam/principals.js';

// Signature Version 4, checked the way AWS checks it, for the local stand-ins of DynamoDB, SES, Step Functions,
// Secrets Manager and S3: the request is signed again with the secret of the key it names, for the same date, region,
// service and signed headers the caller named, and the two signatures are compared in constant time. The signing itself is the AWS SDK's own
// (@smithy/signature-v4), so a request the SDK signs verifies byte for byte and nothing here re-implements it.

export interface LocalCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** The three ways AWS refuses an unauthenticated call, by the name its SDK turns into the error's `name`. */
export type RefusalType = 'MissingAuthenticationTokenException' | 'UnrecognizedClientException' | 'InvalidSignatureException';

export interface Refusal {
  readonly type: RefusalType;
  readonly message: string;
}

export interface IncomingSignedRequest {
  readonly method: string;
  /** The request target as sent: path and query, percent-encoded. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Uint8Array;
}

type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(data: SourceData): Buffer | string {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** SHA-256 (and, given a key, HMAC-SHA256) from node:crypto, in the shape the signer takes. */
export class NodeSha256 {
  readonly #secret: Buffer | string | undefined;
  #hash: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.#secret = secret === undefined ? undefined : bytes(secret);
    this.#hash = this.#fresh();
  }

  #fresh(): Hash | Hmac {
    return this.#secret === undefined ? createHash('sha256') : createHmac('sha256', this.#secret);
  }

  update(data: Uint8Array): void {
    this.#hash.update(data);
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.#hash.digest());
  }

  reset(): void {
    this.#hash = this.#fresh();
  }
}

/** AWS's own tolerance for a request's X-Amz-Date against the server's clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
const ALGORITHM = 'AWS4-HMAC-SHA256';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const CONTENT_SHA256 = 'x-amz-content-sha256';

const refuse = (type: RefusalType, message: string): Refusal => ({ type, message });
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

interface Authorization {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/** `AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=a;b, Signature=hex`. */
function parseAuthorization(header: string): Authorization | string {
  if (!header.startsWith(`${ALGORITHM} `)) return `Unsupported authorization type (only ${ALGORITHM} is accepted)`;
  const fields = new Map<string, string>();
  for (const part of header.slice(ALGORITHM.length + 1).split(',')) {
    const item = part.trim();
    const eq = item.indexOf('=');
    if (eq > 0) fields.set(item.slice(0, eq), item.slice(eq + 1));
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    return "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.";
  }
  const scope = credential.split('/');
  const [accessKeyId, date, region, service, terminator] = scope;
  if (
    scope.length !== 5 ||
    accessKeyId === undefined ||
    date === undefined ||
    region === undefined ||
    service === undefined ||
    terminator !== 'aws4_request'
  ) {
    return `Credential should be scoped to a valid region, service and date ('${credential}').`;
  }
  if (!/^[0-9a-f]{64}$/.test(signature)) return 'The signature is not 64 lowercase hexadecimal digits.';
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature };
}

/** `20261205T182553Z` → its instant, or undefined. */
function parseAmzDate(value: string): Date | undefined {
  if (!/^\d{8}T\d{6}Z$/.test(value)) return undefined;
  const iso = `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}T${value.slice(9, 11)}:${value.slice(11, 13)}:${value.slice(13, 15)}Z`;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const headerValue = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};

export interface VerifierOptions {
  readonly credentials: LocalCredentials;
  /** Further callers with keys of their own (the functions' sandboxes, ./iam/principals.ts); the credentials' holder is always one. */
  readonly principals?: Principals | undefined;
  readonly region: string;
  /** The signing name of the service: `dynamodb`, `ses`, `states`, `secretsmanager`, `s3`. */
  readonly service: string;
}

export class SigV4Verifier {
  readonly #options: VerifierOptions;
  /** A signer per access key, made on its first request. */
  readonly #signers = new Map<string, SignatureV4>();
  readonly #root: Principal;

  constructor(options: VerifierOptions) {
    this.#options = options;
    this.#root = options.principals?.root ?? { name: 'the local runtime', arn: 'local', credentials: options.credentials };
  }

  #principal(accessKeyId: string): Principal | undefined {
    if (accessKeyId === this.#options.credentials.accessKeyId) return this.#root;
    return this.#options.principals?.byAccessKey(accessKeyId);
  }

  #signer(principal: Principal): SignatureV4 {
    let signer = this.#signers.get(principal.credentials.accessKeyId);
    if (signer === undefined) {
      // applyChecksum off: the signer must not add an x-amz-content-sha256 header the caller did not sign.
      signer = new SignatureV4({
        credentials: principal.credentials,
        region: this.#options.region,
        service: this.#options.service,
        sha256: NodeSha256,
        applyChecksum: false,
        // S3 alone signs the path as sent, without encoding it again.
        uriEscapePath: this.#options.service !== 's3',
      });
      this.#signers.set(principal.credentials.accessKeyId, signer);
    }
    return signer;
  }

  /** Undefined when the request is signed with credentials the endpoint knows; otherwise the refusal AWS would give. */
  async verify(request: IncomingSignedRequest, now: Date = new Date()): Promise<Refusal | undefined> {
    const outcome = await this.authenticate(request, now);
    return 'type' in outcome ? outcome : undefined;
  }

  /** Who signed the request, or the refusal AWS would give. */
  async authenticate(request: IncomingSignedRequest, now: Date = new Date()): Promise<Refusal | { readonly principal: Principal }> {
    const authorization = headerValue(request.headers, 'authorization');
    if (authorization === undefined || authorization === '')
      return refuse('MissingAuthenticationTokenException', 'Request is missing Authentication Token');
    const auth = parseAuthorization(authorization);
    if (typeof auth === 'string') return refuse('InvalidSignatureException', auth);
    const principal = this.#principal(auth.accessKeyId);
    if (principal === undefined) return refuse('UnrecognizedClientException', 'The security token included in the request is invalid.');

    const amzDate = headerValue(request.headers, 'x-amz-date') ?? '';
    const signedAt = parseAmzDate(amzDate);
    if (signedAt === undefined)
      return refuse('InvalidSignatureException', "Authorization header requires existence of a valid 'X-Amz-Date' header.");
    if (Math.abs(now.getTime() - signedAt.getTime()) > MAX_CLOCK_SKEW_MS) {
      return refuse(
        'InvalidSignatureException',
        `Signature expired: ${amzDate} is now outside the ${MAX_CLOCK_SKEW_MS / 60_000} minutes allowed around the server's time.`,
      );
    }
    if (auth.date !== amzDate.slice(0, 8))
      return refuse(
        'InvalidSignatureException',
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${amzDate.slice(0, 8)}'.`,
      );
    if (auth.region !== this.#options.region)
      return refuse('InvalidSignatureException', `Credential should be scoped to a valid region, not '${auth.region}'.`);
    if (auth.service !== this.#options.service)
      return refuse('InvalidSignatureException', `Credential should be scoped to correct service: '${this.#options.service}'.`);
    if (!auth.signedHeaders.includes('host')) return refuse('InvalidSignatureException', "'Host' must be a signed header.");

    // The body is what was received, whatever hash the caller claims for it.
    const bodyHash = createHash('sha256').update(request.body).digest('hex');
    const claimedHash = headerValue(request.headers, CONTENT_SHA256);
    if (claimedHash !== undefined && (claimedHash === UNSIGNED_PAYLOAD || claimedHash !== bodyHash)) {
      return refuse('InvalidSignatureException', "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }

    const headers: Record<string, string> = {};
    for (const name of auth.signedHeaders) {
      const value = headerValue(request.headers, name);
      if (value !== undefined) headers[name] = value;
    }
    const target = new URL(request.url, 'http://local.invalid');
    const query: Record<string, string | string[]> = {};
    for (const [key, value] of target.searchParams) {
      const seen = query[key];
      query[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
    }
    const [pathOnly] = request.url.split('?');
    const signed = await this.#signer(principal).sign(
      {
        method: request.method,
        protocol: 'http:',
        hostname: headers['host'] ?? '',
        path: pathOnly === undefined || pathOnly === '' ? '/' : pathOnly,
        query,
        headers,
        body: request.body,
      },
      { signingDate: signedAt, signableHeaders: new Set(auth.signedHeaders) },
    );
    const expected = signatureIn(headerValue(signed.headers, 'authorization') ?? '');
    return expected !== undefined && timingSafeEqual(Buffer.from(expected), Buffer.from(auth.signature))
      ? { principal }
      : refuse('InvalidSignatureException', SIGNATURE_MISMATCH);
  }
}

function signatureIn(authorization: string): string | undefined {
  const at = authorization.lastIndexOf('Signature=');
  const signature = at === -1 ? undefined : authorization.slice(at + 'Signature='.length);
  return signature?.length === 64 ? signature : undefined;
}

/** The wire protocols of the services: JSON 1.0/1.1 (DynamoDB, Step Functions, Secrets Manager), REST JSON (SES v2), REST XML (S3). */
export type AwsProtocol = 'json' | 'rest-json' | 'rest-xml';

/** S3's error codes for the refusals the other services name by exception. */
const S3_CODES: Readonly<Record<string, string>> = {
  MissingAuthenticationTokenException: 'AccessDenied',
  UnrecognizedClientException: 'InvalidAccessKeyId',
  InvalidSignatureException: 'SignatureDoesNotMatch',
  AccessDeniedException: 'AccessDenied',
};

const xmlText = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An S3 error document (`<Error><Code>…</Code><Message>…</Message></Error>`). */
export function s3Error(
  status: number,
  code: string,
  message: string,
  requestId: string = randomBytes(8).toString('hex').toUpperCase(),
): ErrorResponse {
  return {
    status,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xmlText(code)}</Code><Message>${xmlText(message)}</Message><RequestId>${requestId}</RequestId></Error>`,
  };
}

export interface ErrorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A refusal in the service's own error shape, so the SDK raises it by name (`error.name === refusal.type`). */
export function errorResponse(protocol: AwsProtocol, refusal: { readonly type: string; readonly message: string }): ErrorResponse {
  if (protocol === 'json') {
    return {
      status: 400,
      headers: { 'content-type': 'application/x-amz-json-1.0' },
      body: JSON.stringify({ __type: `com.amazon.coral.service#${refusal.type}`, message: refusal.message }),
    };
  }
  if (protocol === 'rest-xml') return s3Error(403, S3_CODES[refusal.type] ?? refusal.type, refusal.message);
  return {
    status: 403,
    headers: { 'content-type': 'application/json', 'x-amzn-ErrorType': refusal.type },
    body: JSON.stringify({ message: refusal.message }),
  };
}
