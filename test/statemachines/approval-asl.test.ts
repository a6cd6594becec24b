import { readFileSync } from 'node:fs';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { FAILING_STEPS } from '../../lambdas/core/model.js';
import { workflowFunctions } from '../../manifest.js';
import { definitionPath, substitute } from '../../statemachines/functions.js';

// The ASL file both engines run. Validated as written (with realistic ARNs substituted), and held to
// the rules of the road in DESIGN.md: substitutions only, retries, timeouts, explicit States.Timeout.

interface TaskState {
  Type: 'Task';
  Resource: string;
  Parameters?: { FunctionName?: string; Payload?: Record<string, unknown> };
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  Retry?: Array<{ ErrorEquals: string[] }>;
  Catch?: Array<{ ErrorEquals: string[]; ResultPath?: string; Next: string }>;
  Next?: string;
}
type AnyState = { Type: string; QueryLanguage?: string } & Partial<TaskState>;

const text = readFileSync(definitionPath, 'utf8');
const definition = JSON.parse(text) as { States: Record<string, AnyState>; QueryLanguage?: string };
const tasks = Object.entries(definition.States).filter((e): e is [string, AnyState & TaskState] => e[1].Type === 'Task');
const arns = Object.fromEntries(
  workflowFunctions.map((f) => [f.substitution, `arn:aws:lambda:eu-west-1:123456789012:function:signoff-${f.name}`]),
);

