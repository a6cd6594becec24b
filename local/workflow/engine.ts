import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { ExecutionArchive, type ExecutionSummary, type FinishedExecution, type HistoryEvent } from './archive.js';
import { Journal, type JournalEntry } from './journal.js';
import { TOKEN_PLACEHOLDER, collectTaskStates, hashToken, replacePlaceholder, type TaskStateInfo } from './task-states.js';
import { SfnApiError, TaskError, type ExecutionStatus, type FunctionInvoker, type JsonValue } from './types.js';

// The local workflow engine: aws-local-stepfunctions runs the ASL file; this class adds what it lacks
// and Step Functions has — callback tasks with task tokens, named executions, a durable journal, and
// recovery after a restart. It is driven through the Step Functions API (./service.ts).
// Only running executions are held here, and only their journals are read at start: an execution that ends is
// written to the archive (./archive.ts), which answers for it from then on, and its journal is deleted (issue #13).

type EventLog = Awaited<ReturnType<ReturnType<StateMachine['run']>['eventLogs']['next']>>['value'];

interface Waiter {
  readonly resolve: (value: JsonValue) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

interface Execution {
  readonly arn: string;
  readonly name: string;
  readonly input: JsonValue;
  readonly startDate: number;
  readonly journal: Journal;
  readonly results: Map<string, JournalEntry & { t: 'task' }>;
  readonly callbacks: Map<string, { tokenHash: string; dueAt: number }>;
  readonly invoked: Set<string>;
  readonly events: HistoryEvent[];
  readonly onEnd: Array<(status: ExecutionStatus) => void>;
  /** Settles once the run's last event is in `events`: then an ended execution can be archived whole. */
  logged: Promise<void>;
  status: ExecutionStatus;
  stopDate?: number;
  output?: JsonValue;
  error?: string;
  cause?: string;
  abort?: () => void;
}

export interface EngineOptions {
  readonly definition: StateMachineDefinition;
  readonly stateMachineArn: string;
  readonly journalDir: string;
  readonly invoke: FunctionInvoker;
  /** Workflow seconds per real second for callback deadlines (SIGNOFF_TIME_SCALE). */
  readonly timeScale: number;
  /** Key for deriving task tokens; the same key gives the same tokens after a restart. */
  readonly tokenSecret: string;
}

const TOKEN_PREFIX = 'local1.';
/** An execution's ARN, of any state machine: another's is well formed, and does not exist here. */
const EXECUTION_ARN = /^arn:aws:states:[a-z0-9-]+:[0-9]{12}:execution:[A-Za-z0-9_-]{1,80}:[A-Za-z0-9_-]{1,80}$/;
/** A token this engine hands out: the prefix, then an HMAC-SHA256 in base64url (43 characters). */
const TOKEN_FORM = /^local1\.[A-Za-z0-9_-]{43}$/;
const MAX_TIMER_MS = 2_147_483_647; // Node timers overflow past ~24.8 days

export class WorkflowEngine {
  readonly #options: EngineOptions;
  readonly #machine: StateMachine;
  readonly #tasks = new Map<string, TaskStateInfo>();
  readonly #executions = new Map<string, Execution>();
  readonly #tokens = new Map<string, { arn: string; key: string }>();
  readonly #waiters = new Map<string, Waiter>();
  readonly #archive: ExecutionArchive;
  readonly #stateMachineName: string;
  /** Set by shutdown(): runs aborted then are suspended, not ended; they resume at the next recover(). */
  #stopping = false;

