// The identity-based policy evaluation IAM does for one call (issue #19): an explicit Deny wins, else an Allow whose
// action, resource and conditions all match, else the call is implicitly denied. Only what a function role's inline
// policies can say is here — Action/NotAction, Resource/NotResource with `*` and `?` wildcards, and the condition
// operators on strings, booleans and ARNs (with `IfExists` and the `ForAnyValue:`/`ForAllValues:` set qualifiers).
// Where the local evaluation cannot know what AWS would decide — an operator this file does not have (numeric, date,
// IP, binary), or a condition key the local call does not supply and AWS might — the statement's conditions are
// "unknown", and an unknown is read against the caller: an Allow does not apply, a Deny does. So the local decision
// never allows what AWS might refuse.

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
  /**
   * Keys AWS would not supply for this call either (`ses:FromDisplayName` for a bare From address): a condition on one
   * sees it missing, as on AWS. Any other key missing from `context` is one the local call cannot supply: unknown.
   */
  readonly absent?: readonly string[];
}

export type Decision = 'allowed' | 'explicitly-denied' | 'implicitly-denied';

/**
 * Whether `text` matches an IAM pattern, where `*` is any run of characters and `?` any one: the classic greedy match
 * with one backtrack point, at most |pattern| × |text| steps (never exponential), with no regular expression built
 * from input.
 */
export function wildcardMatch(pattern: string, text: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const t = ignoreCase ? text.toLowerCase() : text;
  let pi = 0;
  let ti = 0;
  let star = -1;
  let resume = 0;
  while (ti < t.length) {
    // A star first: a `*` in the pattern is a wildcard even where the text has a `*`.
    if (pi < p.length && p[pi] === '*') {
      star = pi++;
      resume = ti;
    } else if (pi < p.length && (p[pi] === '?' || p[pi] === t[ti])) {
      pi++;
      ti++;
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

/** `arn:partition:service:region:account:resource`, the resource keeping any further colons. */
function arnParts(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** An ARN condition value (wildcards in each part) against an ARN, part by part. */
function arnMatch(pattern: string, arn: string): boolean {
  const p = arnParts(pattern);
  const a = arnParts(arn);
  return p !== undefined && a !== undefined && p.every((part, i) => wildcardMatch(part, a[i] ?? ''));
}

/** The operators compare() knows, besides `Null`. */
const COMPARED = new Set(['StringEquals', 'ArnEquals', 'StringEqualsIgnoreCase', 'StringLike', 'ArnLike', 'Bool']);

/** One value against one condition value, by the operator's base name (qualifiers and IfExists removed). */
function compare(operator: string, expected: string, actual: string): boolean {
  switch (operator) {
    case 'StringEquals':
      return expected === actual;
    // IAM compares ARNs part by part (the six colon-separated parts), wildcards allowed in each, for both operators.
    case 'ArnEquals':
    case 'ArnLike':
      return arnMatch(expected, actual);
    case 'StringEqualsIgnoreCase':
      return expected.toLowerCase() === actual.toLowerCase();
    case 'StringLike':
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

/** A condition's outcome: known to hold or not, or not knowable locally (see the file's head). */
type Truth = boolean | 'unknown';

/** One operator block (`StringEquals: { key: values }`) against the request. */
function conditionHolds(fullOperator: string, entries: Readonly<Record<string, readonly string[]>>, request: RequestedAccess): Truth {
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
  const positive = NEGATIONS[operator] ?? operator;
  const negated = positive !== operator;
  if (operator !== 'Null' && !COMPARED.has(positive)) return 'unknown';
  const absent = new Set((request.absent ?? []).map((k) => k.toLowerCase()));
  let truth: Truth = true;
  for (const [key, expected] of Object.entries(entries)) {
    const actual = lookup(request.context, key);
    // A key the local call cannot supply, where AWS might: its condition cannot be decided here.
    if (actual === undefined && !absent.has(key.toLowerCase())) {
      truth = 'unknown';
      continue;
    }
    let holds: boolean;
    if (operator === 'Null') holds = expected.some((v) => (v.toLowerCase() === 'true') === (actual === undefined));
    else if (actual === undefined) holds = ifExists || (negated && qualifier === undefined) || qualifier === 'ForAllValues';
    else {
      const matchesOne = (value: string) => expected.some((e) => compare(positive, e, value));
      if (qualifier === 'ForAllValues') holds = actual.every((value) => (negated ? !matchesOne(value) : matchesOne(value)));
      else if (qualifier === 'ForAnyValue') holds = actual.some((value) => (negated ? !matchesOne(value) : matchesOne(value)));
      // A single-valued key: its one value must match (or, negated, match none).
      else holds = negated ? !actual.some(matchesOne) : actual.some(matchesOne);
    }
    if (!holds) return false;
  }
  return truth;
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
  let unknown = false;
  for (const [operator, entries] of Object.entries(statement.conditions ?? {})) {
    const truth = conditionHolds(operator, entries, request);
    if (truth === false) return false;
    if (truth === 'unknown') unknown = true;
  }
  // Undecidable here: read against the caller — a Deny applies, an Allow does not.
  return unknown ? statement.effect === 'Deny' : true;
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
