import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { constructId } from '../manifest.js';
import type { LocalCredentials } from './sigv4.js';

// The deployed bundles, run as Lambda runs them (issue #19): each function in execution environments of its own —
// worker threads, each with its own module state, SDK clients and connection pool — with the environment the
// synthesised template gives that function and nothing from another, started when an invocation finds none idle (a
// cold start, timed). Where the template names an AWS resource, the worker gets the local runtime's value for it: a
// table's local name; with an identity (./iam/principals.ts), a secret's ARN and a bucket's name as the local Secrets
// Manager and S3 serve them; without one, a secret's value and the media directory standing in for the data bucket.
// The local runtime adds only what Lambda itself would give every function (region, credentials: with an identity,
// the function's own) and its own plumbing (the endpoints, the clock's scale).

export const BUNDLES_VARIABLE = 'SIGNOFF_LOCAL_BUNDLES';
/** The stack whose template names each function's code asset and environment (lib/app.ts). */
const STATELESS_TEMPLATE = 'SignoffStateless.template.json';

/** The secrets a function reads by `<NAME>`, or from Secrets Manager by `<NAME>_ARN` (lambdas/adapters/secrets.ts). */
const SECRET_ARN = /^(SIGNOFF_[A-Z_]+)_ARN$/;

/** Deployed resources the local runtime stands in for under another variable (lambdas/adapters: the same code reads both). */
const STAND_INS: Readonly<Record<string, string>> = {
  // The data bucket's objects: a directory of the data directory (lambdas/adapters/media.ts).
  MEDIA_BUCKET: 'SIGNOFF_MEDIA_DIR',
  // The KMS key that signs checkpoints: a local key (lambdas/adapters/kms.ts).
  SIGNOFF_AUDIT_KMS_KEY_ID: 'SIGNOFF_AUDIT_KEY',
};

/**
 * What every function gets besides its template's variables: what the Lambda service sets in every execution
 * environment (region, the role's credentials, PATH, TZ), and the local runtime's plumbing — its endpoints and the
 * clock's scale, which the deployed functions do without (they reach AWS and run in real time).
 */
const RUNTIME_VARIABLES = [
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_ENDPOINT_URL_SESV2',
  'AWS_ENDPOINT_URL_SFN',
  'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  'AWS_ENDPOINT_URL_S3',
  'SIGNOFF_TIME_SCALE',
  'SIGNOFF_STAGE_RECHECK_SECONDS',
  'POWERTOOLS_TRACE_ENABLED',
  'AWS_XRAY_MANUAL_MODE',
  'POWERTOOLS_METRICS_DISABLED',
  'PATH',
  'TZ',
] as const;

const templateSchema = z.object({
  Resources: z.record(
    z.string(),
    z.object({
      Type: z.string(),
      Metadata: z.optional(z.record(z.string(), z.unknown())),
      Properties: z.optional(
        z.object({ Environment: z.optional(z.object({ Variables: z.optional(z.record(z.string(), z.unknown())) })) }).loose(),
      ),
    }),
  ),
});

export interface BundledFunction {
  /** The bundle's `index.mjs`. */
  readonly bundle: string;
  /** The template's variables: a string where the template has a literal, the CloudFormation expression otherwise. */
  readonly environment: Readonly<Record<string, unknown>>;
}

/**
 * Each function's bundle and environment in a `cdk synth` output directory: the stateless template names its code
 * asset (`aws:asset:path`) beside its construct path (`SignoffStateless/<Name>/Resource`, lib/constructs/functions.ts).
 * Throws naming what is missing: a directory without the template, a function without a bundle.
 */
export function bundledFunctions(out: string, names: readonly string[]): Map<string, BundledFunction> {
  const templateFile = join(out, STATELESS_TEMPLATE);
  if (!existsSync(templateFile))
    throw new Error(`${BUNDLES_VARIABLE}=${out}: no ${STATELESS_TEMPLATE} there; run \`npx cdk synth --output ${out}\` first`);
  const template = templateSchema.parse(JSON.parse(readFileSync(templateFile, 'utf8')));
  const byPath = new Map<string, BundledFunction>();
  for (const resource of Object.values(template.Resources)) {
    const path = resource.Metadata?.['aws:cdk:path'];
    const asset = resource.Metadata?.['aws:asset:path'];
    if (resource.Type !== 'AWS::Lambda::Function' || typeof path !== 'string' || typeof asset !== 'string') continue;
    byPath.set(path, { bundle: join(out, asset, 'index.mjs'), environment: resource.Properties?.Environment?.Variables ?? {} });
  }
  const found = new Map<string, BundledFunction>();
  for (const name of names) {
    const fn = byPath.get(`SignoffStateless/${constructId(name)}/Resource`);
    if (fn === undefined || !existsSync(fn.bundle))
      throw new Error(`${BUNDLES_VARIABLE}=${out}: no bundle for the function ${name} in ${STATELESS_TEMPLATE}`);
    found.set(name, fn);
  }
  return found;
}

