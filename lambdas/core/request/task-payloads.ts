import * as z from 'zod/mini';
import '../schema.js';
import { FAILING_STEPS } from '../model.js';

// The payloads the state machine hands to its task functions (statemachines/approval.asl.json).

const count = (min: number) => z.number().check(z.int(), z.minimum(min));

export const requestRef = z.object({ requestId: z.string().check(z.minLength(1)), version: count(1) });
export const stageRef = z.extend(requestRef, { stageIndex: count(0) });
export const recordSubmissionPayload = z.extend(requestRef, { executionArn: z.string().check(z.minLength(1)) });
export const requestApprovalPayload = z.extend(stageRef, {
  taskToken: z.string().check(z.minLength(1)),
  phase: z.enum(['requested', 'reminded', 'escalated']),
  deadline: z.iso.datetime(),
  timeoutSeconds: count(1),
});
/**
 * What the callback task ended with, as the state machine hands it on: `{ kind: "success" }` (its ResultSelector
 * keeps nothing of what SendTaskSuccess carried), `{ Error, Cause }` from its Catch, or null before the first wait.
 * A hint only: AdvanceStage acts on the store and the clock.
 */
export const callbackHint = z.nullable(
  z.union([z.object({ kind: z.literal('success') }), z.object({ Error: z.string(), Cause: z.optional(z.nullable(z.string())) })]),
);
export const advanceStagePayload = z.extend(stageRef, { callback: callbackHint });
export type CallbackHint = z.infer<typeof callbackHint>;

/**
 * RecordFailure's payload: the failed step's Catch put its error at `$.failed.<step>`, so `failed` holds one entry,
 * named by the step (core/model.ts FAILING_STEPS).
 */
export const recordFailurePayload = z.extend(recordSubmissionPayload, {
  failed: z
    .partialRecord(z.enum(FAILING_STEPS), z.object({ Error: z.string(), Cause: z.optional(z.nullable(z.string())) }))
    .check(z.refine((f) => Object.keys(f).length === 1, 'names exactly one failed step')),
});

export const notifySubmitterPayload = z.extend(requestRef, {
  outcome: z.enum(['approved', 'rejected', 'changes-requested', 'expired']),
});

/**
 * The execution's input, as intake (accept-submission) and a new version (change-request) start it: the state
 * machine's `$` at RecordSubmission. The Workflow port (use-cases/ports.ts) takes exactly this.
 */
export const executionInput = requestRef;
export type ExecutionInput = z.infer<typeof executionInput>;

// What each task function returns. The state machine reads it through the task's ResultSelector and ResultPath,
// then its Choice states and later payloads read it again (test/statemachines/asl-contract.test.ts checks every path
// it reads is declared here); each handler's return type is checked against its schema at compile time (taskHandler).

const phase = z.enum(['requested', 'reminded', 'escalated']);

export const recordSubmissionResult = z.object({ kind: z.enum(['brand-post', 'account-opening']) });
const waitStep = z.object({ next: z.literal('wait'), wait: z.object({ phase, seconds: count(1), deadline: z.iso.datetime() }) });
const decidedStep = <T extends z.ZodMiniType>(nextStageStep: T) =>
  z.object({
    next: z.literal('decided'),
    decision: z.enum(['approve', 'reject', 'request-changes', 'expired']),
    stageCount: count(0),
    nextStageStep,
  });
/** A stage's first step, taken as it opens (RunChecks' for the first stage, an approval's for the next): no `nextStageStep`. */
export const openingStep = z.discriminatedUnion('next', [decidedStep(z.null()), waitStep]);
/**
 * AdvanceStage's step: a decision the store holds (with the route's stage count as the store has it), or a wait. An
 * approval's `nextStageStep` is the next stage's first step, that stage opened in the same invocation; null when the store
 * holds no next stage, and for every other decision.
 */
export const stageStep = z.discriminatedUnion('next', [decidedStep(z.nullable(openingStep)), waitStep]);
/**
 * RunChecks' checks, its route, and the first stage's step (AdvanceStage's, taken as the stage opened): null when no
 * route was planned (a blocking finding, no valid route).
 */
export const runChecksResult = z.object({
  blocked: z.boolean(),
  findingCount: count(0),
  planned: z.boolean(),
  stageCount: count(0),
  step: z.nullable(openingStep),
});
/** RequestApproval's own return (a callback task: the state machine reads SendTaskSuccess's output instead, and keeps none of it). */
export const requestApprovalResult = z.object({ asked: count(0) });
export const registerAccountResult = z.object({ registered: z.boolean(), accountId: z.string().check(z.minLength(1)) });
export const notifySubmitterResult = z.object({
  outcome: z.enum(['approved', 'rejected', 'changes-requested', 'expired', 'withdrawn']),
});
export const recordFailureResult = z.object({ recorded: z.boolean() });

/** A task function's contract with the state machine: the payload it accepts and what it returns. */
export interface TaskContract<I extends z.ZodMiniType = z.ZodMiniType, O extends z.ZodMiniType = z.ZodMiniType> {
  readonly input: I;
  readonly output: O;
}

/**
 * Every workflow function's contract, by its name in manifest.ts (`workflowFunctions`). Each handler passes its own
 * entry to taskHandler; the ASL contract test reads the same entries.
 */
export const taskContracts = {
  'record-submission': { input: recordSubmissionPayload, output: recordSubmissionResult },
  'run-checks': { input: requestRef, output: runChecksResult },
  'advance-stage': { input: advanceStagePayload, output: stageStep },
  'request-approval': { input: requestApprovalPayload, output: requestApprovalResult },
  'register-account': { input: requestRef, output: registerAccountResult },
  'notify-submitter': { input: notifySubmitterPayload, output: notifySubmitterResult },
  'record-failure': { input: recordFailurePayload, output: recordFailureResult },
} as const satisfies Readonly<Record<string, TaskContract>>;
