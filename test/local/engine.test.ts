import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { WorkflowEngine } from '../../local/workflow/engine.js';
import { Journal } from '../../local/workflow/journal.js';
import type { SfnApiError, JsonValue } from '../../local/workflow/types.js';
import { pollInterval, until } from './poll.js';

// The local workflow engine against a small state machine with the same shapes as the real one:
// a Lambda task, a callback task with TimeoutSecondsPath, and a States.Timeout catch.

const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:test';
const definition = {
  StartAt: 'Prepare',
  States: {
    Prepare: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'prepare', 'Payload.$': '$' },
      ResultSelector: { 'seconds.$': '$.Payload.seconds' },
      ResultPath: '$.prepared',
      Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 0, MaxAttempts: 2 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Failed' }],
      TimeoutSeconds: 60,
      Next: 'Wait',
    },
    Wait: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: 'ask', Payload: { 'taskToken.$': '$$.Task.Token', 'seconds.$': '$.prepared.seconds', 'who.$': '$.who' } },
      TimeoutSecondsPath: '$.prepared.seconds',
      ResultPath: '$.answer',
      Catch: [
        { ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'TimedOut' },
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Failed' },
      ],
      End: true,
    },
    TimedOut: { Type: 'Pass', Result: 'timed out', ResultPath: '$.outcome', End: true },
    Failed: { Type: 'Fail', Error: 'Failed' },
  },
} as unknown as StateMachineDefinition;

interface Calls {
  prepare: number;
  ask: Array<{ taskToken: string; who: string }>;
  flakyFailures: number;
  /** How long the asking function runs before it returns. */
  askMs?: number;
}

function engine(dir: string, calls: Calls, timeScale = 1, seconds = 3600): WorkflowEngine {
  return new WorkflowEngine({
    definition,
    stateMachineArn: ARN,
    journalDir: dir,
    timeScale,
    tokenSecret: 'test-secret',
    invoke: async (name, payload): Promise<JsonValue> => {
      if (name === 'prepare') {
        calls.prepare++;
        if (calls.flakyFailures > 0) {
          calls.flakyFailures--;
          const error = new Error('transient');
          error.name = 'Flaky';
          throw error;
        }
        return { seconds };
      }
      const p = payload as { taskToken: string; who: string };
      calls.ask.push({ taskToken: p.taskToken, who: p.who });
      if (calls.askMs !== undefined) await pollInterval(calls.askMs);
      return null;
    },
  });
}

let dir: string;
let calls: Calls;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'signoff-engine-'));
  calls = { prepare: 0, ask: [], flakyFailures: 0 };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('callback tasks', () => {
  it('hands the task a token and continues with the output of SendTaskSuccess', async () => {
    const e = engine(dir, calls);
    const { executionArn } = e.startExecution('exec-1', { who: 'grace' });
    const ask = await until(() => calls.ask[0]);

    e.sendTaskSuccess(ask.taskToken, { decision: 'approve' });

    expect(await e.settled(executionArn)).toBe('SUCCEEDED');
    expect(JSON.parse(e.describeExecution(executionArn).output ?? 'null')).toMatchObject({ who: 'grace', answer: { decision: 'approve' } });
    expect(ask.taskToken).toMatch(/^local1\./);
  });

  it('never writes the token itself to the journal', async () => {
    const e = engine(dir, calls);
    e.startExecution('exec-2', { who: 'grace' });
    const ask = await until(() => calls.ask[0]);
    const journal = readdirSync(dir)
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('');
    expect(journal).not.toContain(ask.taskToken);
    expect(journal).toContain('"t":"callback"');
    e.shutdown();
  });

  it('answers a second SendTaskSuccess with TaskTimedOut and an unknown token with TaskDoesNotExist', async () => {
    const e = engine(dir, calls);
    const { executionArn } = e.startExecution('exec-3', { who: 'grace' });
    const ask = await until(() => calls.ask[0]);
    e.sendTaskSuccess(ask.taskToken, { decision: 'approve' });
    await e.settled(executionArn);

    const second = () => e.sendTaskSuccess(ask.taskToken, { decision: 'reject' });
    const unknown = () => e.sendTaskSuccess(`local1.${'x'.repeat(43)}`, {});
    const malformed = () => e.sendTaskSuccess('garbage', {});

    expect(second).toThrowError(expect.objectContaining({ type: 'TaskTimedOut' }) as unknown as SfnApiError);
    expect(unknown).toThrowError(expect.objectContaining({ type: 'TaskDoesNotExist' }) as unknown as SfnApiError);
    expect(malformed).toThrowError(expect.objectContaining({ type: 'InvalidToken' }) as unknown as SfnApiError);
  });

  it('times out at TimeoutSecondsPath seconds divided by the time scale, into the States.Timeout catch', async () => {
    // 3600 workflow seconds at 36,000× is 100 ms of real time.
    const e = engine(dir, calls, 36_000, 3600);
    const { executionArn } = e.startExecution('exec-4', { who: 'grace' });

    expect(await e.settled(executionArn)).toBe('SUCCEEDED');
    expect(JSON.parse(e.describeExecution(executionArn).output ?? 'null')).toMatchObject({
      outcome: 'timed out',
      timeout: { Error: 'States.Timeout' },
    });
    const token = calls.ask[0]?.taskToken ?? '';
    expect(() => e.sendTaskSuccess(token, {})).toThrowError(expect.objectContaining({ type: 'TaskTimedOut' }) as unknown as SfnApiError);
  });
});

