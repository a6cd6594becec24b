import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { executionInput, stageStep, taskContracts } from '../../lambdas/core/request/task-payloads.js';
import type { JsonValue } from '../../local/workflow/types.js';
import { workflowFunctions } from '../../manifest.js';
import { definitionPath } from '../../statemachines/functions.js';
import {
  type AslDefinition,
  type ContractSubject,
  checkAslContract,
  finiteValues,
  leafValues,
  readsOfOutputs,
  walkContract,
} from './asl-contract.js';

// The ASL ↔ handler contract (issue #19): every Task state's Payload, evaluated on the state documents the execution
// can have there, is exactly what its function's input schema accepts; and every path the ASL later reads from a
// task's result (ResultSelector, Choice variables, later payloads) is in that function's output schema. The schemas are
// the ones the handlers use (taskContracts, passed to taskHandler, whose return type is checked against the output
// schema at compile time). A renamed field fails here, not in a deployed execution.

const text = readFileSync(definitionPath, 'utf8');
const definition = JSON.parse(text) as AslDefinition;

/** Parsed by the schema: what the ASL can read of a result is what the schema declares, nothing more. */
function results<S extends z.ZodMiniType>(schema: S, samples: readonly z.input<S>[]): JsonValue[] {
  return samples.map((s) => schema.parse(s) as JsonValue);
}

const c = taskContracts;
const wait = (phase: 'requested' | 'reminded' | 'escalated') => ({
  next: 'wait' as const,
  wait: { phase, seconds: 3600, deadline: '2030-01-04T00:00:00.000Z' },
});
const decided = (decision: 'approve' | 'reject' | 'request-changes' | 'expired', stageCount = 2) => ({
  next: 'decided' as const,
  decision,
  stageCount,
  nextStageStep: null,
});
/** An approval with the next stage's first step: that stage opened in the same invocation. */
const approvedThen = (nextStageStep: ReturnType<typeof wait> | ReturnType<typeof decided>, stageCount = 2) => ({
  ...decided('approve', stageCount),
  nextStageStep,
});

const subject: ContractSubject = {
  definition,
  functions: Object.fromEntries(workflowFunctions.map((f) => [f.substitution, f.name])),
  contracts: taskContracts,
  // As accept-submission (version 1) and change-request (a later version) start it.
  inputs: [
    executionInput.parse({ requestId: 'req-01JC0NTRACT', version: 1 }),
    executionInput.parse({ requestId: 'req-01JC0NTRACT', version: 2 }),
  ],
  results: {
    'record-submission': results(c['record-submission'].output, [{ kind: 'brand-post' }, { kind: 'account-opening' }]),
    // Blocked, no valid route, or a route whose first stage's step is AdvanceStage's (stepOf), so it can be any of
    // them: a request withdrawn meanwhile is decided at once, a stage whose publish time left no time is over at once.
    'run-checks': results(c['run-checks'].output, [
      { blocked: true, findingCount: 2, planned: false, stageCount: 0, step: null },
      { blocked: false, findingCount: 1, planned: false, stageCount: 0, step: null },
      { blocked: false, findingCount: 0, planned: true, stageCount: 2, step: wait('requested') },
      { blocked: false, findingCount: 0, planned: true, stageCount: 1, step: wait('reminded') },
      { blocked: false, findingCount: 0, planned: true, stageCount: 1, step: wait('escalated') },
      { blocked: false, findingCount: 0, planned: true, stageCount: 2, step: decided('approve') },
      { blocked: false, findingCount: 0, planned: true, stageCount: 2, step: decided('reject') },
      { blocked: false, findingCount: 0, planned: true, stageCount: 2, step: decided('request-changes') },
      { blocked: false, findingCount: 0, planned: true, stageCount: 2, step: decided('expired') },
    ]),
    // Every phase and every decision; an override that added a stage (stageCount 3) after the first approval; an
    // approval with the next stage opened (its first step a wait, or a decision found as it opened) or with none.
    'advance-stage': results(c['advance-stage'].output, [
      wait('requested'),
      wait('reminded'),
      wait('escalated'),
      decided('approve'),
      decided('approve', 3),
      approvedThen(wait('requested')),
      approvedThen(wait('requested'), 3),
      approvedThen(decided('expired'), 3),
      // What the schema admits besides (a stage just opened waits in 'requested' or is decided 'expired').
      approvedThen(wait('reminded'), 3),
      approvedThen(wait('escalated'), 3),
      approvedThen(decided('approve'), 3),
      approvedThen(decided('reject'), 3),
      approvedThen(decided('request-changes'), 3),
      decided('reject'),
      decided('request-changes'),
      decided('expired'),
    ]),
    'request-approval': results(c['request-approval'].output, [{ asked: 2 }]),
    'register-account': results(c['register-account'].output, [
      { registered: true, accountId: 'acct-x-signoff' },
      { registered: false, accountId: 'acct-x-signoff' },
    ]),
    'notify-submitter': results(c['notify-submitter'].output, [
      { outcome: 'approved' },
      { outcome: 'rejected' },
      { outcome: 'changes-requested' },
      { outcome: 'expired' },
      { outcome: 'withdrawn' },
    ]),
    'record-failure': results(c['record-failure'].output, [{ recorded: true }, { recorded: false }]),
  },
  // What the decision endpoint sends with SendTaskSuccess (use-cases/review-stage.ts).
  callbackResults: [{ stageIndex: 0 }],
};

