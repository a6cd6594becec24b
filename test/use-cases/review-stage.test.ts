import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../lambdas/core/ids.js';
import type { Finding, RequestRecord } from '../../lambdas/core/model.js';
import { withRegistry } from '../../lambdas/core/request/directory.js';
import { reviewStage, type ReviewAnswer } from '../../lambdas/use-cases/review-stage.js';
import { brandPost, directory, memoryPorts } from './memory-ports.js';

// A review link over in-memory ports (lambdas/use-cases/review-stage.ts): viewing never decides; a posted decision
// needs the page's CSRF token, separation of duties, a comment where one is due and the statements asked; the first
// valid decision wins and nudges the waiting task; a communications approver may override the classification.

const LINK_ID = 'L'.repeat(43);
const CSRF = 'csrf-0123456789';

async function setUp(record: RequestRecord = brandPost(), stageIndex = 0) {
  const ports = memoryPorts();
  ports.requests.put(record);
  const stage = record.stages[stageIndex];
  const approver = stage?.assignees[0];
  if (stage === undefined || approver === undefined) throw new Error('no such stage');
  await ports.approvals.putLink({
    pk: `link#${sha256Hex(LINK_ID)}`,
    requestId: record.requestId,
    version: record.version,
    stageIndex,
    stage: stage.stage,
    approver,
    csrf: CSRF,
    createdAt: '2026-12-05T09:00:00.000Z',
  });
  await ports.requests.registerWait(record.requestId, record.version, stageIndex, 'task-token', 'requested');
  return {
    ...ports,
    directory,
    registryView: async () => ({ directory: withRegistry(directory, ports.accounts), registry: ports.accounts }),
  };
}

const post = (fields: Record<string, string | string[]>) => {
  const form = new URLSearchParams({ csrf: CSRF });
  for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) form.append(name, v);
  return { kind: 'post' as const, body: form.toString() };
};

function shown(answer: ReviewAnswer): { status: number; state: unknown } {
  if (answer.kind !== 'page') throw new Error(`no page: ${answer.kind}`);
  return { status: answer.status, state: answer.state };
}

