import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCheckpoint, hmacSigner, periodAt } from '../../lambdas/core/audit/audit-checkpoint.js';
import type { RequestRecord, Stage } from '../../lambdas/core/model.js';
import { parseDirectory } from '../../lambdas/core/request/directory.js';
import { startTestDynamo, type TestDynamo } from './local-dynamo.js';
import { account, brandPostRecord, carl, fullFinding, grace, link, openingRecord } from './stored-fixtures.js';

// Every shape the adapters write, the adapters read (issue #12: stored items parsed at the adapter boundary). Against
// dynalite, so that the items read back are the ones DynamoDB's own update expressions made: each writer of each table
// runs, and each reader parses what it left, field for field.

type Adapters = {
  requests: typeof import('../../lambdas/adapters/requests.js');
  approvals: typeof import('../../lambdas/adapters/approvals.js');
  registry: typeof import('../../lambdas/adapters/registry.js');
  audit: import('../../lambdas/adapters/audit.js').AuditTable;
};
let a: Adapters;
let dynamo: TestDynamo;

beforeAll(async () => {
  dynamo = await startTestDynamo({
    REQUESTS_TABLE: 'signoff-requests',
    APPROVALS_TABLE: 'signoff-approvals',
    ACCOUNTS_TABLE: 'signoff-accounts',
    AUDIT_TABLE: 'signoff-audit',
  });
  a = {
    requests: await import('../../lambdas/adapters/requests.js'),
    approvals: await import('../../lambdas/adapters/approvals.js'),
    registry: await import('../../lambdas/adapters/registry.js'),
    audit: (await import('../../lambdas/adapters/audit.js')).auditTable(),
  };
});

afterAll(async () => {
  await dynamo.close();
});

const at = '2026-12-05T10:00:00.000Z';
const waiting = (stage: Stage['stage']): Stage => ({ stage, status: 'waiting', assignees: [grace], timeoutSeconds: 3600 });
const schedule = { remindSeconds: 1800, deadlineSeconds: 3600, secondDeadlineSeconds: 7200, tooLate: false };

/** A request as intake creates it, with the bookkeeping accept-submission writes beside it. */
function fresh(requestId: string): RequestRecord & { readonly bodyHash: string; readonly idempotencyKey: string } {
  const { stages: _s, findings: _f, publication: _p, executionArn: _e, previousVersions: _v, thread: _t, ...rest } = brandPostRecord;
  return {
    ...rest,
    requestId,
    version: 1,
    status: 'checking',
    stages: [],
    findings: [],
    bodyHash: 'h'.repeat(64),
    idempotencyKey: `msg_${requestId}`,
  };
}

/** The result, which every step here expects to be there. */
function present<T>(value: T | undefined): T {
  expect(value).toBeDefined();
  if (value === undefined) throw new Error('absent');
  return value;
}

