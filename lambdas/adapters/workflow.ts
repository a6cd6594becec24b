import {
  ExecutionAlreadyExists,
  SFNClient,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { lazy } from './lazy.js';
import { tracer } from '../shared/tracer.js';

// Step Functions. Locally AWS_ENDPOINT_URL_SFN points at the local workflow service.

export type TaskResponse = 'delivered' | 'already-closed';

export interface StepFunctions {
  /** Starts an execution; a second start with the same name is not an error (intake is idempotent). */
  startExecution(stateMachineArn: string, name: string, input: unknown): Promise<string | undefined>;
  /**
   * Hands a decision to the waiting task. TaskTimedOut and TaskDoesNotExist mean the task is already
   * closed (decided, expired or its execution ended): the caller reports that, never a 5xx.
   */
  sendTaskSuccess(taskToken: string, output: unknown): Promise<TaskResponse>;
  /** Stops an execution (withdrawal). An execution that already ended is not an error. */
  stopExecution(executionArn: string, error: string, cause: string): Promise<void>;
}

const defaultClient = /* @__PURE__ */ lazy(() => tracer.captureAWSv3Client(new SFNClient({})));

/** Step Functions through the given client; by default the function's one, built on first use. */
export function stepFunctions(client?: SFNClient): StepFunctions {
  const sfn = () => client ?? defaultClient();
  return {
    async startExecution(stateMachineArn, name, input) {
      try {
        const out = await sfn().send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
        return out.executionArn;
      } catch (error) {
        if (error instanceof ExecutionAlreadyExists || (error instanceof Error && error.name === 'ExecutionAlreadyExists'))
          return undefined;
        throw error;
      }
    },
    async sendTaskSuccess(taskToken, output) {
      try {
        await sfn().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
        return 'delivered';
      } catch (error) {
        if (error instanceof Error && (error.name === 'TaskTimedOut' || error.name === 'TaskDoesNotExist')) return 'already-closed';
        throw error;
      }
    },
    async stopExecution(executionArn, error, cause) {
      try {
        await sfn().send(new StopExecutionCommand({ executionArn, error, cause }));
      } catch (e) {
        if (e instanceof Error && e.name === 'ExecutionDoesNotExist') return;
        throw e;
      }
    },
  };
}
