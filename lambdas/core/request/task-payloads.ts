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
