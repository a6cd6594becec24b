import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../lambdas/core/audit/audit-chain.js';
import { verifyChain } from '../../lambdas/core/audit/audit-chain.js';
import type { AuditEntry } from '../../lambdas/core/audit/events.js';
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
