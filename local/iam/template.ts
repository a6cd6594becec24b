import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { constructId } from '../../manifest.js';
import type { Effect, Statement } from './policy.js';

// Each function's permissions as the synthesised templates give them (issue #19): the function's role, the inline
// policies CDK attached to it, their intrinsics (Ref, Fn::GetAtt, Fn::ImportValue, Fn::Join, Fn::Select, Fn::Split,
// the pseudo parameters) resolved against the local runtime's resources — a table's ARN becomes the local table's,
// the state machine's the local engine's, a secret's the ARN the local Secrets Manager serves it under, a bucket's
// name stays its name — so the local endpoints judge a call by the very statements `cdk deploy` ships. Resources no
// local endpoint serves (the KMS key, queues) resolve to ARNs no local call can name. The one managed policy every
// function role has (AWSLambdaBasicExecutionRole) grants only CloudWatch Logs, which has no local endpoint; anything
// else that would change AWS's decision (a permissions boundary, another managed policy) is refused, not skipped.

/** What the local runtime has for the deployed resources it stands in for. */
export interface LocalResources {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly stateMachineArn: string;
  /** A table's local name by its construct id in the stateful stack (its TableSpec's envVar: `REQUESTS_TABLE`). */
  readonly tables: Readonly<Record<string, string>>;
}

export interface FunctionPolicy {
  /** The role session Lambda runs the function as: `arn:aws:sts::<account>:assumed-role/<role>/signoff-<name>`. */
  readonly principalArn: string;
  /** The role itself: `arn:aws:iam::<account>:role/<role>`. */
  readonly roleArn: string;
  /** The role's logical id in the stateless template (a denial names it, to find the grant). */
  readonly role: string;
  readonly statements: readonly Statement[];
}

const STATEFUL_TEMPLATE = 'SignoffStateful.template.json';
/** Marks what a resource the local runtime does not serve resolves to. */
const NOT_SERVED = 'not-served-locally/';
const STATELESS_TEMPLATE = 'SignoffStateless.template.json';

const resourceSchema = z.object({
  Type: z.string(),
  Metadata: z.optional(z.record(z.string(), z.unknown())),
  Properties: z.optional(z.record(z.string(), z.unknown())),
});
const templateSchema = z.object({
  Resources: z.record(z.string(), resourceSchema),
  Outputs: z.optional(z.record(z.string(), z.object({ Value: z.unknown(), Export: z.optional(z.object({ Name: z.string() })) }))),
});
type Template = z.infer<typeof templateSchema>;

const stringOrList = z.union([z.string(), z.array(z.unknown())]);
const statementSchema = z.object({
  Effect: z.enum(['Allow', 'Deny']),
  Action: z.optional(stringOrList),
  NotAction: z.optional(stringOrList),
  Resource: z.optional(z.unknown()),
  NotResource: z.optional(z.unknown()),
  Condition: z.optional(z.record(z.string(), z.record(z.string(), z.unknown()))),
});
const policySchema = z.object({
  PolicyDocument: z.object({ Statement: z.array(statementSchema) }),
  Roles: z.optional(z.array(z.unknown())),
});

