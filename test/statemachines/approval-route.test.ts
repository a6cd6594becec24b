import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkflowEngine } from '../../local/workflow/engine.js';
import type { JsonValue } from '../../local/workflow/types.js';
import { workflowFunctions } from '../../manifest.js';
import { definitionPath, substitute } from '../../statemachines/functions.js';

// The real statemachines/approval.asl.json in the local engine, each function a stand-in that answers as the handler
// would. AdvanceStage's stand-in answers from a small "store" the test writes decisions into, as the decision endpoint
// writes them to DynamoDB: the loop over stages follows what is recorded, whatever a callback carried.

const definition = JSON.parse(
  substitute(readFileSync(definitionPath, 'utf8'), Object.fromEntries(workflowFunctions.map((f) => [f.substitution, f.name]))),
) as StateMachineDefinition;

interface Asked {
  readonly token: string;
  readonly stageIndex: number;
}

interface Store {
  decisions: Map<number, string>;
  stageCount: number;
}

let dir: string;
let asked: Asked[];
let invoked: string[];
let hints: unknown[];
let store: Store;
let engine: WorkflowEngine;

function start(
  kind: 'brand-post' | 'account-opening',
  plannedStages: number,
  waitSeconds = 3600,
  timeScale = 1,
  decisions = new Map<number, string>(),
): string {
  store = { decisions, stageCount: plannedStages };
  /**
   * AdvanceStage's step (RunChecks takes the first stage's): a recorded decision, else a wait. An approval carries the
   * next stage's first step when the store holds a next stage (the handler opens it then).
   */
  const step = (stageIndex: number, hint: JsonValue, openNext = true): JsonValue => {
    hints.push(hint);
    const decision = store.decisions.get(stageIndex);
    if (decision === undefined)
      return { next: 'wait', wait: { phase: 'requested', seconds: waitSeconds, deadline: '2030-01-01T00:00:00Z' } };
    const nextStageStep =
      openNext && decision === 'approve' && stageIndex + 1 < store.stageCount ? step(stageIndex + 1, null, false) : null;
    return { next: 'decided', decision, stageCount: store.stageCount, nextStageStep };
  };
  engine = new WorkflowEngine({
    definition,
    stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:approval',
    journalDir: dir,
    timeScale,
    tokenSecret: 'route-test',
    invoke: async (name, payload): Promise<JsonValue> => {
      invoked.push(name);
      const p = payload as { taskToken?: string; stageIndex?: number; outcome?: string; callback?: JsonValue };
      switch (name) {
        case 'record-submission':
          return { kind };
        case 'run-checks':
          // Nothing blocks; the route planned, and the first stage's step as the handler takes it (stepOf) from the
          // write that opened the stage.
          return { blocked: false, findingCount: 0, planned: true, stageCount: plannedStages, step: step(0, null, false) };
        case 'advance-stage':
          return step(p.stageIndex ?? -1, p.callback ?? null);
        case 'request-approval':
          asked.push({ token: p.taskToken ?? '', stageIndex: p.stageIndex ?? -1 });
          return null;
        case 'register-account':
          return { registered: true, accountId: 'physics-bluesky-x' };
        case 'notify-submitter':
          return { outcome: p.outcome ?? null };
        default:
          throw new Error(`unexpected function ${name}`);
      }
    },
  });
  return engine.startExecution('route-test', { requestId: 'req_route', version: 1 }).executionArn;
}

async function nextAsk(count: number): Promise<Asked> {
  for (let i = 0; i < 400; i++) {
    const a = asked[count - 1];
    if (a !== undefined) return a;
    await new Promise<void>((done) => setTimeout(done, 5));
  }
  throw new Error(`ask number ${count} never came`);
}