describe('statemachines/approval.asl.json', () => {
  it('is valid ASL once its substitutions are filled in', () => {
    const result = aslValidator(JSON.parse(substitute(text, arns)), { checkArn: true, checkPaths: true });
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('uses exactly the substitutions the function list provides', () => {
    const used = new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual(workflowFunctions.map((f) => f.substitution).sort());
  });

  it('tests no Choice rule with IsNull: false, which the local engine never finds true (Not + IsNull: true instead)', () => {
    // aws-local-stepfunctions 3 evaluates `IsNull: false` as false whatever the value, where Step Functions finds it
    // true for any value but null: the same file would branch differently locally and on AWS.
    expect(text).not.toMatch(/"IsNull":\s*false/);
    expect(text).toMatch(/"Not":\s*\{\s*"Variable":\s*"\$\.stage\.step",\s*"IsNull":\s*true/);
  });

  it('has no hard-coded ARN or account id', () => {
    expect(text).not.toMatch(/arn:aws:lambda:/);
    expect(text).not.toMatch(/\d{12}/);
    for (const [, state] of tasks) expect(state.Parameters?.FunctionName).toMatch(/^\$\{\w+FunctionArn\}$/);
  });

  it('is JSONPath only (the local engine ignores JSONata)', () => {
    expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    for (const state of Object.values(definition.States)) expect(state.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
  });

  it("retries Lambda's service errors on every task and catches everything else", () => {
    for (const [name, state] of tasks) {
      const retried = (state.Retry ?? []).flatMap((r) => r.ErrorEquals);
      expect(retried, name).toEqual(
        expect.arrayContaining([
          'Lambda.ServiceException',
          'Lambda.AWSLambdaException',
          'Lambda.SdkClientException',
          'Lambda.TooManyRequestsException',
        ]),
      );
      expect(
        (state.Catch ?? []).some((c) => c.ErrorEquals.includes('States.ALL')),
        name,
      ).toBe(true);
    }
  });

  it('retries throttling and transient service errors on every task, and a mail still in flight after its lease on every task that mails (issue #13)', () => {
    for (const [name, state] of tasks) {
      const retried = (state.Retry ?? []).flatMap((r) => r.ErrorEquals);
      expect(retried, name).toEqual(
        expect.arrayContaining(['ThrottlingException', 'ProvisionedThroughputExceededException', 'TooManyRequestsException']),
      );
      // RecordFailure sends nothing: a SendInFlightError there would be a fault, not a lease to wait out.
      if (name !== 'RecordFailure') expect(retried, name).toContain('SendInFlightError');
    }
  });

  it('records a task that failed after its retries on the request before the execution fails (issue #13)', () => {
    // RequestApproval's every end (a decision, a timeout, a failure) goes on to AdvanceStage, which acts on what the
    // store says; every other task is a step RecordFailure knows by name (FAILING_STEPS), and every step is a task.
    const approval = definition.States['RequestApproval'];
    expect(approval?.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.callback', Next: 'AdvanceStage' }]);
    const catching = tasks.filter(([name]) => name !== 'RecordFailure' && name !== 'RequestApproval');
    expect(catching.map(([name]) => name).sort()).toEqual([...FAILING_STEPS].sort());
    for (const [name, state] of catching) {
      const all = (state.Catch ?? []).find((c) => c.ErrorEquals.includes('States.ALL'));
      expect(all, name).toEqual({ ErrorEquals: ['States.ALL'], ResultPath: `$.failed.${name}`, Next: 'RecordFailure' });
    }
    const record = definition.States['RecordFailure'];
    expect(record?.Parameters?.Payload).toEqual({
      'requestId.$': '$.requestId',
      'version.$': '$.version',
      'executionArn.$': '$$.Execution.Id',
      'failed.$': '$.failed',
    });
    // A failure to record the failure still fails the execution, and the alarm on failed executions still pages.
    expect(record?.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.recordFailureError', Next: 'WorkflowFailed' }]);
    expect(record?.Next).toBe('WorkflowFailed');
    expect(definition.States['WorkflowFailed']?.Type).toBe('Fail');
  });

  it('gives every task a timeout; the one callback task carries its deadline in its payload too', () => {
    const callbacks = tasks.filter(([, s]) => s.Resource.endsWith('.waitForTaskToken'));
    expect(callbacks.map(([n]) => n)).toEqual(['RequestApproval']);
    for (const [name, state] of tasks)
      expect(state.TimeoutSeconds !== undefined || state.TimeoutSecondsPath !== undefined, name).toBe(true);
    for (const [, state] of callbacks) {
      expect(state.Parameters?.Payload?.['taskToken.$']).toBe('$$.Task.Token');
      // The local engine reads the same deadline from the payload (local/workflow/engine.ts).
      expect(state.Parameters?.Payload?.['timeoutSeconds.$']).toBe(state.TimeoutSecondsPath);
    }
  });

  it('acts on no callback: every end of the wait goes back to AdvanceStage, which reads the store', () => {
    const wait = definition.States['RequestApproval'] as AnyState & { Next?: string; ResultSelector?: unknown };
    expect(wait.Next).toBe('AdvanceStage');
    // A timeout, a failure from the function, or one that anyone holding the token sent: all the same way.
    expect(wait.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.callback', Next: 'AdvanceStage' }]);
    // Nothing a SendTaskSuccess carries reaches the state: the decision is read from the store.
    expect(wait.ResultSelector).toEqual({ kind: 'success' });
    const decided = definition.States['StageDecided'] as unknown as {
      Choices: Array<{ Variable: string; StringEquals: string; Next: string }>;
      Default: string;
    };
    expect(decided.Choices).toEqual([{ Variable: '$.stage.step.next', StringEquals: 'wait', Next: 'RequestApproval' }]);
    expect(decided.Default).toBe('RouteDecision');
  });

  it('routes every decision AdvanceStage read, and nothing is approved by silence', () => {
    const route = definition.States['RouteDecision'] as unknown as {
      Choices: Array<{ Variable: string; StringEquals: string; Next: string }>;
      Default: string;
    };
    const next = Object.fromEntries(route.Choices.map((c) => [c.StringEquals, c.Next]));
    expect(next).toEqual({ approve: 'NextStage', reject: 'Rejected', 'request-changes': 'ChangesRequested', expired: 'Expired' });
    for (const choice of route.Choices) expect(choice.Variable).toBe('$.stage.step.decision');
    expect(route.Default).toBe('WorkflowFailed');
    // An approval moves to the next stage of the route as the store holds it (an override may have changed it).
    expect((definition.States['NextStage'] as { Next?: string } | undefined)?.Next).toBe('MoreStages');
  });
});
