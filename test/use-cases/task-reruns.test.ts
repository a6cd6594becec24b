import { describe, expect, it } from 'vitest';
import { requestIdFor } from '../../lambdas/core/ids.js';
import type { RequestRecord } from '../../lambdas/core/model.js';
import { stageTimes } from '../../lambdas/core/request/route.js';
import { scheduleOf } from '../../lambdas/core/request/stage-clock.js';
import { acceptSubmission } from '../../lambdas/use-cases/accept-submission.js';
import { submitNewVersion, withdraw } from '../../lambdas/use-cases/change-request.js';
import { advanceStage } from '../../lambdas/use-cases/advance-stage.js';
import { requestApproval } from '../../lambdas/use-cases/request-approval.js';
import { runChecks } from '../../lambdas/use-cases/run-checks.js';
import { brandPost, NOW, SUPERVISOR_APPROVES, taskPorts } from './memory-ports.js';

// Issue #13: the trail must be complete, not only consistent. A workflow task runs again whenever the run before it
// ended without an answer (a replay after a crash, a retry after a timeout); intake runs again whenever a sender
// retries. Each case below is a run that died between its state change and its audit event, or a run repeated
// whole: the run again leaves each event exactly once, with the data the first run would have written.

const setUp = taskPorts;

const checking = () => brandPost({ status: 'checking', stages: [], findings: [] });
const firstStep = { requestId: 'req_memory', version: 1, stageIndex: 0, callback: null } as const;

describe('a task run again', () => {
  it('RunChecks writes checks.completed, route.planned and the first stage.opened once', async () => {
    // Prepare
    const ports = setUp(checking());

    // Act
    for (let run = 0; run < 2; run++) await runChecks({ requestId: 'req_memory', version: 1 }, ports);

    // Assess
    expect(ports.audit.types()).toEqual(['checks.completed', 'route.planned', 'stage.opened']);
  });

  it("RunChecks, after a run that saved the route and died, goes on with that run's findings, route and first-stage times", async () => {
    // Prepare: a run that saved findings and route with the first stage opened (the conditional write) and died
    // before its events
    const clean = setUp(checking());
    const crashed = setUp(checking());
    await runChecks({ requestId: 'req_memory', version: 1 }, clean, NOW);
    const saved = await clean.requests.getRequest('req_memory');
    if (saved === undefined) throw new Error('not saved');
    await crashed.requests.saveRoute('req_memory', 1, { findings: saved.findings, publication: saved.publication, stages: saved.stages });
    const later = new Date(NOW.getTime() + 60_000);

    // Act
    const rerun = await runChecks({ requestId: 'req_memory', version: 1 }, crashed, later);

    // Assess: the first run's times, each event once, the same data as the clean run's
    expect((await crashed.requests.getRequest('req_memory'))?.stages).toEqual(saved.stages);
    expect(crashed.audit.events.map((e) => e.data)).toEqual(clean.audit.events.map((e) => e.data));
    expect(rerun).toMatchObject({
      planned: true,
      step: { next: 'wait', wait: { phase: 'requested', deadline: saved.stages[0]?.deadline } },
    });
  });

  it("AdvanceStage, after a run that opened a later stage and died, audits the opening once with that run's times", async () => {
    // Prepare: a clean run, and a run that opened the second stage (the conditional write) and died before its event
    const secondStep = { ...firstStep, stageIndex: 1 };
    const clean = setUp(checking());
    const crashed = setUp(checking());
    for (const ports of [clean, crashed]) await runChecks({ requestId: 'req_memory', version: 1 }, ports);
    const stage = (await crashed.requests.getRequest('req_memory'))?.stages[1];
    expect(stage?.status).toBe('waiting');
    const times = stageTimes(NOW, stage?.timeoutSeconds ?? 0, undefined);
    await crashed.requests.openStage('req_memory', 1, 1, {
      openedAt: NOW.toISOString(),
      schedule: scheduleOf(times),
      deadline: times.deadline,
    });
    const later = new Date(NOW.getTime() + 60_000);

    // Act
    const cleanStep = await advanceStage(secondStep, clean, NOW);
    const rerun = await advanceStage(secondStep, crashed, later);
    await advanceStage(secondStep, crashed, later);

    // Assess
    const opened = (ports: typeof clean) =>
      ports.audit.events.filter((e) => e.type === 'stage.opened' && e.data['stageIndex'] === 1).map((e) => e.data);
    expect(opened(crashed)).toHaveLength(1);
    expect(opened(crashed)).toEqual(opened(clean));
    expect(opened(clean)[0]).toMatchObject({
      stageIndex: 1,
      version: 1,
      deadline: times.deadline,
      escalationDeadline: times.escalationDeadline,
    });
    expect(rerun).toMatchObject({ next: 'wait', wait: { phase: 'requested', deadline: times.deadline } });
    expect(cleanStep).toMatchObject({ next: 'wait' });
  });

  it('AdvanceStage, after a run that expired the stage and died, audits the expiry once', async () => {
    // Prepare: an open stage whose expiry was claimed by a run that died before its event
    const ports = setUp(checking());
    await runChecks({ requestId: 'req_memory', version: 1 }, ports, NOW);
    await ports.requests.claimStage('req_memory', 1, 0, 2, { stageIndex: 0, decision: 'expired', decidedAt: NOW.toISOString() });

    // Act
    const steps = [
      await advanceStage({ ...firstStep, callback: { Error: 'States.Timeout', Cause: '' } }, ports, NOW),
      await advanceStage({ ...firstStep, callback: { Error: 'States.Timeout', Cause: '' } }, ports, NOW),
    ];

    // Assess
    expect(steps.map((s) => s.next)).toEqual(['decided', 'decided']);
    expect(ports.audit.types().filter((t) => t === 'stage.expired')).toEqual(['stage.expired']);
  });
});

