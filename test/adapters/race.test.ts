import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord, Stage, StageDecision } from '../../lambdas/core/model.js';
import { startTestDynamo, type TestDynamo } from './local-dynamo.js';

// Race safety (GOVERNANCE.md §3: the first valid decision wins). Two comms members, the deadline and the
// submitter's withdrawal race for one stage. A model-based property over random interleavings, run against
// the real adapters and dynalite's real conditional writes: exactly one outcome wins, and every loser can read
// what won.

type Requests = typeof import('../../lambdas/adapters/requests.js');
let requests: Requests;
let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo({ REQUESTS_TABLE: 'signoff-requests' });
  requests = await import('../../lambdas/adapters/requests.js');
});

afterAll(async () => {
  await dynamo.close();
});

const person = (id: string) => ({ id, name: id, email: `${id}@example.org` });

function request(requestId: string, stageIndex: number): RequestRecord {
  const stage = (name: Stage['stage'], status: Stage['status'], assignees: Stage['assignees']): Stage => ({
    stage: name,
    status,
    assignees,
    timeoutSeconds: 3600,
  });
  return {
    requestId,
    kind: 'brand-post',
    status: 'awaiting-approval',
    version: 1,
    submission: {
      kind: 'brand-post',
      submitter: 'ada@example.org',
      account: 'physics-x',
      title: 'Race',
      text: 'Race',
      format: 'post',
      media: [],
      attestations: {},
    },
    contentHash: 'h',
    receivedAt: '2026-11-20T00:00:00.000Z',
    channel: 'webhook',
    // The stage under test is pending; with stageIndex 0 a later stage still waits, so an approval does not end the request.
    stages:
      stageIndex === 0
        ? [stage('supervisor', 'pending', [person('carl'), person('cara')]), stage('comms', 'waiting', [person('kim')])]
        : [
            {
              ...stage('supervisor', 'approved', [person('grace')]),
              decision: 'approve',
              decidedBy: 'grace@example.org',
              decidedAt: '2026-11-20T00:00:00.000Z',
            },
            stage('comms', 'pending', [person('carl'), person('cara')]),
          ],
    findings: [],
  };
}

type Op =
  | { kind: 'approve'; by: string }
  | { kind: 'reject'; by: string }
  | { kind: 'request-changes'; by: string }
  | { kind: 'expire' }
  | { kind: 'withdraw' }
  | { kind: 'override' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('approve' as const), by: fc.constantFrom('carl', 'cara') }),
  fc.record({ kind: fc.constant('reject' as const), by: fc.constantFrom('carl', 'cara') }),
  fc.record({ kind: fc.constant('request-changes' as const), by: fc.constantFrom('carl', 'cara') }),
  fc.constant({ kind: 'expire' as const }),
  fc.constant({ kind: 'withdraw' as const }),
  // A communications approver reclassifies the post as a publication: an ethics stage joins the route's end.
  fc.constant({ kind: 'override' as const }),
);

const OUTCOME_OF: Readonly<Record<Exclude<Op['kind'], 'override'>, string>> = {
  approve: 'approved',
  reject: 'rejected',
  'request-changes': 'changes-requested',
  expire: 'expired',
  withdraw: 'withdrawn',
};

let runs = 0;

