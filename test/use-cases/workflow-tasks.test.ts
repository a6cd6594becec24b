import { describe, expect, it } from 'vitest';
import { AlreadyDecidedError, NotFoundError } from '../../lambdas/core/errors.js';
import type { RequestRecord } from '../../lambdas/core/model.js';
import { advanceStage } from '../../lambdas/use-cases/advance-stage.js';
import { planRoute } from '../../lambdas/core/request/route.js';
import { requestApproval } from '../../lambdas/use-cases/request-approval.js';
import { runChecks } from '../../lambdas/use-cases/run-checks.js';
import { brandPost, NOW, SUPERVISOR_APPROVES, taskPorts } from './memory-ports.js';

// The workflow's task use cases (RunChecks, which also plans the route, AdvanceStage, RequestApproval) against in-memory ports.

/** The deadline of the invocation under test (the lease of what it claims). */
const LEASE = new Date(NOW.getTime() + 30_000);

const checking = (overrides: Partial<RequestRecord> = {}) => brandPost({ status: 'checking', stages: [], ...overrides });

const setUp = (record: RequestRecord) => taskPorts(record);

describe('runChecks', () => {
  it('saves the findings and the publication classification, and audits them', async () => {
    // Prepare
    const ports = setUp(checking());

    // Act
    const result = await runChecks({ requestId: 'req_memory', version: 1 }, ports);

    // Assess
    const saved = await ports.requests.getRequest('req_memory');
    expect(result).toMatchObject({ blocked: false, findingCount: saved?.findings.length });
    expect(saved?.findings.some((f) => f.severity === 'block')).toBe(false);
    expect(saved?.publication).toBeDefined();
    expect(ports.audit.types()[0]).toBe('checks.completed');
    expect(ports.audit.events[0]?.data['findings']).toHaveLength(result.findingCount);
  });

  it('blocks a post to an account the registry does not have', async () => {
    // Prepare
    const post = checking();
    const ports = setUp({
      ...post,
      submission: {
        ...post.submission,
        kind: 'brand-post',
        account: 'no-such-account',
        submitter: 'ada@example.org',
        title: 't',
        text: 't',
        format: 'post',
        media: [],
        attestations: {},
      },
    });

    // Act
    const result = await runChecks({ requestId: 'req_memory', version: 1 }, ports);

    // Assess: blocked, so no route is planned and nobody is asked; the findings are saved and audited
    const saved = await ports.requests.getRequest('req_memory');
    expect(result).toEqual({ blocked: true, findingCount: saved?.findings.length, planned: false, stageCount: 0, step: null });
    expect(saved?.findings.some((f) => f.rule === 'P-ACCOUNT' && f.severity === 'block')).toBe(true);
    expect(saved?.stages).toEqual([]);
    expect(saved?.status).toBe('checking');
    expect(ports.audit.types()).toEqual(['checks.completed']);
  });
});