/** What the local runtime gives a sandbox of its own besides the template's variables (the bundles mode, issue #19). */
export interface SandboxIdentity {
  /** The function's own credentials, in place of the runtime's. */
  readonly credentials: LocalCredentials;
  /**
   * What a template value names, as the local runtime resolves it (local/iam/template.ts `templateValues`), or
   * undefined for what no local endpoint serves: with it, a secret's `_ARN` is kept as the ARN the local Secrets
   * Manager serves and a bucket's name as the local S3's, read through the SDK as on AWS.
   */
  readonly resolve: (value: unknown) => string | undefined;
}

/**
 * The environment of one function's worker: each variable of its template, valued as the local runtime has it (the
 * local value of a literal the operator set — a log level, the directory file — else the template's literal; with an
 * identity, a secret's ARN or a bucket's name as the local endpoints serve them; else a secret's value for its `_ARN`
 * and the local stand-in of a bucket; the local key for the KMS key), then the runtime's own. A variable the template
 * gives with no local value is left out: the function then fails as it would without it.
 */
export function sandboxEnvironment(
  name: string,
  template: Readonly<Record<string, unknown>>,
  local: Readonly<Record<string, string | undefined>>,
  identity?: SandboxIdentity,
): Record<string, string> {
  const env: Record<string, string> = {};
  const give = (variable: string, value: string | undefined) => {
    if (value !== undefined) env[variable] = value;
  };
  for (const [variable, value] of Object.entries(template)) {
    const secret = SECRET_ARN.exec(variable)?.[1];
    const standIn = STAND_INS[variable];
    // With an identity, what the local endpoints serve is named as on AWS: a secret's ARN, a bucket's name.
    const served =
      identity === undefined || typeof value === 'string' || local[variable] !== undefined ? undefined : identity.resolve(value);
    if (secret !== undefined && identity !== undefined) give(variable, served);
    else if (served !== undefined) give(variable, served);
    else if (secret !== undefined && local[secret] !== undefined) give(secret, local[secret]);
    else if (standIn !== undefined) give(standIn, local[standIn]);
    else give(variable, local[variable] ?? (typeof value === 'string' ? value : undefined));
  }
  for (const variable of RUNTIME_VARIABLES) give(variable, local[variable]);
  // The function's own credentials, as Lambda gives each function its role's: what the local endpoints judge it by.
  if (identity !== undefined) {
    env['AWS_ACCESS_KEY_ID'] = identity.credentials.accessKeyId;
    env['AWS_SECRET_ACCESS_KEY'] = identity.credentials.secretAccessKey;
  }
  env['AWS_LAMBDA_FUNCTION_NAME'] = `signoff-${name}`;
  env['AWS_LAMBDA_FUNCTION_MEMORY_SIZE'] = '512';
  return env;
}

/**
 * The secrets the functions' templates name by `<NAME>_ARN`, each under the ARN the local runtime resolves it to and
 * with its local value (`values[<NAME>]`): what the local Secrets Manager serves. Throws naming a secret with no local value.
 */
export function templateSecrets(
  functions: ReadonlyMap<string, BundledFunction>,
  resolve: (value: unknown) => string | undefined,
  values: Readonly<Record<string, string | undefined>>,
): Map<string, string> {
  const secrets = new Map<string, string>();
  for (const [name, fn] of functions) {
    for (const [variable, value] of Object.entries(fn.environment)) {
      const secret = SECRET_ARN.exec(variable)?.[1];
      if (secret === undefined) continue;
      const local = values[secret];
      const arn = resolve(value);
      if (local === undefined || arn === undefined)
        throw new Error(`the template of ${name} names the secret ${variable}, which has no local value ${secret}`);
      secrets.set(arn, local);
    }
  }
  return secrets;
}

