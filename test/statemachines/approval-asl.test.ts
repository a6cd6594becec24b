import { readFileSync } from 'node:fs';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { definitionPath, substitute, workflowFunctions } from '../../statemachines/functions.js';

// The ASL file both engines run. Validated as written (with realistic ARNs substituted), and held to
// the rules of the road in DESIGN.md: substitutions only, retries, timeouts, explicit States.Timeout.

interface TaskState {
  Type: 'Task';
  Resource: string;
  Parameters?: { FunctionName?: string; Payload?: Record<string, unknown> };
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  Retry?: Array<{ ErrorEquals: string[] }>;
  Catch?: Array<{ ErrorEquals: string[]; Next: string }>;
}
type AnyState = { Type: string; QueryLanguage?: string } & Partial<TaskState>;

const text = readFileSync(definitionPath, 'utf8');
const definition = JSON.parse(text) as { States: Record<string, AnyState>; QueryLanguage?: string };
const tasks = Object.entries(definition.States).filter((e): e is [string, AnyState & TaskState] => e[1].Type === 'Task');
const arns = Object.fromEntries(workflowFunctions.map((f) => [f.substitution, `arn:aws:lambda:eu-west-1:123456789012:function:signoff-${f.name}`]));

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
      expect(retried, name).toEqual(expect.arrayContaining(['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException']));
      expect((state.Catch ?? []).some((c) => c.ErrorEquals.includes('States.ALL')), name).toBe(true);
    }
  });

  it('gives every task a timeout, and every callback task catches States.Timeout before anything else', () => {
    const callbacks = tasks.filter(([, s]) => s.Resource.endsWith('.waitForTaskToken'));
    expect(callbacks.map(([n]) => n)).toEqual(['RequestApproval', 'RemindApprovers', 'EscalateStage']);
    for (const [name, state] of tasks) expect(state.TimeoutSeconds !== undefined || state.TimeoutSecondsPath !== undefined, name).toBe(true);
    for (const [, state] of callbacks) {
      expect(state.Catch?.[0]?.ErrorEquals).toEqual(['States.Timeout']);
      expect(state.Parameters?.Payload?.['taskToken.$']).toBe('$$.Task.Token');
      // The local engine reads the same deadline from the payload (local/workflow/engine.ts).
      expect(state.Parameters?.Payload?.['timeoutSeconds.$']).toBe(state.TimeoutSecondsPath);
    }
  });

  it('routes every decision, and nothing is approved by silence', () => {
    const route = definition.States['RouteDecision'] as unknown as { Choices: Array<{ StringEquals: string; Next: string }>; Default: string };
    const next = Object.fromEntries(route.Choices.map((c) => [c.StringEquals, c.Next]));
    expect(next).toEqual({ approve: 'StageCountKnown', reject: 'Rejected', 'request-changes': 'ChangesRequested', expired: 'Expired' });
    expect(route.Default).toBe('WorkflowFailed');
    // An approval moves to the next stage, of the route as the decision reports it or else as planned.
    for (const name of ['NextStage', 'NextStageAsPlanned']) expect((definition.States[name] as { Next?: string } | undefined)?.Next).toBe('MoreStages');
    // Asked → reminded at half-time → escalated at the deadline → expired at the second deadline.
    expect(definition.States['RequestApproval']?.Catch?.[0]?.Next).toBe('RemindApprovers');
    expect(definition.States['RemindApprovers']?.Catch?.[0]?.Next).toBe('EscalateStage');
    expect(definition.States['EscalateStage']?.Catch?.[0]?.Next).toBe('ExpireStage');
    for (const name of ['RequestApproval', 'RemindApprovers', 'EscalateStage']) {
      expect(definition.States[name]?.Catch?.[1]).toMatchObject({ ErrorEquals: ['AlreadyDecidedError'], Next: 'ExpireStage' });
    }
  });
});
