import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SFNClient, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stepFunctions } from '../../lambdas/adapters/workflow.js';
import { FAULTS_VARIABLE, localFaults, type FaultInjector } from '../../local/faults.js';
import { closeServer } from '../../local/net.js';
import { newLocalCredentials } from '../../local/settings.js';
import { WorkflowEngine } from '../../local/workflow/engine.js';
import { startWorkflowService } from '../../local/workflow/service.js';
import type { JsonValue } from '../../local/workflow/types.js';

// The TaskTimedOut race of SIGNOFF_LOCAL_FAULTS, on the local Step Functions service as the runtime starts it (the
// process's faults, from the environment): a decision's SendTaskSuccess arrives just after its task's deadline. The
// task ends as a deadline ends it (States.Timeout, caught by the state machine), the success never reaches it, and
// the caller is told TaskTimedOut, which the handlers' adapter reads as "already closed".

const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:race';
const definition = {
  StartAt: 'Wait',
  States: {
    Wait: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: 'ask', Payload: { 'taskToken.$': '$$.Task.Token' } },
      TimeoutSeconds: 3600,
      ResultPath: '$.answer',
      Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'TimedOut' }],
      End: true,
    },
    TimedOut: { Type: 'Pass', Result: 'timed out', ResultPath: '$.outcome', End: true },
  },
} as unknown as StateMachineDefinition;

vi.stubEnv(FAULTS_VARIABLE, 'task-timed-out:1,seed:3');

const dir = mkdtempSync(join(tmpdir(), 'signoff-faults-race-'));
const credentials = newLocalCredentials();
const tokens: string[] = [];
/** The asking function returns when this settles: open (resolved) but for the test that holds it. */
let gate: Promise<void> = Promise.resolve();
let engine: WorkflowEngine;
let server: Server;
let client: SFNClient;
let injector: FaultInjector;

beforeAll(async () => {
  engine = new WorkflowEngine({
    definition,
    stateMachineArn: ARN,
    journalDir: dir,
    timeScale: 1,
    tokenSecret: 'race-secret',
    // As bin/local.ts wires it: the task's function is said to run until it returns.
    invoke: (_name, payload): Promise<JsonValue> => {
      const { taskToken } = payload as { taskToken: string };
      tokens.push(taskToken);
      const run = gate.then(() => null);
      localFaults()?.endpoint.taskRunning(taskToken, run);
      return run;
    },
  });
  const service = await startWorkflowService(engine, credentials);
  server = service.server;
  client = new SFNClient({ endpoint: service.endpoint, region: 'us-east-1', credentials });
  const faults = localFaults()?.injector;
  if (faults === undefined) throw new Error(`${FAULTS_VARIABLE} was not read`);
  injector = faults;
  injector.start();
});

afterAll(async () => {
  injector.stop();
  client.destroy();
  engine.shutdown();
  await closeServer(server);
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

/** The pause between two checks of a condition (not a wait for the condition itself). */
const pollInterval = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
async function nthToken(n: number): Promise<string> {
  for (let i = 0; i < 400 && tokens[n] === undefined; i++) await pollInterval(5);
  const token = tokens[n];
  if (token === undefined) throw new Error('the task was never asked');
  return token;
}

describe('a SendTaskSuccess that loses the race against its task’s deadline', () => {
  it('ends the task as its deadline would, never delivers the success, and is answered TaskTimedOut', async () => {
    // Prepare: an execution waiting on its callback task
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: ARN, name: 'race-1', input: '{}' }));
    const token = await nthToken(0);

    // Act: the handlers' own adapter hands the decision over
    const answer = await stepFunctions(client).sendTaskSuccess(token, { decision: 'approve' });

    // Assess: "already closed" for the caller; the workflow went on through its timeout catch
    expect(answer).toBe('already-closed');
    expect(await engine.settled(executionArn ?? '')).toBe('SUCCEEDED');
    const output = JSON.parse(engine.describeExecution(executionArn ?? '').output ?? 'null') as Record<string, unknown>;
    expect(output['outcome']).toBe('timed out');
    expect(output['answer']).toBeUndefined();
    expect(output['timeout']).toMatchObject({ Error: 'States.Timeout' });
    const tally = injector.tally();
    expect(tally.taskTimedOut).toBe(1);
    expect(tally.services['states']?.operations['SendTaskSuccess']).toEqual({ calls: 1, failed: { TaskTimedOut: 1 } });
  });

  it('raises TaskTimedOut by name, unretried, and leaves a task already ended to the service’s own answer', async () => {
    // Prepare
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: ARN, name: 'race-2', input: '{}' }));
    const token = await nthToken(1);
    const before = injector.tally().taskTimedOut;

    // Act: the race, then the same call again on the task it ended
    const raced = await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })).catch((e: unknown) => e);
    await engine.settled(executionArn ?? '');
    const late = await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })).catch((e: unknown) => e);

    // Assess: both TaskTimedOut, a client error the SDK does not retry; only the first was a race run here
    expect(raced).toMatchObject({ name: 'TaskTimedOut', $metadata: { httpStatusCode: 400, attempts: 1 } });
    expect(late).toMatchObject({ name: 'TaskTimedOut', $metadata: { httpStatusCode: 400, attempts: 1 } });
    expect(injector.tally().taskTimedOut - before).toBe(1);
  });

  it('waits for the asking function to return before it times the task out, as a deadline can only pass after it', async () => {
    // Prepare: the function asking for the decision is still running
    const opener: { open?: () => void } = {};
    gate = new Promise<void>((resolve) => {
      opener.open = resolve;
    });
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: ARN, name: 'race-3', input: '{}' }));
    const token = await nthToken(2);

    // Act: the decision arrives before the function returned
    let answered = false;
    const answer = stepFunctions(client)
      .sendTaskSuccess(token, { decision: 'approve' })
      .finally(() => {
        answered = true;
      });
    await pollInterval(50);
    const beforeReturn = { answered, status: engine.describeExecution(executionArn ?? '').status };
    opener.open?.();

    // Assess: no answer and no timeout while it ran; then the race as before
    expect(beforeReturn).toEqual({ answered: false, status: 'RUNNING' });
    expect(await answer).toBe('already-closed');
    expect(await engine.settled(executionArn ?? '')).toBe('SUCCEEDED');
    expect(JSON.parse(engine.describeExecution(executionArn ?? '').output ?? 'null')).toMatchObject({ outcome: 'timed out' });
  });
});
