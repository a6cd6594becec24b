import { randomBytes, randomUUID } from 'node:crypto';
import { SFNClient, SendTaskFailureCommand } from '@aws-sdk/client-sfn';
import { Rng } from './prng.js';
import { s3Error, type AwsProtocol, type ErrorResponse, type LocalCredentials } from './sigv4.js';

// A test aid (issue #13): SIGNOFF_LOCAL_FAULTS makes the local DynamoDB, SES and Step Functions fail a share of the
// calls they receive, for a while, as those services do under load: throttling and server errors, in each service's
// own error shape, so that the AWS SDK in the handlers raises and retries them exactly as it would against AWS. The
// faults are decided where a verified request reaches the stand-in (local/signed-endpoint.ts), before the stand-in
// sees it: a failed call never happened, as AWS guarantees for a throttled one. The handlers, their SDK clients and
// their middleware are the deployed ones and know nothing of it; only the local runtime reads the variable.
//
//   SIGNOFF_LOCAL_FAULTS=dynamodb:0.25,ses:0.25,states:0.25,task-timed-out:0.3,for:20,seed:7
//
// `dynamodb`, `ses`, `states`: the share of the service's calls that fail (0 to 1); `task-timed-out`: the share of
// SendTaskSuccess calls (of those not failed) that lose the race against their task's deadline; `for`: how long the
// faults last, in seconds from the moment the stack is ready (default: until it stops); `seed`: the random sequence
// (default: a fresh one, logged, so that a run can be repeated).

export const FAULTS_VARIABLE = 'SIGNOFF_LOCAL_FAULTS';

export const FAULT_SERVICES = ['dynamodb', 'ses', 'states'] as const;
export type FaultService = (typeof FAULT_SERVICES)[number];

/** An error as the service answers it: its name (what the SDK's error is called), HTTP status and message. */
export interface AwsFault {
  readonly type: string;
  readonly status: number;
  readonly message: string;
  /** JSON protocols: the namespace AWS puts before `#` in `__type` (the SDK keeps only what follows). */
  readonly namespace?: string;
}

const DYNAMODB = 'com.amazonaws.dynamodb.v20120810';
const CORAL_AVAILABILITY = 'com.amazon.coral.availability';
const CORAL_SERVICE = 'com.amazon.coral.service';

/**
 * What each service answers when it sheds load or fails, as documented for it: throttling three times in four, a
 * server error once. Every one of them is retryable by the SDK's standard strategy (a throttling name or status, or a
 * 5xx) and is named in the state machine's retry of task errors.
 */
export const SERVICE_FAULTS: Readonly<Record<FaultService, readonly AwsFault[]>> = {
  dynamodb: [
    {
      type: 'ProvisionedThroughputExceededException',
      status: 400,
      namespace: DYNAMODB,
      message:
        'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
    },
    {
      type: 'ProvisionedThroughputExceededException',
      status: 400,
      namespace: DYNAMODB,
      message:
        'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
    },
    {
      type: 'ThrottlingException',
      status: 400,
      namespace: CORAL_AVAILABILITY,
      message: 'Rate of requests exceeds the allowed throughput.',
    },
    { type: 'InternalServerError', status: 500, namespace: DYNAMODB, message: 'Internal server error' },
  ],
  ses: [
    { type: 'TooManyRequestsException', status: 429, message: 'Maximum sending rate exceeded.' },
    { type: 'TooManyRequestsException', status: 429, message: 'Maximum sending rate exceeded.' },
    { type: 'TooManyRequestsException', status: 429, message: 'Maximum sending rate exceeded.' },
    {
      type: 'InternalFailure',
      status: 500,
      message: 'The request processing has failed because of an unknown error, exception or failure.',
    },
  ],
  states: [
    { type: 'ThrottlingException', status: 400, namespace: CORAL_AVAILABILITY, message: 'Rate exceeded' },
    { type: 'ThrottlingException', status: 400, namespace: CORAL_AVAILABILITY, message: 'Rate exceeded' },
    { type: 'ThrottlingException', status: 400, namespace: CORAL_AVAILABILITY, message: 'Rate exceeded' },
    { type: 'ServiceUnavailable', status: 503, namespace: CORAL_SERVICE, message: 'Service Unavailable' },
  ],
};

