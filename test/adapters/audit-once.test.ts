import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../lambdas/core/audit/audit-chain.js';
import { verifyChain } from '../../lambdas/core/audit/audit-chain.js';
import type { AuditEntry } from '../../lambdas/core/audit/events.js';
import { documentClient, tableOf } from '../../lambdas/adapters/dynamo.js';
import { startTestDynamo, type TestDynamo } from './local-dynamo.js';

// appendAuditUnless (issue #13: every audit event written exactly once): writers racing to record the same fact — the
// decider's own post and later posts settling a decision whose post crashed before auditing it — leave it in the trail
// once, against dynalite's real conditional puts, and the chain still verifies.

let audit: import('../../lambdas/adapters/audit.js').AuditTable;
let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo({ AUDIT_TABLE: 'signoff-audit' });
  audit = (await import('../../lambdas/adapters/audit.js')).auditTable();
});

afterAll(async () => {
  await dynamo.close();
});

const submitted: AuditEntry = {
  type: 'request.submitted',
  actor: 'ada@example.org',
  data: {
    channel: 'webhook',
    idempotencyKey: 'msg_once',
    kind: 'brand-post',
    account: 'physics-x',
    version: 1,
    contentHash: 'a'.repeat(64),
  },
};

function decided(by: string): AuditEntry {
  return {
    type: 'decision.recorded',
    actor: 'grace@example.org',
    data: {
      stage: 'supervisor',
      stageIndex: 0,
      version: 1,
      decision: 'approve',
      comment: null,
      statements: [],
      channel: 'web',
      linkHash: by.padEnd(64, '0'),
      contentHash: 'a'.repeat(64),
    },
  };
}

const isDecisionOfStage0 = (e: AuditEvent) => e.type === 'decision.recorded' && e.data['stageIndex'] === 0 && e.data['version'] === 1;

describe('appendAuditUnless', () => {
  it('appends once when ten writers race to record the same decision, and the chain verifies', async () => {
    // Prepare
    const requestId = 'req_ONCEONCEONCEONCEONCEONCE';
    await audit.appendAudit(requestId, submitted);
    await audit.appendAudit(requestId, { type: 'route.planned', actor: 'signoff', data: { version: 1, stages: [] } });

    // Act
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => audit.appendAuditUnless(requestId, decided(String(i)), isDecisionOfStage0)),
    );

    // Assess
    const trail = await audit.readAudit(requestId);
    expect(trail.filter(isDecisionOfStage0)).toHaveLength(1);
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    expect(trail.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(verifyChain(trail).ok).toBe(true);
  });

  it('appends nothing when the event is already in the trail, and appends an event of another stage', async () => {
    // Prepare
    const requestId = 'req_TWICETWICETWICETWICETWIC';
    await audit.appendAudit(requestId, submitted);
    await audit.appendAudit(requestId, decided('a'));

    // Act
    const again = await audit.appendAuditUnless(requestId, decided('b'), isDecisionOfStage0);
    const other = await audit.appendAuditUnless(
      requestId,
      { type: 'request.outcome', actor: 'signoff', data: { outcome: 'approved', version: 1 } },
      (e) => e.type === 'request.outcome',
    );

    // Assess
    expect(again).toBeUndefined();
    expect(other?.seq).toBe(3);
    expect((await audit.readAudit(requestId)).map((e) => e.type)).toEqual(['request.submitted', 'decision.recorded', 'request.outcome']);
  });
});

