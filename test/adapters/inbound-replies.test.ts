import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableOf } from '../../lambdas/adapters/dynamo.js';
import { startTestDynamo, type TestDynamo } from './local-dynamo.js';

// The reply to an inbound mail (lambdas/adapters/approvals.ts, the `inbound#` item) against dynalite's real
// conditional writes (issue #13): claimed with a lease → replied with SES's id → answered; a claim given back or
// whose lease passed is taken over, a live one is not, and of many deliveries racing for it exactly one wins.

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
const LEASE = new Date(NOW.getTime() + 30_000);
const AFTER_LEASE = new Date(LEASE.getTime() + 1);
const at = (ms: number) => new Date(NOW.getTime() + ms);

describe('the reply to an inbound mail', () => {
  it('is claimed once; during the lease the claim is in flight; once marked, it reads as replied with its id', async () => {
    // Act
    const first = await approvals.claimInboundReply('h-once', LEASE, NOW);
    const during = await approvals.claimInboundReply('h-once', at(60_000 + 30_000), at(10_000));
    const answeredMeanwhile = await approvals.inboundAnswered('h-once');
    await approvals.markInboundReplied('h-once', 'ses-1');
    const afterMark = await approvals.claimInboundReply('h-once', at(120_000), AFTER_LEASE);

    // Assess
    expect(first).toEqual({ state: 'claimed' });
    expect(during).toEqual({ state: 'in-flight', until: LEASE });
    expect(answeredMeanwhile).toBe(false);
    // Known from its claim on: garbage reusing its Message-ID is kept out of its request's chain (submit-mail `refuse`).
    expect(await approvals.inboundKnown('h-once')).toBe(true);
    expect(await approvals.inboundKnown('h-never-claimed')).toBe(false);
    expect(afterMark).toEqual({ state: 'replied', messageId: 'ses-1' });
    expect(await approvals.inboundAnswered('h-once')).toBe(false);
  });

  it('is answered once the mail is marked so: nothing claims it again, and the reply id is kept', async () => {
    // Prepare
    await approvals.claimInboundReply('h-done', LEASE, NOW);
    await approvals.markInboundReplied('h-done', 'ses-2');

    // Act
    await approvals.markInboundAnswered('h-done');
    await approvals.markInboundAnswered('h-done');
    const claim = await approvals.claimInboundReply('h-done', at(120_000), at(90_000));

    // Assess
    expect(claim).toEqual({ state: 'answered' });
    expect(await approvals.inboundAnswered('h-done')).toBe(true);
    // A late mark of a claim taken over (its claimant stalled past its lease) does not undo the end state.
    await approvals.markInboundReplied('h-done', 'ses-late');
    expect(await approvals.inboundAnswered('h-done')).toBe(true);
  });

  it('is taken over after the lease of a claimant that never marked it, and not before', async () => {
    // Prepare
    await approvals.claimInboundReply('h-dead', LEASE, NOW);

    // Act
    const atTheLease = await approvals.claimInboundReply('h-dead', at(60_000), LEASE);
    const after = await approvals.claimInboundReply('h-dead', at(60_000), AFTER_LEASE);
    const again = await approvals.claimInboundReply('h-dead', at(90_000), at(31_000));

    // Assess
    expect(atTheLease).toEqual({ state: 'in-flight', until: LEASE });
    expect(after).toEqual({ state: 'claimed' });
    expect(again).toEqual({ state: 'in-flight', until: at(60_000) });
  });

  it('given back by its claimant (a failed send), is claimed again at once; a stale claimant gives back nothing', async () => {
    // Prepare
    await approvals.claimInboundReply('h-failed', LEASE, NOW);

    // Act
    await approvals.releaseInboundReply('h-failed', LEASE);
    const retried = await approvals.claimInboundReply('h-failed', at(40_000), at(1_000));
    await approvals.releaseInboundReply('h-failed', LEASE);
    const meanwhile = await approvals.claimInboundReply('h-failed', at(50_000), at(2_000));

    // Assess
    expect(retried).toEqual({ state: 'claimed' });
    expect(meanwhile).toEqual({ state: 'in-flight', until: at(40_000) });
  });

  it('is claimed by exactly one of many deliveries racing for it', async () => {
    // Act
    const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => approvals.claimInboundReply('h-race', at(30_000 + i), NOW)));

    // Assess
    expect(claims.filter((c) => c.state === 'claimed')).toHaveLength(1);
    expect(claims.filter((c) => c.state === 'in-flight')).toHaveLength(9);
  });

  it('reads an item written before issue #13 (no state) as answered, and never claims it', async () => {
    // Prepare: as markInboundAnswered wrote it then
    await tableOf('signoff-approvals').client.send(
      new PutCommand({ TableName: 'signoff-approvals', Item: { pk: 'inbound#h-old', at: NOW.toISOString() } }),
    );

    // Act
    const claim = await approvals.claimInboundReply('h-old', LEASE, NOW);

    // Assess
    expect(await approvals.inboundAnswered('h-old')).toBe(true);
    expect(claim).toEqual({ state: 'answered' });
    expect(await approvals.inboundAnswered('h-never-seen')).toBe(false);
  });

  it('is kept 30 days after its last write (DynamoDB TTL), far past any redelivery, then left to expire', async () => {
    // Act
    await approvals.claimInboundReply('h-ttl', LEASE, NOW);
    const claimed = await tableOf('signoff-approvals').client.send(
      new GetCommand({ TableName: 'signoff-approvals', Key: { pk: 'inbound#h-ttl' } }),
    );
    const before = Math.floor(Date.now() / 1000);
    await approvals.markInboundAnswered('h-ttl');
    const answered = await tableOf('signoff-approvals').client.send(
      new GetCommand({ TableName: 'signoff-approvals', Key: { pk: 'inbound#h-ttl' } }),
    );

    // Assess
    expect(claimed.Item?.['expiresAt']).toBe(Math.floor(NOW.getTime() / 1000) + approvals.INBOUND_RETENTION_SECONDS);
    expect(answered.Item?.['expiresAt']).toBeGreaterThanOrEqual(before + approvals.INBOUND_RETENTION_SECONDS);
    expect(approvals.INBOUND_RETENTION_SECONDS).toBe(30 * 24 * 3600);
  });

  it('answers a mail handled without a reply (submitted, dropped), which never had a claim', async () => {
    // Act
    await approvals.markInboundAnswered('h-submitted');

    // Assess
    expect(await approvals.inboundAnswered('h-submitted')).toBe(true);
    expect(await approvals.claimInboundReply('h-submitted', LEASE, NOW)).toEqual({ state: 'answered' });
  });
});