/** The buckets the functions' templates name (`*_BUCKET`), by name: what the local S3 serves. */
export function templateBuckets(
  functions: ReadonlyMap<string, BundledFunction>,
  resolve: (value: unknown) => string | undefined,
): Set<string> {
  const buckets = new Set<string>();
  for (const fn of functions.values()) {
    for (const [variable, value] of Object.entries(fn.environment)) {
      const bucket = variable.endsWith('_BUCKET') ? resolve(value) : undefined;
      if (bucket !== undefined) buckets.add(bucket);
    }
  }
  return buckets;
}

type Message =
  | { readonly type: 'ready'; readonly initMs: number }
  | { readonly type: 'result'; readonly id: number; readonly result: unknown }
  | { readonly type: 'error'; readonly id: number; readonly error: { name: string; message: string; stack: string } };

/** How an invocation went before its handler ran, filled in by the sandbox for the figures (local/functions.ts). */
export interface InvocationTiming {
  /** ms spent waiting for an environment and starting one. */
  beforeMs: number;
  /** Whether it started its environment (a cold start). */
  cold: boolean;
}

/**
 * The most environments one function runs at once here. Lambda would start one per concurrent invocation up to the
 * account's concurrency (1,000); a machine of two cores cannot start a hundred workers at once (each imports its
 * bundle: 150–300 ms of CPU and tens of MB), so past four an invocation waits for one to come free.
 */
export const MAX_ENVIRONMENTS = 4;

/** A started execution environment and the one invocation it runs, if any. */
interface Environment {
  readonly worker: Worker;
  /** Settles the invocation running in it (with the worker's failure when it ends or fails mid-invocation). */
  current: ((outcome: { result: unknown } | { error: Error }) => void) | undefined;
}

/** Lambda's limit on a cold start's init phase. */
export const INIT_TIMEOUT_MS = 10_000;

/** Lambda's error for an invocation (or a cold start's init) stopped at its timeout (the runtime's `Sandbox.Timedout`). */
export function timedOut(name: string, ms: number, phase: 'Task' | 'Init' = 'Task'): Error {
  const error = new Error(`signoff-${name}: ${phase} timed out after ${(ms / 1000).toFixed(2)} seconds`);
  error.name = 'Sandbox.Timedout';
  return error;
}

/**
 * One function's execution environments, as Lambda keeps them: an invocation takes an idle environment (warm) or
 * starts a new one (a cold start: a worker thread importing the bundle), runs alone in it, and gives it back; so
 * concurrent invocations run in environments of their own, with their own module state. An invocation still running
 * at its deadline is stopped there, as Lambda stops it: its worker is terminated (the environment is gone) and the
 * invocation fails with `Sandbox.Timedout`. A worker that fails to load, or ends, fails the invocation running in it;
 * the next invocation starts a new one. At most MAX_ENVIRONMENTS run at once; further invocations wait their turn.
 */
export class Sandbox {
  readonly #idle: Environment[] = [];
  readonly #live = new Set<Worker>();
  /**
   * Invocations waiting for an environment while MAX_ENVIRONMENTS are busy, first come first served. A finishing
   * invocation hands its slot to the first (true), or a close wakes them all to fail (false).
   */
  readonly #waiting: Array<(go: boolean) => void> = [];
  #busy = 0;
  #closed = false;
  /** The first cold start: the worker's start and its bundle's import, in ms (undefined before the first invocation). */
  initMs: number | undefined;
  /** How many environments were started (cold starts). */
  started = 0;

  constructor(
    readonly name: string,
    readonly bundle: string,
    readonly environment: Readonly<Record<string, string>>,
    /** How long a cold start's init may take (Lambda: 10 s); past it the environment is abandoned and the invocation fails. */
    readonly initTimeoutMs: number = INIT_TIMEOUT_MS,
  ) {}

