import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkflowEngine } from '../../local/workflow/engine.js';
import type { JsonValue } from '../../local/workflow/types.js';
import { definitionPath, substitute, workflowFunctions } from '../../statemachines/functions.js';

// The real statemachines/approval.asl.json in the local engine, each function a stand-in that answers as the handler
// would: how the loop over stages follows the route. A decision reports the route's stage count (a classification
// override may have added a stage); a decision journaled by an earlier version, without one, keeps the route as planned.

const definition = JSON.parse(
  substitute(readFileSync(definitionPath, 'utf8'), Object.fromEntries(workflowFunctions.map((f) => [f.substitution, f.name]))),
) as StateMachineDefinition;

interface Asked {
  readonly token: string;
  readonly stageIndex: number;
}

let dir: string;
let asked: Asked[];
let invoked: string[];
let engine: WorkflowEngine;

function start(kind: 'brand-post' | 'account-opening', plannedStages: number): string {
  engine = new WorkflowEngine({
    definition,
    stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:approval',
    journalDir: dir,
    timeScale: 1,
    tokenSecret: 'route-test',
    invoke: async (name, payload): Promise<JsonValue> => {
      invoked.push(name);
      const p = payload as { taskToken?: string; stageIndex?: number; outcome?: string };
      switch (name) {
        case 'record-submission':
          return { kind };
        case 'run-checks':
          return { blocked: false, findingCount: 0 };
        case 'plan-route':
          return { planned: true, stageCount: plannedStages };
        case 'open-stage':
          return { remindSeconds: 3600, remainingSeconds: 3600, deadline: '2030-01-01T00:00:00Z', escalationSeconds: 7200, escalationDeadline: '2030-01-01T02:00:00Z', tooLate: false };
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
  throw new Error(`stage ${count - 1} was never asked`);
}

const approve = (stageIndex: number, stageCount?: number): JsonValue => ({
  stageIndex,
  decision: 'approve',
  decidedBy: 'carl@example.org',
  decidedAt: '2030-01-01T00:00:00Z',
  ...(stageCount === undefined ? {} : { stageCount }),
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'signoff-route-'));
  asked = [];
  invoked = [];
});
afterEach(() => {
  engine.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

describe('the loop over stages', () => {
  it('opens the stage an override added: two stages planned, the second decision reports three', async () => {
    const arn = start('brand-post', 2);
    engine.sendTaskSuccess((await nextAsk(1)).token, approve(0, 2));
    engine.sendTaskSuccess((await nextAsk(2)).token, approve(1, 3));
    const third = await nextAsk(3);
    expect(third.stageIndex).toBe(2);
    engine.sendTaskSuccess(third.token, approve(2, 3));

    expect(await engine.settled(arn)).toBe('SUCCEEDED');
    expect(JSON.parse(engine.describeExecution(arn).output ?? 'null')).toMatchObject({ outcome: 'approved' });
  });

  it('ends after fewer stages when an override dropped one', async () => {
    const arn = start('brand-post', 3);
    engine.sendTaskSuccess((await nextAsk(1)).token, approve(0, 3));
    engine.sendTaskSuccess((await nextAsk(2)).token, approve(1, 2));

    expect(await engine.settled(arn)).toBe('SUCCEEDED');
    expect(asked.map((a) => a.stageIndex)).toEqual([0, 1]);
  });

  it('keeps the route as planned for a decision without a stage count (journaled before the count existed)', async () => {
    const arn = start('brand-post', 2);
    engine.sendTaskSuccess((await nextAsk(1)).token, approve(0));
    engine.sendTaskSuccess((await nextAsk(2)).token, approve(1));

    expect(await engine.settled(arn)).toBe('SUCCEEDED');
    expect(asked.map((a) => a.stageIndex)).toEqual([0, 1]);
    expect(invoked).not.toContain('register-account');
  });

  it('registers an approved account opening before the submitter is told', async () => {
    const arn = start('account-opening', 2);
    engine.sendTaskSuccess((await nextAsk(1)).token, approve(0, 2));
    engine.sendTaskSuccess((await nextAsk(2)).token, approve(1, 2));

    expect(await engine.settled(arn)).toBe('SUCCEEDED');
    expect(invoked.slice(-2)).toEqual(['register-account', 'notify-submitter']);
  });
});
