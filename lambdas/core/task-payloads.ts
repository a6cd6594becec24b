import * as z from 'zod/mini';
import './schema.js';

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
export const notifySubmitterPayload = z.extend(requestRef, {
  outcome: z.enum(['approved', 'rejected', 'changes-requested', 'expired']),
});