function readTemplate(out: string, file: string): Template {
  const path = join(out, file);
  if (!existsSync(path)) throw new Error(`${out}: no ${file} there; run \`npx cdk synth --output ${out}\` first`);
  return templateSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

/** Resolves the intrinsics of one template to strings, given the local values of its resources and its imports. */
class Resolver {
  constructor(
    private readonly template: Template,
    private readonly local: LocalResources,
    private readonly imports: (name: string) => unknown,
  ) {}

  #resource(logicalId: string, attribute: 'Ref' | string): string {
    const resource = this.template.Resources[logicalId];
    if (resource === undefined) throw new Error(`the template has no resource ${logicalId}`);
    const path = resource.Metadata?.['aws:cdk:path'];
    const construct = typeof path === 'string' ? path.split('/')[1] : undefined;
    const { partition, region, account } = this.local;
    if (resource.Type === 'AWS::DynamoDB::Table' && construct !== undefined) {
      const name = this.local.tables[construct];
      if (name === undefined) throw new Error(`no local table stands in for ${construct} (${logicalId})`);
      if (attribute === 'Ref') return name;
      if (attribute === 'Arn') return `arn:${partition}:dynamodb:${region}:${account}:table/${name}`;
    }
    if (resource.Type === 'AWS::SecretsManager::Secret' && construct !== undefined && (attribute === 'Ref' || attribute === 'Id')) {
      // Served by the local Secrets Manager (local/secrets-manager.ts) under this ARN; AWS adds a random suffix instead.
      return `arn:${partition}:secretsmanager:${region}:${account}:secret:${construct}-local`;
    }
    if (resource.Type === 'AWS::StepFunctions::StateMachine') {
      if (attribute === 'Ref' || attribute === 'Arn') return this.local.stateMachineArn;
      if (attribute === 'Name') return this.local.stateMachineArn.split(':')[6] ?? '';
    }
    // Not served locally: an ARN that names it, which no call to a local endpoint can name.
    return `arn:${partition}:cloudformation:${region}:${account}:${NOT_SERVED}${logicalId}/${attribute}`;
  }

  resolve(value: unknown): unknown {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value === null || typeof value !== 'object') throw new Error(`cannot resolve ${JSON.stringify(value)}`);
    const entries = Object.entries(value);
    const [fn, arg] = entries[0] ?? [];
    if (entries.length !== 1 || fn === undefined) throw new Error(`not an intrinsic: ${JSON.stringify(value)}`);
    switch (fn) {
      case 'Ref': {
        if (arg === 'AWS::Partition') return this.local.partition;
        if (arg === 'AWS::Region') return this.local.region;
        if (arg === 'AWS::AccountId') return this.local.account;
        if (arg === 'AWS::URLSuffix') return 'amazonaws.com';
        return this.#resource(String(arg), 'Ref');
      }
      case 'Fn::GetAtt': {
        const [id, attribute] = Array.isArray(arg) ? arg.map(String) : String(arg).split('.');
        return this.#resource(id ?? '', attribute ?? '');
      }
      case 'Fn::ImportValue':
        return this.resolve(this.imports(String(this.resolve(arg))));
      case 'Fn::Join': {
        const [separator, parts] = z.tuple([z.string(), z.array(z.unknown())]).parse(arg);
        return parts.map((p) => this.resolve(p)).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = z.tuple([z.union([z.string(), z.number()]), z.unknown()]).parse(arg);
        const items = this.resolve(list);
        if (!Array.isArray(items)) throw new Error(`Fn::Select over ${JSON.stringify(list)}, not a list`);
        if (!(Number(index) >= 0 && Number(index) < items.length)) throw new Error(`Fn::Select of item ${index} of ${items.length}`);
        return items[Number(index)];
      }
      case 'Fn::Split': {
        const [separator, source] = z.tuple([z.string(), z.unknown()]).parse(arg);
        return String(this.resolve(source)).split(separator);
      }
      default:
        throw new Error(`the intrinsic ${fn} is not resolved locally`);
    }
  }

  strings(value: unknown): string[] {
    const resolved = this.resolve(value);
    return (Array.isArray(resolved) ? resolved.flat() : [resolved]).map(String);
  }
}

function statementOf(raw: z.infer<typeof statementSchema>, resolver: Resolver): Statement {
  const conditions: Record<string, Record<string, string[]>> = {};
  for (const [operator, keys] of Object.entries(raw.Condition ?? {})) {
    conditions[operator] = Object.fromEntries(Object.entries(keys).map(([key, value]) => [key, resolver.strings(value)]));
  }
  const effect: Effect = raw.Effect;
  return {
    effect,
    ...(raw.Action === undefined ? {} : { actions: resolver.strings(raw.Action) }),
    ...(raw.NotAction === undefined ? {} : { notActions: resolver.strings(raw.NotAction) }),
    ...(raw.Resource === undefined ? {} : { resources: resolver.strings(raw.Resource) }),
    ...(raw.NotResource === undefined ? {} : { notResources: resolver.strings(raw.NotResource) }),
    ...(raw.Condition === undefined ? {} : { conditions }),
  };
}

/** The stateless template, and a resolver of its values (imports from the stateful one included). */
function statelessTemplate(out: string, local: LocalResources): { stateless: Template; resolver: Resolver } {
  const stateful = readTemplate(out, STATEFUL_TEMPLATE);
  const stateless = readTemplate(out, STATELESS_TEMPLATE);
  const statefulResolver = new Resolver(stateful, local, (name) => {
    throw new Error(`${STATEFUL_TEMPLATE} imports ${name}, which the local runtime does not resolve`);
  });
  const exports = new Map<string, unknown>();
  for (const output of Object.values(stateful.Outputs ?? {}))
    if (output.Export !== undefined) exports.set(output.Export.Name, output.Value);
  const resolver = new Resolver(stateless, local, (name) => {
    if (!exports.has(name)) throw new Error(`${STATELESS_TEMPLATE} imports ${name}, which ${STATEFUL_TEMPLATE} does not export`);
    return statefulResolver.resolve(exports.get(name));
  });
  return { stateless, resolver };
}