  constructor(options: EngineOptions) {
    this.#options = options;
    const definition = structuredClone(options.definition);
    collectTaskStates(definition.States as Record<string, unknown>, this.#tasks);
    this.#machine = new StateMachine(definition, { validationOptions: { checkArn: false } });
    this.#stateMachineName = options.stateMachineArn.split(':').pop() ?? 'state-machine';
    this.#archive = new ExecutionArchive(join(options.journalDir, 'finished'));
  }

  /**
   * Loads the journals (those of unfinished executions: an ended one's is deleted once archived) and runs the
   * executions again. A journal that ends in `end` is one whose archiving a crash cut short, or one from before the
   * archive: it is archived now. Returns how many executions were resumed.
   */
  recover(): number {
    let resumed = 0;
    for (const { entries } of Journal.readAll(this.#options.journalDir)) {
      const started = entries[0];
      if (started?.t !== 'started') continue;
      const execution = this.#newExecution(started.arn, started.name, started.input, started.startDate);
      for (const entry of entries) {
        if (entry.t === 'task') execution.results.set(entry.key, entry);
        else if (entry.t === 'callback') {
          execution.callbacks.set(entry.key, { tokenHash: entry.tokenHash, dueAt: entry.dueAt });
          this.#tokens.set(entry.tokenHash, { arn: execution.arn, key: entry.key });
        } else if (entry.t === 'invoked') execution.invoked.add(entry.key);
        else if (entry.t === 'end') {
          execution.status = entry.status;
          execution.stopDate = entry.stopDate;
          if (entry.output !== undefined) execution.output = entry.output;
          if (entry.error !== undefined) execution.error = entry.error;
          if (entry.cause !== undefined) execution.cause = entry.cause;
        }
      }
      if (execution.status === 'RUNNING') {
        this.#run(execution);
        resumed++;
      } else {
        this.#retire(execution);
      }
    }
    return resumed;
  }

  startExecution(name: string, input: JsonValue): { executionArn: string; startDate: number } {
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) throw new SfnApiError('InvalidName', `invalid execution name: ${name}`);
    const arn = `arn:aws:states:${this.#options.stateMachineArn.split(':')[3]}:${this.#options.stateMachineArn.split(':')[4]}:execution:${this.#stateMachineName}:${name}`;
    const existing = this.#executions.get(arn);
    // As Step Functions does for Standard workflows: the same name and input while running is idempotent; a name
    // that ended is never started again.
    if (existing?.status === 'RUNNING' && JSON.stringify(existing.input) === JSON.stringify(input)) {
      return { executionArn: arn, startDate: existing.startDate };
    }
    if (existing !== undefined || this.#archive.get(name) !== undefined) {
      throw new SfnApiError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const execution = this.#newExecution(arn, name, input, Date.now());
    execution.journal.append({ t: 'started', arn, name, input, startDate: execution.startDate });
    this.#run(execution);
    return { executionArn: arn, startDate: execution.startDate };
  }

  describeExecution(arn: string) {
    const e = this.#execution(arn);
    return {
      executionArn: e.arn,
      stateMachineArn: this.#options.stateMachineArn,
      name: e.name,
      status: e.status,
      startDate: e.startDate / 1000,
      ...(e.stopDate !== undefined ? { stopDate: e.stopDate / 1000 } : {}),
      input: JSON.stringify(e.input),
      ...(e.output !== undefined ? { output: JSON.stringify(e.output) } : {}),
      ...(e.error !== undefined ? { error: e.error } : {}),
      ...(e.cause !== undefined ? { cause: e.cause } : {}),
    };
  }

  /**
   * The execution's events in Step Functions' history shape: `TaskStateEntered`/`…StateExited` with the state's
   * name (never its input or output: they can hold a task token), and the execution's own events. Each event names the
   * one before it (`previousEventId`, 0 for the first), as Step Functions' do; an event of the library that Step
   * Functions has no type for (`StateRetried`, `StateCaught`, …) is left out, so every `type` is one of
   * HistoryEventType's (issue #19: the AWS CLI showed both).
   */
  history(arn: string) {
    const e = this.#execution(arn);
    const events = e.events.flatMap(([libraryType, afterStartMs, state]) => {
      const type = awsEventType(libraryType);
      return type === undefined ? [] : [{ type, afterStartMs, state }];
    });
    return events.map(({ type, afterStartMs, state }, i) => {
      const base = { id: i + 1, previousEventId: i, timestamp: (e.startDate + afterStartMs) / 1000, type };
      if (state === undefined) return base;
      return type.endsWith('StateEntered')
        ? { ...base, stateEnteredEventDetails: { name: state } }
        : { ...base, stateExitedEventDetails: { name: state } };
    });
  }

  /** Resolves when the execution has ended (for tests and benchmarks; clients poll DescribeExecution). */
  settled(arn: string): Promise<ExecutionStatus> {
    const e = this.#execution(arn);
    if (e.status !== 'RUNNING' || !('onEnd' in e)) return Promise.resolve(e.status);
    return new Promise((resolve) => e.onEnd.push(resolve));
  }

  /** Executions the process holds: the running ones (an ended one is let go of once archived). */
  get held(): number {
    return this.#executions.size;
  }

  /** The state machine this engine runs. */
  get stateMachineArn(): string {
    return this.#options.stateMachineArn;
  }

  /**
   * Every execution, running or archived, the most recent first, as ListExecutions lists them (the whole archive is
   * read: for inspection).
   */
  listExecutions(): ExecutionSummary[] {
    const running = [...this.#executions.values()].map(({ name, arn, status, startDate, stopDate }) => ({
      name,
      arn,
      status,
      startDate,
      ...(stopDate !== undefined ? { stopDate } : {}),
    }));
    // An execution that has ended is in the archive before the process lets go of it: listed once.
    const held = new Set(running.map((e) => e.arn));
    const all = [...running, ...this.#archive.summaries().filter((e) => !held.has(e.arn))];
    return all.sort((a, b) => b.startDate - a.startDate || (a.name < b.name ? -1 : 1));
  }

  stopExecution(arn: string, error?: string, cause?: string): { stopDate: number } {
    const e = this.#execution(arn);
    if (e.status === 'RUNNING' && 'onEnd' in e) {
      this.#end(e, { t: 'end', status: 'ABORTED', stopDate: Date.now(), ...(error ? { error } : {}), ...(cause ? { cause } : {}) });
      e.abort?.();
    }
    return { stopDate: (e.stopDate ?? Date.now()) / 1000 };
  }

  sendTaskSuccess(token: string, output: JsonValue): void {
    this.#completeCallback(token, { ok: output });
  }

  sendTaskFailure(token: string, error: string, cause: string): void {
    this.#completeCallback(token, { error: { name: error || 'TaskFailed', message: cause } });
  }

  sendTaskHeartbeat(token: string): void {
    this.#openCallback(token);
  }

  /** Stops all timers; executions stay journaled and resume at the next recover(). */
  shutdown(): void {
    this.#stopping = true;
    for (const waiter of this.#waiters.values()) clearTimeout(waiter.timer);
    this.#waiters.clear();
    for (const e of this.#executions.values()) e.abort?.();
  }

  /** The execution, running or ended, or the archived one. */
  #execution(arn: string): Execution | FinishedExecution {
    if (!EXECUTION_ARN.test(arn)) throw new SfnApiError('InvalidArn', `Invalid Arn: '${arn}'`);
    const e = this.#executions.get(arn) ?? this.#archive.get(arn.slice(arn.lastIndexOf(':') + 1));
    if (e === undefined || e.arn !== arn) throw new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return e;
  }

  #newExecution(arn: string, name: string, input: JsonValue, startDate: number): Execution {
    const execution: Execution = {
      arn,
      name,
      input,
      startDate,
      journal: new Journal(this.#options.journalDir, name),
      results: new Map(),
      callbacks: new Map(),
      invoked: new Set(),
      events: [],
      onEnd: [],
      logged: Promise.resolve(),
      status: 'RUNNING',
    };
    this.#executions.set(arn, execution);
    return execution;
  }

  #end(e: Execution, entry: JournalEntry & { t: 'end' }): void {
    if (e.status !== 'RUNNING') return;
    e.status = entry.status;
    e.stopDate = entry.stopDate;
    if (entry.output !== undefined) e.output = entry.output;
    if (entry.error !== undefined) e.error = entry.error;
    if (entry.cause !== undefined) e.cause = entry.cause;
    e.journal.append(entry);
    for (const listener of e.onEnd.splice(0)) listener(e.status);
    for (const { tokenHash } of e.callbacks.values()) {
      const waiter = this.#waiters.get(tokenHash);
      if (waiter) clearTimeout(waiter.timer);
      this.#waiters.delete(tokenHash);
    }
    void e.logged.then(() => this.#retire(e));
  }

  /**
   * Moves an ended execution to the archive: its line there first, then its journal goes (a crash between the two
   * leaves the journal, and recover() finds the execution archived), then the process lets go of it.
   */
  #retire(e: Execution): void {
    if (e.status === 'RUNNING' || e.status === 'TIMED_OUT' || e.stopDate === undefined) return;
    const tokenHashes = [...e.callbacks.values()].map((c) => c.tokenHash);
    if (this.#archive.get(e.name) === undefined) {
      this.#archive.add(
        {
          name: e.name,
          arn: e.arn,
          input: e.input,
          startDate: e.startDate,
          status: e.status,
          stopDate: e.stopDate,
          ...(e.output !== undefined ? { output: e.output } : {}),
          ...(e.error !== undefined ? { error: e.error } : {}),
          ...(e.cause !== undefined ? { cause: e.cause } : {}),
          events: e.events,
        },
        tokenHashes,
      );
    }
    e.journal.remove();
    for (const tokenHash of tokenHashes) this.#tokens.delete(tokenHash);
    this.#executions.delete(e.arn);
  }

