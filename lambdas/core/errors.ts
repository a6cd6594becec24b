// Named errors. Their `name` is what Step Functions' Retry/Catch match on (ErrorEquals), and what
// the HTTP error mapper turns into a status code. Messages under 500 are shown to the caller.

export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

/** The request body failed validation; `problems` lists every one of them. */
export class ValidationError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`the request is invalid: ${problems.join('; ')}`);
    this.name = 'ValidationError';
    this.problems = problems;
  }
}

export class UnauthorizedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnauthorizedError';
  }
}

export class ForbiddenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenError';
  }
}

export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** The same idempotency key arrived with a different body. */
export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

export class PayloadTooLargeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadTooLargeError';
  }
}

/** A body of a media type or content encoding the route does not take (415). */
export class UnsupportedMediaTypeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedMediaTypeError';
  }
}

/** A path parameter longer than any id Signoff gives out (a table key stops at 2,048 bytes). */
export class UriTooLongError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UriTooLongError';
  }
}

/** A stage can no longer be decided (expired with its stage, or its request ended). */
export class GoneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoneError';
  }
}

/** A stored record changed under us; the task is safe to retry (the ASL retries it). */
export class ConcurrentUpdateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConcurrentUpdateError';
  }
}

/**
 * A callback task found its stage already decided (or its request ended) before it could start waiting. The
 * state machine goes on to AdvanceStage, which returns the decision that won.
 */
export class AlreadyDecidedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlreadyDecidedError';
  }
}

/** Asking a stage's assignees kept failing after every retry (e.g. SES refuses the address): the execution fails, alarmed. */
export class DeliveryFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeliveryFailedError';
  }
}

/**
 * A mail this task must send is claimed by an invocation that may still be sending it (its lease, the claimant's
 * Lambda deadline, has not passed). The state machine retries after the lease (SendInFlightError in the ASL): by
 * then the claimant either marked it sent or is certainly dead, and the mail is sent once (issue #13).
 */
export class SendInFlightError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SendInFlightError';
  }
}

const statusByName: Readonly<Record<string, number>> = {
  ValidationError: 400,
  UnauthorizedError: 401,
  ForbiddenError: 403,
  NotFoundError: 404,
  ConflictError: 409,
  GoneError: 410,
  PayloadTooLargeError: 413,
  UriTooLongError: 414,
  UnsupportedMediaTypeError: 415,
};

/** One mapper from error to HTTP status; anything unnamed here is a 500 and its message stays private. */
export function httpStatusOf(error: unknown): number {
  if (error instanceof Error) return statusByName[error.name] ?? 500;
  return 500;
}
