import { z } from 'zod';

// The payloads the state machine hands to its task functions (statemachines/approval.asl.json).

export const requestRef = z.object({ requestId: z.string().min(1), version: z.number().int().min(1) });
export const stageRef = requestRef.extend({ stageIndex: z.number().int().min(0) });
export const recordSubmissionPayload = requestRef.extend({ executionArn: z.string().min(1) });
export const requestApprovalPayload = stageRef.extend({
  taskToken: z.string().min(1),
  deadline: z.iso.datetime(),
  timeoutSeconds: z.number().int().min(1),
});
export const notifySubmitterPayload = requestRef.extend({
  outcome: z.enum(['approved', 'rejected', 'changes-requested', 'expired']),
});
