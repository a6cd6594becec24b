import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRASH_EXIT_CODE } from '../../local/crash-points.js';
import { Stack, decide, reviewLink, samplePost, waitFor, type AuditBody, type OutboxMessage } from './stack.js';

// Issue #13, "nothing lost, nothing twice, nothing stuck": brand posts driven through both stages while the stack
// ends at named points (SIGNOFF_LOCAL_CRASH_AT, local/crash-points.ts) and at seeded random moments (SIGKILL), each
// time started again on the same data directory. Clients behave as real ones do: a webhook sender retries a delivery
// that got no answer, an approver whose page did not answer opens the link and decides again. Nobody re-posts after a
// nudge was lost: the stage's recheck (SIGNOFF_STAGE_RECHECK_SECONDS) moves it on. At the end, for every request:
// approved; each promised mail once (acknowledgement, the supervisor's ask, both comms members' asks, the outcome);
// each audit event once and the chain verified. One exception is allowed and checked to be that: a second copy of a
// mail whose first copy the trail never recorded, i.e. the process died between SES's acceptance and the sender's
// mark, the one window no sender can close (docs/decisions.md "Exactly once").

/** Short rechecks, so that a lost nudge costs seconds here (the default is 900). */
const BASE_ENV = { SIGNOFF_STAGE_RECHECK_SECONDS: '3' } as const;
/** A mail claimed by a process that died is sent after that claim's lease (the invocation's 30 s deadline) and a retry. */
const AFTER_LEASE_MS = 120_000;

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
const journeys: Array<{ title: string; requestId: string }> = [];

beforeAll(async () => {
  stack = await Stack.start({ ...BASE_ENV });
});
afterAll(async () => {
  await stack.dispose();
});

/** Repeats an HTTP step while the stack is down or restarting (what a retrying client does). */
async function retrying<T>(what: string, step: () => Promise<T | undefined>): Promise<T> {
  return waitFor(what, step, AFTER_LEASE_MS);
}

/** A request from submission to its outcome, each step retried like a client would, whatever happens to the stack. */
async function journey(title: string, options: { readonly postAgain: boolean } = { postAgain: true }): Promise<string> {
  const body = samplePost({ title });
  const id = `msg_${createHash('sha256').update(title).digest('hex').slice(0, 24)}`;
  const requestId = await retrying(`${title}: accepted`, async () => {
    const res = await stack.submit(body, { id });
    return res.status === 202 ? ((await res.json()) as { requestId: string }).requestId : undefined;
  });
  journeys.push({ title, requestId });
  for (const approver of ['grace@example.org', 'carl@example.org']) {
    const link = reviewLink(await stack.mailTo(approver, title, AFTER_LEASE_MS));
    // 200: decided now; 409: decided before (this or an earlier post, whose answer may have been lost). An approver
    // who does not post again after a post without an answer leaves the request to the stage's recheck.
    await retrying(`${title}: ${approver} decided`, async () => {
      const { status } = await decide(link, 'approve').catch((error: unknown) => {
        if (options.postAgain) throw error;
        return { status: 0 };
      });
      return status === 200 || status === 409 || status === 0 ? status : undefined;
    });
  }
  await stack.waitForStatus(requestId, 'approved', AFTER_LEASE_MS);
  await stack.mailTo('ada@example.org', `approved: ${title}`, AFTER_LEASE_MS);
  return requestId;
}

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
      const driven = journey(`Crash at ${point}`, { postAgain: point !== 'sfn:SendTaskSuccess' });
      const code = await restartAfterCrash();
      await driven;

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
      // Prepare: a seeded generator (mulberry32), so a failing run can be replayed with its seed
      const seed = Number(process.env['SIGNOFF_CRASH_SEED'] ?? 20261206);
      let state = seed >>> 0;
      const random = () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
      };

      // Act: the journeys run while the stack is killed and started again
      const done = Promise.all(Array.from({ length: 8 }, (_, i) => journey(`Random kill ${seed} #${i + 1}`)));
      for (let kill = 0; kill < 3; kill++) {
        await new Promise((resolve) => setTimeout(resolve, 300 + Math.floor(random() * 2_500)));
        await stack.restart('SIGKILL', { ...BASE_ENV });
      }
      const ids = await done;

      // Assess
      expect(new Set(ids).size).toBe(8);
    },
    6 * AFTER_LEASE_MS,
  );
});

/** What a mail is, from its subject (lambdas/core/render/render.ts). */
function kindOf(mail: OutboxMessage, title: string): string | undefined {
  if (mail.subject === `Received: ${title}`) return 'acknowledgement';
  if (mail.subject === `Your request was approved: ${title}`) return 'outcome';
  if (mail.subject.endsWith(`: ${title}`) && mail.subject.includes('(')) return 'approval';
  return undefined;
}

/** Whether the trail records this copy of a mail: by SES's message id, or by its review link's hash. */
function recorded(mail: OutboxMessage, audit: AuditBody): boolean {
  const link = /\/approvals\/([A-Za-z0-9_-]{43})/.exec(mail.text)?.[1];
  const linkHash = link === undefined ? undefined : createHash('sha256').update(link).digest('hex');
  return audit.events.some((e) => e.data['messageId'] === mail.id || (linkHash !== undefined && e.data['linkHash'] === linkHash));
}

describe('after every crash', () => {
  it('each promised mail went out once per person, each audit event was written once, and every chain verifies', async () => {
    // Prepare
    expect(journeys.length).toBe(NAMED_POINTS.length + 8);
    const outbox = await stack.outbox();

    for (const { title, requestId } of journeys) {
      // Act: the trail once its last event (the outcome's notification) is in
      const audit = await waitFor(`${title}: the trail complete`, async () => {
        const a = await stack.audit(requestId);
        return a.events.filter((e) => e.type === 'notification.sent').length >= 2 ? a : undefined;
      });

      // Assess: mails — one per kind and recipient; a second copy only of one the trail never recorded
      const mails = outbox.filter((m) => kindOf(m, title) !== undefined);
      const copies = new Map<string, OutboxMessage[]>();
      for (const m of mails) {
        const key = `${kindOf(m, title)} → ${m.to.join(',')}`;
        copies.set(key, [...(copies.get(key) ?? []), m]);
      }
      expect([...copies.keys()].sort(), title).toEqual(
        [
          'acknowledgement → ada@example.org',
          'approval → grace@example.org',
          'approval → carl@example.org',
          'approval → cara@example.org',
          'outcome → ada@example.org',
        ].sort(),
      );
      for (const [key, sent] of copies) {
        expect(
          sent.filter((m) => recorded(m, audit)),
          `${title}: ${key}`,
        ).toHaveLength(1);
        if (sent.length > 1) console.log(`${title}: ${key} sent ${sent.length} times (a process died between SES and its mark)`);
      }

      // Assess: the trail
      expect(audit.verification.ok, title).toBe(true);
      const counts = new Map<string, number>();
      for (const e of audit.events) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
      expect(Object.fromEntries(counts), title).toEqual({
        'request.submitted': 1,
        'workflow.started': 1,
        'checks.completed': 1,
        'route.planned': 1,
        'stage.opened': 2,
        'approval.requested': 3,
        'decision.recorded': 2,
        'request.outcome': 1,
        'notification.sent': 2,
      });
    }
  }, 120_000);
});
