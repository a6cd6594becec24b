import { createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { SAMPLE_OPENING } from '../../../local/samples.js';
import { MAX_FORM_BYTES } from '../../../lambdas/core/request/limits.js';
import { apiRoutes } from '../../../manifest.js';
import { samplePost } from '../stack.js';
import type { Rng } from '../../../local/prng.js';
import { BAD_PERCENT, INVALID_UTF8, ODD_PERCENT, nested, oddString, wrongValue } from './values.js';
import type { WireRequest } from './wire.js';

// The HTTP side of the fuzz pass: for every route of manifest.ts and every page the local gateway serves itself, a
// list of requests built from a real one (a signed body, a bearer read, a review form taken from a rendered page) by
// one mutation each. A case names its route (a row of the printed table), its mutation, and, where the answer is
// known for certain, that answer.

/** What the pass starts from: real ids, a real review form, the secrets a real client holds. */
export interface FuzzContext {
  readonly webhookSecret: string;
  readonly apiToken: string;
  readonly auditorToken: string;
  /** A request in changes-requested: a signed new version of it reaches past every check. */
  readonly changesRequestedId: string;
  /** A pending request, for signed withdrawals. */
  readonly withdrawableId: string;
  /** Any request id that exists (status and audit reads). */
  readonly existingId: string;
  /** The review link fuzzed (its link id), and the fields of its rendered form. */
  readonly review: { readonly linkId: string; readonly csrf: string };
  /** A review link whose stage is decided (changes requested): a post to it settles the stage, never decides again. */
  readonly decidedLinkId: string;
  /** The CSRF token of another link's page (a real token, but not this link's). */
  readonly otherCsrf: string;
  /** A withdraw link id (from an acknowledgement). */
  readonly withdrawLinkId: string;
  /** A media key that exists. */
  readonly mediaKey: string;
  readonly accountId: string;
  /** The cursor of a real export's second page. */
  readonly exportCursor: string;
}

export interface FuzzCase {
  /** The row of the printed table: the route as manifest.ts names it, or the gateway's own page. */
  readonly route: string;
  /** The mutation, for a failure message. */
  readonly mutation: string;
  readonly request: WireRequest;
  /** The answer this case must get, when it is certain. */
  readonly expect?: number;
}

type Header = readonly [string, string | Buffer];

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'get', 'FOO', 'M-SEARCH'];

let webhookCounter = 0;

/** A webhook-id of its own for each signed call, from the seed: the same pass sends the same ids. */
function webhookId(rng: Rng): string {
  webhookCounter += 1;
  return `msg_fuzz_${rng.seed.toString(16)}_${webhookCounter}`;
}

/**
 * Standard Webhooks headers over the text the server will read (the bytes decoded as UTF-8, as the gateway does), for
 * any webhook-id and webhook-timestamp, odd ones included: the signature is what a client holding the secret would
 * compute for exactly these, so a mutation of the id or the timestamp is judged past the signature check.
 */
function signed(secret: string, body: Buffer, id: string, timestamp: string = String(Math.floor(Date.now() / 1000))): Header[] {
  const key = Buffer.from(secret.replace(/^whsec_/u, ''), 'base64');
  const mac = createHmac('sha256', key)
    .update(`${id}.${timestamp}.${body.toString('utf8')}`)
    .digest('base64');
  return [
    ['content-type', 'application/json'],
    ['webhook-id', Buffer.from(id, 'latin1')],
    ['webhook-timestamp', timestamp],
    ['webhook-signature', `v1,${mac}`],
  ];
}

function replaceHeader(headers: readonly Header[], name: string, value: string | Buffer | undefined): Header[] {
  const rest = headers.filter(([n]) => n.toLowerCase() !== name);
  return value === undefined ? rest : [...rest, [name, value]];
}

// ---- JSON bodies ----------------------------------------------------------------------------------------------

type Json = unknown;

/** Paths to every value in a JSON value (objects and arrays walked), the root excluded. */
function leafPaths(value: Json, prefix: readonly (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...prefix, i], ...leafPaths(v, [...prefix, i])]);
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...leafPaths(v, [...prefix, k])]);
  return [];
}

function setAt(root: Json, path: readonly (string | number)[], value: unknown, remove = false): Json {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let at: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (remove) {
    if (Array.isArray(at)) at.splice(Number(last), 1);
    else delete at[last];
  } else at[last] = value;
  return copy;
}

