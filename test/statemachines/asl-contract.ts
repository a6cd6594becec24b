import type * as z from 'zod/mini';
import type { TaskContract } from '../../lambdas/core/request/task-payloads.js';
import type { JsonValue } from '../../local/workflow/types.js';

// The ASL ↔ handler contract checker (issue #19), used by asl-contract.test.ts. Two checks, each returning named
// problems (an empty list: the contract holds):
//
// - walkContract follows the state machine from each execution input, giving each task each of its representative
//   results (and each Catch an error): it resolves every `.$` reference against the state document the execution has
//   there, parses each task's Payload with the function's input schema (and flags a key the schema does not know),
//   applies ResultSelector / ResultPath / Pass states, and evaluates Choice rules, flagging a path that is absent or a
//   comparison of the wrong type. States it never reaches are named too, so the walk cannot pass by seeing nothing.
// - readsOfOutputs finds, statically, every path the ASL reads under a task's ResultPath (and its ResultSelector's
//   paths), maps it through the ResultSelector to a path of the function's output, and looks it up in the shape of
//   the contract's output schema (every variant of a union), with the type a Choice comparison needs.
//
// What it understands: Task (lambda:invoke, lambda:invoke.waitForTaskToken), Pass, Choice, Succeed, Fail, Wait;
// JSONPath of dotted names only (`$.a.b`, `$$.Execution.Id`); the intrinsic States.MathAdd. Anything else (Map,
// Parallel, other intrinsics, filters or indexes in paths) is reported as a problem rather than passed over.

type JsonObject = { [key: string]: JsonValue };
export interface AslState {
  readonly Type: string;
  readonly Resource?: string;
  readonly Parameters?: JsonValue;
  readonly ResultSelector?: JsonValue;
  readonly ResultPath?: string | null;
  readonly InputPath?: string | null;
  readonly OutputPath?: string | null;
  readonly Result?: JsonValue;
  readonly TimeoutSecondsPath?: string;
  readonly HeartbeatSecondsPath?: string;
  readonly Catch?: ReadonlyArray<{ readonly ErrorEquals: readonly string[]; readonly ResultPath?: string | null; readonly Next: string }>;
  readonly Choices?: readonly ChoiceRule[];
  readonly Default?: string;
  readonly Next?: string;
  readonly End?: boolean;
}
export interface ChoiceRule {
  readonly Variable?: string;
  readonly Next?: string;
  readonly And?: readonly ChoiceRule[];
  readonly Or?: readonly ChoiceRule[];
  readonly Not?: ChoiceRule;
  readonly [operator: string]: JsonValue | readonly ChoiceRule[] | ChoiceRule | undefined;
}
export interface AslDefinition {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
}

export interface ContractSubject {
  /** The ASL as written (substitutions unfilled). */
  readonly definition: AslDefinition;
  /** Substitution (`RunChecksFunctionArn`) → workflow function name (`run-checks`), from manifest.ts. */
  readonly functions: Readonly<Record<string, string>>;
  /** Workflow function name → its contract (task-payloads.ts taskContracts). */
  readonly contracts: Readonly<Record<string, TaskContract>>;
  /** The execution inputs intake and a new version start it with. */
  readonly inputs: readonly JsonValue[];
  /** Workflow function name → representative results (each already parsed by its output schema). */
  readonly results: Readonly<Record<string, readonly JsonValue[]>>;
  /** What a callback task's SendTaskSuccess carries (its result, in place of the function's). */
  readonly callbackResults: readonly JsonValue[];
}

const CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const INVOKE = 'arn:aws:states:::lambda:invoke';
const PATH = /^\$\$?((?:\.[A-Za-z_][A-Za-z0-9_-]*)*)$/;
const MAX_VISITS = 20_000;