describe('intake run again', () => {
  const submission = brandPost().submission;
  const acceptance = { channel: 'webhook', idempotencyKey: 'msg_rerun', bodyHash: 'b'.repeat(64), submission, now: NOW } as const;

  it('after a delivery that stored the request and died, the retry audits it and starts its execution, once', async () => {
    // Prepare: the first delivery stored the request and ended there (no event, no execution)
    const ports = setUp();
    const requestId = requestIdFor('webhook', 'msg_rerun');
    await ports.requests.createRequest({
      ...brandPost({ requestId, status: 'checking', stages: [] }),
      bodyHash: acceptance.bodyHash,
    } as RequestRecord);

    // Act
    const retried = await acceptSubmission(acceptance, ports);
    const again = await acceptSubmission(acceptance, ports);

    // Assess
    expect([retried, again]).toEqual([
      { requestId, created: false },
      { requestId, created: false },
    ]);
    expect(ports.audit.types()).toEqual(['request.submitted']);
    expect(ports.workflow.started.map((s) => s.name)).toEqual([requestId, requestId]);
  });

  it('a first delivery and its retry leave one request.submitted', async () => {
    // Prepare
    const ports = setUp();

    // Act
    const first = await acceptSubmission(acceptance, ports);
    const retry = await acceptSubmission(acceptance, ports);

    // Assess
    expect([first.created, retry.created]).toEqual([true, false]);
    expect(ports.audit.types()).toEqual(['request.submitted']);
  });
});

describe('a stage decided through a mail its run never marked', () => {
  it('AdvanceStage audits that ask once when it finds the decision (the workflow never asks that phase again)', async () => {
    // Prepare: the supervisor asked (the task registered its wait, SES took the mail, the run died before the mark),
    // grace decided through the link it carried
    const ports = setUp(checking());
    await runChecks({ requestId: 'req_memory', version: 1 }, ports, NOW);
    await ports.requests.registerWait('req_memory', 1, 0, 'token-1', 'requested');
    const ref = { requestId: 'req_memory', version: 1, stageIndex: 0, phase: 'requested', approverId: 'grace' } as const;
    await ports.approvals.beginDelivery(ref, 'unmarked-link', new Date(NOW.getTime() + 30_000), NOW);
    await ports.requests.claimStage('req_memory', 1, 0, 2, SUPERVISOR_APPROVES);

    // Act
    const steps = [
      await advanceStage({ ...firstStep, callback: { kind: 'success' } }, ports, NOW),
      await advanceStage({ ...firstStep, callback: { kind: 'success' } }, ports, NOW),
    ];

    // Assess
    expect(steps.map((s) => s.next)).toEqual(['decided', 'decided']);
    const asks = ports.audit.events.filter((e) => e.type === 'approval.requested');
    expect(asks.map((e) => [e.data['approver'], e.data['linkHash'], e.data['messageId']])).toEqual([
      ['grace@example.org', 'unmarked-link', null],
    ]);
  });
});

