import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRASH_EXIT_CODE } from '../../local/crash-points.js';
import { Rng } from '../../local/prng.js';
import { AFTER_LEASE_MS, accountOf, journey, type Journey } from './journeys.js';
import { Stack } from './stack.js';

// Issue #13, "nothing lost, nothing twice, nothing stuck": brand posts driven through both stages while the stack
// ends at named points (SIGNOFF_LOCAL_CRASH_AT, local/crash-points.ts) and at seeded random moments (SIGKILL), each
// time started again on the same data directory. Clients behave as real ones do: a webhook sender retries a delivery
// that got no answer, an approver whose page did not answer opens the link and decides again. Nobody re-posts after a
// nudge was lost: the stage's recheck (SIGNOFF_STAGE_RECHECK_SECONDS) moves it on. At the end, for every request:
// approved; each promised mail once (acknowledgement, the supervisor's ask, both comms members' asks, the outcome);
// each audit event once and the chain verified. One exception is allowed and checked to be that: a second copy of a
// mail whose first copy the trail never recorded, i.e. the process died between SES's acceptance and the sender's
// mark, the one window no sender can close (docs/decisions.md "Exactly once").

/** Short rechecks, so that a lost nudge costs seconds here (the default is 3600). */
const BASE_ENV = { SIGNOFF_STAGE_RECHECK_SECONDS: '3' } as const;

/** Where the stack ends in the named-point cases, each during a request of its own. */
const NAMED_POINTS = [
  // intake stored the request and ended before auditing it or starting its execution: the sender retries
  'audit:request.submitted',
  // the acknowledgement was claimed, the process ended before SES saw it: sent after the claim's lease
  'ses:SendEmail',
  // the acknowledgement went out and was marked sent, the process ended before its audit event
  'audit:notification.sent',
  'audit:workflow.started',
  'audit:stage.opened',
  'audit:route.planned',
  // the supervisor's decision stored and audited, the workflow never told, nobody posts again: the recheck moves it
  'sfn:SendTaskSuccess',
];

let stack: Stack;
const journeys: Journey[] = [];

beforeAll(async () => {
  stack = await Stack.start({ ...BASE_ENV });
});
afterAll(async () => {
  await stack.dispose();
});

/** Restarts the stack once it has ended at its crash point, without the point. */
async function restartAfterCrash(): Promise<number | null> {
  const code = await stack.exited(AFTER_LEASE_MS);
  await stack.restart('SIGKILL', { ...BASE_ENV });
  return code;
}

describe('a crash at a named point', () => {
  it.each(NAMED_POINTS)(
    'at %s: the request still ends approved',
    async (point) => {
      // Prepare
      await stack.restart('SIGTERM', { ...BASE_ENV, SIGNOFF_LOCAL_CRASH_AT: point });

      // Act
      const driven = journey(stack, `Crash at ${point}`, { postAgain: point !== 'sfn:SendTaskSuccess' });
      const code = await restartAfterCrash();
      journeys.push(await driven);

      // Assess (each mail and event once: the last test, over every journey)
      expect(code).toBe(CRASH_EXIT_CODE);
    },
    4 * AFTER_LEASE_MS,
  );
});

describe('random kills', () => {
  it(
    'SIGKILL three times at seeded random moments while eight requests move through both stages: every one ends approved',
    async () => {
      // Prepare: a seeded generator (local/prng.ts), so a failing run can be replayed with its seed
      const seed = Number(process.env['SIGNOFF_CRASH_SEED'] ?? 20261206);
      const random = new Rng(seed);

      // Act: the journeys run while the stack is killed and started again
      const done = Promise.all(Array.from({ length: 8 }, (_, i) => journey(stack, `Random kill ${seed} [${i + 1}]`)));
      for (let kill = 0; kill < 3; kill++) {
        await new Promise((resolve) => setTimeout(resolve, 300 + Math.floor(random.next() * 2_500)));
        await stack.restart('SIGKILL', { ...BASE_ENV });
      }
      const ended = await done;
      journeys.push(...ended);

      // Assess
      expect(new Set(ended.map((j) => j.requestId)).size).toBe(8);
    },
    6 * AFTER_LEASE_MS,
  );
});

describe('after every crash', () => {
  it('each promised mail went out once per person, each audit event was written once, and every chain verifies', async () => {
    // Prepare
    expect(journeys.length).toBe(NAMED_POINTS.length + 8);
    const outbox = await stack.outbox();

    // Act
    const accounts = [];
    for (const j of journeys) accounts.push(await accountOf(stack, j, outbox));

    // Assess: nothing lost, nothing recorded twice, each event once, every chain verified; a second copy only of a
    // mail the trail never recorded (printed when it happens)
    for (const a of accounts) {
      expect({ lost: a.lost, duplicated: a.duplicated, events: a.events, verified: a.verified }, a.title).toEqual({
        lost: [],
        duplicated: [],
        events: [],
        verified: true,
      });
      if (a.unrecordedCopies.length > 0) console.log(`${a.title}: ${a.unrecordedCopies.join('; ')} (a death between SES and the mark)`);
    }
  }, 120_000);
});