/** What Step Functions answers a SendTaskSuccess whose task already timed out. */
export const TASK_TIMED_OUT: AwsFault = {
  type: 'TaskTimedOut',
  status: 400,
  namespace: 'com.amazonaws.swf.service.v2.model',
  message: 'Task Timed Out: Provided task does not exist anymore',
};

/** The error a callback task ends with when its deadline passes: what the race makes its task end with. */
export const STATES_TIMEOUT = 'States.Timeout';

export interface FaultPlan {
  readonly rates: Readonly<Record<FaultService, number>>;
  /** The share of SendTaskSuccess calls that lose the race against their task's deadline. */
  readonly taskTimedOut: number;
  /** How long the faults last once started; undefined: until the process stops. */
  readonly windowMs: number | undefined;
  readonly seed: number;
}

const RATE_KEYS: ReadonlySet<string> = new Set([...FAULT_SERVICES, 'task-timed-out']);

/** The plan the environment gives, or undefined when it gives none; throws naming the variable and every bad item. */
export function faultPlanOf(
  value: string | undefined,
  freshSeed: () => number = () => randomBytes(4).readUInt32BE(),
): FaultPlan | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const problems: string[] = [];
  const given = new Map<string, number>();
  for (const item of value.split(',')) {
    const [key = '', raw = '', ...rest] = item.trim().split(':');
    const number = Number(raw);
    if (rest.length > 0 || raw === '' || !Number.isFinite(number)) problems.push(`"${item.trim()}" is not key:number`);
    else if (given.has(key)) problems.push(`${key} is given twice`);
    else if (RATE_KEYS.has(key) && (number < 0 || number > 1)) problems.push(`${key} must be a share from 0 to 1 (got ${raw})`);
    else if (key === 'for' && number <= 0) problems.push(`for must be a number of seconds above 0 (got ${raw})`);
    else if (key === 'seed' && (!Number.isInteger(number) || number < 0 || number > 0xffff_ffff))
      problems.push(`seed must be an integer from 0 to ${0xffff_ffff} (got ${raw})`);
    else if (!RATE_KEYS.has(key) && key !== 'for' && key !== 'seed')
      problems.push(`unknown key ${JSON.stringify(key)} (known: ${[...RATE_KEYS, 'for', 'seed'].join(', ')})`);
    else given.set(key, number);
  }
  if (problems.length > 0) throw new Error(`${FAULTS_VARIABLE}: ${problems.join('; ')}`);
  const seconds = given.get('for');
  return {
    rates: { dynamodb: given.get('dynamodb') ?? 0, ses: given.get('ses') ?? 0, states: given.get('states') ?? 0 },
    taskTimedOut: given.get('task-timed-out') ?? 0,
    windowMs: seconds === undefined ? undefined : seconds * 1000,
    seed: given.get('seed') ?? freshSeed(),
  };
}