/**
 * A value of the stateless template (a function's environment variable, say) as the local runtime resolves it — a
 * secret's `_ARN` becomes the ARN the local Secrets Manager serves it under, a bucket's name stays its name — or
 * undefined when it names something no local endpoint serves. Throws naming an intrinsic it cannot resolve.
 */
export function templateValues(out: string, local: LocalResources): (value: unknown) => string | undefined {
  const { resolver } = statelessTemplate(out, local);
  return (value) => {
    const resolved = resolver.resolve(value);
    if (typeof resolved !== 'string') throw new Error(`${JSON.stringify(value)} is not a single value`);
    return resolved.includes(NOT_SERVED) ? undefined : resolved;
  };
}

/**
 * The policy of each named function in a `cdk synth` output directory: its role's inline statements (from its
 * AWS::IAM::Policy resources and the role's own `Policies`), resolved locally. Throws naming what is missing.
 */
export function functionPolicies(out: string, names: readonly string[], local: LocalResources): Map<string, FunctionPolicy> {
  const { stateless, resolver } = statelessTemplate(out, local);

  const byPath = new Map<string, { role: string }>();
  for (const resource of Object.values(stateless.Resources)) {
    const path = resource.Metadata?.['aws:cdk:path'];
    if (resource.Type !== 'AWS::Lambda::Function' || typeof path !== 'string') continue;
    const role = z.object({ 'Fn::GetAtt': z.tuple([z.string(), z.literal('Arn')]) }).safeParse(resource.Properties?.['Role']);
    if (role.success) byPath.set(path, { role: role.data['Fn::GetAtt'][0] });
  }
  const statementsOf = (role: string): Statement[] => {
    const properties = stateless.Resources[role]?.Properties ?? {};
    // What would make AWS's decision differ from the inline statements' is refused rather than skipped, so the local
    // check never allows more than AWS: a permissions boundary, a managed policy other than the logs-only one every
    // function has, a policy attached by any other means than a reference to the role.
    if (properties['PermissionsBoundary'] !== undefined)
      throw new Error(`the role ${role} has a permissions boundary, which the local IAM does not evaluate`);
    for (const managed of z.optional(z.array(z.unknown())).parse(properties['ManagedPolicyArns']) ?? []) {
      const arn = resolver.strings(managed).join('');
      if (!arn.endsWith(':iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'))
        throw new Error(`the role ${role} has the managed policy ${arn}, which the local IAM does not evaluate`);
    }
    const found: Statement[] = [];
    const own = z.optional(z.array(policySchema.pick({ PolicyDocument: true }))).parse(properties['Policies']);
    for (const policy of own ?? []) for (const s of policy.PolicyDocument.Statement) found.push(statementOf(s, resolver));
    for (const [id, resource] of Object.entries(stateless.Resources)) {
      if (resource.Type === 'AWS::IAM::ManagedPolicy' && JSON.stringify(resource.Properties?.['Roles'] ?? []).includes(`"${role}"`))
        throw new Error(`the role ${role} is attached the customer managed policy ${id}, which the local IAM does not evaluate`);
      if (resource.Type !== 'AWS::IAM::Policy') continue;
      const policy = policySchema.parse(resource.Properties);
      const roles = policy.Roles ?? [];
      if (roles.some((r) => !z.object({ Ref: z.string() }).safeParse(r).success))
        throw new Error(`the policy ${id} names a role other than by reference, which the local IAM does not follow`);
      if (!roles.some((r) => z.object({ Ref: z.literal(role) }).safeParse(r).success)) continue;
      for (const s of policy.PolicyDocument.Statement) found.push(statementOf(s, resolver));
    }
    return found;
  };

  const policies = new Map<string, FunctionPolicy>();
  for (const name of names) {
    const fn = byPath.get(`SignoffStateless/${constructId(name)}/Resource`);
    if (fn === undefined) throw new Error(`${out}: no function ${name} with a role in ${STATELESS_TEMPLATE}`);
    const roleName = stateless.Resources[fn.role]?.Properties?.['RoleName'];
    const role = typeof roleName === 'string' ? roleName : `SignoffStateless-${fn.role}`;
    policies.set(name, {
      principalArn: `arn:${local.partition}:sts::${local.account}:assumed-role/${role}/signoff-${name}`,
      roleArn: `arn:${local.partition}:iam::${local.account}:role/${role}`,
      role: fn.role,
      statements: statementsOf(fn.role),
    });
  }
  return policies;
}