describe('a stage decided after its ask was delivered and audited', () => {
  it('AdvanceStage reads no delivery: the phase marked delivered had every ask audited (issue #18)', async () => {
    // Prepare: the ask went out and was audited, the phase marked delivered; grace decided
    const ports = setUp(checking());
    await runChecks({ requestId: 'req_memory', version: 1 }, ports, NOW);
    await requestApproval(
      { taskToken: 'token-1', requestId: 'req_memory', version: 1, stageIndex: 0, phase: 'requested', deadline: NOW.toISOString() },
      ports,
      new Date(NOW.getTime() + 30_000),
      NOW,
    );
    await ports.requests.claimStage('req_memory', 1, 0, 2, SUPERVISOR_APPROVES);
    let deliveryReads = 0;
    const deliveryOf = ports.approvals.deliveryOf.bind(ports.approvals);
    ports.approvals.deliveryOf = (ref) => {
      deliveryReads++;
      return deliveryOf(ref);
    };

    // Act
    const step = await advanceStage({ ...firstStep, callback: { kind: 'success' } }, ports, NOW);

    // Assess
    expect(step.next).toBe('decided');
    expect(deliveryReads).toBe(0);
    expect(ports.audit.events.filter((e) => e.type === 'approval.requested')).toHaveLength(1);
  });
});

describe('a stage whose ask is still in flight', () => {
  it('is not failed for it: SendInFlightError is no failed ask, however often it comes', async () => {
    // Prepare: an open stage
    const ports = setUp(checking());
    await runChecks({ requestId: 'req_memory', version: 1 }, ports, NOW);

    // Act: the asking task ends in SendInFlightError five times (more than the three failed asks that fail a request)
    const steps = [];
    for (let i = 0; i < 5; i++)
      steps.push(await advanceStage({ ...firstStep, callback: { Error: 'SendInFlightError', Cause: 'in flight' } }, ports, NOW));

    // Assess
    expect(steps.map((s) => s.next)).toEqual(['wait', 'wait', 'wait', 'wait', 'wait']);
  });
});

describe('a stage waits', () => {
  it('no longer than the recheck, so a decision that never reached the workflow is read by then; and mails nobody again', async () => {
    // Prepare: an open stage, asked; the recheck is five minutes
    const ports = { ...setUp(checking()), recheckSeconds: 300 };
    const { step: first } = await runChecks({ requestId: 'req_memory', version: 1 }, ports, NOW);

    // Act: the wait ends at the recheck (a timeout: no callback came), and the stage is read again
    const later = new Date(NOW.getTime() + 300_000);
    const again = await advanceStage({ ...firstStep, callback: { Error: 'States.Timeout', Cause: '' } }, ports, later);

    // Assess
    expect(first).toMatchObject({ next: 'wait', wait: { phase: 'requested', seconds: 300 } });
    expect(again).toMatchObject({ next: 'wait', wait: { phase: 'requested', seconds: 300 } });
    expect(ports.audit.types()).toEqual(['checks.completed', 'route.planned', 'stage.opened']);
  });
});

describe('a change run again', () => {
  it('a withdrawal whose call died after the write: the retry audits it once and stops the execution', async () => {
    // Prepare: withdrawn in the store, no event, the execution still running
    const ports = setUp(brandPost({ executionArn: 'arn:exec:req_memory' }));
    await ports.requests.withdrawRequest('req_memory');

    // Act
    const retried = await withdraw('req_memory', 'ada@example.org', 'api', ports);
    await withdraw('req_memory', 'ada@example.org', 'api', ports);

    // Assess
    expect(retried.request.outcome).toBe('withdrawn');
    expect(ports.audit.types()).toEqual(['request.withdrawn']);
    expect(ports.workflow.stopped[0]).toBe('arn:exec:req_memory');
  });

  it('a new version whose call died after storing it: the retry audits it once and starts its execution', async () => {
    // Prepare: version 2 stored under its key, no event, no execution
    const ports = setUp(brandPost({ status: 'changes-requested', outcome: 'changes-requested' }));
    const v2 = { ...brandPost().submission, text: 'Join us on Saturday 12 December.' };
    const current = await ports.requests.getRequest('req_memory');
    if (current === undefined) throw new Error('no request');
    await ports.requests.startNewVersion(current, v2, 'hash-v2', 'key-2', NOW);

    // Act
    const retried = await submitNewVersion('req_memory', v2, 'key-2', NOW, ports);

    // Assess
    expect(retried).toEqual({ requestId: 'req_memory', version: 2, created: false });
    expect(ports.audit.events.map((e) => [e.type, e.data['version']])).toEqual([['request.version', 2]]);
    expect(ports.workflow.started.map((s) => s.name)).toEqual(['req_memory-v2']);
  });
});