describe('the requests table', () => {
  it('reads back a record with every optional field, of either kind, exactly as created', async () => {
    // Prepare
    const post = { ...brandPostRecord, bodyHash: 'h'.repeat(64), idempotencyKey: 'msg_post' };

    // Act
    await a.requests.createRequest(post);
    await a.requests.createRequest(openingRecord);

    // Assess
    expect(await a.requests.getRequest(post.requestId)).toEqual(post);
    expect(await a.requests.getRequest(openingRecord.requestId)).toEqual(openingRecord);
  });

  it("reads what each step of a stage's life writes: checks, route, opening, wait, delivery, escalation, override, decision", async () => {
    // Prepare
    const id = 'req_LIFECYCLELIFECYCLELIFE';
    await a.requests.createRequest(fresh(id));
    const publication = { is: false, reasons: ['internal account'] };

    // Act
    const started = present(await a.requests.recordExecution(id, 'arn:aws:states:eu-west-1:1:execution:signoff:x'));
    await a.requests.saveChecks(id, 1, [fullFinding], publication);
    const routed = present(
      await a.requests.saveRoute(id, 1, { findings: [fullFinding], publication, stages: [waiting('supervisor'), waiting('comms')] }),
    );
    const routedAgain = await a.requests.saveRoute(id, 1, { findings: [], publication: undefined, stages: [waiting('ethics')] });
    present(await a.requests.openStage(id, 1, 0, { openedAt: at, schedule, deadline: '2026-12-05T11:00:00.000Z' }));
    present(await a.requests.registerWait(id, 1, 0, 'token-0', 'requested'));
    await a.requests.markDelivered(id, 1, 0, 'requested');
    const failed = await a.requests.recordFailedAsk(id, 1, 0);
    present(await a.requests.recordEscalation(id, 1, 0, [carl], at, '2026-12-05T12:00:00.000Z'));
    const seen = present(await a.requests.getRequest(id));
    const override = { is: true, reasons: ['override'], override: { by: 'carl@example.org', at, reason: 'A notice', was: false } };
    present(await a.requests.overridePublication(id, 1, 0, 2, override, [...seen.stages, waiting('ethics')]));
    const statements = [{ rule: 'P-POLITICAL' as const, statement: 'I considered it' }];
    const claim = present(
      await a.requests.claimStage(id, 1, 0, 3, {
        stageIndex: 0,
        decision: 'approve',
        decidedBy: 'grace@example.org',
        deciderId: 'grace',
        decidedAt: at,
        comment: 'Fine',
        statements,
      }),
    );
    const decided = claim.request;

    // Assess
    expect(started.executionArn).toBe('arn:aws:states:eu-west-1:1:execution:signoff:x');
    // The route's write returns the request as stored; a second one (a rerun) stores nothing and says so.
    expect(routed).toMatchObject({
      status: 'awaiting-approval',
      findings: [fullFinding],
      publication,
      stages: [waiting('supervisor'), waiting('comms')],
    });
    expect(routedAgain).toBeUndefined();
    expect(failed).toBe(1);
    expect(await a.requests.waitTokenOf(id, 0)).toBe('token-0');
    expect(decided).toMatchObject({
      status: 'awaiting-approval',
      findings: [fullFinding],
      publication: override,
    });
    // The token comes beside the request, never in it (it must not reach what renders the request).
    expect(claim.waitToken).toBe('token-0');
    expect(decided).not.toHaveProperty('waitTokens');
    expect(decided.stages[0]).toEqual({
      ...waiting('supervisor'),
      status: 'approved',
      openedAt: at,
      schedule,
      deadline: '2026-12-05T11:00:00.000Z',
      timeoutSeconds: 3600,
      phase: 'requested',
      delivered: 'requested',
      failedAsks: 1,
      escalatedTo: [carl],
      escalatedAt: at,
      escalationDeadline: '2026-12-05T12:00:00.000Z',
      decision: 'approve',
      decidedBy: 'grace@example.org',
      deciderId: 'grace',
      decidedAt: at,
      comment: 'Fine',
      statements,
    });
    expect(decided.stages.map((s) => s.stage)).toEqual(['supervisor', 'comms', 'ethics']);
  });

  it('reads a stage decided by the clock (nulls read as absent) and the request it ends', async () => {
    // Prepare
    const id = 'req_EXPIREDEXPIREDEXPIREDE';
    await a.requests.createRequest(fresh(id));
    await a.requests.saveRoute(id, 1, { findings: [], publication: undefined, stages: [waiting('supervisor')] });
    await a.requests.openStage(id, 1, 0, { openedAt: at, schedule, deadline: '2026-12-05T11:00:00.000Z' });

    // Act
    const expired = present(await a.requests.claimStage(id, 1, 0, 1, { stageIndex: 0, decision: 'expired', decidedAt: at })).request;
    const finished = present(await a.requests.finishRequest(id, 'expired'));

    // Assess
    expect(expired.stages[0]).toEqual({
      ...waiting('supervisor'),
      status: 'expired',
      decision: 'expired',
      decidedAt: at,
      openedAt: at,
      schedule,
      deadline: '2026-12-05T11:00:00.000Z',
    });
    expect([expired.stages[0]?.decidedBy, expired.stages[0]?.deciderId, expired.stages[0]?.comment]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect([finished.status, finished.outcome]).toEqual(['expired', 'expired']);
  });

  it('reads a request returned for changes, its flags, its new version (no execution yet), a registration and a withdrawal', async () => {
    // Prepare
    const id = 'req_CHANGESCHANGESCHANGESC';
    const created = fresh(id);
    await a.requests.createRequest(created);
    await a.requests.saveRoute(id, 1, { findings: [], publication: undefined, stages: [waiting('supervisor')] });
    await a.requests.openStage(id, 1, 0, { openedAt: at, schedule, deadline: '2026-12-05T11:00:00.000Z' });

    // Act
    const returned = present(
      await a.requests.claimStage(id, 1, 0, 1, {
        stageIndex: 0,
        decision: 'request-changes',
        decidedBy: 'grace@example.org',
        deciderId: 'grace',
        decidedAt: at,
      }),
    ).request;
    const lease = new Date(Date.parse(at) + 30_000);
    const claims = [
      await a.requests.claimFlag(id, 'outcomeNotified', 1, lease, new Date(at)),
      await a.requests.claimFlag(id, 'outcomeNotified', 1, lease, new Date(at)),
    ];
    await a.requests.markFlagSent(id, 'outcomeNotified', 1, 'ses-outcome');
    const afterSent = await a.requests.claimFlag(id, 'outcomeNotified', 1, lease, new Date(lease.getTime() + 1));
    const acknowledged = await a.requests.claimFlag(id, 'acknowledged', 1, lease, new Date(at));
    await a.requests.releaseFlag(id, 'acknowledged');
    present(await a.requests.saveRegistration(id, 1, { accountId: 'x', registered: true }));
    const registered = present(await a.requests.getRequest(id));
    const next = present(
      await a.requests.startNewVersion(
        returned,
        { ...created.submission, title: 'Open day, again' },
        'e'.repeat(64),
        'msg_v2',
        new Date(at),
      ),
    );
    const nextItem = present(await a.requests.getRequest(id));
    const withdrawn = present(await a.requests.withdrawRequest(id));

    // Assess
    expect(returned.stages[0]).toMatchObject({ status: 'request-changes', decision: 'request-changes' });
    expect(returned.stages[0]?.comment).toBeUndefined();
    expect(claims).toEqual([{ state: 'claimed' }, { state: 'in-flight', until: lease }]);
    expect([afterSent, acknowledged]).toEqual([{ state: 'sent', messageId: 'ses-outcome' }, { state: 'claimed' }]);
    expect(registered).toMatchObject({
      outcomeNotified: 1,
      outcomeNotifiedMessageId: 'ses-outcome',
      registration: { accountId: 'x', registered: true },
    });
    expect([registered.outcomeNotifiedLease, registered.acknowledged, registered.acknowledgedLease]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(next).toMatchObject({
      version: 2,
      status: 'checking',
      versionKey: 'msg_v2',
      versionedAt: at,
      stages: [],
      findings: [],
      waitTokens: {},
    });
    expect(next.previousVersions).toEqual([
      { version: 1, submission: created.submission, contentHash: created.contentHash, outcome: 'changes-requested' },
    ]);
    expect(next.executionArn).toBeUndefined();
    expect([nextItem.outcomeNotified, nextItem.outcomeNotifiedMessageId]).toEqual([undefined, undefined]);
    expect([withdrawn.status, withdrawn.outcome]).toEqual(['withdrawn', 'withdrawn']);
  });
});

describe('the approvals table', () => {
  it('reads back links, deliveries in each state, withdraw links and signed calls', async () => {
    // Prepare
    const ref = { requestId: link.requestId, version: 2, stageIndex: 0, phase: 'requested', approverId: 'grace' } as const;
    const call = {
      webhookId: 'msg_round_trip',
      action: 'new-version',
      requestId: link.requestId,
      bodyHash: 'b'.repeat(64),
      acceptedAt: at,
    } as const;

    // Act
    await a.approvals.putLink(link);
    const t0 = new Date(at);
    const lease = new Date(t0.getTime() + 30_000);
    const afterLease = new Date(lease.getTime() + 1);
    const first = await a.approvals.beginDelivery(ref, 'l1', lease, t0);
    const inFlight = await a.approvals.beginDelivery(ref, 'l2', lease, t0);
    const peeked = await a.approvals.deliveryOf(ref);
    await a.approvals.releaseDelivery(ref);
    const retried = await a.approvals.beginDelivery(ref, 'l2', lease, t0);
    await a.approvals.markDelivery(ref, 'sent', 'ses-1');
    const sent = await a.approvals.beginDelivery(ref, 'l3', lease, afterLease);
    await a.approvals.markDelivery(ref, 'audited');
    const audited = await a.approvals.beginDelivery(ref, 'l4', lease, afterLease);
    await a.approvals.putWithdrawLink('w'.repeat(64), link.requestId);
    await a.approvals.rememberSignedCall(call, new Date(at));

    // Assess
    expect(await a.approvals.getLink('e'.repeat(64))).toEqual(link);
    expect([first, inFlight, peeked, retried, sent, audited]).toEqual([
      { state: 'new' },
      { state: 'in-flight', until: lease },
      { state: 'in-flight', until: lease, linkHash: 'l1' },
      { state: 'new' },
      { state: 'sent', linkHash: 'l2', messageId: 'ses-1' },
      { state: 'audited' },
    ]);
    expect(await a.approvals.requestOfWithdrawLink('w'.repeat(64))).toBe(link.requestId);
    expect(await a.approvals.rememberSignedCall({ ...call, bodyHash: 'c'.repeat(64) }, new Date(at))).toEqual(call);
  });
});

describe('the accounts table', () => {
  it('reads back the accounts seeded from the directory file, and one registered with every field', async () => {
    // Prepare
    const directory = parseDirectory(JSON.parse(readFileSync(new URL('../../config/directory.json', import.meta.url), 'utf8')));

    // Act
    const seeded = await a.registry.listAccounts(directory);
    await a.registry.registerAccount(account, directory);

    // Assess
    expect(seeded.map((s) => s.id)).toEqual(directory.accounts.map((d) => d.id).sort());
    expect(await a.registry.getAccount(account.id, directory)).toEqual(account);
    expect(await a.registry.registerAccount(account, directory)).toBe('already-registered');
  });
});

describe('the audit table', () => {
  it('reads back events as appended, and checkpoints with heads with and without an account', async () => {
    // Prepare
    const signer = hmacSigner('round-trip-audit-key-0123456789');
    const period = periodAt(490_000);

    // Act
    const submitted = await a.audit.appendAudit(
      'req_audit',
      {
        type: 'request.submitted',
        actor: 'ada@example.org',
        data: {
          channel: 'webhook',
          idempotencyKey: 'msg_a',
          kind: 'brand-post',
          account: 'physics-x',
          version: 1,
          contentHash: 'a'.repeat(64),
        },
      },
      new Date(at),
    );
    const outcome = await a.audit.appendAudit(
      'req_audit',
      { type: 'request.outcome', actor: 'signoff', data: { outcome: 'approved', version: 1 } },
      new Date(at),
    );
    const checkpoint = await buildCheckpoint(
      undefined,
      period,
      [
        { requestId: 'req_audit', seq: 2, hash: outcome.hash, account: 'physics-x' },
        { requestId: 'req_other', seq: 1, hash: 'f'.repeat(64) },
      ],
      new Date(at),
      signer,
    );
    await a.audit.putCheckpoint(checkpoint);

    // Assess
    expect(await a.audit.readAudit('req_audit')).toEqual([submitted, outcome]);
    expect(await a.audit.eventAt('req_audit', 2)).toEqual({ event: outcome, account: 'physics-x', prevAt: submitted.at });
    expect(await a.audit.latestCheckpoint()).toEqual(checkpoint);
  });
});