  #run(e: Execution): void {
    const occurrences = new Map<string, number>();
    const handlers: Record<string, (input: JsonValue) => Promise<JsonValue>> = {};
    for (const task of this.#tasks.values()) {
      handlers[task.name] = async (input) => {
        const n = (occurrences.get(task.name) ?? 0) + 1;
        occurrences.set(task.name, n);
        const key = `${task.name}#${n}`;
        const journaled = e.results.get(key);
        if (journaled !== undefined) {
          if ('ok' in journaled) return journaled.ok;
          throw new TaskError(journaled.error.name, journaled.error.message);
        }
        return task.callback ? this.#runCallback(e, key, task, input) : this.#runTask(e, key, task, input);
      };
    }
    const run = this.#machine.run(e.input, {
      overrides: { taskResourceLocalHandlers: handlers },
      context: {
        Execution: { Id: e.arn, Name: e.name, Input: e.input, StartTime: new Date(e.startDate).toISOString() },
        StateMachine: { Id: this.#options.stateMachineArn, Name: this.#stateMachineName },
        Task: { Token: TOKEN_PLACEHOLDER },
      },
      noThrowOnAbort: true,
    });
    e.abort = run.abort;
    e.logged = (async () => {
      for await (const event of run.eventLogs) e.events.push(historyEvent(event, e.startDate));
    })().catch(() => undefined);
    run.result.then(
      (output: JsonValue | null) => {
        if (this.#stopping) return;
        if (e.status === 'RUNNING') this.#end(e, { t: 'end', status: 'SUCCEEDED', stopDate: Date.now(), output });
      },
      (error: unknown) => {
        if (this.#stopping) return;
        const err = error instanceof Error ? error : new Error(String(error));
        // The library wraps the failing state's error; the original name is what Step Functions reports.
        const cause = (err as { cause?: unknown }).cause;
        const name = cause instanceof Error ? cause.name : err.name;
        this.#end(e, { t: 'end', status: 'FAILED', stopDate: Date.now(), error: name, cause: err.message });
      },
    );
  }

  #record(e: Execution, entry: JournalEntry & { t: 'task' }): void {
    // While stopping, outcomes are not final: a task failing because its database just closed must
    // run again after the restart, not replay as a failure.
    if (this.#stopping) return;
    e.results.set(entry.key, entry);
    e.journal.append(entry);
  }

  async #invoke(task: TaskStateInfo, input: JsonValue): Promise<JsonValue> {
    const params = input as { FunctionName?: string; Payload?: JsonValue };
    if (task.resource.startsWith('arn:aws:states:::lambda:invoke')) {
      if (typeof params.FunctionName !== 'string') throw new TaskError('States.Runtime', `task ${task.name} has no FunctionName`);
      const payload = await this.#options.invoke(params.FunctionName, params.Payload ?? null);
      return { ExecutedVersion: '$LATEST', Payload: payload, StatusCode: 200 };
    }
    if (task.resource.startsWith('arn:aws:lambda:')) return this.#options.invoke(task.resource, input);
    throw new TaskError('States.Runtime', `the local engine cannot run resource ${task.resource}`);
  }