/** One mutation of a valid JSON body, as the text to send (and a name for it). */
function mutatedJson(rng: Rng, base: Json): { name: string; text: string | Buffer } {
  const paths = leafPaths(base);
  const path = rng.pick(paths);
  const valid = JSON.stringify(base);
  switch (rng.pick(['malformed', 'types', 'unicode', 'unicode', 'utf8', 'nesting', 'missing', 'extra', 'duplicate', 'root'] as const)) {
    case 'malformed': {
      const text = rng.pick<() => string>([
        () => valid.slice(0, rng.int(valid.length)),
        () => `${valid}${rng.pick(['}', ',', 'x', ' {"a":1}', '\u0000'])}`,
        () => `\ufeff${valid}`,
        () => valid.replace(/"/u, "'"),
        () => valid.replace(/,/gu, ',,'),
        () => valid.replace(/:/u, ''),
        () => `{"a":1,}`,
        () => '{',
        () => '',
        () => ' ',
        () => 'nul',
        () => '[1e999999]',
        () => '{"a":"\\ud800"}',
        () => '{"a":"\\u00zz"}',
        () => '{"a":"unterminated',
        () => rng.string(rng.between(1, 200), '{}[]",:0123456789abcdeftrunl\\ '),
      ])();
      return { name: 'malformed JSON', text };
    }
    case 'types':
      return { name: `wrong type at ${path.join('.')}`, text: JSON.stringify(setAt(base, path, wrongValue(rng))) };
    case 'unicode':
      return { name: `odd Unicode at ${path.join('.')}`, text: JSON.stringify(setAt(base, path, oddString(rng))) };
    case 'utf8': {
      // Bytes that are no UTF-8 inside a string of the body.
      const [before, after] = JSON.stringify(setAt(base, path, '\u0001MARK\u0001')).split('\\u0001MARK\\u0001') as [string, string];
      return {
        name: `bytes that are not UTF-8 at ${path.join('.')}`,
        text: Buffer.concat([Buffer.from(before), rng.pick(INVALID_UTF8), Buffer.from(after ?? '')]),
      };
    }
    case 'nesting': {
      // Written as text: a value 20,000 levels deep is more than JSON.stringify's own recursion takes.
      const depth = rng.pick([32, 33, 1_000, 20_000]);
      const [open, close] = rng.pick([
        ['[', ']'],
        ['{"a":', '}'],
      ] as const);
      const [before, after] = JSON.stringify(setAt(base, path, '\u0001MARK\u0001')).split('"\\u0001MARK\\u0001"') as [string, string];
      return {
        name: `nesting ${depth} deep at ${path.join('.')}`,
        text: `${before}${open.repeat(depth)}0${close.repeat(depth)}${after ?? ''}`,
      };
    }
    case 'missing': {
      let body = base;
      const drop = rng.between(1, 3);
      for (let i = 0; i < drop; i++) {
        const candidates = leafPaths(body);
        if (candidates.length === 0) break;
        body = setAt(body, rng.pick(candidates), undefined, true);
      }
      return { name: `${drop} field(s) missing`, text: JSON.stringify(body) };
    }
    case 'extra': {
      const extra: Record<string, unknown> = rng.pick<() => Record<string, unknown>>([
        () => ({ extra: oddString(rng) }),
        () => ({ '': 1 }),
        () => ({ constructor: { prototype: { polluted: true } } }),
        () => ({ [oddString(rng).slice(0, 200)]: true }),
        () => Object.fromEntries(Array.from({ length: rng.pick([50, 2_000]) }, (_, i) => [`extra${i}`, i])),
      ])();
      const text = JSON.stringify({ ...(base as Record<string, unknown>), ...extra });
      // `__proto__` as a key of the text: JSON.parse makes it an own property, an object spread would not.
      return rng.chance(0.3)
        ? { name: 'extra field __proto__', text: `{"__proto__":{"polluted":true},${text.slice(1)}` }
        : { name: 'extra fields', text };
    }
    case 'duplicate': {
      const key = Object.keys(base as Record<string, unknown>)[0] ?? 'a';
      return { name: `duplicate key ${key}`, text: `{${JSON.stringify(key)}:${JSON.stringify(wrongValue(rng))},${valid.slice(1)}` };
    }
    case 'root':
      return {
        name: 'a root that is no object',
        text: JSON.stringify(rng.pick([[], [base], 'submit', 0, null, true, nested(10, 'array')])),
      };
  }
}

// ---- routes ---------------------------------------------------------------------------------------------------

interface RouteShape {
  readonly route: string;
  /** The path with `{param}` replaced by the (already encoded) value given. */
  readonly path: (param: string) => string;
  /** The value of its parameter in a request that reaches the handler (encoded as sent). */
  readonly param: string;
  readonly methods: readonly string[];
}

/** A route of manifest.ts: its row name (methods and path, as the table prints it) and its methods. */
function manifestRoute(path: string): { readonly route: string; readonly methods: readonly string[] } {
  const found = apiRoutes.find((r) => r.path === path);
  if (found === undefined) throw new Error(`${path} is no route of manifest.ts`);
  return { route: `${found.methods.join(',')} ${path}`, methods: found.methods };
}

/** The path mutations every route with a parameter gets; each decided by the gateway before any handler runs. */
function paramCase(rng: Rng, shape: RouteShape, base: (target: string) => WireRequest): FuzzCase {
  const kind = rng.pick(['long', 'long-utf8', 'at-limit', 'bad-percent', 'odd-percent', 'raw-bytes', 'odd-text', 'dots'] as const);
  const make = (mutation: string, param: string, expect?: number): FuzzCase => ({
    route: shape.route,
    mutation,
    request: base(shape.path(param)),
    ...(expect === undefined ? {} : { expect }),
  });
  switch (kind) {
    case 'long': {
      const n = rng.pick([2_049, 3_000, 9_000]);
      return make(`path parameter of ${n} bytes`, 'a'.repeat(n), 414);
    }
    case 'long-utf8':
      // 700 euro signs: 2,100 bytes decoded, 6,300 characters sent.
      return make('path parameter of 2,100 bytes (UTF-8)', '%E2%82%AC'.repeat(700), 414);
    case 'at-limit':
      return make('path parameter of 2,048 bytes', 'a'.repeat(2_048));
    case 'bad-percent': {
      const bad = rng.pick(BAD_PERCENT);
      // `_` after the escape: a parameter that begins with hex digits would complete `%E0%A4%A` into a valid one.
      const param = rng.pick([bad, `${shape.param}${bad}`, `${bad}_${shape.param}`]);
      // `%u0041` and `%%32%35` hold a `%` not followed by two hex digits; all of these fail to decode.
      return make(`malformed percent-encoding ${bad}`, param, 400);
    }
    case 'odd-percent':
      return make('percent-encoded odd text', `${shape.param}${rng.pick(ODD_PERCENT)}`);
    case 'raw-bytes':
      return {
        route: shape.route,
        mutation: 'raw bytes in the path',
        request: base(Buffer.concat([Buffer.from(shape.path('')), rng.pick(INVALID_UTF8), Buffer.from('x')]).toString('latin1')),
      };
    case 'odd-text':
      return make(
        'odd text percent-encoded',
        // Cut first: a cut can leave half a surrogate pair, which encodeURIComponent refuses (a URL cannot hold one).
        encodeURIComponent(
          oddString(rng)
            .slice(0, 600)
            .replace(/[\ud800-\udfff]/gu, 'x'),
        ),
      );
    case 'dots':
      return make('dot segments', rng.pick(['.', '..', '%2E', `${shape.param}/..`, `${shape.param}/.`]));
  }
}

/** Path shapes any route gets: `//` in front, a trailing slash, a different case, a query of junk, absolute form. */
function pathShapeCase(rng: Rng, route: string, path: string, base: (target: string) => WireRequest): FuzzCase {
  const kind = rng.pick(['double-slash', 'trailing', 'case', 'query', 'absolute', 'matrix', 'fragment'] as const);
  switch (kind) {
    case 'double-slash':
      return { route, mutation: 'path starting //', request: base(`/${path}`), expect: 404 };
    case 'trailing':
      return { route, mutation: 'trailing slash', request: base(`${path}/`) };
    case 'case':
      return { route, mutation: 'upper case path', request: base(path.toUpperCase()) };
    case 'query':
      return {
        route,
        mutation: 'a query of junk',
        request: base(`${path}?${rng.pick(['%zz', '%', '&&&', '==', 'a[b]=c', `x=${'y'.repeat(8_000)}`, '%E0%A4%A=1', 'a=%00', '?'])}`),
      };
    case 'absolute':
      return { route, mutation: 'absolute-form target', request: base(`http://127.0.0.1${path}`) };
    case 'matrix':
      return { route, mutation: 'a ;parameter', request: base(`${path};x=y`) };
    case 'fragment':
      return { route, mutation: 'a #fragment', request: base(`${path}#frag`) };
  }
}

function methodCase(
  rng: Rng,
  route: string,
  path: string,
  allowed: readonly string[],
  headers: readonly Header[] = [],
  /** The answer to a method the route does not take: 405 for a route of the API. */
  disallowed: number | undefined = 405,
): FuzzCase {
  const method = rng.pick(METHODS);
  // Node's parser takes upper-case registered methods only: `get` and `FOO` never reach the gateway (400).
  const known = method === method.toUpperCase() && method !== 'FOO';
  const expect = !known ? 400 : allowed.includes(method) ? undefined : disallowed;
  return {
    route,
    mutation: `method ${method}`,
    request: { method, target: path, headers, ...(method === 'POST' || method === 'PUT' ? { body: Buffer.from('{}') } : {}) },
    ...(expect === undefined ? {} : { expect }),
  };
}

/** A body trickled a byte every 250 ms: the server must answer within its time bound, not wait for it. */
function slowCase(route: string, method: string, target: string, headers: readonly Header[], body: Buffer): FuzzCase {
  return {
    route,
    mutation: 'slow body (a byte every 250 ms)',
    request: { method, target, headers, body: Buffer.concat([body, Buffer.alloc(400, 0x20)]), trickle: { bytes: 1, everyMs: 250 } },
    expect: 408,
  };
}

/** A Content-Length longer than the body sent, then silence: the same time bound. */
function shortBodyCase(route: string, method: string, target: string, headers: readonly Header[], body: Buffer): FuzzCase {
  return {
    route,
    mutation: 'Content-Length longer than the body',
    request: { method, target, headers, body, contentLength: body.length + 100 },
    expect: 408,
  };
}

const CONTENT_TYPES = [
  'text/plain',
  'image/png',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'APPLICATION/JSON',
  'application/json;;;',
  'application/jsonx',
  ';',
  '',
  `application/${'x'.repeat(4_000)}`,
];

const ENCODINGS = ['gzip', 'br', 'deflate', 'identity', 'gzip, identity', 'x-unknown', ''];

/**
 * One of the signed call's headers made wrong: missing, empty, huge, in raw bytes, stale. An id or a timestamp that
 * is sent is signed as sent (a header value's bytes read as latin1, as Node reads them), so only the header itself
 * can be what the server objects to.
 */
function headerMutation(
  rng: Rng,
  ctx: FuzzContext,
  body: Buffer,
  id: string,
): { name: string; headers: Header[]; noContentLength?: boolean } {
  const now = Math.floor(Date.now() / 1000);
  const headers = signed(ctx.webhookSecret, body, id);
  const quote = (v: string | undefined) => (v === undefined ? 'missing' : `"${v.slice(0, 24)}${v.length > 24 ? `…" (${v.length})` : '"'}`);
  const which = rng.pick([
    'webhook-id',
    'webhook-id',
    'webhook-timestamp',
    'webhook-signature',
    'no content-length',
    'authorization',
  ] as const);
  if (which === 'no content-length') return { name: 'no Content-Length', headers, noContentLength: true };
  if (which === 'authorization') return { name: 'a bearer token too', headers: [...headers, ['authorization', `Bearer ${ctx.apiToken}`]] };
  if (which === 'webhook-id') {
    const value = rng.pick([undefined, '', ' ', 'x'.repeat(300), 'x'.repeat(2_100), 'x'.repeat(8_000), 'msg\u00ff\u00fe', 'msg_%zz/../#']);
    const resigned = value === undefined ? replaceHeader(headers, 'webhook-id', undefined) : signed(ctx.webhookSecret, body, value);
    return { name: `webhook-id ${quote(value)}`, headers: resigned };
  }
  if (which === 'webhook-timestamp') {
    const value = rng.pick([
      undefined,
      '',
      '-1',
      '0',
      '1e9',
      '99999999999999999999',
      ` ${now}`,
      `0${now}`,
      String(now - 600),
      String(now + 600),
    ]);
    const resigned =
      value === undefined ? replaceHeader(headers, 'webhook-timestamp', undefined) : signed(ctx.webhookSecret, body, id, value);
    return { name: `webhook-timestamp ${quote(value)}`, headers: resigned };
  }
  const value = rng.pick([
    undefined,
    '',
    'v1,',
    'v1,AAAA',
    'v2,AAAA',
    `v1,${'A'.repeat(8_000)}`,
    Array.from({ length: 300 }, () => 'v1,QUFBQQ==').join(' '),
  ]);
  return { name: `webhook-signature ${quote(value)}`, headers: replaceHeader(headers, 'webhook-signature', value) };
}

// ---- the signed routes ----------------------------------------------------------------------------------------

function signedRouteCases(rng: Rng, ctx: FuzzContext, count: number, shape: RouteShape, baseBody: () => Json): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const route = shape.route;
  const target = shape.path(shape.param);
  for (let i = 0; i < count; i++) {
    const body = baseBody();
    const valid = Buffer.from(JSON.stringify(body));
    const sign = (bytes: Buffer) => signed(ctx.webhookSecret, bytes, webhookId(rng));
    const post = (t: string, bytes: Buffer = valid, headers: readonly Header[] = sign(bytes)): WireRequest => ({
      method: 'POST',
      target: t,
      headers,
      body: bytes,
    });
    const kind = rng.pick([
      'json',
      'json',
      'json',
      'json',
      'json',
      'json',
      'headers',
      'headers',
      'content-type',
      'encoding',
      'method',
      'param',
      'path',
      'huge',
    ] as const);
    switch (kind) {
      case 'json': {
        const { name, text } = mutatedJson(rng, body);
        const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
        cases.push({ route, mutation: name, request: post(target, bytes) });
        break;
      }
      case 'headers': {
        const { name, headers, noContentLength } = headerMutation(rng, ctx, valid, webhookId(rng));
        cases.push({
          route,
          mutation: name,
          request: { method: 'POST', target, headers, body: valid, ...(noContentLength ? { noContentLength } : {}) },
        });
        break;
      }
      case 'content-type': {
        const type = rng.pick(CONTENT_TYPES);
        const headers = replaceHeader(sign(valid), 'content-type', rng.chance(0.2) ? undefined : type);
        const essence = type.split(';')[0]?.trim().toLowerCase() ?? '';
        // Signed JSON taken only as application/json (or no type at all): anything else is a 415 before the signature.
        const expect = essence === '' || essence === 'application/json' || !headers.some(([n]) => n === 'content-type') ? undefined : 415;
        cases.push({
          route,
          mutation: `content-type ${type.slice(0, 40) || '(empty)'}`,
          request: post(target, valid, headers),
          ...(expect === undefined ? {} : { expect }),
        });
        break;
      }
      case 'encoding': {
        const encoding = rng.pick(ENCODINGS);
        const applied = encoding === 'gzip' && rng.chance(0.5);
        const bytes = applied ? gzipSync(valid) : valid;
        const headers = [...sign(bytes), ['content-encoding', encoding] as Header];
        const expect = encoding === '' || encoding === 'identity' ? undefined : 415;
        cases.push({
          route,
          mutation: `content-encoding ${encoding || '(empty)'}${applied ? ' (applied)' : encoding === 'gzip' ? ' (not applied)' : ''}`,
          request: post(target, bytes, headers),
          ...(expect === undefined ? {} : { expect }),
        });
        break;
      }
      case 'method':
        cases.push(methodCase(rng, route, target, shape.methods, sign(valid)));
        break;
      case 'param':
        if (shape.path('X') === shape.path('Y')) cases.push(pathShapeCase(rng, route, target, (t) => post(t)));
        else cases.push(paramCase(rng, shape, (t) => post(t)));
        break;
      case 'path':
        cases.push(pathShapeCase(rng, route, target, (t) => post(t)));
        break;
      case 'huge': {
        // Over the route's 128 KiB, mostly; now and then over the gateway's 10 MiB too (each costs seconds to send).
        const n = rng.chance(0.2) ? 11 * 1024 * 1024 : 130 * 1024;
        const bytes = Buffer.from(JSON.stringify({ ...(body as Record<string, unknown>), text: 'x'.repeat(n) }));
        cases.push({ route, mutation: `a body of ${bytes.length} bytes`, request: post(target, bytes), expect: 413 });
        break;
      }
    }
  }
  const slowBody = Buffer.from(JSON.stringify(baseBody()));
  cases.push(slowCase(route, 'POST', target, signed(ctx.webhookSecret, slowBody, webhookId(rng)), slowBody));
  cases.push(shortBodyCase(route, 'POST', target, signed(ctx.webhookSecret, slowBody, webhookId(rng)), slowBody));
  return cases;
}

// ---- bearer reads ---------------------------------------------------------------------------------------------

function authVariant(rng: Rng, token: string): { name: string; headers: Header[] } {
  return rng.pick<() => { name: string; headers: Header[] }>([
    () => ({ name: 'no authorization', headers: [] }),
    () => ({ name: 'a wrong token', headers: [['authorization', 'Bearer nope']] }),
    () => ({ name: 'lower-case bearer', headers: [['authorization', `bearer ${token}`]] }),
    () => ({ name: 'Basic', headers: [['authorization', `Basic ${Buffer.from(`x:${token}`).toString('base64')}`]] }),
    () => ({
      name: 'a token in raw bytes',
      headers: [['authorization', Buffer.concat([Buffer.from('Bearer '), Buffer.from([0xff, 0xc3, 0x28])])]],
    }),
    () => ({ name: 'a token of 8,000 characters', headers: [['authorization', `Bearer ${'t'.repeat(8_000)}`]] }),
    () => ({
      name: 'two authorization headers',
      headers: [
        ['authorization', `Bearer ${token}`],
        ['authorization', 'Bearer nope'],
      ],
    }),
    () => ({ name: 'the token with spaces around', headers: [['authorization', `Bearer    ${token}   `]] }),
    () => ({ name: 'the token and more', headers: [['authorization', `Bearer ${token}x`]] }),
  ])();
}

function bearerRouteCases(rng: Rng, count: number, shape: RouteShape, token: string, queries: (rng: Rng) => string): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const route = shape.route;
  const auth: Header[] = [['authorization', `Bearer ${token}`]];
  const get = (t: string, headers: readonly Header[] = auth, method = 'GET'): WireRequest => ({ method, target: t, headers });
  const target = shape.path(shape.param);
  const hasParam = shape.path('X') !== shape.path('Y');
  for (let i = 0; i < count; i++) {
    const kind = rng.pick(['auth', 'param', 'param', 'param', 'path', 'method', 'query', 'query', 'body', 'head'] as const);
    switch (kind) {
      case 'auth': {
        const { name, headers } = authVariant(rng, token);
        cases.push({ route, mutation: name, request: get(target, headers) });
        break;
      }
      case 'param':
        cases.push(hasParam ? paramCase(rng, shape, (t) => get(t)) : pathShapeCase(rng, route, target, (t) => get(t)));
        break;
      case 'path':
        cases.push(pathShapeCase(rng, route, target, (t) => get(t)));
        break;
      case 'method':
        cases.push(methodCase(rng, route, target, shape.methods, auth));
        break;
      case 'query':
        cases.push({ route, mutation: 'query', request: get(`${target}?${queries(rng)}`) });
        break;
      case 'body': {
        const type = rng.pick(CONTENT_TYPES);
        cases.push({
          route,
          mutation: `a GET with a body (${type.slice(0, 30)})`,
          request: {
            method: 'GET',
            target,
            headers: [...auth, ['content-type', type], ['content-encoding', rng.pick(ENCODINGS)]],
            body: Buffer.from(oddString(rng).slice(0, 5_000)),
          },
        });
        break;
      }
      case 'head':
        cases.push({ route, mutation: 'HEAD', request: get(target, auth, 'HEAD') });
        break;
    }
  }
  cases.push(slowCase(route, 'GET', target, auth, Buffer.from('{"a":1}')));
  return cases;
}

