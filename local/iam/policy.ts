// The identity-based policy evaluation IAM does for one call (issue #19): an explicit Deny wins, else an Allow whose
// action, resource and conditions all match, else the call is implicitly denied. Only what a function role's inline
// policies can say is here — Action/NotAction, Resource/NotResource with `*` and `?` wildcards, and the condition
// operators on strings, booleans and ARNs (with `IfExists` and the `ForAnyValue:`/`ForAllValues:` set qualifiers).
// An operator IAM has and this file does not makes its statement match nothing, so an unknown condition never
// grants anything locally that AWS might refuse.

export type Effect = 'Allow' | 'Deny';

/** A statement with its intrinsics resolved (./template.ts): every value a string. */
export interface Statement {
  readonly effect: Effect;
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  readonly resources?: readonly string[];
  readonly notResources?: readonly string[];
  /** `{ StringEquals: { 'ses:FromAddress': ['signoff@example.org'] } }` */
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

/** What one call asks for: an action on a resource, with the request's condition keys. */
export interface RequestedAccess {
  /** `service:Action`, as IAM names it (`dynamodb:PutItem`). */
  readonly action: string;
  /** The resource's ARN, or `*` for an action without one. */
  readonly resource: string;
  /** Condition keys (case-insensitive names) and their values; a key with several values is a set. */
  readonly context: Readonly<Record<string, string | readonly string[]>>;
}

export type Decision = 'allowed' | 'explicitly-denied' | 'implicitly-denied';

/**
 * Whether `text` matches an IAM pattern, where `*` is any run of characters and `?` any one. Linear in the lengths
 * (the classic greedy match with one backtrack point), with no regular expression built from input.
 */
export function wildcardMatch(pattern: string, text: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const t = ignoreCase ? text.toLowerCase() : text;
  let pi = 0;
  let ti = 0;
  let star = -1;
  let resume = 0;
  while (ti < t.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === t[ti])) {
      pi++;
      ti++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      resume = ti;
    } else if (star !== -1) {
      pi = star + 1;
      ti = ++resume;
    } else return false;
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

const anyMatches = (patterns: readonly string[], value: string, ignoreCase: boolean) =>
  patterns.some((pattern) => wildcardMatch(pattern, value, ignoreCase));

/** The operators compare() knows, besides `Null`. */
const COMPARED = new Set(['StringEquals', 'ArnEquals', 'StringEqualsIgnoreCase', 'StringLike', 'ArnLike', 'Bool']);

/** One value against one condition value, by the operator's base name (qualifiers and IfExists removed). */
function compare(operator: string, expected: string, actual: string): boolean {
  switch (operator) {
    case 'StringEquals':
    case 'ArnEquals':
      return expected === actual;
    case 'StringEqualsIgnoreCase':
      return expected.toLowerCase() === actual.toLowerCase();
    case 'StringLike':
    case 'ArnLike':
      return wildcardMatch(expected, actual);
    case 'Bool':
      return expected.toLowerCase() === actual.toLowerCase();
    default:
      return false;
  }
}

/** The negated operators, by the positive one they negate. */
const NEGATIONS: Readonly<Record<string, string>> = {
  StringNotEquals: 'StringEquals',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotLike: 'StringLike',
  ArnNotEquals: 'ArnEquals',
  ArnNotLike: 'ArnLike',
};

const lookup = (context: RequestedAccess['context'], key: string): readonly string[] | undefined => {
  const wanted = key.toLowerCase();
  for (const [name, value] of Object.entries(context))
    if (name.toLowerCase() === wanted) return typeof value === 'string' ? [value] : value;
  return undefined;
};

/** One operator block (`StringEquals: { key: values }`) against the request; false for an operator not known here. */
function conditionHolds(
  fullOperator: string,
  entries: Readonly<Record<string, readonly string[]>>,
  context: RequestedAccess['context'],
): boolean {
  let operator = fullOperator;
  let qualifier: 'ForAnyValue' | 'ForAllValues' | undefined;
  for (const prefix of ['ForAnyValue:', 'ForAllValues:'] as const) {
    if (operator.startsWith(prefix)) {
      qualifier = prefix === 'ForAnyValue:' ? 'ForAnyValue' : 'ForAllValues';
      operator = operator.slice(prefix.length);
    }
  }
  const ifExists = operator.endsWith('IfExists');
  if (ifExists) operator = operator.slice(0, -'IfExists'.length);
  if (operator === 'Null') {
    return Object.entries(entries).every(([key, values]) => {
      const absent = lookup(context, key) === undefined;
      return values.some((v) => (v.toLowerCase() === 'true') === absent);
    });
  }
  const positive = NEGATIONS[operator] ?? operator;
  const negated = positive !== operator;
  if (!COMPARED.has(positive)) return false;
  return Object.entries(entries).every(([key, expected]) => {
    const actual = lookup(context, key);
    if (actual === undefined) return ifExists || (negated && qualifier === undefined) || qualifier === 'ForAllValues';
    const matchesOne = (value: string) => expected.some((e) => compare(positive, e, value));
    if (qualifier === 'ForAllValues') return actual.every((value) => (negated ? !matchesOne(value) : matchesOne(value)));
    if (qualifier === 'ForAnyValue') return actual.some((value) => (negated ? !matchesOne(value) : matchesOne(value)));
    // A single-valued key: its one value must match (or, negated, match none).
    return negated ? !actual.some(matchesOne) : actual.some(matchesOne);
  });
}

function statementMatches(statement: Statement, request: RequestedAccess): boolean {
  const action =
    statement.actions !== undefined
      ? anyMatches(statement.actions, request.action, true)
      : statement.notActions !== undefined && !anyMatches(statement.notActions, request.action, true);
  if (!action) return false;
  const resource =
    statement.resources !== undefined
      ? anyMatches(statement.resources, request.resource, false)
      : statement.notResources !== undefined && !anyMatches(statement.notResources, request.resource, false);
  if (!resource) return false;
  return Object.entries(statement.conditions ?? {}).every(([operator, entries]) => conditionHolds(operator, entries, request.context));
}

/** IAM's decision for one request against a principal's statements. */
export function evaluate(statements: readonly Statement[], request: RequestedAccess): Decision {
  let allowed = false;
  for (const statement of statements) {
    if (!statementMatches(statement, request)) continue;
    if (statement.effect === 'Deny') return 'explicitly-denied';
    allowed = true;
  }
  return allowed ? 'allowed' : 'implicitly-denied';
}

/** AWS's message for a refused call, word for word as the services give it for an identity-based refusal. */
export function accessDeniedMessage(principalArn: string, request: RequestedAccess, decision: Exclude<Decision, 'allowed'>): string {
  const why =
    decision === 'explicitly-denied'
      ? `with an explicit deny in an identity-based policy`
      : `because no identity-based policy allows the ${request.action} action`;
  return `User: ${principalArn} is not authorized to perform: ${request.action} on resource: ${request.resource} ${why}`;
}