const isObject = (v: JsonValue | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const segmentsOf = (path: string): string[] | undefined => PATH.exec(path)?.[1]?.split('.').slice(1);
const kindOf = (v: JsonValue): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

type Lookup = { readonly found: true; readonly value: JsonValue } | { readonly found: false; readonly why: string };

/** Reads a dotted JSONPath from the state document (`$`) or the context object (`$$`). */
function read(path: string, doc: JsonValue, context: JsonValue): Lookup {
  const segments = segmentsOf(path);
  if (segments === undefined) return { found: false, why: 'not a path the checker evaluates (dotted names only)' };
  let value: JsonValue = path.startsWith('$$') ? context : doc;
  for (const segment of segments) {
    if (!isObject(value) || !(segment in value)) return { found: false, why: 'absent' };
    value = value[segment] as JsonValue;
  }
  return { found: true, value };
}

/** The intrinsic functions the ASL uses: States.MathAdd only. */
function intrinsic(expression: string, doc: JsonValue, context: JsonValue): Lookup {
  const call = /^States\.MathAdd\(\s*([^,]+?)\s*,\s*([^,]+?)\s*\)$/.exec(expression);
  if (call === null) return { found: false, why: 'an intrinsic function the checker does not evaluate' };
  const operands = [call[1] ?? '', call[2] ?? ''].map((a) =>
    a.startsWith('$') ? read(a, doc, context) : { found: true as const, value: Number(a) },
  );
  const numbers: number[] = [];
  for (const [i, o] of operands.entries()) {
    if (!o.found)
      return {
        found: false,
        why: `unresolved: its operand ${[call[1], call[2]][i]} is ${o.why === 'absent' ? 'absent from the state' : o.why}`,
      };
    if (typeof o.value !== 'number')
      return { found: false, why: `unresolved: its operand ${[call[1], call[2]][i]} is ${kindOf(o.value)}, not a number` };
    numbers.push(o.value);
  }
  return { found: true, value: (numbers[0] ?? 0) + (numbers[1] ?? 0) };
}

/** Fills a Parameters / ResultSelector template; each reference that does not resolve is reported through `absent`. */
function fill(
  template: JsonValue,
  doc: JsonValue,
  context: JsonValue,
  at: string,
  absent: (field: string, path: string, why: string) => void,
): JsonValue {
  if (Array.isArray(template)) return template.map((t, i) => fill(t, doc, context, `${at}[${i}]`, absent));
  if (!isObject(template)) return template;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(template)) {
    if (!key.endsWith('.$')) {
      out[key] = fill(value, doc, context, `${at}.${key}`, absent);
      continue;
    }
    const field = `${at}.${key.slice(0, -2)}`;
    if (typeof value !== 'string') {
      absent(field, String(value), 'not a path');
      continue;
    }
    const got = value.startsWith('States.') ? intrinsic(value, doc, context) : read(value, doc, context);
    if (got.found) out[key.slice(0, -2)] = got.value;
    else absent(field, value, got.why);
  }
  return out;
}

/** Sets `value` at a ResultPath (`$.a.b`, `$`, null) in a copy of `doc`. */
function place(doc: JsonValue, resultPath: string | null | undefined, value: JsonValue): JsonValue | string {
  if (resultPath === null) return doc;
  if (resultPath === undefined || resultPath === '$') return value;
  const segments = segmentsOf(resultPath);
  if (segments === undefined || resultPath.startsWith('$$')) return `ResultPath ${resultPath} is a path the checker does not evaluate`;
  const root: JsonValue = structuredClone(doc);
  if (!isObject(root)) return `ResultPath ${resultPath} is set on a state that is ${kindOf(root)}, not an object`;
  let node: JsonObject = root;
  for (const [i, segment] of segments.entries()) {
    if (i === segments.length - 1) node[segment] = value;
    else {
      const next = node[segment];
      if (next === undefined) node[segment] = {};
      else if (!isObject(next)) return `ResultPath ${resultPath} goes through ${segment}, which is ${kindOf(next)}`;
      node = node[segment] as JsonObject;
    }
  }
  return root;
}