  async #runTask(e: Execution, key: string, task: TaskStateInfo, input: JsonValue): Promise<JsonValue> {
    try {
      const ok = await this.#invoke(task, input);
      if (e.status === 'RUNNING') this.#record(e, { t: 'task', key, ok });
      return ok;
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      if (e.status === 'RUNNING') this.#record(e, { t: 'task', key, error: { name: err.name, message: err.message } });
      throw new TaskError(err.name, err.message);
    }
  }

  async #runCallback(e: Execution, key: string, task: TaskStateInfo, input: JsonValue): Promise<JsonValue> {
    const token = `${TOKEN_PREFIX}${createHmac('sha256', this.#options.tokenSecret).update(`${e.arn}\n${key}`).digest('base64url')}`;
    const tokenHash = hashToken(token);
    let callback = e.callbacks.get(key);
    if (callback === undefined) {
      const params = input as { Payload?: Record<string, JsonValue> };
      const seconds = task.timeoutSeconds ?? Number(params.Payload?.[task.timeoutPayloadField ?? ''] ?? 60);
      // The deadline is absolute and journaled, so after a restart only what is left of it is waited.
      callback = { tokenHash, dueAt: Date.now() + Math.ceil((seconds * 1000) / this.#options.timeScale) };
      e.callbacks.set(key, callback);
      e.journal.append({ t: 'callback', key, tokenHash, dueAt: callback.dueAt });
    }
    this.#tokens.set(tokenHash, { arn: e.arn, key });
    const promise = new Promise<JsonValue>((resolve, reject) => {
      const remaining = Math.min(MAX_TIMER_MS, Math.max(0, (callback as { dueAt: number }).dueAt - Date.now()));
      const timer = setTimeout(() => {
        this.#waiters.delete(tokenHash);
        if (e.results.has(key) || e.status !== 'RUNNING') return;
        this.#record(e, { t: 'task', key, error: { name: 'States.Timeout', message: 'Task timed out waiting for a callback' } });
        reject(new TaskError('States.Timeout', 'Task timed out waiting for a callback'));
      }, remaining);
      this.#waiters.set(tokenHash, { resolve, reject, timer });
    });
    // The wait can end (its deadline, SendTaskFailure) while the task's function still runs, before anything awaits
    // the promise below: handled here, that rejection is still what the await below receives, and it no longer ends
    // the process as an unhandled rejection (issue #13: found by the crash soak and the fault run).
    promise.catch(() => undefined);
    if (!e.invoked.has(key)) {
      try {
        await this.#invoke(task, replacePlaceholder(input, token));
        e.invoked.add(key);
        // An execution stopped meanwhile may be archived already: its journal must not be made again.
        if (e.status === 'RUNNING') e.journal.append({ t: 'invoked', key });
      } catch (error) {
        const err = error instanceof Error ? error : new Error(String(error));
        const waiter = this.#waiters.get(tokenHash);
        if (waiter) clearTimeout(waiter.timer);
        this.#waiters.delete(tokenHash);
        if (!e.results.has(key) && e.status === 'RUNNING')
          this.#record(e, { t: 'task', key, error: { name: err.name, message: err.message } });
        throw new TaskError(err.name, err.message);
      }
    }
    return promise;
  }

  /** Finds the open callback task a token belongs to, or answers as Step Functions would. */
  #openCallback(token: string): { e: Execution; key: string; tokenHash: string } {
    // Only a token of the form this engine hands out can name a task; anything else is malformed, as Step Functions
    // answers a token it cannot read (issue #19: `local1.` and any tail was answered TaskDoesNotExist).
    if (!TOKEN_FORM.test(token)) throw new SfnApiError('InvalidToken', 'Invalid Token');
    const tokenHash = hashToken(token);
    const ref = this.#tokens.get(tokenHash);
    if (ref === undefined) {
      // A token of an execution that has ended: its task is closed, as Step Functions says of it.
      if (this.#archive.tokenOwner(tokenHash) !== undefined) throw taskTimedOut();
      throw new SfnApiError('TaskDoesNotExist', 'Task Does Not Exist');
    }
    const e = this.#executions.get(ref.arn);
    if (e === undefined) throw taskTimedOut();
    const due = e.callbacks.get(ref.key)?.dueAt ?? 0;
    if (e.status !== 'RUNNING' || e.results.has(ref.key) || Date.now() >= due) throw taskTimedOut();
    return { e, key: ref.key, tokenHash };
  }

  #completeCallback(token: string, outcome: { ok: JsonValue } | { error: { name: string; message: string } }): void {
    const { e, key, tokenHash } = this.#openCallback(token);
    // Journaled first: if the replay after a restart has not reached this task yet, it finds the answer here.
    this.#record(e, { t: 'task', key, ...outcome });
    const waiter = this.#waiters.get(tokenHash);
    if (waiter === undefined) return;
    clearTimeout(waiter.timer);
    this.#waiters.delete(tokenHash);
    if ('ok' in outcome) waiter.resolve(outcome.ok);
    else waiter.reject(new TaskError(outcome.error.name, outcome.error.message));
  }
}