/** What the decision endpoint does: record the decision, then nudge the waiting task (whose message means nothing). */
function decide(ask: Asked, decision = 'approve', stageCount?: number): void {
  store.decisions.set(ask.stageIndex, decision);
  if (stageCount !== undefined) store.stageCount = stageCount;
  engine.sendTaskSuccess(ask.token, { stageIndex: ask.stageIndex });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'signoff-route-'));
  asked = [];
  invoked = [];
  hints = [];
});
afterEach(() => {
  engine.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

describe('the loop over stages', () => {
  it('changes nothing on a SendTaskSuccess the store does not back: the stage is asked again, and only a recorded decision moves it', async () => {
    // Prepare
    const arn = start('brand-post', 2);
    const first = await nextAsk(1);

    // Act: a forged success, carrying an approval of the whole route
    engine.sendTaskSuccess(first.token, { stageIndex: 0, decision: 'approve', stageCount: 1 });
    const again = await nextAsk(2);

    // Assess: the same stage waits again; AdvanceStage saw only that the task ended in success
    expect(again.stageIndex).toBe(0);
    expect(again.token).not.toBe(first.token);
    expect(hints).toEqual([null, { kind: 'success' }]);
    // The first step (null) was RunChecks', which opened the stage; AdvanceStage ran once, after the callback.
    expect(invoked.filter((f) => f === 'advance-stage')).toHaveLength(1);
    expect(engine.describeExecution(arn).status).toBe('RUNNING');

    decide(again);
    decide(await nextAsk(3));
    expect(await engine.settled(arn)).toBe('SUCCEEDED');
    expect(asked.map((a) => a.stageIndex)).toEqual([0, 0, 1]);
    // After each callback, one AdvanceStage: the approval of stage 0 carried stage 1's first step (no invocation
    // of its own to open it).
    expect(invoked.filter((f) => f === 'advance-stage')).toHaveLength(3);
    expect(JSON.parse(engine.describeExecution(arn).output ?? 'null')).toMatchObject({ outcome: 'approved' });
  });

  it('hands AdvanceStage the timeout when a wait ends without a callback, and follows a decision no nudge announced', async () => {
    // Prepare: one-second waits, a thousand times faster
    const arn = start('brand-post', 1, 1, 1000);

    // Act: the waits time out and the stage is asked again; a decision is recorded without a nudge
    await nextAsk(2);
    store.decisions.set(0, 'approve');

    // Assess
    expect(hints[1]).toMatchObject({ Error: 'States.Timeout' });
    expect(await engine.settled(arn)).toBe('SUCCEEDED');
  });

  it('opens the stage an override added: two stages planned, the store holds three', async () => {
    const arn = start('brand-post', 2);
    decide(await nextAsk(1));
    decide(await nextAsk(2), 'approve', 3);
    const third = await nextAsk(3);
    expect(third.stageIndex).toBe(2);
    decide(third);

    expect(await engine.settled(arn)).toBe('SUCCEEDED');
    expect(JSON.parse(engine.describeExecution(arn).output ?? 'null')).toMatchObject({ outcome: 'approved' });
  });

  it('ends after fewer stages when an override dropped one', async () => {
    const arn = start('brand-post', 3);
    decide(await nextAsk(1));
    decide(await nextAsk(2), 'approve', 2);

    expect(await engine.settled(arn)).toBe('SUCCEEDED');
    expect(asked.map((a) => a.stageIndex)).toEqual([0, 1]);
    expect(invoked).not.toContain('register-account');
  });

  it('ends the request with the recorded rejection', async () => {
    const arn = start('brand-post', 2);
    decide(await nextAsk(1), 'reject');

    expect(await engine.settled(arn)).toBe('SUCCEEDED');
    expect(JSON.parse(engine.describeExecution(arn).output ?? 'null')).toMatchObject({ outcome: 'rejected' });
  });

  it('asks nobody when the first stage is decided as RunChecks opens it (the request was withdrawn meanwhile)', async () => {
    const arn = start('brand-post', 2, 3600, 1, new Map([[0, 'expired']]));

    expect(await engine.settled(arn)).toBe('SUCCEEDED');
    expect(asked).toEqual([]);
    expect(invoked).not.toContain('advance-stage');
    expect(JSON.parse(engine.describeExecution(arn).output ?? 'null')).toMatchObject({ outcome: 'expired' });
  });

  it('registers an approved account opening before the submitter is told', async () => {
    const arn = start('account-opening', 2);
    decide(await nextAsk(1));
    decide(await nextAsk(2));

    expect(await engine.settled(arn)).toBe('SUCCEEDED');
    expect(invoked.slice(-2)).toEqual(['register-account', 'notify-submitter']);
  });
});