/** A seeded generator's next float in [0, 1) (local/prng.ts): the same seed gives the same sequence on every machine. */
function generator(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

/** What becomes of a verified call: handed to the stand-in, failed with an error, or made to lose its task's race. */
export type FaultDecision =
  | { readonly kind: 'pass' }
  | { readonly kind: 'fail'; readonly fault: AwsFault }
  | { readonly kind: 'task-timed-out' };

const PASS: FaultDecision = { kind: 'pass' };

interface OperationTally {
  calls: number;
  failed: Record<string, number>;
}

/** The calls seen while the faults were on and what was done to them, per service and operation. */
export interface FaultTally {
  readonly seed: number;
  /** Whether the faults are on now. */
  readonly on: boolean;
  /** Seconds since they were started (0 before). */
  readonly seconds: number;
  readonly services: Readonly<Record<string, { calls: number; failed: number; operations: Readonly<Record<string, OperationTally>> }>>;
  /** SendTaskSuccess calls answered TaskTimedOut after their task was made to time out. */
  readonly taskTimedOut: number;
}

export interface FaultInjectorOptions {
  readonly now?: () => number;
  /** Where the injector's log lines go (one JSON object each); by default the process's standard error. */
  readonly log?: (line: string) => void;
  /** How often the counts are logged while faults are on (they are logged once more when the window closes). */
  readonly logEveryMs?: number;
}

export class FaultInjector {
  readonly plan: FaultPlan;
  readonly #now: () => number;
  readonly #log: (line: string) => void;
  readonly #logEveryMs: number;
  /** One sequence per service, and one for the race: a service's share does not depend on the others' traffic. */
  readonly #draws: Readonly<Record<FaultService | 'race', () => number>>;
  readonly #tally = new Map<string, Map<string, OperationTally>>();
  #taskTimedOut = 0;
  #startedAt: number | undefined;
  #stopped = false;
  #timers: NodeJS.Timeout[] = [];
  #loggedAt = '';

  constructor(plan: FaultPlan, options: FaultInjectorOptions = {}) {
    this.plan = plan;
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.#logEveryMs = options.logEveryMs ?? 5_000;
    this.#draws = {
      dynamodb: generator(plan.seed),
      ses: generator(plan.seed ^ 0x5e5),
      states: generator(plan.seed ^ 0x57a7e5),
      race: generator(plan.seed ^ 0x7ace),
    };
  }

  /** Turns the faults on (the window starts now), and logs the plan. */
  start(): void {
    if (this.#startedAt !== undefined) return;
    this.#startedAt = this.#now();
    const { rates, taskTimedOut, windowMs, seed } = this.plan;
    this.#emit('local faults on', {
      seed,
      rates,
      taskTimedOut,
      forSeconds: windowMs === undefined ? null : windowMs / 1000,
    });
    const every = setInterval(() => this.#logTally('local faults so far'), this.#logEveryMs);
    every.unref();
    this.#timers.push(every);
    if (windowMs !== undefined) {
      const end = setTimeout(() => this.stop(), windowMs);
      end.unref();
      this.#timers.push(end);
    }
  }

  /** Turns the faults off for good (the window closes now, if it was still open), logging the counts once more. */
  stop(): void {
    if (this.#startedAt === undefined || this.#stopped) return;
    this.#stopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers = [];
    this.#logTally('local faults off', true);
  }

  get on(): boolean {
    if (this.#startedAt === undefined || this.#stopped) return false;
    return this.plan.windowMs === undefined || this.#now() - this.#startedAt < this.plan.windowMs;
  }

  /** What to do with a verified call to `service` asking for `operation`; counted. */
  decide(service: string, operation: string): FaultDecision {
    if (!isFaultService(service) || !this.on) return PASS;
    const counts = this.#count(service, operation);
    counts.calls++;
    if (this.#draws[service]() < this.plan.rates[service]) {
      const options = SERVICE_FAULTS[service];
      const fault = options[Math.floor(this.#draws[service]() * options.length)] ?? options[0];
      if (fault !== undefined) {
        counts.failed[fault.type] = (counts.failed[fault.type] ?? 0) + 1;
        return { kind: 'fail', fault };
      }
    }
    if (service === 'states' && operation === 'SendTaskSuccess' && this.#draws.race() < this.plan.taskTimedOut)
      return { kind: 'task-timed-out' };
    return PASS;
  }

  /** Counts a race carried out: the task was timed out, and the SendTaskSuccess answered TaskTimedOut. */
  countTaskTimedOut(operation: string): void {
    this.#taskTimedOut++;
    const counts = this.#count('states', operation);
    counts.failed[TASK_TIMED_OUT.type] = (counts.failed[TASK_TIMED_OUT.type] ?? 0) + 1;
  }

  tally(): FaultTally {
    const services: Record<string, { calls: number; failed: number; operations: Record<string, OperationTally> }> = {};
    for (const service of FAULT_SERVICES) {
      const operations = Object.fromEntries(
        [...(this.#tally.get(service) ?? new Map<string, OperationTally>())].map(([op, t]) => [
          op,
          { calls: t.calls, failed: { ...t.failed } },
        ]),
      );
      const all = Object.values(operations);
      services[service] = {
        calls: all.reduce((n, t) => n + t.calls, 0),
        failed: all.reduce((n, t) => n + Object.values(t.failed).reduce((a, b) => a + b, 0), 0),
        operations,
      };
    }
    return {
      seed: this.plan.seed,
      on: this.on,
      seconds: this.#startedAt === undefined ? 0 : Math.round((this.#now() - this.#startedAt) / 100) / 10,
      services,
      taskTimedOut: this.#taskTimedOut,
    };
  }

  #count(service: string, operation: string): OperationTally {
    const operations = this.#tally.get(service) ?? new Map<string, OperationTally>();
    this.#tally.set(service, operations);
    const counts = operations.get(operation) ?? { calls: 0, failed: {} };
    operations.set(operation, counts);
    return counts;
  }

  #logTally(message: string, always = false): void {
    const tally = this.tally();
    const key = JSON.stringify(tally.services);
    if (!always && key === this.#loggedAt) return;
    this.#loggedAt = key;
    this.#emit(message, { ...tally });
  }

  #emit(message: string, fields: Record<string, unknown>): void {
    this.#log(
      JSON.stringify({ level: 'WARN', message, timestamp: new Date(this.#now()).toISOString(), service: 'signoff-local', ...fields }),
    );
  }
}

function isFaultService(service: string): service is FaultService {
  return (FAULT_SERVICES as readonly string[]).includes(service);
}

/** A fault in the service's own error shape, so the SDK raises it by name with its status, as AWS's own. */
export function faultResponse(protocol: AwsProtocol, fault: AwsFault, requestId: string = randomUUID()): ErrorResponse {
  if (protocol === 'json') {
    return {
      status: fault.status,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId },
      body: JSON.stringify({
        __type: fault.namespace === undefined ? fault.type : `${fault.namespace}#${fault.type}`,
        message: fault.message,
      }),
    };
  }
  if (protocol === 'rest-xml') return s3Error(fault.status, fault.type, fault.message, requestId);
  return {
    status: fault.status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': fault.type, 'x-amzn-requestid': requestId },
    body: JSON.stringify({ message: fault.message }),
  };
}

/** A verified call as the endpoint received it. */
export interface ReceivedCall {
  readonly service: string;
  readonly protocol: AwsProtocol;
  readonly method: string;
  /** The path, without the query. */
  readonly path: string;
  readonly target: string | string[] | undefined;
  readonly body: Buffer;
}

/** The endpoint that received it, for the calls the injector makes to it itself. */
export interface ReceivingEndpoint {
  readonly url: string;
  readonly region: string;
  readonly credentials: LocalCredentials;
}

/** The operation a call asks for: `X-Amz-Target`'s last part (JSON protocols), or SES v2's REST route. */
export function operationOf(call: Pick<ReceivedCall, 'protocol' | 'method' | 'path' | 'target'>): string {
  if (call.protocol === 'json')
    return (
      String(call.target ?? '')
        .split('.')
        .at(-1) ?? ''
    );
  if (call.method === 'POST' && call.path === '/v2/email/outbound-emails') return 'SendEmail';
  // Signoff calls nothing else; another route is named by its first two segments after the version.
  return `${call.method} ${call.path.split('/').slice(0, 4).join('/')}`;
}

function taskTokenOf(body: Buffer): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    const token = typeof parsed === 'object' && parsed !== null ? (parsed as { taskToken?: unknown }).taskToken : undefined;
    return typeof token === 'string' && token !== '' ? token : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Applies the injector to one verified call, before the stand-in sees it: undefined to hand it on, or the answer to
 * give instead. The TaskTimedOut race is Step Functions' own: the task's deadline passes just before the decision's
 * SendTaskSuccess arrives. The task is made to time out first — a SendTaskFailure of States.Timeout to the same
 * endpoint, which ends the wait exactly as the engine's deadline does, so the workflow goes on as it would (the
 * state machine's Catch, then AdvanceStage reading the store) — and only then is the caller told TaskTimedOut. An
 * answer of TaskTimedOut while the task still waits is one AWS never gives, so none is made up here.
 */
export class FaultEndpoint {
  readonly #injector: FaultInjector;
  /** Tokens of tasks being timed out for a race: their SendTaskFailure passes uninjected. */
  readonly #racing = new Set<string>();
  /** Callback tasks whose function is still running, by token: see taskRunning. */
  readonly #running = new Map<string, Promise<unknown>>();
  readonly #clients = new Map<string, SFNClient>();

  constructor(injector: FaultInjector) {
    this.#injector = injector;
  }

  /**
   * Says that the function of the callback task with this token runs until `run` settles. A race on its token waits
   * for that: a deadline (72 hours and more here) can only pass once the function that asked has long returned, so
   * a race that timed the task out while its function still ran would be one that AWS never runs.
   */
  taskRunning(token: string, run: Promise<unknown>): void {
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.#running.set(token, settled);
    void settled.then(() => {
      if (this.#running.get(token) === settled) this.#running.delete(token);
    });
  }

  async answer(call: ReceivedCall, endpoint: ReceivingEndpoint): Promise<ErrorResponse | undefined> {
    const operation = operationOf(call);
    if (call.service === 'states' && operation === 'SendTaskFailure') {
      const token = taskTokenOf(call.body);
      if (token !== undefined && this.#racing.has(token)) return undefined;
    }
    const decision = this.#injector.decide(call.service, operation);
    if (decision.kind === 'pass') return undefined;
    if (decision.kind === 'fail') return faultResponse(call.protocol, decision.fault);
    const token = taskTokenOf(call.body);
    if (token === undefined) return undefined;
    await this.#running.get(token);
    this.#racing.add(token);
    try {
      await this.#client(endpoint).send(
        new SendTaskFailureCommand({ taskToken: token, error: STATES_TIMEOUT, cause: 'Task timed out waiting for a callback' }),
      );
    } catch {
      // The task had already ended (or the call failed): no race was run; the stand-in answers the call as it is.
      return undefined;
    } finally {
      this.#racing.delete(token);
    }
    this.#injector.countTaskTimedOut(operation);
    return faultResponse(call.protocol, TASK_TIMED_OUT);
  }

  #client(endpoint: ReceivingEndpoint): SFNClient {
    let client = this.#clients.get(endpoint.url);
    if (client === undefined) {
      client = new SFNClient({ endpoint: endpoint.url, region: endpoint.region, credentials: endpoint.credentials });
      this.#clients.set(endpoint.url, client);
    }
    return client;
  }
}

let processFaults: { readonly injector: FaultInjector; readonly endpoint: FaultEndpoint } | undefined | null = null;

/**
 * The process's faults, from SIGNOFF_LOCAL_FAULTS (read once; undefined when unset). They are off until the runtime
 * starts them (bin/local.ts, once the stack is ready): the runtime's own start-up calls (tables, recovery) never fail.
 */
export function localFaults(
  env: NodeJS.ProcessEnv = process.env,
): { readonly injector: FaultInjector; readonly endpoint: FaultEndpoint } | undefined {
  if (processFaults === null) {
    const plan = faultPlanOf(env[FAULTS_VARIABLE]);
    const injector = plan === undefined ? undefined : new FaultInjector(plan);
    processFaults = injector === undefined ? undefined : { injector, endpoint: new FaultEndpoint(injector) };
  }
  return processFaults;
}