describe('a wait that ends while its function still runs', () => {
  it('times the task out into its catch, and the process goes on (no unhandled rejection)', async () => {
    // Prepare: a wait of 100 ms (3600 s at 36,000×) whose asking function runs 300 ms (a retry after a crash)
    calls.askMs = 300;
    const e = engine(dir, calls, 36_000, 3600);

    // Act
    const { executionArn } = e.startExecution('exec-slow', { who: 'grace' });

    // Assess
    expect(await e.settled(executionArn)).toBe('SUCCEEDED');
    expect(JSON.parse(e.describeExecution(executionArn).output ?? 'null')).toMatchObject({ timeout: { Error: 'States.Timeout' } });
  });
});

describe('executions', () => {
  it('treats the same name and input as the same execution, and a different input as a conflict', async () => {
    const e = engine(dir, calls);
    const first = e.startExecution('same-name', { who: 'grace' });
    const again = e.startExecution('same-name', { who: 'grace' });
    expect(again.executionArn).toBe(first.executionArn);
    expect(() => e.startExecution('same-name', { who: 'alan' })).toThrowError(
      expect.objectContaining({ type: 'ExecutionAlreadyExists' }) as unknown as SfnApiError,
    );
    await until(() => calls.ask[0]);
    expect(calls.ask).toHaveLength(1);
    e.shutdown();
  });

  it('retries a named error from a task, then succeeds', async () => {
    calls.flakyFailures = 2;
    const e = engine(dir, calls);
    e.startExecution('flaky', { who: 'grace' });
    await until(() => calls.ask[0]);
    expect(calls.prepare).toBe(3);
    e.shutdown();
  });

  it('records a stopped execution as ABORTED', async () => {
    const e = engine(dir, calls);
    const { executionArn } = e.startExecution('stopped', { who: 'grace' });
    await until(() => calls.ask[0]);
    e.stopExecution(executionArn, 'Withdrawn', 'the submitter withdrew it');
    expect(e.describeExecution(executionArn)).toMatchObject({ status: 'ABORTED', error: 'Withdrawn' });
  });
});

describe('recovery after a restart', () => {
  it('resumes a waiting execution without invoking any task again, and the same token completes it', async () => {
    // Prepare: run until the callback wait, then "crash"
    const before = engine(dir, calls);
    const { executionArn } = before.startExecution('survivor', { who: 'grace' });
    const ask = await until(() => calls.ask[0]);
    before.shutdown();
    expect(readFileSync(join(dir, 'survivor.jsonl'), 'utf8')).not.toContain('"t":"end"');

    // Act
    const after = engine(dir, calls);
    const resumed = after.recover();
    after.sendTaskSuccess(ask.taskToken, { decision: 'approve' });

    // Assess
    expect(resumed).toBe(1);
    expect(await after.settled(executionArn)).toBe('SUCCEEDED');
    expect(calls.prepare).toBe(1);
    expect(calls.ask).toHaveLength(1);
  });

  it('keeps the absolute deadline: after a restart only what is left of it is waited', async () => {
    const before = engine(dir, calls, 36_000, 3600); // 100 ms
    const { executionArn } = before.startExecution('deadline', { who: 'grace' });
    await until(() => calls.ask[0]);
    before.shutdown();
    // The deadline passes while the engine is "down": wait for the journaled instant itself.
    const dueAt = Number(/"dueAt":(\d+)/.exec(readFileSync(join(dir, 'deadline.jsonl'), 'utf8'))?.[1]);
    await until(() => (Date.now() > dueAt ? true : undefined));

    const after = engine(dir, calls, 36_000, 3600);
    after.recover();

    expect(await after.settled(executionArn)).toBe('SUCCEEDED');
    expect(JSON.parse(after.describeExecution(executionArn).output ?? 'null')).toMatchObject({ outcome: 'timed out' });
  });

  it('does not resume finished executions', async () => {
    const before = engine(dir, calls);
    const { executionArn } = before.startExecution('done', { who: 'grace' });
    const ask = await until(() => calls.ask[0]);
    before.sendTaskSuccess(ask.taskToken, { decision: 'approve' });
    await before.settled(executionArn);

    const after = engine(dir, calls);
    expect(after.recover()).toBe(0);
    expect(after.describeExecution(executionArn).status).toBe('SUCCEEDED');
  });
});

