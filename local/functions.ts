import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'aws-lambda';
import { eventFunctions, httpFunctions, workflowFunctions, type FunctionName } from '../manifest.js';
import { bundledFunctions, Sandbox, sandboxEnvironment, type InvocationTiming, type SandboxIdentity } from './function-sandbox.js';
import { LOCAL_TIMEOUT_MS, functionArn, lambdaContext } from './lambda-context.js';
import type { JsonValue } from './workflow/types.js';

// The same handler modules Lambda runs, invoked with Lambda's event and context shapes; payloads cross a JSON boundary
// both ways, as they do between Step Functions and Lambda. By default the TypeScript sources, in this process (under
// tsx: quick to edit and run, one environment for all); with SIGNOFF_LOCAL_BUNDLES=<cdk.out> the esbuild bundles
// `cdk synth` made for the deployment, each in its own sandbox with its own environment (./function-sandbox.ts,
// issue #19: a module that bundles differently, or a variable its template does not give it, fails here).

export { BUNDLES_VARIABLE } from './function-sandbox.js';
export { LOCAL_ACCOUNT, LOCAL_REGION, functionArn } from './lambda-context.js';

/** A function as the local runtime runs it. */
export interface LocalFunction {
  readonly name: FunctionName;
  /** Its handler's source, from the project root. */
  readonly entry: string;
  /**
   * Set when the local runtime runs its own entry in place of the deployed handler, from the sources in both modes (in
   * the bundles mode in the function's sandbox, with its environment and credentials): mail-intake, whose SES
   * receipt trigger has no local stand-in (./mail-intake-entry.ts).
   */
  readonly standIn?: true;
}

/**
 * Every function the local runtime invokes: the workflow's, the API's, audit-checkpoint (its schedule is a timer here,
 * ./audit-checkpoints.ts) and mail-intake (the SMTP server's, through the use case its handler runs).
 */
export const localFunctions: readonly LocalFunction[] = [
  ...workflowFunctions,
  ...httpFunctions,
  ...eventFunctions.filter((f) => f.trigger === 'schedule'),
  { name: 'mail-intake', entry: 'local/mail-intake-entry.ts', standIn: true },
];

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** How many warm invocations per function the figures are taken over (the latest). */
const KEPT_DURATIONS = 1_000;

/** A function's figures since the start (GET /_local/functions.json): its load, its first invocation, the warm ones. */
export interface FunctionFigures {
  readonly name: string;
  /**
   * The module-scope part of a cold start: the import of its source (at start; the first source pays for what the
   * others share), or its sandbox's start and its bundle's import (on its first invocation; null before it).
   */
  readonly loadMs: number | null;
  /**
   * Its execution environments started so far: a sandbox each time an invocation found none idle (in the bundles mode
   * concurrent invocations run in environments of their own, as on Lambda; only the first one's start is `loadMs`, a
   * later one's counts in its invocation); 1 for a source, loaded once into this process.
   */
  readonly environments: number;
  readonly invocations: number;
  readonly errors: number;
  /** The first invocation: SDK clients, connections and caches made on first use (the rest of a cold start). */
  readonly firstMs: number | null;
  /**
   * The latest warm invocations (in an environment an earlier one started; at most KEPT_DURATIONS), median and 95th
   * percentile; a wait for a free environment is not counted.
   */
  readonly warmMedianMs: number | null;
  readonly warmP95Ms: number | null;
}

interface Loaded {
  /** Runs one invocation that may take `timeoutMs` once it starts (Lambda's timeout), saying how it went in `timing`. */
  readonly run: (event: unknown, timeoutMs: number, timing: InvocationTiming) => Promise<unknown>;
  readonly loadMs: () => number | null;
  readonly environments: () => number;
  readonly close: () => Promise<void>;
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
   * Imports every source handler into this process, or readies a sandbox per function over its bundle in `bundles` (a
   * `cdk synth` output directory), started on its first invocation. Call after the environment is set: handlers read
   * it at module scope, and each sandbox's environment is taken from it and the function's template.
   */
  static async load(projectRoot: URL, bundles?: string, identityOf?: (name: string) => SandboxIdentity): Promise<FunctionRegistry> {
    const functions = localFunctions;
    if (bundles !== undefined) {
      const out = resolve(bundles);
      const registry = new FunctionRegistry(out);
      const bundled = bundledFunctions(
        out,
        functions.map((f) => f.name),
      );
      for (const [name, { bundle, environment }] of bundled) {
        const standIn = functions.find((f) => f.name === name && f.standIn === true);
        const code = standIn === undefined ? bundle : fileURLToPath(new URL(standIn.entry, projectRoot));
        const sandbox = new Sandbox(name, code, sandboxEnvironment(name, environment, process.env, identityOf?.(name)));
        registry.#add(name, {
          run: (event, timeoutMs, timing) => sandbox.invoke(event, timeoutMs, timing),
          loadMs: () => (sandbox.initMs === undefined ? null : rounded(sandbox.initMs)),
          environments: () => sandbox.started,
          close: () => sandbox.close(),
        });
      }
      return registry;
    }
    const registry = new FunctionRegistry('sources');
    for (const fn of functions) {
      const started = performance.now();
      const module = (await import(new URL(fn.entry, projectRoot).href)) as { handler: Handler };
      const loadMs = rounded(performance.now() - started);
      registry.#add(fn.name, {
        run: (event, timeoutMs) => module.handler(event, lambdaContext(fn.name, Date.now() + timeoutMs)),
        loadMs: () => loadMs,
        environments: () => 1,
        close: async () => undefined,
      });
    }
    return registry;
  }

  #add(name: string, fn: Pick<Loaded, 'run' | 'loadMs' | 'environments' | 'close'>): void {
    this.#functions.set(name, { ...fn, invocations: 0, errors: 0, firstMs: null, warm: [] });
  }

  /** Ends every sandbox (bundles); nothing to do for the sources. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#functions.values()].map((f) => f.close()));
  }

  /** Each function's figures, in the manifest's order. */
  figures(): FunctionFigures[] {
    return [...this.#functions].map(([name, f]) => ({
      name,
      loadMs: f.loadMs(),
      environments: f.environments(),
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
    // What a sandbox spent before the handler ran — waiting for an environment, starting one (a cold start: loadMs for
    // the first) — is not part of the invocation's time.
    const timing: InvocationTiming = { beforeMs: 0, cold: false };
    try {
      const result = await loaded.run(JSON.parse(JSON.stringify(event ?? null)) as unknown, LOCAL_TIMEOUT_MS, timing);
      return result === undefined ? null : (JSON.parse(JSON.stringify(result)) as JsonValue);
    } catch (error) {
      loaded.errors++;
      throw error;
    } finally {
      const ms = rounded(performance.now() - started - timing.beforeMs);
      if (loaded.invocations++ === 0) loaded.firstMs = ms;
      // Warm: in an environment an earlier invocation started (a later cold start is neither first nor warm).
      else if (!timing.cold) {
        loaded.warm.push(ms);
        if (loaded.warm.length > KEPT_DURATIONS) loaded.warm.shift();
      }
    }
  }
}
