import { ExecutionAlreadyExists, SFNClient, SendTaskSuccessCommand, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { tracer } from '../shared/tracer.js';

// Step Functions. Locally AWS_ENDPOINT_URL_SFN points at the local workflow service.
const sfn = tracer.captureAWSv3Client(new SFNClient({}));

/** Starts an execution; a second start with the same name is not an error (intake is idempotent). */
export async function startExecution(stateMachineArn: string, name: string, input: unknown): Promise<string | undefined> {
  try {
    const out = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    return out.executionArn;
  } catch (error) {
    if (error instanceof ExecutionAlreadyExists || (error instanceof Error && error.name === 'ExecutionAlreadyExists')) return undefined;
    throw error;
  }
}

export type TaskResponse = 'delivered' | 'already-closed';

/**
 * Hands a decision to the waiting task. TaskTimedOut and TaskDoesNotExist mean the task is already
 * closed (decided, expired or its execution ended): the caller reports that, never a 5xx.
 */
export async function sendTaskSuccess(taskToken: string, output: unknown): Promise<TaskResponse> {
  try {
    await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
    return 'delivered';
  } catch (error) {
    if (error instanceof Error && (error.name === 'TaskTimedOut' || error.name === 'TaskDoesNotExist')) return 'already-closed';
    throw error;
  }
}

/** Stops an execution (withdrawal). An execution that already ended is not an error. */
export async function stopExecution(executionArn: string, error: string, cause: string): Promise<void> {
  try {
    await sfn.send(new StopExecutionCommand({ executionArn, error, cause }));
  } catch (e) {
    if (e instanceof Error && e.name === 'ExecutionDoesNotExist') return;
    throw e;
  }
}