describe('runChecks, when nothing blocks: the route', () => {
  it('saves the route the preset gives with its first stage opened, audits both, and returns the first step', async () => {
    // Prepare
    const ports = setUp(checking());

    // Act
    const result = await runChecks({ requestId: 'req_memory', version: 1 }, ports, NOW);

    // Assess: the first stage is open with AdvanceStage's times, the others wait; the step is AdvanceStage's
    const saved = await ports.requests.getRequest('req_memory');
    const first = saved?.stages[0];
    expect(saved?.status).toBe('awaiting-approval');
    expect(first).toMatchObject({ stage: 'supervisor', status: 'pending', openedAt: NOW.toISOString() });
    expect(first?.schedule?.deadlineSeconds).toBe(first?.timeoutSeconds);
    expect(saved?.stages.slice(1).map((s) => s.status)).toEqual(saved?.stages.slice(1).map(() => 'waiting'));
    expect(result).toEqual({
      blocked: false,
      findingCount: saved?.findings.length,
      planned: true,
      stageCount: saved?.stages.length,
      step: { next: 'wait', wait: { phase: 'requested', seconds: 900, deadline: first?.deadline } },
    });
    expect(ports.audit.types()).toEqual(['checks.completed', 'route.planned', 'stage.opened']);
    expect(ports.audit.events[2]?.data).toMatchObject({ stage: 'supervisor', stageIndex: 0, version: 1, deadline: first?.deadline });
  });

  it('takes the same first step, stage and event as AdvanceStage opening the stage', async () => {
    // Prepare: the same request in two stores; in one RunChecks checks, plans and opens, in the other the same
    // findings and route are saved as planned (every stage waiting) and AdvanceStage opens the first stage, as before
    // issue #18
    const record = checking();
    const planned = setUp(record);
    const advanced = setUp(record);

    // Act
    const result = await runChecks({ requestId: 'req_memory', version: 1 }, planned, NOW);
    const checked = await planned.requests.getRequest('req_memory');
    if (checked === undefined) throw new Error('not saved');
    const publication = checked.publication ?? { is: false, reasons: [] };
    const route = planRoute(record.submission, advanced.directory, publication, advanced.preset, checked.findings);
    await advanced.requests.saveRoute('req_memory', 1, { findings: checked.findings, publication: checked.publication, stages: route });
    const step = await advanceStage({ requestId: 'req_memory', version: 1, stageIndex: 0, callback: null }, advanced, NOW);

    // Assess
    expect(route[0]?.status).toBe('waiting');
    expect(result.step).toEqual(step);
    expect(checked.stages).toEqual((await advanced.requests.getRequest('req_memory'))?.stages);
    expect(planned.audit.events.at(-1)?.data).toEqual(advanced.audit.events.at(-1)?.data);
  });

  it('plans no route for a request withdrawn while it was checked, and keeps and audits its findings', async () => {
    // Prepare: withdrawn before its checks ran (its execution is being stopped)
    const ports = setUp(checking({ status: 'withdrawn', outcome: 'withdrawn' }));

    // Act
    const result = await runChecks({ requestId: 'req_memory', version: 1 }, ports, NOW);

    // Assess
    const saved = await ports.requests.getRequest('req_memory');
    expect(result).toEqual({ blocked: false, findingCount: saved?.findings.length, planned: false, stageCount: 0, step: null });
    expect([saved?.status, saved?.outcome, saved?.stages]).toEqual(['withdrawn', 'withdrawn', []]);
    expect(ports.audit.types()).toEqual(['checks.completed']);
    expect(ports.audit.events[0]?.data['findings']).toHaveLength(saved?.findings.length ?? -1);
  });

  it('without a valid route, records the route failure with its reason, adds no finding and asks nobody', async () => {
    // Prepare
    const post = checking();
    // The director, a poster of the account: the checks pass, but nobody supervises her
    const ports = setUp({ ...post, submission: { ...post.submission, submitter: 'dora@example.org' } });
    const account = post.submission.kind === 'brand-post' ? post.submission.account : '';
    const posting = ports.accounts.map((a) => (a.id === account ? { ...a, posters: [...a.posters, 'dora'] } : a));
    ports.accounts.splice(0, ports.accounts.length, ...posting);

    // Act
    const result = await runChecks({ requestId: 'req_memory', version: 1 }, ports);

    // Assess: the checks' findings saved and audited as they were, the route failure beside them (not a finding)
    const saved = await ports.requests.getRequest('req_memory');
    expect(result).toEqual({ blocked: false, findingCount: saved?.findings.length, planned: false, stageCount: 0, step: null });
    expect(saved?.stages).toEqual([]);
    expect(saved?.routeFailure).toEqual({ reason: 'Dora Director has no manager in the directory' });
    expect(ports.audit.types()).toEqual(['checks.completed', 'route.failed']);
    expect(ports.audit.events[0]?.data['findings']).toHaveLength(saved?.findings.length ?? -1);
    expect(saved?.findings.map((f) => f.message).join('\n')).not.toContain('no manager');
  });
});