function taskTimedOut(): SfnApiError {
  return new SfnApiError('TaskTimedOut', 'Task Timed Out: Provided task does not exist anymore');
}

/** The history event types of Step Functions (HistoryEventType) the library's events stand for. */
const AWS_EVENT_TYPES = new Set([
  'ExecutionStarted',
  'ExecutionSucceeded',
  'ExecutionFailed',
  'ExecutionAborted',
  'ExecutionTimedOut',
  'MapIterationStarted',
  'MapIterationSucceeded',
  'MapIterationFailed',
  ...['Task', 'Choice', 'Pass', 'Wait', 'Succeed', 'Map', 'Parallel'].flatMap((state) => [`${state}StateEntered`, `${state}StateExited`]),
  'FailStateEntered',
]);

/** The library's name for an event where it differs from Step Functions'. */
const RENAMED_EVENT_TYPES: Readonly<Record<string, string>> = { ExecutionTimeout: 'ExecutionTimedOut' };

/** The Step Functions type of an event of the library, or undefined when Step Functions has none for it. */
export function awsEventType(libraryType: string): string | undefined {
  const type = RENAMED_EVENT_TYPES[libraryType] ?? libraryType;
  return AWS_EVENT_TYPES.has(type) ? type : undefined;
}

/**
 * An event of the run as GetExecutionHistory shows it: `TaskStateEntered`/`…StateExited` with the state's name (never
 * its input or output: they can hold a task token), and the execution's own events. Kept in this form, so a running
 * execution holds no copy of each state's data.
 */
function historyEvent(event: EventLog, startDate: number): HistoryEvent {
  const afterStartMs = event.timestamp - startDate;
  if ('state' in event && (event.type === 'StateEntered' || event.type === 'StateExited')) {
    return [`${event.state.type}${event.type}`, afterStartMs, event.state.name];
  }
  return [event.type, afterStartMs];
}
