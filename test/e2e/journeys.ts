import { createHash } from 'node:crypto';
import { type AuditBody, type OutboxMessage, type Stack, decide, reviewLink, samplePost, waitFor } from './stack.js';

// A brand post from submission to its outcome, driven like real clients drive it whatever happens to the stack (a
// webhook sender retries a delivery that got no answer; an approver whose page did not answer opens the link and
// decides again), and the account of what it left: each promised mail once per person, each audit event once, the
// chain verified. Shared by the crash test (test/e2e/crash-exactly-once.test.ts) and the soak (bench/crash-soak.ts).

/** A mail claimed by a process that died is sent after that claim's lease (the invocation's 30 s deadline) and a retry. */
export const AFTER_LEASE_MS = 120_000;

export interface Journey {
  readonly title: string;
  readonly requestId: string;
}

/** Repeats an HTTP step while the stack is down or restarting (what a retrying client does). */
async function retrying<T>(what: string, step: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  return waitFor(what, step, timeoutMs);
}

/**
 * Submits a brand post and approves it at both stages. `postAgain: false`: an approver whose post got no answer does
 * not post again (the stage's recheck must move the request).
 */
export async function journey(
  stack: Stack,
  title: string,
  options: { readonly postAgain?: boolean; readonly timeoutMs?: number } = {},
): Promise<Journey> {
  const { postAgain = true, timeoutMs = AFTER_LEASE_MS } = options;
  const body = samplePost({ title });
  const id = `msg_${createHash('sha256').update(title).digest('hex').slice(0, 24)}`;
  const requestId = await retrying(
    `${title}: accepted`,
    async () => {
      const res = await stack.submit(body, { id });
      return res.status === 202 ? ((await res.json()) as { requestId: string }).requestId : undefined;
    },
    timeoutMs,
  );
  for (const approver of ['grace@example.org', 'carl@example.org']) {
    const link = reviewLink(await stack.mailTo(approver, title, timeoutMs));
    // 200: decided now; 409: decided before (this or an earlier post, whose answer may have been lost).
    await retrying(
      `${title}: ${approver} decided`,
      async () => {
        const { status } = await decide(link, 'approve').catch((error: unknown) => {
          if (postAgain) throw error;
          return { status: 0 };
        });
        return status === 200 || status === 409 || status === 0 ? status : undefined;
      },
      timeoutMs,
    );
  }
  await stack.waitForStatus(requestId, 'approved', timeoutMs);
  await stack.mailTo('ada@example.org', `approved: ${title}`, timeoutMs);
  // The journey ends with its trail: the outcome's notification.sent follows its mail (a restart that comes between
  // the two, as the next case's does, leaves it to the replayed task).
  await retrying(
    `${title}: the outcome audited`,
    async () => ((await stack.audit(requestId)).events.filter((e) => e.type === 'notification.sent').length >= 2 ? true : undefined),
    timeoutMs,
  );
  return { title, requestId };
}

/** What a mail is, from its subject (lambdas/core/render/render.ts). */
function kindOf(mail: OutboxMessage, title: string): string | undefined {
  if (mail.subject === `Received: ${title}`) return 'acknowledgement';
  if (mail.subject === `Your request was approved: ${title}`) return 'outcome';
  if (mail.subject.endsWith(`: ${title}`) && mail.subject.includes('(')) return 'approval';
  return undefined;
}

/** Whether the trail records this copy of a mail: by SES's message id, or (an approval request) its link's hash. */
function recorded(mail: OutboxMessage, audit: AuditBody): boolean {
  const link = /\/approvals\/([A-Za-z0-9_-]{43})/.exec(mail.text)?.[1];
  const linkHash = link === undefined ? undefined : createHash('sha256').update(link).digest('hex');
  return audit.events.some(
    (e) => e.data['messageId'] === mail.id || (linkHash !== undefined && e.type.startsWith('approval.') && e.data['linkHash'] === linkHash),
  );
}