describe('advanceStage', () => {
  const waiting = () => {
    const post = brandPost();
    return brandPost({
      stages: post.stages.map((s, i) =>
        i === 0 ? { stage: s.stage, status: 'waiting', assignees: s.assignees, timeoutSeconds: s.timeoutSeconds } : s,
      ),
    });
  };
  const task = { requestId: 'req_memory', version: 1, stageIndex: 0, callback: null };

  it('opens a waiting stage with its schedule and waits in the first phase', async () => {
    // Prepare
    const ports = setUp(waiting());

    // Act
    const step = await advanceStage(task, ports, NOW);
    const again = await advanceStage(task, ports, NOW);

    // Assess
    expect(step).toMatchObject({ next: 'wait', wait: { phase: 'requested' } });
    expect(again).toEqual(step);
    expect(ports.audit.types()).toEqual(['stage.opened']);
    expect((await ports.requests.getRequest('req_memory'))?.stages[0]?.status).toBe('pending');
  });

  it('refuses a success hint without a recorded decision, and audits it', async () => {
    // Prepare
    const ports = setUp(waiting());
    await advanceStage(task, ports, NOW);

    // Act
    const step = await advanceStage({ ...task, callback: { kind: 'success' } }, ports, NOW);

    // Assess
    expect(step.next).toBe('wait');
    expect(ports.audit.types()).toEqual(['stage.opened', 'callback.refused']);
  });

  it('expires the stage once its last deadline passed', async () => {
    // Prepare
    const ports = setUp(waiting());
    await advanceStage(task, ports, NOW);

    // Act
    const step = await advanceStage(task, ports, new Date(NOW.getTime() + 30 * 86_400_000));

    // Assess
    expect(step).toEqual({ next: 'decided', decision: 'expired', stageCount: 2, nextStageStep: null });
    expect(ports.audit.types()).toEqual(['stage.opened', 'stage.expired']);
    expect((await ports.requests.getRequest('req_memory'))?.outcome).toBe('expired');
  });
});

describe('advanceStage after an approval', () => {
  const decidedTask = (stageIndex: number) => ({ requestId: 'req_memory', version: 1, stageIndex, callback: { kind: 'success' } }) as const;

  it('opens the next stage the store holds and carries its first step, reading the request once (issue #18)', async () => {
    // Prepare: the first stage opened by RunChecks and approved by the supervisor
    const ports = setUp(checking());
    await runChecks({ requestId: 'req_memory', version: 1 }, ports, NOW);
    await ports.requests.claimStage('req_memory', 1, 0, 2, SUPERVISOR_APPROVES);
    let reads = 0;
    const getRequest = ports.requests.getRequest.bind(ports.requests);
    ports.requests.getRequest = (id) => {
      reads++;
      return getRequest(id);
    };
    const later = new Date(NOW.getTime() + 60_000);

    // Act
    const step = await advanceStage(decidedTask(0), ports, later);

    // Assess: the comms stage is open from now, audited once, and its first step came with the approval
    const comms = (await getRequest('req_memory'))?.stages[1];
    expect(comms).toMatchObject({ stage: 'comms', status: 'pending', openedAt: later.toISOString() });
    expect(step).toEqual({
      next: 'decided',
      decision: 'approve',
      stageCount: 2,
      nextStageStep: { next: 'wait', wait: { phase: 'requested', seconds: 900, deadline: comms?.deadline } },
    });
    expect(reads).toBe(1);
    expect(ports.audit.events.filter((e) => e.type === 'stage.opened').map((e) => e.data['stageIndex'])).toEqual([0, 1]);
  });

  it('carries no next step after the last stage, nor after a rejection', async () => {
    // Prepare: both stages decided, the last by comms; and a request whose supervisor rejected it
    const approved = setUp(checking());
    await runChecks({ requestId: 'req_memory', version: 1 }, approved, NOW);
    await approved.requests.claimStage('req_memory', 1, 0, 2, SUPERVISOR_APPROVES);
    await advanceStage(decidedTask(0), approved, NOW);
    await approved.requests.claimStage('req_memory', 1, 1, 2, {
      ...SUPERVISOR_APPROVES,
      stageIndex: 1,
      decidedBy: 'carl@example.org',
      deciderId: 'carl',
    });
    const rejected = setUp(checking());
    await runChecks({ requestId: 'req_memory', version: 1 }, rejected, NOW);
    await rejected.requests.claimStage('req_memory', 1, 0, 2, { ...SUPERVISOR_APPROVES, decision: 'reject', comment: 'Not now.' });

    // Act
    const last = await advanceStage(decidedTask(1), approved, NOW);
    const rejection = await advanceStage(decidedTask(0), rejected, NOW);

    // Assess
    expect(last).toEqual({ next: 'decided', decision: 'approve', stageCount: 2, nextStageStep: null });
    expect(rejection).toEqual({ next: 'decided', decision: 'reject', stageCount: 2, nextStageStep: null });
    expect((await rejected.requests.getRequest('req_memory'))?.stages[1]?.status).toBe('waiting');
  });
});