/** A copy of the subject whose ASL text had `from` replaced by `to` (the first occurrence). */
function withAsl(from: string, to: string): ContractSubject {
  expect(text).toContain(from);
  return { ...subject, definition: JSON.parse(text.replace(from, to)) as AslDefinition };
}

describe('the ASL ↔ handler contract (issue #19)', () => {
  it('has a contract for every workflow function, and each handler passes its own to taskHandler', () => {
    expect(Object.keys(taskContracts).sort()).toEqual(workflowFunctions.map((f) => f.name).sort());
    for (const f of workflowFunctions) expect(readFileSync(f.entry, 'utf8'), f.entry).toContain(`taskHandler(taskContracts['${f.name}'],`);
  });

  it("gives the walk every value a function's output can branch on (each enum, literal and boolean)", () => {
    for (const [fn, contract] of Object.entries(taskContracts)) {
      const given = new Set((subject.results[fn] ?? []).flatMap((r) => leafValues(r)));
      expect(
        finiteValues(contract.output).filter((v) => !given.has(v)),
        fn,
      ).toEqual([]);
    }
  });

  it('holds for the real state machine: every payload parses exactly, every path read from a result is declared', () => {
    expect(walkContract(subject)).toEqual([]);
    expect(readsOfOutputs(subject)).toEqual([]);
  });

  it('fails on a field the state does not hold where a payload reads it', () => {
    // The execution input names the version differently: RecordSubmission (the first state) no longer finds it.
    const renamed = { ...subject, inputs: [{ requestId: 'req-01JC0NTRACT', revision: 1 }] };
    expect(walkContract(renamed)).toContain('RecordSubmission: Payload.version ← $.version is absent from the state at RecordSubmission');
  });

  it('fails on a payload field the handler does not know (it would be stripped)', () => {
    const extra = withAsl(
      '"version.$": "$.version"\n        }\n      },\n      "ResultSelector": {\n        "blocked.$"',
      '"version.$": "$.version",\n "strict.$": "$.version"\n        }\n      },\n      "ResultSelector": {\n        "blocked.$"',
    );
    expect(walkContract(extra)).toEqual(["RunChecks: Payload.strict is not in run-checks's input schema (the handler never sees it)"]);
  });

  it('fails on a payload the input schema refuses', () => {
    const wrong = withAsl('"stageIndex": 0,', '"stageIndex": "0",');
    expect(walkContract(wrong)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^AdvanceStage: the payload does not parse with advance-stage's input schema \(stageIndex: /),
      ]),
    );
  });

  it('fails when the ASL reads a field the handler does not return (ResultSelector, Choice, later payload)', () => {
    const selector = withAsl('"blocked.$": "$.Payload.blocked"', '"blocked.$": "$.Payload.isBlocked"');
    expect(readsOfOutputs(selector)).toEqual([
      "RunChecks: ResultSelector.blocked reads $.Payload.isBlocked but RunChecks's output (run-checks) has no 'isBlocked'",
      "ChecksPassed reads $.checks.blocked but RunChecks's output (run-checks) has no 'isBlocked'",
    ]);
    expect(walkContract(selector)).toContain("RunChecks: ResultSelector.blocked ← $.Payload.isBlocked is absent from run-checks's output");

    const choice = withAsl('"Variable": "$.stage.step.decision"', '"Variable": "$.stage.step.outcome"');
    expect(readsOfOutputs(choice)).toEqual([
      "RouteDecision reads $.stage.step.outcome but AdvanceStage's output (advance-stage) has no 'outcome'",
    ]);
    expect(walkContract(choice)).toContain('RouteDecision reads $.stage.step.outcome, which is absent from the state there');

    const payload = withAsl('"phase.$": "$.stage.step.wait.phase"', '"phase.$": "$.stage.step.wait.stage"');
    expect(readsOfOutputs(payload)).toEqual([
      "RequestApproval reads $.stage.step.wait.stage but AdvanceStage's output (advance-stage) has no 'stage'",
    ]);
  });

  it("fails when a Choice compares a result's field as the wrong type", () => {
    const typed = withAsl(
      '"Variable": "$.checks.blocked",\n          "BooleanEquals": true',
      '"Variable": "$.checks.blocked",\n          "StringEquals": "true"',
    );
    expect(readsOfOutputs(typed)).toEqual(["ChecksPassed reads $.checks.blocked as a string, but run-checks's output has it as boolean"]);
    expect(walkContract(typed)).toContain(
      'ChecksPassed compares $.checks.blocked with StringEquals, which needs a string, but it is boolean there',
    );
  });

  it('fails when a renamed output field leaves the ASL reading what the schema no longer declares', () => {
    // The same ASL against an output schema whose field was renamed (as a handler's return type would follow it).
    const renamedOutput = z.object({
      blocked: z.boolean(),
      findingCount: z.number(),
      planned: z.boolean(),
      stages: z.number(),
      step: z.nullable(stageStep),
    });
    const renamed: ContractSubject = {
      ...subject,
      contracts: { ...taskContracts, 'run-checks': { input: taskContracts['run-checks'].input, output: renamedOutput } },
      results: {
        ...subject.results,
        'run-checks': results(renamedOutput, [{ blocked: false, findingCount: 0, planned: true, stages: 2, step: wait('requested') }]),
      },
    };
    expect(readsOfOutputs(renamed)).toEqual([
      "RunChecks: ResultSelector.stageCount reads $.Payload.stageCount but RunChecks's output (run-checks) has no 'stageCount'",
      // (MoreStages reads $.route.stageCount, which FirstStage and NextStage write: the walk checks that read.)
      "FirstStage reads $.checks.stageCount but RunChecks's output (run-checks) has no 'stageCount'",
    ]);
    expect(checkAslContract(renamed)).toContain(
      "RunChecks: ResultSelector.stageCount ← $.Payload.stageCount is absent from run-checks's output",
    );
  });

  it('names the states the representative results never reach, so the walk cannot pass by seeing nothing', () => {
    const fewer = {
      ...subject,
      results: {
        ...subject.results,
        'run-checks': results(c['run-checks'].output, [{ blocked: true, findingCount: 1, planned: false, stageCount: 0, step: null }]),
      },
    };
    expect(walkContract(fewer)).toEqual(
      expect.arrayContaining([
        'RequestApproval is never reached from the inputs and results given',
        'AdvanceStage is never reached from the inputs and results given',
      ]),
    );
  });
});