function accountsQuery(rng: Rng): string {
  const name = rng.pick(['unit', 'platform', 'status', 'x', '', 'unit[]', '__proto__', 'constructor']);
  const value = rng.pick(['physics', 'bluesky', 'active', '', oddString(rng).slice(0, 300), ...BAD_PERCENT]);
  const pair = `${encodeURIComponent(name)}=${value.startsWith('%') || value === 'a%' ? value : encodeURIComponent(value.replace(/[\ud800-\udfff]/gu, '?'))}`;
  return rng.chance(0.3) ? `${pair}&${pair}` : pair;
}

/** A real cursor with one field of its position (or of its filter) changed. */
function mutatedCursor(rng: Rng, cursor: string): string {
  const position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
  const value = rng.chance(0.5)
    ? wrongValue(rng)
    : rng.pick(['', 'x', '2030-99-99T00:00:00.000Z', '+275760-09-13T00:00:00.000Z', '2030-02-30', `x#${'r'.repeat(3_000)}#0000000001`]);
  if (rng.chance(0.3)) {
    const filter = position['filter'] as Record<string, unknown>;
    filter[rng.pick(['from', 'to', 'requestId', 'account', 'types', 'extra'])] = value;
  } else position[rng.pick([...Object.keys(position), 'dayDone', 'firstDay', 'extra'])] = value;
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

function exportQuery(rng: Rng, cursor: string): string {
  const params: string[] = [];
  const add = (name: string, values: readonly string[]) => {
    if (rng.chance(0.5)) params.push(`${name}=${encodeURIComponent(rng.pick(values))}`);
  };
  const extremes = [
    '+275760-09-13T00:00:00Z',
    '-271821-04-20T00:00:00Z',
    '+010000-01-01T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
  ];
  add('from', [
    '2020-01-01T00:00:00Z',
    '1970-01-01',
    '2999-12-31T23:59:59Z',
    'yesterday',
    '0',
    '-1',
    '9999-99-99',
    '2026-02-30',
    '',
    ...extremes,
  ]);
  add('to', ['2100-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 'tomorrow', '1e20', '', ...extremes]);
  add('format', ['csv', 'jsonl', 'xml', '', 'CSV']);
  add('limit', ['1', '0', '-1', '20000', '20001', '1e3', 'abc', '1.5', '99999999999999999999']);
  add('requestId', ['req_x', '', 'x'.repeat(81), '../x']);
  add('account', ['physics-x', '', 'x'.repeat(129)]);
  add('type', ['request.submitted', 'X', Array.from({ length: 51 }, (_, i) => `t${i}`).join(','), ',,,']);
  add('contents', ['true', 'false', 'yes']);
  if (rng.chance(0.3)) params.push(`cursor=${mutatedCursor(rng, cursor)}`);
  add('cursor', [
    cursor,
    '',
    'x',
    '%',
    Buffer.from('{"a":1}').toString('base64url'),
    Buffer.from(JSON.stringify(nested(40, 'object'))).toString('base64url'),
    Buffer.from(
      oddString(rng)
        .replace(/[\ud800-\udfff]/gu, '?')
        .slice(0, 2_000),
    ).toString('base64url'),
    'A'.repeat(6_000),
  ]);
  if (rng.chance(0.2)) params.push(rng.pick(BAD_PERCENT));
  return params.join('&');
}

// ---- review and withdraw links --------------------------------------------------------------------------------

function form(fields: ReadonlyArray<readonly [string, string]>): string {
  return fields.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v.replace(/[\ud800-\udfff]/gu, '\ufffd'))}`).join('&');
}

/** One mutation of the review page's form as the page would post it. */
function mutatedReviewForm(rng: Rng, ctx: FuzzContext): { name: string; body: Buffer; expect?: number } {
  // The form as the page posts it, deciding nothing on its own: changes requested, no comment yet.
  const base: Array<readonly [string, string]> = [
    ['csrf', ctx.review.csrf],
    ['decision', 'request-changes'],
    ['comment', ''],
  ];
  const kind = rng.pick(['drop', 'duplicate', 'huge', 'csrf', 'decision', 'statement', 'classify', 'encoding', 'odd', 'order'] as const);
  switch (kind) {
    case 'drop': {
      const drop = rng.pick(['csrf', 'decision', 'comment']);
      return { name: `form without ${drop}`, body: Buffer.from(form(base.filter(([k]) => k !== drop))) };
    }
    case 'duplicate': {
      const field = rng.pick(base);
      // The first of two values is the one read: never one that makes the form valid, so the link stays open (a
      // request for changes needs a comment; a rejection too).
      const first: Record<string, readonly string[]> = { csrf: ['', 'x', ctx.otherCsrf], decision: ['', 'x', 'reject'], comment: [''] };
      const twice: Array<readonly [string, string]> = [[field[0], rng.pick(first[field[0]] ?? [''])], ...base];
      return { name: `${field[0]} twice`, body: Buffer.from(form(rng.chance(0.5) ? twice : [...base, ...base])) };
    }
    case 'huge': {
      const n = rng.pick([5_001, 60_000, 450_000]);
      // n characters (code points: an emoji is one, though two UTF-16 units).
      const comment = [...rng.pick(['x', 'é', '\u{1f600}', 'Please change this. ']).repeat(n)].slice(0, n).join('');
      // Within the form's 64 KiB, a 400 naming the comment (over 5,000 characters); beyond, a 413. Either way a 4xx.
      const body = Buffer.from(form([...base.filter(([k]) => k !== 'comment'), ['comment', comment]]));
      return { name: `a comment of ${n.toLocaleString('en')} characters`, body, expect: body.length > MAX_FORM_BYTES ? 413 : 400 };
    }
    case 'csrf': {
      const csrf = rng.pick(['', 'x', ctx.otherCsrf, `${ctx.review.csrf}x`, ctx.review.csrf.toUpperCase(), oddString(rng).slice(0, 500)]);
      return {
        name: 'a wrong csrf',
        body: Buffer.from(
          form([
            ['csrf', csrf],
            ['decision', 'approve'],
            ['comment', ''],
          ]),
        ),
        expect: 403,
      };
    }
    case 'decision': {
      const decision = rng.pick([
        '',
        'APPROVE',
        'approve\u0000',
        'maybe',
        'reject ',
        'approved',
        oddString(rng).slice(0, 200),
        '__proto__',
      ]);
      return {
        name: `decision "${decision.slice(0, 20)}"`,
        body: Buffer.from(
          form([
            ['csrf', ctx.review.csrf],
            ['decision', decision],
            ['comment', 'Fuzz.'],
          ]),
        ),
      };
    }
    case 'statement': {
      const statements = Array.from(
        { length: rng.pick([1, 50, 2_000]) },
        () => ['statement', rng.pick(['P-ALT', 'x', '', oddString(rng).slice(0, 50)])] as const,
      );
      return { name: `${statements.length} statements`, body: Buffer.from(form([...base, ...statements])) };
    }
    case 'classify': {
      const fields: Array<readonly [string, string]> = [
        ['csrf', ctx.review.csrf],
        ['action', 'classify'],
        ['publication', rng.pick(['yes', 'no', 'maybe', ''])],
        ['reason', rng.pick(['', 'x', oddString(rng).slice(0, 20_000)])],
      ];
      return { name: 'a classification override', body: Buffer.from(form(rng.chance(0.5) ? fields : fields.slice(0, rng.between(1, 3)))) };
    }
    case 'encoding': {
      const bad = rng.pick([...BAD_PERCENT, '&&&', '===', 'a=b=c', '+++', '%00']);
      return {
        name: `form encoding ${bad}`,
        body: Buffer.from(`csrf=${encodeURIComponent(ctx.review.csrf)}&decision=${bad}&comment=${bad}`),
      };
    }
    case 'odd':
      return {
        name: 'raw bytes that are not UTF-8 in the comment',
        body: Buffer.concat([
          Buffer.from(`csrf=${encodeURIComponent(ctx.review.csrf)}&decision=request-changes&comment=`),
          rng.pick(INVALID_UTF8),
        ]),
      };
    case 'order':
      return { name: 'fields reordered', body: Buffer.from(form(rng.shuffled(base))) };
  }
}

function linkRouteCases(
  rng: Rng,
  count: number,
  shape: RouteShape,
  formBody: (rng: Rng) => { name: string; body: Buffer; expect?: number },
  /** Another link of the route, whose forms are posted now and then too (with no answer expected but one under 500). */
  other?: string,
): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const route = shape.route;
  const target = shape.path(shape.param);
  const formType: Header = ['content-type', 'application/x-www-form-urlencoded'];
  const post = (t: string, body: Buffer = Buffer.from('decision=approve'), headers: readonly Header[] = [formType]): WireRequest => ({
    method: 'POST',
    target: t,
    headers,
    body,
  });
  for (let i = 0; i < count; i++) {
    const kind = rng.pick([
      'form',
      'form',
      'form',
      'form',
      'content-type',
      'encoding',
      'method',
      'param',
      'param',
      'path',
      'view',
    ] as const);
    switch (kind) {
      case 'form': {
        const { name, body, expect } = formBody(rng);
        if (other !== undefined && rng.chance(0.2))
          cases.push({ route, mutation: `${name}, to the other link`, request: post(shape.path(other), body) });
        else cases.push({ route, mutation: name, request: post(target, body), ...(expect === undefined ? {} : { expect }) });
        break;
      }
      case 'content-type': {
        const type = rng.pick(CONTENT_TYPES);
        const { name, body } = formBody(rng);
        cases.push({
          route,
          mutation: `${name}, content-type ${type.slice(0, 30)}`,
          request: post(target, body, rng.chance(0.2) ? [] : [['content-type', type]]),
        });
        break;
      }
      case 'encoding': {
        const { name, body } = formBody(rng);
        const encoding = rng.pick(ENCODINGS);
        cases.push({
          route,
          mutation: `${name}, content-encoding ${encoding}`,
          request: post(target, encoding === 'gzip' ? gzipSync(body) : body, [formType, ['content-encoding', encoding]]),
        });
        break;
      }
      case 'method':
        cases.push(methodCase(rng, route, target, shape.methods));
        break;
      case 'param':
        cases.push(paramCase(rng, shape, (t) => (rng.chance(0.5) ? { method: 'GET', target: t } : post(t))));
        break;
      case 'path':
        cases.push(pathShapeCase(rng, route, target, (t) => ({ method: 'GET', target: t })));
        break;
      case 'view':
        cases.push({ route, mutation: 'GET or HEAD', request: { method: rng.pick(['GET', 'HEAD']), target } });
        break;
    }
  }
  const slow = Buffer.from('decision=approve&comment=x');
  cases.push(slowCase(route, 'POST', target, [formType], slow));
  cases.push(shortBodyCase(route, 'POST', target, [formType], slow));
  return cases;
}

function withdrawForm(rng: Rng): { name: string; body: Buffer } {
  return rng.pick<() => { name: string; body: Buffer }>([
    () => ({ name: 'confirm in odd text', body: Buffer.from(form([['confirm', oddString(rng).slice(0, 2_000)]])) }),
    () => ({ name: 'no confirm', body: Buffer.from('') }),
    () => ({ name: 'a form over 64 KiB', body: Buffer.from(`confirm=x&pad=${'x'.repeat(70_000)}`) }),
    () => ({ name: 'malformed encoding', body: Buffer.from(`confirm=${rng.pick(BAD_PERCENT)}`) }),
    () => ({ name: 'bytes that are not UTF-8', body: Buffer.concat([Buffer.from('confirm='), rng.pick(INVALID_UTF8)]) }),
    () => ({ name: 'confirm twice', body: Buffer.from('confirm=x&confirm=withdraw') }),
  ])();
}

// ---- media and the gateway's own pages -----------------------------------------------------------------------

function mediaCases(rng: Rng, count: number, shape: RouteShape): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const target = shape.path(shape.param);
  for (let i = 0; i < count; i++) {
    const kind = rng.pick(['param', 'param', 'param', 'key', 'path', 'method', 'view'] as const);
    switch (kind) {
      case 'param':
        cases.push(paramCase(rng, shape, (t) => ({ method: rng.pick(['GET', 'HEAD']), target: t })));
        break;
      case 'key': {
        const key = rng.pick([
          `${'a'.repeat(40)}.png`,
          `${'a'.repeat(40)}.exe`,
          `${'g'.repeat(40)}.png`,
          '.png',
          `${shape.param}.png`,
          `${shape.param.slice(0, 39)}.png`,
          `${shape.param}%00`,
        ]);
        cases.push({ route: shape.route, mutation: 'a key of the wrong shape', request: { method: 'GET', target: shape.path(key) } });
        break;
      }
      case 'path':
        cases.push(pathShapeCase(rng, shape.route, target, (t) => ({ method: 'GET', target: t })));
        break;
      case 'method':
        cases.push(methodCase(rng, shape.route, target, shape.methods));
        break;
      case 'view':
        cases.push({
          route: shape.route,
          mutation: 'GET or HEAD',
          request: { method: rng.pick(['GET', 'HEAD']), target, headers: [['range', rng.pick(['bytes=0-1', 'bytes=-1', 'bytes=x'])]] },
        });
        break;
    }
  }
  return cases;
}

function localPageCases(rng: Rng, count: number, route: string, path: string): FuzzCase[] {
  const cases: FuzzCase[] = [];
  for (let i = 0; i < count; i++) {
    const kind = rng.pick(['query', 'query', 'host', 'host', 'method', 'path', 'body'] as const);
    switch (kind) {
      case 'query': {
        const value = () =>
          rng.pick(['0', '1', '-1', '1e3', '99999999999999999999', '', 'x', '0x10', '1.5', ' 2', '%', '%zz', 'Infinity', 'NaN']);
        cases.push({
          route,
          mutation: 'from and limit',
          request: { method: 'GET', target: `${path}?from=${value()}&limit=${value()}${rng.chance(0.3) ? `&from=${value()}` : ''}` },
        });
        break;
      }
      case 'host': {
        const host = rng.pick<string | Buffer>([
          'evil.example',
          '',
          ' ',
          'localhost:99999',
          '[::1]:1',
          '127.0.0.1:abc',
          'LOCALHOST',
          `${'h'.repeat(8_000)}`,
          Buffer.from([0x6c, 0xff, 0xfe]),
          '127.0.0.1.evil.example',
        ]);
        cases.push({ route, mutation: 'a Host header', request: { method: 'GET', target: path, headers: [['host', host]] } });
        break;
      }
      case 'method':
        // The gateway's own pages answer GET; another method finds no route (404), as any unknown path.
        cases.push(methodCase(rng, route, path, ['GET'], [], 404));
        break;
      case 'path':
        cases.push(pathShapeCase(rng, route, path, (t) => ({ method: 'GET', target: t })));
        break;
      case 'body':
        cases.push({
          route,
          mutation: 'a GET with a body',
          request: { method: 'GET', target: path, body: Buffer.from(oddString(rng).slice(0, 1_000)) },
        });
        break;
    }
  }
  return cases;
}

/** Paths no route has, in shapes near the real ones. */
function unknownPathCases(rng: Rng, count: number): FuzzCase[] {
  const cases: FuzzCase[] = [];
  for (let i = 0; i < count; i++) {
    const target = rng.pick<() => string>([
      () => `/v1/${rng.pick(BAD_PERCENT)}`,
      () => `/_local/${rng.pick(['', 'x', 'outbox.jsonl', '..', 'outbox/'])}`,
      () => rng.pick(['//', '///', '/./', '/..', '/%2F', '/%', '*', '/?', '/v1/requests/x/y/z', '/approvals/', '/withdraw//x', '/media/']),
      () => `/${rng.string(rng.between(1, 50), 'abc/%.~-_')}`,
      () => `/${'a/'.repeat(3_000)}`,
      () => `/${'x'.repeat(rng.pick([2_100, 15_000, 20_000]))}`,
    ])();
    cases.push({
      route: '(no route)',
      mutation: 'an unknown path',
      request: { method: rng.pick(['GET', 'POST', 'HEAD', 'DELETE']), target },
    });
  }
  // A request line a byte at a time: the headers themselves are slow.
  cases.push({
    route: '(no route)',
    mutation: 'slow headers',
    request: { method: 'GET', target: '/', headers: [['x-slow', 'y'.repeat(400)]], trickle: { bytes: 1, everyMs: 250, headers: true } },
    expect: 408,
  });
  return cases;
}

// ---- the defects found so far, in every pass ------------------------------------------------------------------

/**
 * Each input that once got a 500, a hang or a wrong answer (issue #13's report and what this pass found), sent in
 * every pass whatever the seed draws, with the answer it must get now.
 */
function regressionCases(rng: Rng, ctx: FuzzContext): FuzzCase[] {
  const auditor: Header[] = [['authorization', `Bearer ${ctx.auditorToken}`]];
  const bearer: Header[] = [['authorization', `Bearer ${ctx.apiToken}`]];
  const exportRoute = manifestRoute('/v1/audit/export').route;
  const review = manifestRoute('/approvals/{linkId}').route;
  const formType: Header = ['content-type', 'application/x-www-form-urlencoded'];
  const position = JSON.parse(Buffer.from(ctx.exportCursor, 'base64url').toString('utf8')) as Record<string, unknown>;
  const cursor = (changes: Record<string, unknown>) => Buffer.from(JSON.stringify({ ...position, ...changes })).toString('base64url');
  const submission = Buffer.from(JSON.stringify({ action: 'submit', ...samplePost({ title: 'Fuzz regression' }) }));
  const get = (route: string, mutation: string, target: string, expect: number, headers: Header[] = bearer): FuzzCase => ({
    route,
    mutation: `regression: ${mutation}`,
    request: { method: 'GET', target, headers },
    expect,
  });
  return [
    get(manifestRoute('/v1/requests/{requestId}').route, 'an id of 3,000 bytes', `/v1/requests/${'a'.repeat(3_000)}`, 414),
    get(manifestRoute('/v1/accounts/{accountId}').route, 'an id of 3,000 bytes', `/v1/accounts/${'a'.repeat(3_000)}`, 414),
    ...[
      ['/v1/requests/{requestId}', '/v1/requests/%E0%A4%A'],
      ['/v1/requests/{requestId}/audit', '/v1/requests/%E0%A4%A/audit'],
      ['/v1/accounts/{accountId}', '/v1/accounts/%'],
      ['/approvals/{linkId}', '/approvals/%zz'],
      ['/withdraw/{linkId}', '/withdraw/%E0%A4%A'],
      ['/media/{key}', '/media/%E0%A4%A'],
    ].map(([path = '', target = '']) => get(manifestRoute(path).route, `malformed percent-encoding ${target}`, target, 400)),
    get('(no route)', 'the path //', '//', 404),
    {
      route: manifestRoute('/v1/requests').route,
      mutation: 'regression: signed JSON said to be image/png',
      request: {
        method: 'POST',
        target: '/v1/requests',
        headers: replaceHeader(signed(ctx.webhookSecret, submission, webhookId(rng)), 'content-type', 'image/png'),
        body: submission,
      },
      expect: 415,
    },
    {
      route: manifestRoute('/v1/requests').route,
      mutation: 'regression: signed JSON said to be gzip, not compressed',
      request: {
        method: 'POST',
        target: '/v1/requests',
        headers: [...signed(ctx.webhookSecret, submission, webhookId(rng)), ['content-encoding', 'gzip']],
        body: submission,
      },
      expect: 415,
    },
    {
      route: review,
      mutation: 'regression: a comment of 450,000 characters',
      request: {
        method: 'POST',
        target: `/approvals/${ctx.review.linkId}`,
        headers: [formType],
        body: Buffer.from(
          form([
            ['csrf', ctx.review.csrf],
            ['decision', 'request-changes'],
            ['comment', 'x'.repeat(450_000)],
          ]),
        ),
      },
      expect: 413,
    },
    {
      route: review,
      mutation: 'regression: a comment of bytes that are not UTF-8',
      request: {
        method: 'POST',
        target: `/approvals/${ctx.review.linkId}`,
        headers: [formType],
        body: Buffer.concat([Buffer.from(`csrf=${ctx.review.csrf}&decision=request-changes&comment=`), Buffer.from([0xff, 0xfe])]),
      },
      expect: 400,
    },
    get(
      exportRoute,
      'a range to 2100 of nothing but empty days',
      '/v1/audit/export?from=2026-02-30&to=2100-01-01T00:00:00Z&type=x.y',
      200,
      auditor,
    ),
    get(exportRoute, 'a year of six digits', '/v1/audit/export?from=%2B010000-01-01T00:00:00Z', 400, auditor),
    get(exportRoute, 'from 1970', '/v1/audit/export?from=1970-01-01&account=nobody-x', 200, auditor),
    ...[
      { after: 'x' },
      { checkpointAfter: 'x' },
      { page: '\ud800' },
      { exportId: '\ud800' },
      { filter: { from: '2030-99-01T00:00:00.000Z', to: '2031-01-01T00:00:00.000Z' } },
    ].map((changes) =>
      get(exportRoute, `a cursor with ${JSON.stringify(changes)}`, `/v1/audit/export?cursor=${cursor(changes)}`, 400, auditor),
    ),
  ];
}

// ---- the whole pass -------------------------------------------------------------------------------------------

/** Every case of the HTTP pass, `perRoute` mutations per route (plus each route's slow-body cases). */
export function httpCases(rng: Rng, ctx: FuzzContext, perRoute: number): FuzzCase[] {
  const enc = encodeURIComponent;
  const signedPost = (rid: string) => ({ ...samplePost({ title: `Fuzz ${rid}` }) });
  return [
    ...signedRouteCases(rng, ctx, perRoute, { ...manifestRoute('/v1/requests'), path: () => '/v1/requests', param: '' }, () =>
      rng.chance(0.7) ? { action: 'submit', ...signedPost('submit') } : { action: 'submit', ...structuredClone(SAMPLE_OPENING) },
    ),
    ...signedRouteCases(
      rng,
      ctx,
      perRoute,
      { ...manifestRoute('/v1/requests/{requestId}/versions'), path: (p) => `/v1/requests/${p}/versions`, param: ctx.changesRequestedId },
      () => ({ action: 'new-version', requestId: ctx.changesRequestedId, ...signedPost('version') }),
    ),
    ...signedRouteCases(
      rng,
      ctx,
      perRoute,
      { ...manifestRoute('/v1/requests/{requestId}/withdraw'), path: (p) => `/v1/requests/${p}/withdraw`, param: ctx.withdrawableId },
      () => ({ action: 'withdraw', requestId: ctx.withdrawableId }),
    ),
    ...bearerRouteCases(
      rng,
      perRoute,
      { ...manifestRoute('/v1/requests/{requestId}'), path: (p) => `/v1/requests/${p}`, param: ctx.existingId },
      ctx.apiToken,
      accountsQuery,
    ),
    ...bearerRouteCases(
      rng,
      perRoute,
      { ...manifestRoute('/v1/requests/{requestId}/audit'), path: (p) => `/v1/requests/${p}/audit`, param: ctx.existingId },
      ctx.apiToken,
      accountsQuery,
    ),
    ...bearerRouteCases(
      rng,
      perRoute,
      { ...manifestRoute('/v1/audit/export'), path: () => '/v1/audit/export', param: '' },
      ctx.auditorToken,
      (r) => exportQuery(r, ctx.exportCursor),
    ),
    ...bearerRouteCases(
      rng,
      perRoute,
      { ...manifestRoute('/v1/accounts'), path: () => '/v1/accounts', param: '' },
      ctx.apiToken,
      accountsQuery,
    ),
    ...bearerRouteCases(
      rng,
      perRoute,
      { ...manifestRoute('/v1/accounts/{accountId}'), path: (p) => `/v1/accounts/${p}`, param: enc(ctx.accountId) },
      ctx.apiToken,
      accountsQuery,
    ),
    ...linkRouteCases(
      rng,
      perRoute,
      { ...manifestRoute('/approvals/{linkId}'), path: (p) => `/approvals/${p}`, param: ctx.review.linkId },
      (r) => mutatedReviewForm(r, ctx),
      ctx.decidedLinkId,
    ),
    ...linkRouteCases(
      rng,
      perRoute,
      { ...manifestRoute('/withdraw/{linkId}'), path: (p) => `/withdraw/${p}`, param: ctx.withdrawLinkId },
      withdrawForm,
    ),
    ...mediaCases(rng, perRoute, { ...manifestRoute('/media/{key}'), path: (p) => `/media/${p}`, param: ctx.mediaKey }),
    ...localPageCases(rng, Math.round(perRoute / 2), 'GET / (landing)', '/'),
    ...localPageCases(rng, Math.round(perRoute / 2), 'GET /_local/outbox', '/_local/outbox'),
    ...localPageCases(rng, perRoute, 'GET /_local/outbox.json', '/_local/outbox.json'),
    ...unknownPathCases(rng, Math.round(perRoute / 2)),
    ...regressionCases(rng, ctx),
  ];
}