/** Keys of `given` that `parsed` (what the schema kept) no longer has: fields the handler never sees. */
function strippedKeys(given: JsonValue, parsed: unknown, at: string): string[] {
  if (Array.isArray(given))
    return Array.isArray(parsed) ? given.flatMap((g, i) => strippedKeys(g, parsed[i] as unknown, `${at}[${i}]`)) : [];
  if (!isObject(given) || typeof parsed !== 'object' || parsed === null) return [];
  const kept = parsed as Readonly<Record<string, unknown>>;
  return Object.entries(given).flatMap(([k, v]) => (k in kept ? strippedKeys(v, kept[k], `${at}.${k}`) : [`${at}.${k}`]));
}

const COMPARED = /^(String|Numeric|Boolean|Timestamp)(Equals|LessThan|GreaterThan|LessThanEquals|GreaterThanEquals|Matches)(Path)?$/;
const TYPE_OF: Readonly<Record<string, string>> = { String: 'string', Numeric: 'number', Boolean: 'boolean', Timestamp: 'string' };

function compare(kind: string, op: string, a: string | number | boolean, b: JsonValue): boolean {
  if (op === 'Matches')
    return (
      typeof a === 'string' &&
      typeof b === 'string' &&
      new RegExp(
        `^${b
          .split('*')
          .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
      ).test(a)
    );
  const [x, y] = kind === 'Timestamp' ? [Date.parse(String(a)), Date.parse(String(b))] : [a, b];
  if (op === 'Equals') return x === y;
  if (typeof x !== typeof y || y === null || typeof y === 'object') return false;
  if (op === 'LessThan') return x < y;
  if (op === 'GreaterThan') return x > y;
  if (op === 'LessThanEquals') return x <= y;
  return x >= y;
}

/** Evaluates a Choice rule on a state document; a problem (a string) when the rule cannot be evaluated as written. */
function evaluateRule(rule: ChoiceRule, doc: JsonValue, context: JsonValue, state: string): boolean | string {
  if (rule.And !== undefined || rule.Or !== undefined) {
    const results = (rule.And ?? rule.Or ?? []).map((r) => evaluateRule(r, doc, context, state));
    const problem = results.find((r) => typeof r === 'string');
    if (problem !== undefined) return problem;
    return rule.And !== undefined ? results.every((r) => r === true) : results.some((r) => r === true);
  }
  if (rule.Not !== undefined) {
    const result = evaluateRule(rule.Not, doc, context, state);
    return typeof result === 'string' ? result : !result;
  }
  const variable = rule.Variable ?? '';
  const operator = Object.keys(rule).find((k) => k !== 'Variable' && k !== 'Next');
  const operand = operator === undefined ? undefined : rule[operator];
  const got = read(variable, doc, context);
  if (operator === 'IsPresent') return got.found === (operand === true);
  if (!got.found) return `${state} reads ${variable}, which is ${got.why === 'absent' ? 'absent from the state there' : got.why}`;
  const value = got.value;
  const is: Readonly<Record<string, (v: JsonValue) => boolean>> = {
    IsNull: (v) => v === null,
    IsString: (v) => typeof v === 'string',
    IsNumeric: (v) => typeof v === 'number',
    IsBoolean: (v) => typeof v === 'boolean',
    IsTimestamp: (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)),
  };
  const test = operator === undefined ? undefined : is[operator];
  if (test !== undefined) return test(value) === (operand === true);
  const parts = operator === undefined ? null : COMPARED.exec(operator);
  if (operator === undefined || parts === null)
    return `${state} uses the Choice operator ${String(operator)}, which the checker does not evaluate`;
  const [, kind = '', op = '', byPath] = parts;
  const wanted = TYPE_OF[kind] ?? '';
  if (typeof value !== wanted)
    return `${state} compares ${variable} with ${operator}, which needs a ${wanted}, but it is ${kindOf(value)} there`;
  let other: JsonValue = operand as JsonValue;
  if (byPath !== undefined) {
    const ref = read(String(operand), doc, context);
    if (!ref.found) return `${state} reads ${String(operand)}, which is ${ref.why === 'absent' ? 'absent from the state there' : ref.why}`;
    if (kindOf(ref.value) !== wanted)
      return `${state} compares with ${String(operand)}, which needs a ${wanted}, but it is ${kindOf(ref.value)} there`;
    other = ref.value;
  }
  return compare(kind, op, value as string | number | boolean, other);
}

function contextAt(state: string, input: JsonValue, callback: boolean): JsonObject {
  const execution = 'arn:aws:states:eu-west-1:123456789012:execution:approval:contract-check';
  const context: JsonObject = {
    Execution: {
      Id: execution,
      Name: 'contract-check',
      Input: input,
      StartTime: '2030-01-01T00:00:00.000Z',
      RoleArn: 'arn:aws:iam::123456789012:role/approval',
    },
    StateMachine: { Id: 'arn:aws:states:eu-west-1:123456789012:stateMachine:approval', Name: 'approval' },
    State: { Name: state, EnteredTime: '2030-01-01T00:00:01.000Z', RetryCount: 0 },
  };
  if (callback) context['Task'] = { Token: 'AQCEAAAAKgAAAAMAAAAAAAAAAcontract-check-token' };
  return context;
}

/** The function a Task state invokes, by its `${Substitution}` in Parameters.FunctionName. */
function functionOf(state: AslState, subject: ContractSubject): string | undefined {
  const name = isObject(state.Parameters) ? state.Parameters['FunctionName'] : undefined;
  const m = typeof name === 'string' ? /^\$\{(\w+)\}$/.exec(name) : null;
  return m?.[1] === undefined ? undefined : subject.functions[m[1]];
}

function issuesOf(error: z.core.$ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/** Follows the machine from each input over each representative result; returns the problems found on the way. */
export function walkContract(subject: ContractSubject): string[] {
  const problems = new Set<string>();
  const seen = new Set<string>();
  const reached = new Set<string>();
  const queue: Array<{ readonly state: string; readonly doc: JsonValue; readonly input: JsonValue }> = subject.inputs.map((input) => ({
    state: subject.definition.StartAt,
    doc: input,
    input,
  }));
  const go = (next: string | undefined, doc: JsonValue | string, input: JsonValue, from: string) => {
    if (typeof doc === 'string') problems.add(`${from}: ${doc}`);
    else if (next === undefined) problems.add(`${from} has no Next`);
    else queue.push({ state: next, doc, input });
  };
  while (queue.length > 0) {
    const { state: name, doc: raw, input } = queue.shift() as { state: string; doc: JsonValue; input: JsonValue };
    const key = `${name} ${JSON.stringify(raw)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (seen.size > MAX_VISITS) {
      problems.add(`the walk visited over ${MAX_VISITS} states without an end: a loop that never settles`);
      break;
    }
    reached.add(name);
    const state = subject.definition.States[name];
    if (state === undefined) {
      problems.add(`${name} is a Next that names no state`);
      continue;
    }
    const callback = state.Resource === CALLBACK;
    const context = contextAt(name, input, callback);
    const selected =
      state.InputPath === undefined
        ? { found: true as const, value: raw }
        : state.InputPath === null
          ? { found: true as const, value: {} }
          : read(state.InputPath, raw, context);
    if (!selected.found) {
      problems.add(`${name}: InputPath ${state.InputPath} is ${selected.why === 'absent' ? 'absent from the state there' : selected.why}`);
      continue;
    }
    const doc = selected.value;
    const output = (result: JsonValue): JsonValue | string => {
      const placed = place(raw, state.ResultPath, result);
      if (typeof placed === 'string' || state.OutputPath === undefined) return placed;
      if (state.OutputPath === null) return {};
      const out = read(state.OutputPath, placed, context);
      return out.found ? out.value : `OutputPath ${state.OutputPath} is ${out.why === 'absent' ? 'absent from the state there' : out.why}`;
    };
    switch (state.Type) {
      case 'Task': {
        const fn = functionOf(state, subject);
        const contract = fn === undefined ? undefined : subject.contracts[fn];
        if (state.Resource !== INVOKE && !callback) {
          problems.add(`${name}: the resource ${String(state.Resource)} is not a Lambda invocation the checker understands`);
          continue;
        }
        if (fn === undefined || contract === undefined) {
          problems.add(`${name}: invokes no workflow function with a contract (FunctionName must be a listed \${…FunctionArn})`);
          continue;
        }
        const parameters = fill(state.Parameters ?? {}, doc, context, 'Parameters', (field, path, why) =>
          problems.add(
            `${name}: ${field.replace(/^Parameters\./, '')} ← ${path} is ${why === 'absent' ? `absent from the state at ${name}` : why}`,
          ),
        );
        const payload = isObject(parameters) ? (parameters['Payload'] ?? null) : null;
        const parsed = contract.input.safeParse(payload);
        if (!parsed.success) problems.add(`${name}: the payload does not parse with ${fn}'s input schema (${issuesOf(parsed.error)})`);
        else
          for (const extra of strippedKeys(payload, parsed.data, 'Payload'))
            problems.add(`${name}: ${extra} is not in ${fn}'s input schema (the handler never sees it)`);
        for (const path of [state.TimeoutSecondsPath, state.HeartbeatSecondsPath]) {
          if (path === undefined) continue;
          const seconds = read(path, doc, context);
          if (!seconds.found)
            problems.add(`${name} reads ${path}, which is ${seconds.why === 'absent' ? 'absent from the state there' : seconds.why}`);
          else if (typeof seconds.value !== 'number' || !Number.isInteger(seconds.value) || seconds.value < 1)
            problems.add(`${name} reads ${path} for seconds, but it is ${JSON.stringify(seconds.value)} there`);
        }
        const results = callback
          ? subject.callbackResults
          : (subject.results[fn] ?? []).map((r) => ({ ExecutedVersion: '$LATEST', Payload: r, StatusCode: 200 }));
        if (results.length === 0) problems.add(`${name}: no representative result of ${fn} is given`);
        for (const result of results) {
          const selectedResult =
            state.ResultSelector === undefined
              ? result
              : fill(state.ResultSelector, result, context, 'ResultSelector', (field, path, why) =>
                  problems.add(
                    `${name}: ${field} ← ${path} is ${why === 'absent' ? `absent from ${callback ? 'the callback' : `${fn}'s output`}` : why}`,
                  ),
                );
          go(state.Next, output(selectedResult), input, name);
        }
        for (const c of state.Catch ?? []) {
          const error = c.ErrorEquals.find((e) => e !== 'States.ALL') ?? 'States.TaskFailed';
          go(c.Next, place(raw, c.ResultPath, { Error: error, Cause: 'a representative failure' }), input, name);
        }
        break;
      }
      case 'Pass': {
        const result =
          state.Parameters !== undefined
            ? fill(state.Parameters, doc, context, 'Parameters', (field, path, why) =>
                problems.add(`${name}: ${field} ← ${path} is ${why === 'absent' ? `absent from the state at ${name}` : why}`),
              )
            : (state.Result ?? doc);
        if (state.End !== true) go(state.Next, output(result), input, name);
        break;
      }
      case 'Choice': {
        // A rule that cannot be evaluated fails the execution there (States.Runtime): the walk stops on that path.
        let next: string | undefined | false = state.Default;
        for (const rule of state.Choices ?? []) {
          const matched = evaluateRule(rule, doc, context, name);
          if (typeof matched === 'string') problems.add(matched);
          if (matched === true || typeof matched === 'string') {
            next = matched === true ? rule.Next : false;
            break;
          }
        }
        if (next === undefined) problems.add(`${name}: no choice matches ${JSON.stringify(doc)} and there is no Default`);
        else if (next !== false) go(next, output(doc), input, name);
        break;
      }
      case 'Wait':
        go(state.Next, raw, input, name);
        break;
      case 'Succeed':
      case 'Fail':
        break;
      default:
        problems.add(`${name}: a ${state.Type} state, which the checker does not follow`);
    }
  }
  for (const name of Object.keys(subject.definition.States))
    if (!reached.has(name)) problems.add(`${name} is never reached from the inputs and results given`);
  return [...problems];
}

/** The JSON type a read needs: from a Choice comparison, a seconds path, or anything. */
type Need = 'string' | 'number' | 'boolean' | 'any';
interface Read {
  readonly by: string;
  readonly path: string;
  readonly need: Need;
}

/** Every path the ASL reads from a state document, with who reads it and the type it needs. */
function readsOf(definition: AslDefinition): Read[] {
  const reads: Read[] = [];
  const fromTemplate = (by: string, template: JsonValue | undefined): void => {
    if (Array.isArray(template)) for (const t of template) fromTemplate(by, t);
    if (!isObject(template)) return;
    for (const [key, value] of Object.entries(template)) {
      if (!key.endsWith('.$')) fromTemplate(by, value);
      else if (typeof value === 'string' && value.startsWith('$.')) reads.push({ by, path: value, need: 'any' });
      else if (typeof value === 'string' && value.startsWith('States.'))
        for (const arg of value.match(/\$\.[A-Za-z0-9_.-]+/g) ?? []) reads.push({ by, path: arg, need: 'number' });
    }
  };
  const fromRule = (by: string, rule: ChoiceRule): void => {
    for (const r of [...(rule.And ?? []), ...(rule.Or ?? []), ...(rule.Not === undefined ? [] : [rule.Not])]) fromRule(by, r);
    if (rule.Variable === undefined) return;
    const operator = Object.keys(rule).find((k) => k !== 'Variable' && k !== 'Next') ?? '';
    const parts = COMPARED.exec(operator);
    const need = (parts === null ? 'any' : (TYPE_OF[parts[1] ?? ''] ?? 'any')) as Need;
    reads.push({ by, path: rule.Variable, need });
    const operand = rule[operator];
    if (parts?.[3] !== undefined && typeof operand === 'string') reads.push({ by, path: operand, need });
  };
  for (const [name, state] of Object.entries(definition.States)) {
    fromTemplate(name, state.Parameters);
    for (const rule of state.Choices ?? []) fromRule(name, rule);
    for (const path of [state.TimeoutSecondsPath, state.HeartbeatSecondsPath])
      if (path !== undefined) reads.push({ by: name, path, need: 'number' });
    for (const path of [state.InputPath, state.OutputPath])
      if (typeof path === 'string' && path !== '$') reads.push({ by: name, path, need: 'any' });
  }
  return reads;
}

type Def = z.core.$ZodTypeDef;
const defOf = (schema: z.core.$ZodType): Def => schema._zod.def;

/**
 * The leaf schemas at `segments` in a schema's shape, over every variant of a union; when none has it, the segment
 * where the variant that went deepest stopped.
 */
function lookup(
  schema: z.core.$ZodType,
  segments: readonly string[],
  depth = 0,
): { leaves: z.core.$ZodType[]; missing?: { readonly segment: string; readonly depth: number } } {
  const def = defOf(schema);
  if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default' || def.type === 'readonly')
    return lookup((def as z.core.$ZodOptionalDef).innerType, segments, depth);
  if (def.type === 'union') {
    const found = (def as z.core.$ZodUnionDef).options.map((o) => lookup(o, segments, depth));
    const leaves = found.flatMap((f) => f.leaves);
    if (leaves.length > 0) return { leaves };
    const deepest = found.map((f) => f.missing).reduce((a, b) => ((b?.depth ?? -1) > (a?.depth ?? -1) ? b : a), undefined);
    return { leaves, missing: deepest ?? { segment: segments[0] ?? '', depth } };
  }
  const [head, ...rest] = segments;
  if (head === undefined) return { leaves: [schema] };
  if (def.type === 'object') {
    const field = (def as z.core.$ZodObjectDef).shape[head];
    return field === undefined ? { leaves: [], missing: { segment: head, depth } } : lookup(field, rest, depth + 1);
  }
  if (def.type === 'record') return lookup((def as z.core.$ZodRecordDef).valueType, rest, depth + 1);
  return { leaves: [], missing: { segment: head, depth } };
}

/** The JSON types a leaf schema admits (null left aside: a Choice comparison on null does not match, it does not fail). */
function typesOf(schema: z.core.$ZodType): Set<string> {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
      return typesOf((def as z.core.$ZodOptionalDef).innerType);
    case 'union':
      return new Set((def as z.core.$ZodUnionDef).options.flatMap((o) => [...typesOf(o)]));
    case 'enum':
      return new Set(Object.values((def as z.core.$ZodEnumDef).entries).map((v) => typeof v));
    case 'literal':
      return new Set((def as z.core.$ZodLiteralDef<z.core.util.Literal>).values.map((v) => (v === null ? 'null' : typeof v)));
    case 'int':
    case 'number':
      return new Set(['number']);
    default:
      return new Set([def.type]);
  }
}

/**
 * Output side, from the ASL and the schemas alone: every path read under a task's ResultPath, and every path its
 * ResultSelector reads from the result, must be in the shape of the function's output schema, of the type a
 * comparison needs.
 */
export function readsOfOutputs(subject: ContractSubject): string[] {
  const problems: string[] = [];
  const reads = readsOf(subject.definition);
  for (const [name, state] of Object.entries(subject.definition.States)) {
    if (state.Type !== 'Task') continue;
    const fn = functionOf(state, subject);
    const contract = fn === undefined ? undefined : subject.contracts[fn];
    if (fn === undefined || contract === undefined) {
      problems.push(`${name}: invokes no workflow function with a contract`);
      continue;
    }
    const callback = state.Resource === CALLBACK;
    const check = (by: string, read: string, outputPath: readonly string[], need: Need): void => {
      const { leaves, missing } = lookup(contract.output, outputPath);
      if (missing !== undefined) {
        problems.push(`${by} reads ${read} but ${name}'s output (${fn}) has no '${missing.segment}'`);
        return;
      }
      if (need === 'any') return;
      for (const leaf of leaves) {
        const types = typesOf(leaf);
        types.delete('null');
        if ([...types].some((t) => t !== need))
          problems.push(`${by} reads ${read} as a ${need}, but ${fn}'s output has it as ${[...types].join(' | ')}`);
      }
    };
    // The selector's own reads of the result: `$.Payload.x` is the function's output at x (a callback task's result
    // is what SendTaskSuccess carried, which no schema of the function describes).
    const selectorPaths = new Map<string, string[]>();
    const collect = (template: JsonValue | undefined, at: string[]): void => {
      if (!isObject(template)) return;
      for (const [key, value] of Object.entries(template)) {
        if (!key.endsWith('.$')) collect(value, [...at, key]);
        else if (typeof value === 'string') selectorPaths.set([...at, key.slice(0, -2)].join('.'), segmentsOf(value) ?? ['(unsupported)']);
      }
    };
    collect(state.ResultSelector, []);
    const toOutput = (resultSegments: readonly string[], by: string, read: string): string[] | undefined => {
      if (callback) return undefined;
      if (resultSegments[0] !== 'Payload') {
        if (!['ExecutedVersion', 'StatusCode', 'SdkHttpMetadata', 'SdkResponseMetadata'].includes(resultSegments[0] ?? ''))
          problems.push(`${by} reads ${read}, which is not in a Lambda invocation's result (Payload, StatusCode, …)`);
        return undefined;
      }
      return resultSegments.slice(1);
    };
    for (const [field, segments] of selectorPaths) {
      const out = toOutput(segments, `${name}: ResultSelector.${field}`, `$.${segments.join('.')}`);
      if (out !== undefined) check(`${name}: ResultSelector.${field}`, `$.${segments.join('.')}`, out, 'any');
    }
    // The state's later reads under its ResultPath, through the selector.
    const resultPath = state.ResultPath === undefined ? '$' : state.ResultPath;
    if (resultPath === null) continue;
    const base = segmentsOf(resultPath) ?? [];
    for (const r of reads) {
      const segments = segmentsOf(r.path);
      if (segments === undefined || r.path.startsWith('$$') || base.some((b, i) => segments[i] !== b) || segments.length < base.length)
        continue;
      if (base.length === 0) continue; // a task whose result replaces the whole state: every read would be its; none here
      const rest = segments.slice(base.length);
      if (state.ResultSelector === undefined) {
        const out = toOutput(rest, r.by, r.path);
        if (out !== undefined) check(r.by, r.path, out, r.need);
        continue;
      }
      // Down the selector: a `.$` field maps to its path in the result; a literal field is the ASL's own value.
      let template: JsonValue | undefined = state.ResultSelector;
      let mapped: string[] | undefined;
      let i = 0;
      for (; i < rest.length && isObject(template); i++) {
        const seg = rest[i] ?? '';
        const ref: JsonValue | undefined = template[`${seg}.$`];
        if (typeof ref === 'string') {
          mapped = [...(segmentsOf(ref) ?? ['(unsupported)']), ...rest.slice(i + 1)];
          break;
        }
        if (!(seg in template)) {
          problems.push(`${r.by} reads ${r.path} but ${name}'s ResultSelector has no '${seg}'`);
          template = undefined;
          break;
        }
        template = template[seg];
      }
      if (mapped === undefined) continue; // a literal of the selector, or a whole object whose paths are checked above
      const out = toOutput(mapped, r.by, r.path);
      if (out !== undefined) check(r.by, r.path, out, r.need);
    }
  }
  return problems;
}

/**
 * The finitely many values a schema's leaves can take (enums, literals, booleans), as `path=value`: the values a
 * Choice can branch on, which representative results must cover for the walk to take every branch.
 */
export function finiteValues(schema: z.core.$ZodType, at = ''): string[] {
  const def = defOf(schema);
  const here = (v: unknown) => `${at}=${String(v)}`;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
      return finiteValues((def as z.core.$ZodOptionalDef).innerType, at);
    case 'union':
      return [...new Set((def as z.core.$ZodUnionDef).options.flatMap((o) => finiteValues(o, at)))];
    case 'object':
      return Object.entries((def as z.core.$ZodObjectDef).shape).flatMap(([k, v]) => finiteValues(v, at === '' ? k : `${at}.${k}`));
    case 'enum':
      return Object.values((def as z.core.$ZodEnumDef).entries).map(here);
    case 'literal':
      return (def as z.core.$ZodLiteralDef<z.core.util.Literal>).values.map(here);
    case 'boolean':
      return [here(true), here(false)];
    default:
      return [];
  }
}

/** The `path=value` pairs of a JSON value's primitive leaves. */
export function leafValues(value: JsonValue, at = ''): string[] {
  if (isObject(value)) return Object.entries(value).flatMap(([k, v]) => leafValues(v, at === '' ? k : `${at}.${k}`));
  if (Array.isArray(value)) return [];
  return [`${at}=${String(value)}`];
}

/** Both checks. */
export function checkAslContract(subject: ContractSubject): string[] {
  return [...walkContract(subject), ...readsOfOutputs(subject)];
}