describe('forInvocation (issue #18: a chain read or written once is not queried again in the same invocation)', () => {
  /** The audit table over a client of its own whose calls are listed by command, in order. */
  async function counted(): Promise<{ table: import('../../lambdas/adapters/audit.js').AuditTable; calls: string[] }> {
    const calls: string[] = [];
    const client = documentClient();
    client.middlewareStack.add(
      (next, context) => async (args) => {
        calls.push(context.commandName ?? 'unknown');
        return next(args);
      },
      { step: 'initialize', name: 'countCalls' },
    );
    const { auditTable } = await import('../../lambdas/adapters/audit.js');
    return { table: auditTable(tableOf('signoff-audit', client)), calls };
  }
  const outcome: AuditEntry = { type: 'request.outcome', actor: 'signoff', data: { outcome: 'approved', version: 1 } };
  const isOutcome = (e: AuditEvent) => e.type === 'request.outcome';

  it('appends the first event of a chain it created with one put, and the next one after it with one more', async () => {
    // Prepare
    const { table, calls } = await counted();
    const requestId = 'req_FRESHFRESHFRESHFRESHFRES';
    const invocation = table.forInvocation([requestId]);

    // Act
    const first = await invocation.appendAuditUnless(requestId, submitted, (e) => e.type === 'request.submitted');
    const second = await invocation.appendAuditUnless(requestId, decided('f'), isDecisionOfStage0);

    // Assess
    expect(calls).toEqual(['PutItemCommand', 'PutItemCommand']);
    expect([first?.seq, second?.seq]).toEqual([1, 2]);
    const trail = await audit.readAudit(requestId);
    expect(trail.map((e) => e.type)).toEqual(['request.submitted', 'decision.recorded']);
    expect(verifyChain(trail).ok).toBe(true);
  });

  it('finds the event a racing writer put first in a chain it took for new, and appends nothing', async () => {
    // Prepare: a retried delivery appended the request's first event before the one that created the request.
    const requestId = 'req_RETRYRETRYRETRYRETRYRET';
    await audit.appendAudit(requestId, submitted);
    const { table, calls } = await counted();

    // Act
    const result = await table.forInvocation([requestId]).appendAuditUnless(requestId, submitted, (e) => e.type === 'request.submitted');

    // Assess: the put at seq 1 failed, one read found the event.
    expect(result).toBeUndefined();
    expect(calls).toEqual(['PutItemCommand', 'QueryCommand']);
    expect((await audit.readAudit(requestId)).map((e) => e.type)).toEqual(['request.submitted']);
  });

  it('reads a chain once, then finds an event it appended itself without reading again', async () => {
    // Prepare
    const requestId = 'req_KNOWNKNOWNKNOWNKNOWNKNOW';
    await audit.appendAudit(requestId, submitted);
    const { table, calls } = await counted();
    const invocation = table.forInvocation();

    // Act
    await invocation.appendAuditUnless(requestId, decided('k'), isDecisionOfStage0);
    const again = await invocation.appendAuditUnless(requestId, decided('k'), isDecisionOfStage0);
    await invocation.appendAudit(requestId, outcome);

    // Assess
    expect(again).toBeUndefined();
    expect(calls).toEqual(['QueryCommand', 'PutItemCommand', 'PutItemCommand']);
    expect((await audit.readAudit(requestId)).map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('reads only what another writer appended when its place was taken, and sees that event before appending its own', async () => {
    // Prepare: the invocation knows the chain up to seq 2; another writer then appends the outcome and a decision.
    const requestId = 'req_BEHINDBEHINDBEHINDBEHIN';
    await audit.appendAudit(requestId, submitted);
    const { table, calls } = await counted();
    const invocation = table.forInvocation();
    await invocation.appendAuditUnless(
      requestId,
      { type: 'route.planned', actor: 'signoff', data: { version: 1, stages: [] } },
      (e) => e.type === 'route.planned',
    );
    await audit.appendAudit(requestId, outcome);
    await audit.appendAudit(requestId, decided('o'));
    calls.length = 0;

    // Act
    const duplicate = await invocation.appendAuditUnless(requestId, outcome, isOutcome);
    const own = await invocation.appendAuditUnless(
      requestId,
      decided('p'),
      (e) => e.type === 'decision.recorded' && e.data['linkHash'] === 'p'.padEnd(64, '0'),
    );

    // Assess: the put at seq 3 failed, the read began at seq 3 (one query), the outcome was found there, and the own
    // event went to seq 5 with no further read.
    expect(duplicate).toBeUndefined();
    expect(own?.seq).toBe(5);
    expect(calls).toEqual(['PutItemCommand', 'QueryCommand', 'PutItemCommand']);
    const trail = await audit.readAudit(requestId);
    expect(trail.map((e) => e.type)).toEqual([
      'request.submitted',
      'route.planned',
      'request.outcome',
      'decision.recorded',
      'decision.recorded',
    ]);
    expect(verifyChain(trail).ok).toBe(true);
  });

  it('appends once when two invocations that both know the chain race to record the same decision', async () => {
    // Prepare
    const requestId = 'req_RACERACERACERACERACERAC';
    await audit.appendAudit(requestId, submitted);
    const a = audit.forInvocation();
    const b = audit.forInvocation();
    await a.appendAuditUnless(requestId, outcome, isOutcome);
    await b.appendAuditUnless(requestId, outcome, isOutcome);

    // Act
    const results = await Promise.all([
      a.appendAuditUnless(requestId, decided('a'), isDecisionOfStage0),
      b.appendAuditUnless(requestId, decided('b'), isDecisionOfStage0),
    ]);

    // Assess
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    const trail = await audit.readAudit(requestId);
    expect(trail.filter(isDecisionOfStage0)).toHaveLength(1);
    expect(verifyChain(trail).ok).toBe(true);
  });
});