  #closedError(): Error {
    return new Error(`signoff-${this.name}: its sandbox is closed`);
  }

  #start(): Promise<Environment> {
    if (this.#closed) return Promise.reject(this.#closedError());
    const startedAt = performance.now();
    this.started++;
    const worker = new Worker(new URL('./function-worker.ts', import.meta.url), {
      env: { ...this.environment },
      // The worker's own entry is TypeScript (the bundle it imports is not): tsx's loader, whoever started this process.
      execArgv: ['--import', 'tsx'],
      workerData: { name: this.name, bundle: pathToFileURL(this.bundle).href },
    });
    this.#live.add(worker);
    // The servers keep the process alive; a worker must not keep it from ending.
    worker.unref();
    const environment: Environment = { worker, current: undefined };
    return new Promise<Environment>((resolve, reject) => {
      let ready = false;
      const fail = (error: Error) => {
        clearTimeout(initTimer);
        this.#live.delete(worker);
        const at = this.#idle.indexOf(environment);
        if (at !== -1) this.#idle.splice(at, 1);
        if (!ready) reject(error);
        environment.current?.({ error });
        environment.current = undefined;
      };
      // An init that never finishes (a top-level await on something that never settles) must not hold a slot for ever.
      const initTimer = setTimeout(() => {
        fail(timedOut(this.name, this.initTimeoutMs, 'Init'));
        void worker.terminate();
      }, this.initTimeoutMs);
      initTimer.unref();
      worker.on('message', (message: Message) => {
        if (message.type === 'ready') {
          ready = true;
          clearTimeout(initTimer);
          this.initMs ??= performance.now() - startedAt;
          resolve(environment);
          return;
        }
        const settle = environment.current;
        environment.current = undefined;
        if (message.type === 'result') settle?.({ result: message.result });
        else {
          const error = new Error(message.error.message);
          error.name = message.error.name;
          error.stack = message.error.stack;
          settle?.({ error });
        }
      });
      // A bundle that fails to load fails the invocation waiting for it; the next invocation starts a new worker.
      worker.on('error', (error) => fail(new Error(`signoff-${this.name}: ${error.message}`, { cause: error })));
      worker.on('exit', (code) => fail(new Error(`signoff-${this.name}: its sandbox ended (exit ${code})`)));
    });
  }

  /**
   * Runs one invocation in an environment of its own, stopped `timeoutMs` after it starts there — as on Lambda, neither
   * the wait for a free environment nor a cold start's init counts against the function's timeout (init has its own).
   */
  async invoke(event: unknown, timeoutMs: number, timing?: InvocationTiming): Promise<unknown> {
    const asked = performance.now();
    if (this.#closed) throw this.#closedError();
    // This machine's limit, not Lambda's: past it an invocation waits for a finishing one to hand over its slot.
    if (this.#busy >= MAX_ENVIRONMENTS) {
      const go = await new Promise<boolean>((resolve) => this.#waiting.push(resolve));
      if (!go) throw this.#closedError();
    } else this.#busy++;
    try {
      return await this.#run(event, timeoutMs, asked, timing);
    } finally {
      // The slot passes straight to the first waiter, so no later caller can take it in between.
      const next = this.#waiting.shift();
      if (next !== undefined) next(true);
      else this.#busy--;
    }
  }

  async #run(event: unknown, timeoutMs: number, asked: number, timing?: InvocationTiming): Promise<unknown> {
    const idle = this.#idle.pop();
    const environment = idle ?? (await this.#start());
    if (timing !== undefined) {
      timing.cold = idle === undefined;
      timing.beforeMs = performance.now() - asked;
    }
    const deadline = Date.now() + timeoutMs;
    const outcome = await new Promise<{ result: unknown } | { error: Error }>((settle) => {
      const timer = setTimeout(() => {
        // Stopped at the deadline, as Lambda stops it; the environment goes with it.
        environment.current = undefined;
        settle({ error: timedOut(this.name, timeoutMs) });
        this.#live.delete(environment.worker);
        void environment.worker.terminate();
      }, timeoutMs);
      timer.unref();
      environment.current = (o) => {
        clearTimeout(timer);
        settle(o);
      };
      try {
        environment.worker.postMessage({ id: 0, event, deadline });
      } catch (error) {
        // An event that cannot cross to the worker: the invocation fails, the environment stays usable.
        environment.current = undefined;
        clearTimeout(timer);
        settle({ error: error instanceof Error ? error : new Error(String(error)) });
      }
    });
    if (this.#live.has(environment.worker) && !this.#closed) this.#idle.push(environment);
    if ('error' in outcome) throw outcome.error;
    return outcome.result;
  }

  /** Ends every environment of this function, started or starting, and fails the invocations waiting; never throws. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#idle.length = 0;
    for (const waiter of this.#waiting.splice(0)) waiter(false);
    await Promise.allSettled([...this.#live].map((worker) => worker.terminate()));
  }
}
