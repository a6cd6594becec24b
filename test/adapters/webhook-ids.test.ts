import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedCallRecord } from '../../lambdas/core/request/signed-call.js';
import { startTestDynamo, type TestDynamo } from './local-dynamo.js';

// The store of accepted webhook-ids (lambdas/adapters/approvals.ts) against dynalite's real conditional writes:
// one conditional put decides which of several calls with one id is the first, and an expired record gives way.

type Approvals = typeof import('../../lambdas/adapters/approvals.js');
let approvals: Approvals;
let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo({ APPROVALS_TABLE: 'signoff-approvals' });
  approvals = await import('../../lambdas/adapters/approvals.js');
});

afterAll(async () => {
  await dynamo.close();
});

const NOW = new Date('2026-12-05T10:00:00.000Z');
const call = (webhookId: string, overrides: Partial<SignedCallRecord> = {}): SignedCallRecord => ({
  webhookId,
  action: 'withdraw',
  requestId: 'req_A',
  bodyHash: 'h1',
  acceptedAt: NOW.toISOString(),
  ...overrides,
});

describe('rememberSignedCall', () => {
  it('remembers the first call with an id and returns it to every later one', async () => {
    // Act
    const first = await approvals.rememberSignedCall(call('msg_1'), NOW);
    const second = await approvals.rememberSignedCall(
      call('msg_1', { action: 'submit', requestId: 'req_B', bodyHash: 'h2', acceptedAt: '2026-12-05T10:01:00.000Z' }),
      new Date('2026-12-05T10:01:00.000Z'),
    );

    // Assess
    expect(first).toBeUndefined();
    expect(second).toEqual(call('msg_1'));
  });

  it('lets exactly one of many concurrent calls with one id be the first', async () => {
    // Act
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => approvals.rememberSignedCall(call('msg_race', { requestId: `req_${i}` }), NOW)),
    );

    // Assess
    const firsts = results.filter((r) => r === undefined);
    expect(firsts).toHaveLength(1);
    const winner = results.indexOf(undefined);
    for (const r of results) if (r !== undefined) expect(r).toEqual(call('msg_race', { requestId: `req_${winner}` }));
  });

  it('keeps a long webhook-id (the key is its hash) and tells ids apart', async () => {
    const long = `msg_${'x'.repeat(5_000)}`;
    expect(await approvals.rememberSignedCall(call(long), NOW)).toBeUndefined();
    expect(await approvals.rememberSignedCall(call(`${long}y`), NOW)).toBeUndefined();
    expect((await approvals.rememberSignedCall(call(long), NOW))?.webhookId).toBe(long);
  });

  it('takes an id again once its record has expired, whether or not TTL has removed it yet', async () => {
    // Prepare
    await approvals.rememberSignedCall(call('msg_old'), NOW);
    const later = new Date(NOW.getTime() + 31 * 24 * 3600 * 1000);

    // Act
    const before = await approvals.rememberSignedCall(
      call('msg_old', { requestId: 'req_B' }),
      new Date(NOW.getTime() + 29 * 24 * 3600 * 1000),
    );
    const after = await approvals.rememberSignedCall(call('msg_old', { requestId: 'req_C' }), later);

    // Assess
    expect(before?.requestId).toBe('req_A');
    expect(after).toBeUndefined();
    expect((await approvals.rememberSignedCall(call('msg_old'), later))?.requestId).toBe('req_C');
  });
});
