import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalDynamo } from '../../local/dynamo.js';
import type { DecisionResult, RequestRecord, Stage } from '../../lambdas/core/model.js';

// Race safety (GOVERNANCE.md §3: the first valid decision wins). Two comms members, the deadline and the
// submitter's withdrawal race for one stage. A model-based property over random interleavings, run against
// the real adapters and dynalite's real conditional writes: exactly one outcome wins, and every loser can read
// what won.

type Requests = typeof import('../../lambdas/adapters/requests.js');
let requests: Requests;
let dynamo: LocalDynamo;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'signoff-race-'));
  const { startDynamo } = await import('../../local/dynamo.js');
  dynamo = await startDynamo(dir);
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    REQUESTS_TABLE: 'signoff-requests',
  });
  requests = await import('../../lambdas/adapters/requests.js');
});

afterAll(async () => {
  await dynamo.close();
  rmSync(dir, { recursive: true, force: true });
});

const person = (id: string) => ({ id, name: id, email: `${id}@example.org` });

function request(requestId: string, stageIndex: number): RequestRecord {
  const stage = (name: Stage['stage'], status: Stage['status'], assignees: Stage['assignees']): Stage => ({ stage: name, status, assignees, timeoutSeconds: 3600 });
  return {
    requestId,
    kind: 'brand-post',
    status: 'awaiting-approval',
    version: 1,
    submission: { kind: 'brand-post', submitter: 'ada@example.org', account: 'physics-x', title: 'Race', text: 'Race', format: 'post', media: [], attestations: {} },
    contentHash: 'h',
    receivedAt: '2026-11-20T00:00:00.000Z',
    channel: 'webhook',
    // The stage under test is pending; with stageIndex 0 a later stage still waits, so an approval does not end the request.
    stages: stageIndex === 0
      ? [stage('supervisor', 'pending', [person('carl'), person('cara')]), stage('comms', 'waiting', [person('kim')])]
      : [{ ...stage('supervisor', 'approved', [person('grace')]), decision: 'approve', decidedBy: 'grace@example.org', decidedAt: '2026-11-20T00:00:00.000Z' }, stage('comms', 'pending', [person('carl'), person('cara')])],
    findings: [],
  };
}

type Op = { kind: 'approve'; by: string } | { kind: 'reject'; by: string } | { kind: 'request-changes'; by: string } | { kind: 'expire' } | { kind: 'withdraw' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('approve' as const), by: fc.constantFrom('carl', 'cara') }),
  fc.record({ kind: fc.constant('reject' as const), by: fc.constantFrom('carl', 'cara') }),
  fc.record({ kind: fc.constant('request-changes' as const), by: fc.constantFrom('carl', 'cara') }),
  fc.constant({ kind: 'expire' as const }),
  fc.constant({ kind: 'withdraw' as const }),
);

const OUTCOME_OF: Readonly<Record<Op['kind'], string>> = { approve: 'approved', reject: 'rejected', 'request-changes': 'changes-requested', expire: 'expired', withdraw: 'withdrawn' };

let runs = 0;

describe('racing for one stage', () => {
  it('lets exactly one outcome win over 1,000 random interleavings, and every loser reads the winner', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 2, maxLength: 5 }), fc.constantFrom(0, 1), fc.scheduler(), async (ops, stageIndex, s) => {
        // Prepare
        const requestId = `req_race_${runs++}`;
        await requests.createRequest(request(requestId, stageIndex));
        const stageCount = 2;
        const at = new Date().toISOString();
        const run = (op: Op): Promise<RequestRecord | undefined> => {
          if (op.kind === 'withdraw') return requests.withdrawRequest(requestId);
          const result: DecisionResult =
            op.kind === 'expire'
              ? { stageIndex, decision: 'expired', decidedAt: at }
              : { stageIndex, decision: op.kind, decidedBy: `${op.by}@example.org`, decidedAt: at, comment: op.kind === 'approve' ? undefined : 'because' };
          return requests.claimStage(requestId, 1, stageIndex, stageCount, result);
        };

        // Act: every operation starts at a moment the scheduler picks
        const pending = ops.map((op) => s.schedule(Promise.resolve(op)).then(run));
        await s.waitAll();
        const results = await Promise.all(pending);
        const final = await requests.getRequest(requestId);

        // Assess
        const stage = final?.stages[stageIndex];
        const winners = ops.map((op, i) => ({ op, won: results[i] !== undefined })).filter((w) => w.won);
        const stageWinners = winners.filter((w) => w.op.kind !== 'withdraw');
        const withdrew = winners.some((w) => w.op.kind === 'withdraw');
        // The stage is decided at most once, by the first claim.
        expect(stageWinners.length).toBeLessThanOrEqual(1);
        // Only an approval of a stage before the last leaves the request open for a withdrawal to win too.
        const stageWin = stageWinners[0]?.op;
        const stageEnded = stageWin !== undefined && !(stageWin.kind === 'approve' && stageIndex < stageCount - 1);
        expect(stageEnded && withdrew).toBe(false);
        expect(winners.filter((w) => w.op.kind === 'withdraw').length).toBeLessThanOrEqual(1);
        // Something always wins when a withdrawal or a claim was attempted on an open request.
        expect(winners.length).toBeGreaterThanOrEqual(1);
        // The record says who won: the stage's decision, and the one outcome.
        if (stageWin !== undefined) {
          expect(stage?.decision).toBe(stageWin.kind === 'expire' ? 'expired' : stageWin.kind);
          if ('by' in stageWin) expect(stage?.decidedBy).toBe(`${stageWin.by}@example.org`);
        } else {
          expect(stage?.status).toBe('pending');
        }
        const expectedOutcome = withdrew
          ? 'withdrawn'
          : stageWin === undefined || (stageWin.kind === 'approve' && stageIndex < stageCount - 1)
            ? undefined
            : OUTCOME_OF[stageWin.kind];
        expect(final?.outcome).toBe(expectedOutcome);
        if (expectedOutcome !== undefined) expect(final?.status).toBe(expectedOutcome);
        // Every losing claim left the stage or the request closed, which is what its page shows.
        for (const [i, op] of ops.entries()) {
          if (results[i] !== undefined || op.kind === 'withdraw') continue;
          expect(stage?.status !== 'pending' || final?.outcome !== undefined).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  }, 240_000);
});
