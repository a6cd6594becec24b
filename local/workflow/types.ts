export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The error shapes the Step Functions API answers with (`__type`), as the AWS SDK reads them. */
export class SfnApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

/** An error a task raises into the state machine; its name is what Retry/Catch match. */
export class TaskError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

/** Invokes a function by name with a payload, as Lambda would; throws errors named like Lambda's errorType. */
export type FunctionInvoker = (functionName: string, payload: JsonValue) => Promise<JsonValue>;
