import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { constructId } from '../manifest.js';
import type { LocalCredentials } from './sigv4.js';

// The deployed bundles, run as Lambda runs them (issue #19): each function in its own worker thread — its own module
// state, SDK clients and connection pool — with the environment the synthesised template gives that function and
// nothing from another, started on its first invocation (the cold start, timed). Where the template names an AWS
// resource, the worker gets the local runtime's value for it (a table's local name, a secret's value, the media
// directory standing in for the data bucket); the local runtime adds only what Lambda itself would give every
// function (region, credentials) and its own plumbing (the endpoints, the clock's scale).

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

/**
 * The environment of one function's worker: each variable of its template, valued as the local runtime has it (the
 * local value of a literal the operator set — a log level, the directory file — else the template's literal; a
 * secret's value for its `_ARN`; the local stand-in of a bucket or key), then the runtime's own. A variable the
 * template gives with no local value is left out: the function then fails as it would without it.
 */
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

interface Waiting {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

/** A started worker and the invocations it owes an answer (its own: a worker that ends fails only those). */
interface Running {
  readonly worker: Worker;
  readonly pending: Map<number, Waiting>;
}

/**
 * One function's execution environment: a worker started on the first invocation and reused after; one that fails to
 * load or ends is replaced on the next invocation. Unlike Lambda, which gives each concurrent invocation an
 * environment of its own, one worker runs a function's concurrent invocations side by side (module state, such as
 * the logger's keys, is shared between them, as in the sources mode).
 */
export class Sandbox {
  #current: Promise<Running> | undefined;
  readonly #live = new Set<Worker>();
  #next = 0;
  /** The cold start: the worker's start and its bundle's import, in ms (undefined before the first invocation). */
  initMs: number | undefined;

  constructor(
    readonly name: string,
    readonly bundle: string,
    readonly environment: Readonly<Record<string, string>>,
  ) {}

  #start(): Promise<Running> {
    const started = performance.now();
    const pending = new Map<number, Waiting>();
    const worker = new Worker(new URL('./function-worker.ts', import.meta.url), {
      env: { ...this.environment },
      // The worker's own entry is TypeScript (the bundle it imports is not): tsx's loader, whoever started this process.
      execArgv: ['--import', 'tsx'],
      workerData: { name: this.name, bundle: pathToFileURL(this.bundle).href },
    });
    this.#live.add(worker);
    // The servers keep the process alive; a worker must not keep it from ending.
    worker.unref();
    const running: Promise<Running> = new Promise<Running>((resolve, reject) => {
      const fail = (error: Error) => {
        // Only this worker's own: a newer one started meanwhile stays.
        if (this.#current === running) this.#current = undefined;
        reject(error);
        for (const waiting of pending.values()) waiting.reject(error);
        pending.clear();
      };
      worker.on('message', (message: Message) => {
        if (message.type === 'ready') {
          this.initMs = performance.now() - started;
          resolve({ worker, pending });
          return;
        }
        const waiting = pending.get(message.id);
        pending.delete(message.id);
        if (message.type === 'result') waiting?.resolve(message.result);
        else {
          const error = new Error(message.error.message);
          error.name = message.error.name;
          error.stack = message.error.stack;
          waiting?.reject(error);
        }
      });
      // A bundle that fails to load fails the invocations waiting for it; the next invocation starts a new worker.
      worker.on('error', (error) => fail(new Error(`signoff-${this.name}: ${error.message}`, { cause: error })));
      worker.on('exit', (code) => {
        this.#live.delete(worker);
        fail(new Error(`signoff-${this.name}: its sandbox ended (exit ${code})`));
      });
    });
    // Its failure reaches the invocations awaiting it; nothing else may treat it as unhandled.
    running.catch(() => undefined);
    return running;
  }

  async invoke(event: unknown, deadline: number): Promise<unknown> {
    this.#current ??= this.#start();
    const { worker, pending } = await this.#current;
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, event, deadline });
    });
  }

  /** Ends every worker of this function, started or starting; never throws. */
  async close(): Promise<void> {
    this.#current = undefined;
    await Promise.allSettled([...this.#live].map((worker) => worker.terminate()));
  }
}
