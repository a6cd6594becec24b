import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { WorkflowEngine } from '../../local/workflow/engine.js';
import { workflowActions } from '../../local/workflow/service.js';
import type { JsonValue } from '../../local/workflow/types.js';
import { HISTORY_EVENT_TYPES } from '../fixtures/aws-shapes.js';
import { pollInterval, until } from './poll.js';

// The local Step Functions API answers as Step Functions documents it (issue #19: what the AWS CLI showed of it):
// ListExecutions is served, history events carry previousEventId and only HistoryEventType's types, pages are
// asked with maxResults/nextToken, a malformed task token is InvalidToken, a malformed ARN InvalidArn.

const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:test';
const EXECUTION = (name: string) => `arn:aws:states:us-east-1:000000000000:execution:test:${name}`;

const definition = {
  StartAt: 'Prepare',
  States: {
    Prepare: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'prepare', 'Payload.$': '$' },
      ResultPath: '$.prepared',
      Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 0, MaxAttempts: 1 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Failed' }],
      Next: 'Wait',
    },
    Wait: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: 'ask', Payload: { 'taskToken.$': '$$.Task.Token', 'who.$': '$.who' } },
      TimeoutSeconds: 3600,
      ResultPath: '$.answer',
      End: true,
    },
    Failed: { Type: 'Fail', Error: 'Failed' },
  },
} as unknown as StateMachineDefinition;

