import { describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../../lambdas/core/audit/audit-chain.js';
import { verifyCheckpoint, type Checkpoint } from '../../lambdas/core/audit/audit-checkpoint.js';
import { nextSealAt, writeCheckpoints } from '../../lambdas/use-cases/write-checkpoint.js';
import { at, HOUR, MemoryAudit, signer } from '../core/audit-fixture.js';

// The hourly sealing: every ended hour gets one checkpoint, empty hours too, chained, whatever the schedule does.

function storeWithTwoEvents(): MemoryAudit {
  const store = new MemoryAudit();
  store.append('req_a', 'request.submitted', 'ada@example.org', { account: 'physics-x' }, at(10 * 60_000));
  store.append('req_a', 'checks.completed', 'signoff', {}, at(3 * HOUR + 20 * 60_000));
  return store;
}

describe('writeCheckpoints', () => {
  it('seals every ended hour from the hour of the first event, empty hours included, each linked to the one before', async () => {
    // Prepare
    const store = storeWithTwoEvents();

    // Act: 4 h 10 min after the first hour began
    const written = await store.seal(at(4 * HOUR + 10 * 60_000));

    // Assess
    expect(written.map((c) => c.period.from)).toEqual([
      '2030-03-04T09:00:00.000Z',
      '2030-03-04T10:00:00.000Z',
      '2030-03-04T11:00:00.000Z',
      '2030-03-04T12:00:00.000Z',
    ]);
    expect(written.map((c) => c.heads.length)).toEqual([1, 0, 0, 1]);
    expect(written[0]?.previous).toBe(GENESIS_HASH);
    for (let i = 1; i < written.length; i++) expect(written[i]?.previous).toBe(written[i - 1]?.hash);
    const verdicts = await Promise.all(written.map((c) => verifyCheckpoint(c, signer)));
    expect(verdicts.every((v) => v.ok && v.signature === 'valid')).toBe(true);
  });

  it('commits to the last event of each chain in the hour, with its account', async () => {
    // Prepare
    const store = new MemoryAudit();
    store.append('req_a', 'request.submitted', 'ada@example.org', { account: 'physics-x' }, at(60_000));
    const head = store.append('req_a', 'checks.completed', 'signoff', {}, at(2 * 60_000));

    // Act
    const [first] = await store.seal(at(HOUR + 10 * 60_000));

    // Assess
    expect(first?.heads).toEqual([{ requestId: 'req_a', seq: 2, hash: head.hash, account: 'physics-x' }]);
  });

  it('waits five minutes after an hour ends before sealing it', async () => {
    // Prepare
    const store = storeWithTwoEvents();

    // Act
    const early = await store.seal(at(HOUR + 4 * 60_000 + 59_000));
    const inTime = await store.seal(at(HOUR + 5 * 60_000));

    // Assess
    expect(early).toEqual([]);
    expect(inTime.map((c) => c.period.from)).toEqual(['2030-03-04T09:00:00.000Z']);
  });

  it('writes nothing the second time, and only the missed hours after a pause', async () => {
    // Prepare
    const store = storeWithTwoEvents();
    await store.seal(at(HOUR + 10 * 60_000));

    // Act
    const again = await store.seal(at(HOUR + 20 * 60_000));
    const afterPause = await store.seal(at(4 * HOUR + 6 * 60_000));

    // Assess
    expect(again).toEqual([]);
    expect(afterPause.map((c) => c.period.from)).toEqual([
      '2030-03-04T10:00:00.000Z',
      '2030-03-04T11:00:00.000Z',
      '2030-03-04T12:00:00.000Z',
    ]);
  });

  it('writes nothing while the store has no events', async () => {
    // Prepare
    const store = new MemoryAudit();

    // Act
    const written = await store.seal(at(5 * HOUR));

    // Assess
    expect(written).toEqual([]);
  });

  it('continues from the checkpoint another writer stored first for the same hour', async () => {
    // Prepare: the store answers every put with a checkpoint of its own (another writer won the race)
    const store = storeWithTwoEvents();
    const theirs: Checkpoint[] = [];
    const ports = {
      ...store.ports,
      putCheckpoint: async (cp: Checkpoint) => {
        const winner = { ...cp, at: '2030-03-04T10:05:01.000Z', hash: cp.hash.replace(/^./, cp.hash.startsWith('0') ? '1' : '0') };
        theirs.push(winner);
        return winner;
      },
    };

    // Act
    const run = await writeCheckpoints(at(2 * HOUR + 10 * 60_000), ports);

    // Assess: nothing of ours was written, and the second hour chains to their first
    expect(run.written).toEqual([]);
    expect(theirs).toHaveLength(2);
    expect(theirs[1]?.previous).toBe(theirs[0]?.hash);
  });

  it('copies each checkpoint to the archive, and the latest again on the next run', async () => {
    // Prepare
    const store = storeWithTwoEvents();
    const archived: string[] = [];
    const ports = { ...store.ports, archive: async (cp: Checkpoint) => void archived.push(cp.period.from) };

    // Act
    await writeCheckpoints(at(2 * HOUR + 10 * 60_000), ports);
    await writeCheckpoints(at(2 * HOUR + 20 * 60_000), ports);

    // Assess
    expect(archived).toEqual(['2030-03-04T09:00:00.000Z', '2030-03-04T10:00:00.000Z', '2030-03-04T10:00:00.000Z']);
  });

  it('stops after maxHours and seals the rest on the next run', async () => {
    // Prepare
    const store = storeWithTwoEvents();

    // Act
    const first = await writeCheckpoints(at(4 * HOUR + 10 * 60_000), store.ports, { maxHours: 2 });
    const second = await writeCheckpoints(at(4 * HOUR + 10 * 60_000), store.ports, { maxHours: 2 });

    // Assess
    expect(first.written.map((c) => c.period.from)).toEqual(['2030-03-04T09:00:00.000Z', '2030-03-04T10:00:00.000Z']);
    expect(second.written.map((c) => c.period.from)).toEqual(['2030-03-04T11:00:00.000Z', '2030-03-04T12:00:00.000Z']);
  });

  it('starts no hour after its deadline', async () => {
    // Prepare
    const store = storeWithTwoEvents();

    // Act
    const run = await writeCheckpoints(at(4 * HOUR + 10 * 60_000), store.ports, { deadline: Date.now() - 1 });

    // Assess
    expect(run.written).toEqual([]);
  });
});

describe('nextSealAt', () => {
  it('is five minutes past the next hour', () => {
    // Prepare & Act
    const next = nextSealAt(new Date('2030-03-04T09:30:00Z'));

    // Assess
    expect(next.toISOString()).toBe('2030-03-04T10:05:00.000Z');
  });
});
