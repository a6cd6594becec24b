import { afterEach, describe, expect, it } from 'vitest';
import {
  OUTBOX_JSON_LIMIT,
  REQUEST_TIMEOUT_MS,
  createGateway,
  outboxWindow,
  pathParametersOf,
  routes,
  targetOf,
} from '../../local/gateway.js';
import { closeServer, listenLoopback } from '../../local/net.js';
import { sendWire } from '../e2e/fuzz/wire.js';

// The local gateway's path parameters (issue #11): decoded once, as API Gateway does; a malformed escape is a 400
// and an over-long parameter a 414, where decodeURIComponent threw into a 500.

function parametersFor(path: string) {
  for (const r of routes) {
    const match = r.pattern.exec(path);
    if (match !== null) return pathParametersOf(r, match);
  }
  throw new Error(`no route for ${path}`);
}

describe('pathParametersOf', () => {
  it('decodes a parameter once', () => {
    expect(parametersFor('/v1/accounts/physics%2Dx')).toEqual({ ok: true, values: { accountId: 'physics-x' } });
    expect(parametersFor('/v1/requests/req_%2541')).toEqual({ ok: true, values: { requestId: 'req_%41' } });
  });

  it.each([['/approvals/%E0%A4%A'], ['/v1/requests/%'], ['/v1/requests/%ZZ'], ['/v1/requests/%ED%A0%80'], ['/media/%C0%AF']])(
    'answers 400 for the malformed escape in %s',
    (path) => {
      expect(parametersFor(path)).toEqual({
        ok: false,
        statusCode: 400,
        error: expect.stringMatching(/^the path parameter \w+ is not valid percent-encoded UTF-8$/u) as unknown,
      });
    },
  );

  it('answers 414 for a parameter over 2,048 bytes once decoded', () => {
    expect(parametersFor(`/v1/requests/${'a'.repeat(2_048)}`)).toMatchObject({ ok: true });
    expect(parametersFor(`/v1/requests/${'%C3%A9'.repeat(1_025)}`)).toEqual({
      ok: false,
      statusCode: 414,
      error: 'the path parameter requestId is 2050 bytes; the limit is 2048',
    });
  });
});

describe('outboxWindow (/_local/outbox.json, a page at a time: issue #13)', () => {
  it('reads ?from and ?limit, the limit at most OUTBOX_JSON_LIMIT (the default), anything else the default as before', () => {
    expect(OUTBOX_JSON_LIMIT).toBe(500);
    expect(outboxWindow(null, null)).toEqual({ from: 0, limit: 500 });
    expect(outboxWindow('1200', '50')).toEqual({ from: 1200, limit: 50 });
    expect(outboxWindow('7', '100000')).toEqual({ from: 7, limit: 500 });
    for (const odd of ['-3', '1.5', 'abc', '', '1e400']) expect(outboxWindow(odd, odd)).toEqual({ from: 0, limit: 500 });
  });
});

describe('targetOf (issue #13: paths as API Gateway reads them)', () => {
  it('keeps the path as sent: `//` and `//x/…` name no route, where they threw or were routed as another path', () => {
    expect(targetOf('//')).toEqual({ path: '//', query: '' });
    expect(targetOf('//x/v1/requests?from=1')).toEqual({ path: '//x/v1/requests', query: 'from=1' });
    expect(routes.some((r) => r.pattern.test('//x/v1/requests') || r.pattern.test('//'))).toBe(false);
    expect(targetOf('/v1/requests/req_1?a=1&b=2')).toEqual({ path: '/v1/requests/req_1', query: 'a=1&b=2' });
    expect(targetOf(undefined)).toEqual({ path: '/', query: '' });
  });
});

describe('the time a request has to arrive (issue #13: slow bodies)', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  /** A gateway whose handlers only count their calls, with a bound of 400 ms. */
  async function gateway(): Promise<{ port: number; invoked: () => number }> {
    let calls = 0;
    const server = createGateway({
      functions: {
        origin: 'sources',
        invoke: async () => {
          calls++;
          return { statusCode: 202, body: '{}' };
        },
        figures: () => [
          { name: 'intake', loadMs: 12.5, environments: 1, invocations: 3, errors: 0, firstMs: 40, warmMedianMs: 4, warmP95Ms: 6 },
        ],
      },
      outbox: { count: 0, page: async () => [], latest: async () => [] },
      landingPage: '<p>landing</p>',
      requestTimeoutMs: 400,
    });
    const port = await listenLoopback(server, 0);
    close = () => closeServer(server);
    return { port, invoked: () => calls };
  }

  it("answers /_local/functions.json with where the functions came from and each one's figures", async () => {
    // Prepare
    const { port } = await gateway();

    // Act
    const res = await fetch(`http://127.0.0.1:${port}/_local/functions.json`);

    // Assess
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      origin: 'sources',
      functions: [{ name: 'intake', loadMs: 12.5, environments: 1, invocations: 3, errors: 0, firstMs: 40, warmMedianMs: 4, warmP95Ms: 6 }],
      // No calls refused by IAM: the sources are not judged (the bundles mode lists them, test/e2e/bundles.test.ts).
      accessDenied: [],
    });
  });

  it('answers a body trickled a byte at a time with a 408 naming the bound, and never hands it on', async () => {
    // Prepare
    const { port, invoked } = await gateway();
    const body = Buffer.from(`{"title":"${'x'.repeat(200)}"}`);

    // Act: a byte every 50 ms would take 10 s
    const result = await sendWire(
      port,
      { method: 'POST', target: '/v1/requests', headers: [['content-type', 'application/json']], body, trickle: { bytes: 1, everyMs: 50 } },
      5_000,
    );

    // Assess
    expect(result).toMatchObject({ kind: 'answered', status: 408 });
    expect(result.kind === 'answered' && JSON.parse(result.body.toString())).toEqual({
      error: 'the request did not arrive whole within 0.4 s (its headers and its body, as long as Content-Length says)',
    });
    expect(result.ms).toBeLessThan(2_500);
    expect(invoked()).toBe(0);
  });

  it('answers a Content-Length longer than the body sent with a 408, and goes on answering', async () => {
    // Prepare
    const { port, invoked } = await gateway();

    // Act
    const short = await sendWire(port, { method: 'POST', target: '/v1/requests', body: Buffer.from('{}'), contentLength: 100 }, 5_000);
    const next = await sendWire(port, { method: 'POST', target: '/v1/requests', body: Buffer.from('{}') }, 5_000);

    // Assess
    expect(short).toMatchObject({ kind: 'answered', status: 408 });
    expect(next).toMatchObject({ kind: 'answered', status: 202 });
    expect(invoked()).toBe(1);
  });

  it('answers request headers that never end with a 408 too', async () => {
    // Prepare
    const { port } = await gateway();

    // Act: the request line and a header a byte at a time
    const result = await sendWire(
      port,
      { method: 'GET', target: '/', headers: [['x-slow', 'y'.repeat(200)]], trickle: { bytes: 1, everyMs: 50, headers: true } },
      5_000,
    );

    // Assess
    expect(result).toMatchObject({ kind: 'answered', status: 408 });
  });

  it('gives a client 10 s by default', () => {
    expect(REQUEST_TIMEOUT_MS).toBe(10_000);
  });
});