describe('racing for one stage', () => {
  it('lets exactly one outcome win over 1,000 random interleavings (decisions, expiry, withdrawal, classification overrides), and every loser reads the winner', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 2, maxLength: 5 }),
        fc.constantFrom(0, 1),
        fc.scheduler(),
        async (ops, stageIndex, s) => {
          // Prepare
          const requestId = `req_race_${runs++}`;
          await requests.createRequest(request(requestId, stageIndex));
          const stageCount = 2;
          const at = new Date().toISOString();
          const run = async (op: Op): Promise<RequestRecord | undefined> => {
            if (op.kind === 'withdraw') return requests.withdrawRequest(requestId);
            if (op.kind === 'override') {
              // As the review page does it: read the route, plan the new one, write it only if nothing moved.
              const seen = await requests.getRequest(requestId);
              if (seen === undefined) return undefined;
              const ethics: Stage = { stage: 'ethics', status: 'waiting', assignees: [person('eve')], timeoutSeconds: 3600 };
              return requests.overridePublication(requestId, 1, stageIndex, seen.stages.length, { is: true, reasons: ['override'] }, [
                ...seen.stages,
                ethics,
              ]);
            }
            const result: StageDecision =
              op.kind === 'expire'
                ? { stageIndex, decision: 'expired', decidedAt: at }
                : {
                    stageIndex,
                    decision: op.kind,
                    decidedBy: `${op.by}@example.org`,
                    decidedAt: at,
                    comment: op.kind === 'approve' ? undefined : 'because',
                  };
            return (await requests.claimStage(requestId, 1, stageIndex, stageCount, result))?.request;
          };

          // Act: every operation starts at a moment the scheduler picks
          const pending = ops.map((op) => s.schedule(Promise.resolve(op)).then(run));
          await s.waitAll();
          const results = await Promise.all(pending);
          const final = await requests.getRequest(requestId);

          // Assess
          const stage = final?.stages[stageIndex];
          const winners = ops.map((op, i) => ({ op, won: results[i] !== undefined })).filter((w) => w.won);
          const stageWinners = winners.filter((w) => w.op.kind !== 'withdraw' && w.op.kind !== 'override');
          const overrides = winners.filter((w) => w.op.kind === 'override').length;
          const finalCount = final?.stages.length ?? 0;
          // Each override that won added exactly one stage; none won after the stage or the request closed.
          expect(finalCount).toBe(stageCount + overrides);
          const withdrew = winners.some((w) => w.op.kind === 'withdraw');
          // The stage is decided at most once, by the first claim.
          expect(stageWinners.length).toBeLessThanOrEqual(1);
          // Only an approval of a stage before the last leaves the request open for a withdrawal to win too.
          const stageWin = stageWinners[0]?.op;
          const stageEnded = stageWin !== undefined && !(stageWin.kind === 'approve' && stageIndex < finalCount - 1);
          expect(stageEnded && withdrew).toBe(false);
          expect(winners.filter((w) => w.op.kind === 'withdraw').length).toBeLessThanOrEqual(1);
          // Something always wins when a withdrawal or a claim was attempted on an open request.
          expect(winners.length).toBeGreaterThanOrEqual(1);
          // An approval never ends the request while a stage the override added still waits.
          if (final?.outcome === 'approved') expect(stageIndex).toBe(finalCount - 1);
          // The record says who won: the stage's decision, and the one outcome.
          if (stageWin !== undefined) {
            expect(stage?.decision).toBe(stageWin.kind === 'expire' ? 'expired' : stageWin.kind);
            if ('by' in stageWin) expect(stage?.decidedBy).toBe(`${stageWin.by}@example.org`);
          } else {
            expect(stage?.status).toBe('pending');
          }
          const expectedOutcome = withdrew
            ? 'withdrawn'
            : stageWin === undefined || stageWin.kind === 'override' || (stageWin.kind === 'approve' && stageIndex < finalCount - 1)
              ? undefined
              : OUTCOME_OF[stageWin.kind];
          expect(final?.outcome).toBe(expectedOutcome);
          if (expectedOutcome !== undefined) expect(final?.status).toBe(expectedOutcome);
          // Every losing claim left the stage or the request closed, which is what its page shows.
          for (const [i, op] of ops.entries()) {
            if (results[i] !== undefined || op.kind === 'withdraw' || op.kind === 'override') continue;
            expect(stage?.status !== 'pending' || final?.outcome !== undefined).toBe(true);
          }
        },
      ),
      { numRuns: 1000 },
    );
  }, 240_000);
});