describe('requestApproval', () => {
  const ask = {
    taskToken: 'token-1',
    requestId: 'req_memory',
    version: 1,
    stageIndex: 0,
    phase: 'requested' as const,
    deadline: '2026-12-08T09:00:00.000Z',
  };

  it('registers the task token, mails each assignee a review link once, and audits each mail', async () => {
    // Prepare
    const ports = setUp(brandPost());
    let deliveriesBegun = 0;
    const beginDelivery = ports.approvals.beginDelivery.bind(ports.approvals);
    ports.approvals.beginDelivery = (...args) => {
      deliveriesBegun++;
      return beginDelivery(...args);
    };

    // Act
    const first = await requestApproval(ask, ports, LEASE, NOW);
    const replay = await requestApproval({ ...ask, taskToken: 'token-2' }, ports, LEASE, NOW);

    // Assess: the replay found the phase delivered and read no delivery (issue #18)
    expect([first, replay]).toEqual([{ asked: 1 }, { asked: 1 }]);
    expect(deliveriesBegun).toBe(1);
    expect(ports.mail.sent.map((m) => m.to)).toEqual([['grace@example.org']]);
    expect(ports.mail.sent[0]?.text).toContain('https://signoff.example.org/approvals/');
    expect(ports.audit.types()).toEqual(['approval.requested']);
    expect([...ports.approvals.links.values()].map((l) => l.approver.id)).toEqual(['grace']);
    expect(await ports.requests.waitTokenOf('req_memory', 0)).toBe('token-2');
    expect((await ports.requests.getRequest('req_memory'))?.stages[0]?.delivered).toBe('requested');
  });

  it('reads no request while the stage is open: the mails show it as the registration of the wait returned it (issue #18)', async () => {
    // Prepare: count the reads
    const ports = setUp(brandPost());
    const getRequest = ports.requests.getRequest.bind(ports.requests);
    let reads = 0;
    ports.requests.getRequest = (requestId) => {
      reads++;
      return getRequest(requestId);
    };

    // Act
    await requestApproval(ask, ports, LEASE, NOW);

    // Assess: the registration's conditional write returned the request; the appends of the run share one invocation
    expect(reads).toBe(0);
    expect(ports.audit.invocations).toBe(1);
    expect(ports.mail.sent.map((m) => m.to)).toEqual([['grace@example.org']]);
  });

  it('says which stage does not exist when asked for one the request does not have, and mails nobody', async () => {
    // Prepare
    const ports = setUp(brandPost());

    // Act
    const asked = requestApproval({ ...ask, stageIndex: 7 }, ports, LEASE, NOW);

    // Assess
    await expect(asked).rejects.toThrow('request req_memory has no stage 7');
    await expect(asked).rejects.toBeInstanceOf(NotFoundError);
    expect(ports.mail.sent).toEqual([]);
  });

  it('at the deadline records the deputies on the stage and asks them', async () => {
    // Prepare
    const ports = setUp(brandPost());

    // Act
    await requestApproval({ ...ask, phase: 'escalated' }, ports, LEASE, NOW);

    // Assess: grace's deputy is alan (config/directory.json)
    const stage = (await ports.requests.getRequest('req_memory'))?.stages[0];
    expect(stage?.escalatedTo?.map((a) => a.id)).toEqual(['alan']);
    expect(ports.mail.sent.map((m) => m.to)).toEqual([['alan@example.org']]);
    expect(ports.audit.types()).toEqual(['approval.escalated']);
  });

  it('a run that died while mailing leaves the mail to a retry after its lease: not before, and once', async () => {
    // Prepare: an earlier run claimed grace's delivery (its lease is its deadline) and died
    const ports = setUp(brandPost());
    await ports.approvals.beginDelivery(
      { requestId: 'req_memory', version: 1, stageIndex: 0, phase: 'requested', approverId: 'grace' },
      'gone',
      LEASE,
      NOW,
    );
    const afterLease = new Date(LEASE.getTime() + 1);

    // Act
    const early = requestApproval(ask, ports, LEASE, NOW);
    await expect(early).rejects.toMatchObject({ name: 'SendInFlightError' });
    const mailedBeforeLease = ports.mail.sent.length;
    await requestApproval(ask, ports, new Date(afterLease.getTime() + 30_000), afterLease);
    await requestApproval(ask, ports, new Date(afterLease.getTime() + 30_000), afterLease);

    // Assess
    expect(mailedBeforeLease).toBe(0);
    expect(ports.mail.sent.map((m) => m.to)).toEqual([['grace@example.org']]);
    expect(ports.audit.types()).toEqual(['approval.requested']);
  });

  it('a mail sent by a run that died before auditing it is audited when the stage was decided meanwhile, and nothing more is sent', async () => {
    // Prepare: grace's mail went out (delivery marked sent), the run died, grace decided
    const ports = setUp(brandPost());
    const ref = { requestId: 'req_memory', version: 1, stageIndex: 0, phase: 'requested', approverId: 'grace' } as const;
    await ports.approvals.beginDelivery(ref, 'sent-link', LEASE, NOW);
    await ports.approvals.markDelivery(ref, 'sent', 'ses-before');
    await ports.requests.claimStage('req_memory', 1, 0, 2, SUPERVISOR_APPROVES);

    // Act
    const retried = requestApproval(ask, ports, LEASE, NOW);

    // Assess
    await expect(retried).rejects.toBeInstanceOf(AlreadyDecidedError);
    expect(ports.mail.sent).toEqual([]);
    expect(ports.audit.events.map((e) => [e.type, e.data['linkHash'], e.data['messageId']])).toEqual([
      ['approval.requested', 'sent-link', 'ses-before'],
    ]);
  });

  it('a mail whose run died before marking it sent is audited once its approver decided through it, without an SES id', async () => {
    // Prepare: grace's delivery left 'sending' (SES took the mail; the run died before the mark), its lease passed,
    // and grace decided the stage through the link it carried
    const ports = setUp(brandPost());
    const ref = { requestId: 'req_memory', version: 1, stageIndex: 0, phase: 'requested', approverId: 'grace' } as const;
    await ports.approvals.beginDelivery(ref, 'delivered-link', NOW, NOW);
    await ports.requests.claimStage('req_memory', 1, 0, 2, SUPERVISOR_APPROVES);
    const later = new Date(NOW.getTime() + 60_000);

    // Act
    await expect(requestApproval(ask, ports, new Date(later.getTime() + 30_000), later)).rejects.toBeInstanceOf(AlreadyDecidedError);

    // Assess
    expect(ports.mail.sent).toEqual([]);
    expect(ports.audit.events.map((e) => [e.type, e.data['linkHash'], e.data['messageId']])).toEqual([
      ['approval.requested', 'delivered-link', null],
    ]);
  });

  it('a send that fails gives the delivery back: the retry sends at once, not after the lease', async () => {
    // Prepare
    const ports = setUp(brandPost());
    ports.mail.failures = 1;

    // Act
    await expect(requestApproval(ask, ports, LEASE, NOW)).rejects.toThrow('SES is throttling');
    await requestApproval(ask, ports, LEASE, NOW);

    // Assess
    expect(ports.mail.sent.map((m) => m.to)).toEqual([['grace@example.org']]);
    expect(ports.audit.types()).toEqual(['approval.requested']);
  });

  it('asks nobody when the stage is no longer open', async () => {
    // Prepare
    const ports = setUp(brandPost({ status: 'withdrawn', outcome: 'withdrawn' }));

    // Act
    const asked = requestApproval(ask, ports, LEASE, NOW);

    // Assess
    await expect(asked).rejects.toBeInstanceOf(AlreadyDecidedError);
    expect(ports.mail.sent).toEqual([]);
  });
});
