import { describe, expect, it } from 'vitest';
import { OUTBOX_JSON_LIMIT, outboxWindow, pathParametersOf, routes, targetOf } from '../../local/gateway.js';

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