describe('shutdown', () => {
  it('does not journal the failure of a task cut short by the shutdown, so it runs again after restart', async () => {
    // Prepare: the first task hangs until we fail it, as a call to a closing database would
    let failPrepare: (error: Error) => void = () => undefined;
    let prepareCalls = 0;
    const hanging = new WorkflowEngine({
      definition,
      stateMachineArn: ARN,
      journalDir: dir,
      timeScale: 1,
      tokenSecret: 'test-secret',
      invoke: (name) => {
        if (name !== 'prepare') return Promise.resolve(null);
        prepareCalls++;
        return new Promise<JsonValue>((_resolve, reject) => {
          failPrepare = reject;
        });
      },
    });
    hanging.startExecution('cut-short', { who: 'grace' });
    await until(() => (prepareCalls === 1 ? true : undefined));

    // Act
    hanging.shutdown();
    failPrepare(new Error('connect ECONNREFUSED'));
    await new Promise((r) => setImmediate(r));
    const after = engine(dir, calls);
    const resumed = after.recover();

    // Assess
    expect(readFileSync(join(dir, 'cut-short.jsonl'), 'utf8')).not.toContain('ECONNREFUSED');
    expect(resumed).toBe(1);
    await until(() => calls.ask[0]);
    expect(calls.prepare).toBe(1);
    after.shutdown();
  });
});

