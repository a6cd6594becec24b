import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { workflowFunctions, httpFunctions } from '../manifest.js';
import type { JsonValue } from './workflow/types.js';

// The same handler modules Lambda runs, invoked in-process with Lambda's event and context shapes.
// Payloads cross a JSON boundary both ways, as they do between Step Functions and Lambda.
// By default the TypeScript sources (under tsx); with SIGNOFF_LOCAL_BUNDLES=<cdk.out> the esbuild bundles `cdk synth`
// made for the deployment, each function's own `index.mjs` (issue #19: a module that bundles differently fails here).

export const BUNDLES_VARIABLE = 'SIGNOFF_LOCAL_BUNDLES';
/** The stack whose template names each function's code asset (lib/app.ts). */
const STATELESS_TEMPLATE = 'SignoffStateless.template.json';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';
export const functionArn = (name: string) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:signoff-${name}`;

/** How long a local invocation may run: Lambda's default timeout for Signoff's functions (lib/signoff-function.ts). */
const LOCAL_TIMEOUT_MS = 30_000;

/**
 * The deadline of work done here outside a handler (the SMTP server's submitMail): what a Lambda invocation started
 * now would have, and so the lease of what it claims (a reply, lambdas/use-cases/submit-mail.ts).
 */
export function localDeadline(now: number = Date.now()): Date {
  return new Date(now + LOCAL_TIMEOUT_MS);
}

function lambdaContext(name: string): Context {
  const deadline = Date.now() + LOCAL_TIMEOUT_MS;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `signoff-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn(name),
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/signoff-${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const pascal = (name: string) =>
  name
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

const templateSchema = z.object({
  Resources: z.record(z.string(), z.object({ Type: z.string(), Metadata: z.optional(z.record(z.string(), z.unknown())) })),
});

/**
 * Each function's bundle in a `cdk synth` output directory: the stateless template names its code asset
 * (`aws:asset:path`) beside its construct path (`SignoffStateless/<Name>/Resource`, lib/constructs/functions.ts).
 * Throws naming what is missing: a directory without the template, a function without a bundle.
 */
export function bundlePaths(out: string, names: readonly string[]): Map<string, string> {
  const templateFile = join(out, STATELESS_TEMPLATE);
  if (!existsSync(templateFile))
    throw new Error(`${BUNDLES_VARIABLE}=${out}: no ${STATELESS_TEMPLATE} there; run \`npx cdk synth --output ${out}\` first`);
  const template = templateSchema.parse(JSON.parse(readFileSync(templateFile, 'utf8')));
  const assets = new Map<string, string>();
  for (const resource of Object.values(template.Resources)) {
    const path = resource.Metadata?.['aws:cdk:path'];
    const asset = resource.Metadata?.['aws:asset:path'];
    if (resource.Type !== 'AWS::Lambda::Function' || typeof path !== 'string' || typeof asset !== 'string') continue;
    assets.set(path, join(out, asset, 'index.mjs'));
  }
  const paths = new Map<string, string>();
  for (const name of names) {
    const bundle = assets.get(`SignoffStateless/${pascal(name)}/Resource`);
    if (bundle === undefined || !existsSync(bundle))
      throw new Error(`${BUNDLES_VARIABLE}=${out}: no bundle for the function ${name} in ${STATELESS_TEMPLATE}`);
    paths.set(name, bundle);
  }
  return paths;
}

/** How many warm invocations per function the figures are taken over (the latest). */
const KEPT_DURATIONS = 1_000;

/** A function's figures since the start (GET /_local/functions.json): its load, its first invocation, the warm ones. */
export interface FunctionFigures {
  readonly name: string;
  /** Import of its module (source under tsx, or bundle): the module-scope part of a cold start. */
  readonly loadMs: number;
  readonly invocations: number;
  readonly errors: number;
  /** The first invocation: SDK clients, connections and caches made on first use (the rest of a cold start). */
  readonly firstMs: number | null;
  /** The latest warm invocations (all but the first, at most KEPT_DURATIONS), median and 95th percentile. */
  readonly warmMedianMs: number | null;
  readonly warmP95Ms: number | null;
}

interface Loaded {
  readonly handler: Handler;
  readonly loadMs: number;
  invocations: number;
  errors: number;
  firstMs: number | null;
  readonly warm: number[];
}

const rounded = (ms: number) => Math.round(ms * 100) / 100;

function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return rounded(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
}

export class FunctionRegistry {
  readonly #functions = new Map<string, Loaded>();
  /** Where the handlers came from: `sources`, or the cdk.out directory of the bundles. */
  readonly origin: string;

  private constructor(origin: string) {
    this.origin = origin;
  }

  /**
   * Imports every handler: the sources (the local runtime runs under tsx), or each function's bundle from `bundles`
   * (a `cdk synth` output directory). Call after the environment is set: handlers read it at module scope.
   */
  static async load(projectRoot: URL, bundles?: string): Promise<FunctionRegistry> {
    const functions = [...workflowFunctions, ...httpFunctions];
    const out = bundles === undefined ? undefined : resolve(bundles);
    const paths =
      out === undefined
        ? undefined
        : bundlePaths(
            out,
            functions.map((f) => f.name),
          );
    const registry = new FunctionRegistry(out ?? 'sources');
    for (const fn of functions) {
      const bundle = paths?.get(fn.name);
      const url = bundle === undefined ? new URL(fn.entry, projectRoot).href : pathToFileURL(bundle).href;
      const started = performance.now();
      const module = (await import(url)) as { handler: Handler };
      registry.#functions.set(fn.name, {
        handler: module.handler,
        loadMs: rounded(performance.now() - started),
        invocations: 0,
        errors: 0,
        firstMs: null,
        warm: [],
      });
    }
    return registry;
  }

  /** Each function's figures, in the manifest's order. */
  figures(): FunctionFigures[] {
    return [...this.#functions].map(([name, f]) => ({
      name,
      loadMs: f.loadMs,
      invocations: f.invocations,
      errors: f.errors,
      firstMs: f.firstMs,
      warmMedianMs: quantile(f.warm, 0.5),
      warmP95Ms: quantile(f.warm, 0.95),
    }));
  }

  async invoke(nameOrArn: string, event: unknown): Promise<JsonValue> {
    const name = nameOrArn.replace(/^.*:function:signoff-/, '');
    const loaded = name === nameOrArn || nameOrArn === functionArn(name) ? this.#functions.get(name) : undefined;
    if (loaded === undefined) {
      const error = new Error(`Function not found: ${nameOrArn}`);
      error.name = 'Lambda.ResourceNotFoundException';
      throw error;
    }
    const started = performance.now();
    try {
      const result = await loaded.handler(JSON.parse(JSON.stringify(event ?? null)) as unknown, lambdaContext(name));
      return result === undefined ? null : (JSON.parse(JSON.stringify(result)) as JsonValue);
    } catch (error) {
      loaded.errors++;
      throw error;
    } finally {
      const ms = rounded(performance.now() - started);
      if (loaded.invocations++ === 0) loaded.firstMs = ms;
      else {
        loaded.warm.push(ms);
        if (loaded.warm.length > KEPT_DURATIONS) loaded.warm.shift();
      }
    }
  }
}