let dir: string;
let flaky: Map<string, number>;
let asked: Map<string, string>;
let engine: WorkflowEngine;
let api: ReturnType<typeof workflowActions>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'signoff-workflow-api-'));
  flaky = new Map();
  asked = new Map();
  engine = new WorkflowEngine({
    definition,
    stateMachineArn: ARN,
    journalDir: dir,
    timeScale: 1,
    tokenSecret: 'test-secret',
    invoke: async (name, payload): Promise<JsonValue> => {
      const p = payload as { who: string; taskToken?: string };
      if (name === 'prepare') {
        const failures = flaky.get(p.who) ?? 0;
        if (failures > 0) {
          flaky.set(p.who, failures - 1);
          throw Object.assign(new Error('transient'), { name: 'Flaky' });
        }
        return {};
      }
      asked.set(p.who, p.taskToken ?? '');
      return null;
    },
  });
  api = workflowActions(engine);
});
afterEach(() => {
  engine.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

/** Calls an action and returns its answer as the JSON the service sends. */
function call(action: string, body: Record<string, unknown>): Record<string, unknown> {
  const handler = api[action];
  if (handler === undefined) throw new Error(`no action ${action}`);
  return JSON.parse(JSON.stringify(handler(body))) as Record<string, unknown>;
}

function refusal(action: string, body: Record<string, unknown>): string {
  try {
    call(action, body);
  } catch (error) {
    return (error as { type?: string }).type ?? String(error);
  }
  return 'answered';
}

/** Starts `who`, waits for its callback, and ends it with SendTaskSuccess unless `keepWaiting`. */
async function run(who: string, keepWaiting = false): Promise<void> {
  call('StartExecution', { stateMachineArn: ARN, name: who, input: JSON.stringify({ who }) });
  const token = await until(() => asked.get(who));
  if (keepWaiting) return;
  call('SendTaskSuccess', { taskToken: token, output: '{}' });
  await engine.settled(EXECUTION(who));
}

describe('ListExecutions', () => {
  it('lists the executions of the state machine, the most recent first, in ExecutionListItem shape', async () => {
    // Prepare: two ended, then one waiting
    await run('first');
    await pollInterval(5);
    await run('second');
    await pollInterval(5);
    await run('third', true);

    // Act
    const { executions, nextToken } = call('ListExecutions', { stateMachineArn: ARN }) as {
      executions: Array<Record<string, unknown>>;
      nextToken?: string;
    };

    // Assess
    expect(nextToken).toBeUndefined();
    expect(executions.map((e) => e['name'])).toEqual(['third', 'second', 'first']);
    for (const e of executions) {
      expect(e).toEqual({
        executionArn: EXECUTION(String(e['name'])),
        stateMachineArn: ARN,
        name: e['name'],
        status: e['name'] === 'third' ? 'RUNNING' : 'SUCCEEDED',
        startDate: expect.any(Number),
        ...(e['name'] === 'third' ? {} : { stopDate: expect.any(Number) }),
      });
      // Epoch seconds, as the JSON protocol carries a timestamp.
      expect(Math.abs(Number(e['startDate']) - Date.now() / 1000)).toBeLessThan(60);
    }
    expect(call('ListExecutions', { stateMachineArn: ARN, statusFilter: 'RUNNING' })).toMatchObject({
      executions: [{ name: 'third' }],
    });
  });

  it('pages with maxResults and nextToken, and refuses what Step Functions refuses', async () => {
    // Prepare
    for (const who of ['a', 'b', 'c']) {
      await run(who, true);
      await pollInterval(5);
    }

    // Act
    const first = call('ListExecutions', { stateMachineArn: ARN, maxResults: 2 }) as {
      executions: Array<{ name: string }>;
      nextToken?: string;
    };
    const second = call('ListExecutions', { stateMachineArn: ARN, maxResults: 2, nextToken: first.nextToken }) as {
      executions: Array<{ name: string }>;
      nextToken?: string;
    };

    // Assess
    expect(first.executions.map((e) => e.name)).toEqual(['c', 'b']);
    expect(typeof first.nextToken).toBe('string');
    expect(second.executions.map((e) => e.name)).toEqual(['a']);
    expect(second.nextToken).toBeUndefined();
    expect(refusal('ListExecutions', { stateMachineArn: ARN, nextToken: 'not-a-token' })).toBe('InvalidToken');
    expect(refusal('ListExecutions', { stateMachineArn: ARN, maxResults: 1001 })).toBe('ValidationException');
    expect(refusal('ListExecutions', { stateMachineArn: ARN, statusFilter: 'DONE' })).toBe('ValidationException');
    expect(refusal('ListExecutions', {})).toBe('ValidationException');
    expect(refusal('ListExecutions', { stateMachineArn: 'arn:nonsense' })).toBe('InvalidArn');
    expect(refusal('ListExecutions', { stateMachineArn: ARN.replace(':test', ':other') })).toBe('StateMachineDoesNotExist');
  });
});

describe('GetExecutionHistory', () => {
  it('starts only its own state machine: another ARN does not exist, a missing one is invalid (what IAM judged is what runs)', () => {
    expect(refusal('StartExecution', { stateMachineArn: ARN.replace(/:[^:]+$/, ':another'), name: 'x', input: '{}' })).toBe(
      'StateMachineDoesNotExist',
    );
    expect(refusal('StartExecution', { name: 'y', input: '{}' })).toBe('ValidationException');
  });

  it('gives each event id and previousEventId, and only types HistoryEventType has (a retry, a catch and a Fail state)', async () => {
    // Prepare: one execution retries its first task once and goes on; another fails it twice, into the Fail state
    flaky.set('retried', 1);
    await run('retried');
    flaky.set('caught', 2);
    call('StartExecution', { stateMachineArn: ARN, name: 'caught', input: JSON.stringify({ who: 'caught' }) });
    expect(await engine.settled(EXECUTION('caught'))).toBe('FAILED');
    // Archived once its last event is logged.
    await until(() => (engine.held === 0 ? true : undefined));

    for (const name of ['retried', 'caught']) {
      // Act
      const { events } = call('GetExecutionHistory', { executionArn: EXECUTION(name) }) as { events: Array<Record<string, unknown>> };

      // Assess
      expect(events.length).toBeGreaterThan(3);
      events.forEach((event, i) => {
        expect(event).toMatchObject({ id: i + 1, previousEventId: i, timestamp: expect.any(Number), type: expect.any(String) });
        expect(HISTORY_EVENT_TYPES.has(String(event['type'])), `${String(event['type'])} is a HistoryEventType`).toBe(true);
      });
      expect(events[0]?.['type']).toBe('ExecutionStarted');
      expect(events.at(-1)?.['type']).toBe(name === 'caught' ? 'ExecutionFailed' : 'ExecutionSucceeded');
    }
  });

  it('pages with maxResults and nextToken, newest first with reverseOrder', async () => {
    // Prepare
    await run('paged');
    const { events: all } = call('GetExecutionHistory', { executionArn: EXECUTION('paged') }) as { events: Array<{ id: number }> };

    // Act
    const first = call('GetExecutionHistory', { executionArn: EXECUTION('paged'), maxResults: 2 }) as {
      events: Array<{ id: number }>;
      nextToken?: string;
    };
    const rest = call('GetExecutionHistory', { executionArn: EXECUTION('paged'), maxResults: 1000, nextToken: first.nextToken }) as {
      events: Array<{ id: number }>;
      nextToken?: string;
    };
    const reversed = call('GetExecutionHistory', { executionArn: EXECUTION('paged'), reverseOrder: true }) as {
      events: Array<{ id: number }>;
    };

    // Assess
    expect(first.events.map((e) => e.id)).toEqual([1, 2]);
    expect([...first.events, ...rest.events]).toEqual(all);
    expect(rest.nextToken).toBeUndefined();
    expect(reversed.events).toEqual([...all].reverse());
    const listToken = Buffer.from(JSON.stringify({ op: 'ListExecutions', offset: 1 })).toString('base64url');
    expect(refusal('GetExecutionHistory', { executionArn: EXECUTION('paged'), nextToken: listToken })).toBe('InvalidToken');
  });
});

describe('malformed names', () => {
  it('answers a token not of the engine form InvalidToken, a well-formed unknown one TaskDoesNotExist', () => {
    expect(refusal('SendTaskFailure', { taskToken: 'not-a-token', error: 'E' })).toBe('InvalidToken');
    expect(refusal('SendTaskFailure', { taskToken: 'local1.garbage', error: 'E' })).toBe('InvalidToken');
    expect(refusal('SendTaskFailure', { taskToken: `local1.${'x'.repeat(43)}`, error: 'E' })).toBe('TaskDoesNotExist');
  });

  it('answers an execution ARN that is no ARN InvalidArn, an unknown one ExecutionDoesNotExist', () => {
    expect(refusal('DescribeExecution', { executionArn: 'req_1' })).toBe('InvalidArn');
    expect(refusal('GetExecutionHistory', {})).toBe('InvalidArn');
    expect(refusal('DescribeExecution', { executionArn: EXECUTION('never') })).toBe('ExecutionDoesNotExist');
  });
});