describe('reviewStage', () => {
  it('shows the open stage and decides nothing; an unknown link is not found; another method is not allowed', async () => {
    // Prepare
    const ports = await setUp();

    // Act
    const view = await reviewStage(LINK_ID, { kind: 'view' }, ports);
    const unknown = await reviewStage('M'.repeat(43), { kind: 'view' }, ports);
    const malformed = await reviewStage('not a link', { kind: 'view' }, ports);
    const other = await reviewStage(LINK_ID, { kind: 'other' }, ports);

    // Assess
    expect(shown(view)).toEqual({ status: 200, state: { kind: 'open' } });
    expect([unknown.kind, malformed.kind, other.kind]).toEqual(['not-found', 'not-found', 'method-not-allowed']);
    expect(ports.audit.events).toEqual([]);
  });

  it('records the first valid decision, audits it and nudges the waiting task; the next post finds it decided', async () => {
    // (The next post nudges the task again: until the workflow opens a later stage, it cannot tell a finished post
    // from one that crashed before its nudge; a nudge no longer needed is answered TaskTimedOut.)
    // Prepare
    const ports = await setUp();
    const tokenReads: number[] = [];
    const waitTokenOf = ports.requests.waitTokenOf.bind(ports.requests);
    ports.requests.waitTokenOf = (requestId, index) => {
      tokenReads.push(index);
      return waitTokenOf(requestId, index);
    };

    // Act
    const first = await reviewStage(LINK_ID, post({ decision: 'approve' }), ports);
    const readsByTheDecision = tokenReads.length;
    const second = await reviewStage(LINK_ID, post({ decision: 'reject', comment: 'Changed my mind.' }), ports);

    // Assess
    expect(shown(first)).toMatchObject({
      status: 200,
      state: { kind: 'decided', decision: 'approve', by: 'grace@example.org', justNow: true },
    });
    expect(shown(second)).toMatchObject({ status: 409, state: { kind: 'decided', decision: 'approve', justNow: false } });
    expect(ports.audit.types()).toEqual(['decision.recorded']);
    expect(ports.audit.events[0]?.data).toMatchObject({
      stage: 'supervisor',
      decision: 'approve',
      channel: 'web',
      linkHash: sha256Hex(LINK_ID),
    });
    expect(ports.workflow.nudged).toEqual([
      { taskToken: 'task-token', output: { stageIndex: 0 } },
      { taskToken: 'task-token', output: { stageIndex: 0 } },
    ]);
    expect((await ports.requests.getRequest('req_memory'))?.stages[0]?.deciderId).toBe('grace');
    // The decision nudged with the token its claim found (issue #18); the later post, settling, read it.
    expect([readsByTheDecision, tokenReads.length]).toEqual([0, 1]);
  });

  it("refuses a post without the page's CSRF token, a form too large, and a decision without its comment", async () => {
    // Prepare
    const ports = await setUp();

    // Act
    const forged = await reviewStage(LINK_ID, { kind: 'post', body: 'decision=approve&csrf=wrong' }, ports);
    const large = await reviewStage(LINK_ID, { kind: 'post', body: `csrf=${CSRF}&comment=${'x'.repeat(70_000)}` }, ports);
    const bare = await reviewStage(LINK_ID, post({ decision: 'reject' }), ports);
    const unknown = await reviewStage(LINK_ID, post({ decision: 'maybe' }), ports);

    // Assess
    expect([forged, large, bare, unknown].map((a) => shown(a).status)).toEqual([403, 413, 400, 400]);
    expect(shown(bare).state).toEqual({ kind: 'open', error: 'A rejection needs a reason in the comment.' });
    expect(ports.audit.events).toEqual([]);
  });

  it('keeps the submitter from deciding their own request', async () => {
    // Prepare
    const own = brandPost({ submission: { ...brandPost().submission, submitter: 'grace@example.org' } });
    const ports = await setUp(own);

    // Act
    const answer = await reviewStage(LINK_ID, post({ decision: 'approve' }), ports);

    // Assess
    expect(shown(answer)).toEqual({
      status: 403,
      state: { kind: 'closed', reason: 'You submitted this request, so you cannot decide on it.' },
    });
    expect(ports.workflow.nudged).toEqual([]);
  });

  it('asks for the statements the findings ask of the stage before approving, and records them', async () => {
    // Prepare
    const finding: Finding = {
      rule: 'P-ENDORSEMENT',
      severity: 'attest',
      message: 'm',
      attestation: { statement: 'I checked the partner.', by: 'comms', satisfied: false },
    };
    const record = brandPost({ findings: [finding] });
    const ports = await setUp(
      {
        ...record,
        stages: record.stages.map((s) => ({
          ...s,
          status: s.stage === 'comms' ? 'pending' : 'approved',
          ...(s.stage === 'supervisor'
            ? { decision: 'approve', decidedBy: 'grace@example.org', deciderId: 'grace', decidedAt: '2026-12-05T09:30:00.000Z' }
            : {}),
        })),
      },
      1,
    );

    // Act
    const unticked = await reviewStage(LINK_ID, post({ decision: 'approve' }), ports);
    const ticked = await reviewStage(LINK_ID, post({ decision: 'approve', statement: 'P-ENDORSEMENT' }), ports);

    // Assess
    expect(shown(unticked)).toMatchObject({ status: 400, state: { kind: 'open', ticked: [] } });
    expect(shown(ticked)).toMatchObject({ status: 200, state: { kind: 'decided', by: 'carl@example.org' } });
    expect(ports.audit.events[0]?.data['statements']).toEqual([{ rule: 'P-ENDORSEMENT', statement: 'I checked the partner.' }]);
    expect((await ports.requests.getRequest('req_memory'))?.outcome).toBe('approved');
  });

  it('lets a communications approver override the classification with a reason, and plans the route again', async () => {
    // Prepare
    const record = brandPost({ publication: { is: false, reasons: ['no publication criterion'] } });
    const ports = await setUp(
      {
        ...record,
        stages: record.stages.map((s) => ({
          ...s,
          status: s.stage === 'comms' ? 'pending' : 'approved',
          ...(s.stage === 'supervisor'
            ? { decision: 'approve', decidedBy: 'grace@example.org', deciderId: 'grace', decidedAt: '2026-12-05T09:30:00.000Z' }
            : {}),
        })),
      },
      1,
    );

    // Act
    const answer = await reviewStage(LINK_ID, post({ action: 'classify', publication: 'yes', reason: 'A research result.' }), ports);

    // Assess
    expect(shown(answer)).toMatchObject({
      status: 200,
      state: { kind: 'open', notice: expect.stringContaining('Classified as a publication.') },
    });
    const saved = await ports.requests.getRequest('req_memory');
    expect(saved?.publication).toMatchObject({ is: true, override: { by: 'carl@example.org', reason: 'A research result.', was: false } });
    expect(ports.audit.types()).toEqual(['publication.overridden']);
  });

  describe('a decision stored by a post that ended before its audit and nudge (issue #13)', () => {
    const crashed = async (ports: Awaited<ReturnType<typeof setUp>>) => {
      const record = await ports.requests.getRequest('req_memory');
      if (record === undefined) throw new Error('no request');
      const decision = { stageIndex: 0, decision: 'approve', decidedBy: 'grace@example.org', deciderId: 'grace' } as const;
      await ports.requests.claimStage(record.requestId, record.version, 0, record.stages.length, {
        ...decision,
        decidedAt: '2026-12-05T09:30:00.000Z',
      });
      return record;
    };
    const linkFor = async (ports: Awaited<ReturnType<typeof setUp>>, linkId: string, approverId: string) => {
      const approver = directory.personById(approverId);
      if (approver === undefined) throw new Error(`no ${approverId}`);
      await ports.approvals.putLink({
        pk: `link#${sha256Hex(linkId)}`,
        requestId: 'req_memory',
        version: 1,
        stageIndex: 0,
        stage: 'supervisor',
        approver: { id: approver.id, email: approver.email, name: approver.name },
        csrf: CSRF,
        createdAt: '2026-12-05T09:00:00.000Z',
      });
    };

    it('is settled by the next post: the event appended once as the page writes it, the task nudged; then nothing new', async () => {
      // Prepare
      const ports = await setUp();
      const record = await crashed(ports);

      // Act
      const view = await reviewStage(LINK_ID, { kind: 'view' }, ports);
      const viewed = { events: ports.audit.events.length, nudged: ports.workflow.nudged.length };
      const retry = await reviewStage(LINK_ID, post({ decision: 'approve' }), ports);
      await ports.requests.openStage(record.requestId, record.version, 1, {
        openedAt: '2026-12-05T09:31:00.000Z',
        deadline: '2026-12-08T09:31:00.000Z',
        schedule: { remindSeconds: 1, deadlineSeconds: 2, secondDeadlineSeconds: 3, tooLate: false },
      });
      const again = await reviewStage(LINK_ID, post({ decision: 'approve' }), ports);

      // Assess
      expect(shown(view).status).toBe(200);
      expect(viewed).toEqual({ events: 0, nudged: 0 });
      expect(shown(retry)).toMatchObject({ status: 409, state: { kind: 'decided', decision: 'approve', by: 'grace@example.org' } });
      expect(shown(again).status).toBe(409);
      expect(ports.audit.events.map((e) => [e.type, e.actor])).toEqual([['decision.recorded', 'grace@example.org']]);
      expect(ports.audit.events[0]?.data).toEqual({
        stage: 'supervisor',
        stageIndex: 0,
        version: 1,
        decision: 'approve',
        comment: null,
        statements: [],
        channel: 'web',
        linkHash: sha256Hex(LINK_ID),
        contentHash: record.contentHash,
      });
      expect(ports.workflow.nudged).toEqual([{ taskToken: 'task-token', output: { stageIndex: 0 } }]);
    });

    it('is settled by another approver of the stage, named; a post refused by separation of duties settles nothing', async () => {
      // Prepare
      const ports = await setUp();
      await crashed(ports);
      await linkFor(ports, 'D'.repeat(43), 'carl');
      await linkFor(ports, 'S'.repeat(43), 'ada');

      // Act
      const refused = await reviewStage('S'.repeat(43), post({ decision: 'approve' }), ports);
      const refusedLeft = { events: ports.audit.events.length, nudged: ports.workflow.nudged.length };
      const other = await reviewStage('D'.repeat(43), { kind: 'post', body: 'decision=reject&comment=No.' }, ports);

      // Assess
      expect(shown(refused)).toMatchObject({ status: 403, state: { kind: 'closed' } });
      expect(refusedLeft).toEqual({ events: 0, nudged: 0 });
      expect(shown(other)).toMatchObject({ status: 409, state: { kind: 'decided', decision: 'approve' } });
      expect(ports.audit.events.map((e) => [e.type, e.actor, e.data['settledBy']])).toEqual([
        ['decision.recorded', 'grace@example.org', 'carl@example.org'],
      ]);
      expect(ports.workflow.nudged).toHaveLength(1);
    });
  });
});