describe('finished executions (issue #13)', () => {
  /** Runs `names` to their end through the callback task; returns their arns and the token each was handed. */
  async function finish(e: WorkflowEngine, names: readonly string[]): Promise<Array<{ arn: string; token: string }>> {
    const done: Array<{ arn: string; token: string }> = [];
    for (const name of names) {
      const { executionArn } = e.startExecution(name, { who: name });
      const ask = await until(() => calls.ask.find((a) => a.who === name));
      e.sendTaskSuccess(ask.taskToken, { decision: 'approve' });
      await e.settled(executionArn);
      done.push({ arn: executionArn, token: ask.taskToken });
    }
    await until(() => (e.held === 0 ? true : undefined));
    return done;
  }

  it('leaves the journals a restart reads to unfinished executions, and the process holds none that ended', async () => {
    // Prepare: three executions end, one waits
    const before = engine(dir, calls);
    await finish(before, ['done-1', 'done-2', 'done-3']);
    const heldWhenEnded = before.held;
    before.startExecution('waiting', { who: 'waiting' });
    await until(() => calls.ask.find((a) => a.who === 'waiting'));
    before.shutdown();

    // Act: what a start reads, and a start
    const read = Journal.readAll(dir).map((j) => j.name);
    const after = engine(dir, calls);
    const resumed = after.recover();

    // Assess
    expect(heldWhenEnded).toBe(0);
    expect(read).toEqual(['waiting']);
    expect(resumed).toBe(1);
    expect(after.held).toBe(1);
    after.shutdown();
  });

  it('answers DescribeExecution, GetExecutionHistory and ListExecutions for an ended execution after a restart, as before it', async () => {
    // Prepare
    const before = engine(dir, calls);
    const [done] = await finish(before, ['archived']);
    const arn = done?.arn ?? '';
    const described = before.describeExecution(arn);
    const history = before.history(arn);
    before.shutdown();

    // Act
    const after = engine(dir, calls);
    after.recover();

    // Assess
    expect(after.describeExecution(arn)).toEqual(described);
    expect(described).toMatchObject({ status: 'SUCCEEDED', name: 'archived', input: JSON.stringify({ who: 'archived' }) });
    expect(JSON.parse(described.output ?? 'null')).toMatchObject({ answer: { decision: 'approve' } });
    expect(after.history(arn)).toEqual(history);
    expect(history.map((h) => h.type)).toEqual(
      expect.arrayContaining(['ExecutionStarted', 'TaskStateEntered', 'TaskStateExited', 'ExecutionSucceeded']),
    );
    expect(history.find((h) => h.type === 'TaskStateEntered')).toMatchObject({ stateEnteredEventDetails: { name: 'Prepare' } });
    expect(after.listExecutions()).toEqual([
      { name: 'archived', arn, status: 'SUCCEEDED', startDate: described.startDate * 1000, stopDate: (described.stopDate ?? 0) * 1000 },
    ]);
    expect(await after.settled(arn)).toBe('SUCCEEDED');
  });

  it('refuses the name of an ended execution, answers its token TaskTimedOut, and an unknown arn ExecutionDoesNotExist', async () => {
    // Prepare
    const before = engine(dir, calls);
    const [done] = await finish(before, ['used']);
    before.shutdown();
    const after = engine(dir, calls);
    after.recover();

    // Act
    const again = () => after.startExecution('used', { who: 'used' });
    const lateDecision = () => after.sendTaskSuccess(done?.token ?? '', {});
    const unknown = () => after.describeExecution(`${ARN.replace(':stateMachine:', ':execution:')}:never`);

    // Assess
    expect(again).toThrowError(expect.objectContaining({ type: 'ExecutionAlreadyExists' }) as unknown as SfnApiError);
    expect(lateDecision).toThrowError(expect.objectContaining({ type: 'TaskTimedOut' }) as unknown as SfnApiError);
    expect(unknown).toThrowError(expect.objectContaining({ type: 'ExecutionDoesNotExist' }) as unknown as SfnApiError);
    expect(calls.ask).toHaveLength(1);
  });

  it('archives at start an ended execution whose journal is still there (a crash before it was archived, or an older data directory)', async () => {
    // Prepare: a journal as the engine before the archive left it
    const arn = `${ARN.replace(':stateMachine:', ':execution:')}:older`;
    const journal = new Journal(dir, 'older');
    journal.append({ t: 'started', arn, name: 'older', input: { who: 'older' }, startDate: 1_000 });
    journal.append({ t: 'callback', key: 'Wait#1', tokenHash: 'a'.repeat(64), dueAt: 5_000 });
    journal.append({ t: 'task', key: 'Wait#1', ok: { decision: 'approve' } });
    journal.append({ t: 'end', status: 'SUCCEEDED', stopDate: 2_000, output: { outcome: 'approved' } });

    // Act
    const first = engine(dir, calls);
    const resumed = first.recover();
    const second = engine(dir, calls);
    second.recover();

    // Assess
    expect(resumed).toBe(0);
    expect(first.held).toBe(0);
    expect(Journal.readAll(dir)).toEqual([]);
    expect(second.describeExecution(arn)).toMatchObject({
      status: 'SUCCEEDED',
      startDate: 1,
      stopDate: 2,
      output: '{"outcome":"approved"}',
    });
    expect(second.history(arn)).toEqual([]);
    expect(calls.prepare).toBe(0);
  });

  it('leaves no journal behind when an execution is stopped while its callback task is still being asked', async () => {
    // Prepare: the callback task's function answers only when told
    let answer: () => void = () => undefined;
    const slow = new WorkflowEngine({
      definition,
      stateMachineArn: ARN,
      journalDir: dir,
      timeScale: 1,
      tokenSecret: 'test-secret',
      invoke: (name) =>
        name === 'prepare'
          ? Promise.resolve({ seconds: 3600 })
          : new Promise<JsonValue>((resolve) => {
              answer = () => resolve(null);
            }),
    });
    const { executionArn } = slow.startExecution('stopped-while-asking', { who: 'grace' });
    await until(() => (readFileSync(join(dir, 'stopped-while-asking.jsonl'), 'utf8').includes('"t":"callback"') ? true : undefined));

    // Act
    slow.stopExecution(executionArn, 'Withdrawn', 'withdrawn');
    await until(() => (slow.held === 0 ? true : undefined));
    answer();
    await new Promise<void>((done) => setImmediate(done));

    // Assess
    expect(Journal.readAll(dir)).toEqual([]);
    expect(slow.describeExecution(executionArn)).toMatchObject({ status: 'ABORTED', error: 'Withdrawn' });
  });
});