/**
 * The mails a two-stage brand post promises: one per kind and person. The second comms member's ask is owed only while
 * the stage is open: a run of the asking task that died between the two asks and ran again after carl decided (the
 * journey decides on the first mail) rightly asks nobody more.
 */
export const PROMISED_MAILS = [
  'acknowledgement → ada@example.org',
  'approval → carl@example.org',
  'approval → grace@example.org',
  'outcome → ada@example.org',
] as const;
const OPTIONAL_MAILS = ['approval → cara@example.org'] as const;

/** The events a two-stage brand post approved by both stages writes, each exactly this often (`approval.requested`: once per ask sent). */
export const EXPECTED_EVENTS: Readonly<Record<string, number>> = {
  'request.submitted': 1,
  'workflow.started': 1,
  'checks.completed': 1,
  'route.planned': 1,
  'stage.opened': 2,
  'approval.requested': 3,
  'decision.recorded': 2,
  'request.outcome': 1,
  'notification.sent': 2,
};

export interface JourneyAccount {
  readonly title: string;
  /** Promised mails that never went out. */
  readonly lost: readonly string[];
  /**
   * Copies the trail never recorded: the process died between SES's acceptance and the sender's mark (an extra copy,
   * or the second comms member's only ask when the stage was decided before any retry).
   */
  readonly unrecordedCopies: readonly string[];
  /** Mails recorded more than once, or other than once: a broken claim. */
  readonly duplicated: readonly string[];
  /** Audit event types written other than the expected number of times: `type: got/expected`. */
  readonly events: readonly string[];
  readonly verified: boolean;
}

/** The account of one finished journey, from the outbox and its trail (read once its last event is in). */
export async function accountOf(stack: Stack, j: Journey, outbox: readonly OutboxMessage[]): Promise<JourneyAccount> {
  const audit = await waitFor(
    `${j.title}: the trail complete`,
    async () => {
      const a = await stack.audit(j.requestId);
      return a.events.filter((e) => e.type === 'notification.sent').length >= 2 ? a : undefined;
    },
    30_000,
  ).catch(() => stack.audit(j.requestId));
  const copies = new Map<string, OutboxMessage[]>();
  for (const m of outbox) {
    const kind = kindOf(m, j.title);
    if (kind === undefined) continue;
    const key = `${kind} → ${m.to.join(',')}`;
    copies.set(key, [...(copies.get(key) ?? []), m]);
  }
  const lost = PROMISED_MAILS.filter((k) => !copies.has(k));
  const unrecordedCopies: string[] = [];
  const duplicated: string[] = [];
  for (const [key, sent] of copies) {
    const inTrail = sent.filter((m) => recorded(m, audit)).length;
    const known = [...PROMISED_MAILS, ...OPTIONAL_MAILS].some((k) => k === key);
    const optional = OPTIONAL_MAILS.some((k) => k === key);
    // An optional ask sent in the window and never retried (the stage was decided first) is recorded nowhere: the
    // same window as an extra copy, and counted with them.
    if (optional && inTrail === 0) unrecordedCopies.push(`${key}: ${sent.length} sent, never recorded`);
    else if (inTrail !== 1 || !known) duplicated.push(`${key}: ${sent.length} sent, ${inTrail} recorded`);
    else if (sent.length > 1) unrecordedCopies.push(`${key}: ${sent.length - 1} unrecorded`);
  }
  const asksRecorded = [...copies.entries()].filter(([k, sent]) => k.startsWith('approval → ') && sent.some((m) => recorded(m, audit)));
  const expected: Readonly<Record<string, number>> = { ...EXPECTED_EVENTS, 'approval.requested': asksRecorded.length };
  const counts = new Map<string, number>();
  for (const e of audit.events) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
  const events = [...new Set([...counts.keys(), ...Object.keys(expected)])]
    .filter((type) => (counts.get(type) ?? 0) !== (expected[type] ?? 0))
    .map((type) => `${type}: ${counts.get(type) ?? 0}/${expected[type] ?? 0}`);
  return { title: j.title, lost, unrecordedCopies, duplicated, events, verified: audit.verification.ok };
}
