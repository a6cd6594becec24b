import { Validations, type Stack } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { allFunctions, constructId, eventFunctions, type FunctionName } from '../../manifest.js';
import { tables, type TableSpec } from '../../lambdas/adapters/tables.js';
import type { DeployConfig } from '../config.js';
import { functionAccess, type Access, type SecretName } from '../function-access.js';
import { auditBucketName, dataBucketName, nagRendering } from '../names.js';
import { SignoffFunction } from '../signoff-function.js';
import type { Lifetime } from './lifetime.js';

// Phase 1: a function per entry of manifest.ts, each with exactly the access of its line in functionAccess.

export interface FunctionsProps {
  readonly config: Pick<DeployConfig, 'stage' | 'directoryFile' | 'domain' | 'senderAddress'>;
  readonly lifetime: Lifetime;
  /** The stateful stack's tables, by the environment variable that names each. */
  readonly tables: ReadonlyMap<TableSpec['envVar'], Table>;
  readonly secrets: Readonly<Record<SecretName, Secret>>;
  readonly auditSigningKey: Key;
  /** The data bucket by its agreed name (lib/names.ts), so policies here need no cross-stack export. */
  readonly dataBucketName: string;
}

export class Functions {
  readonly byName: ReadonlyMap<FunctionName, SignoffFunction>;

  /** Builds in the stack's own scope (lib/stateless-stack.ts says why). */
  constructor(stack: Stack, props: FunctionsProps) {
    const byName = new Map<FunctionName, SignoffFunction>();
    for (const { name, entry } of allFunctions) {
      const fn = new SignoffFunction(stack, constructId(name), {
        entry,
        directoryFile: props.config.directoryFile,
        ...props.lifetime,
        asyncInvoked: eventFunctions.some((f) => f.name === name),
      });
      grant(stack, fn, functionAccess[name], props);
      byName.set(name, fn);
    }
    this.byName = byName;
  }

  get(name: FunctionName): SignoffFunction {
    const found = this.byName.get(name);
    if (found === undefined) throw new Error(`no function ${name}`);
    return found;
  }
}

function grant(stack: Stack, fn: SignoffFunction, access: Access, props: FunctionsProps): void {
  const { config } = props;
  const bucketArn = `arn:${stack.partition}:s3:::${props.dataBucketName}`;
  const bucketArnForNag = `arn:${nagRendering(stack.partition, 'AWS::Partition')}:s3:::${dataBucketName(config.stage, nagRendering(stack.account, 'AWS::AccountId'), nagRendering(stack.region, 'AWS::Region'))}`;
  const auditName = auditBucketName(config.stage, stack.account, stack.region);
  const auditArnForNag = `arn:${nagRendering(stack.partition, 'AWS::Partition')}:s3:::${auditBucketName(config.stage, nagRendering(stack.account, 'AWS::AccountId'), nagRendering(stack.region, 'AWS::Region'))}`;
  for (const spec of tables) {
    const level = access.tables[spec.envVar];
    const table = props.tables.get(spec.envVar);
    if (level !== undefined && table !== undefined) fn.bindTable(spec, table, level);
  }
  for (const secret of access.secrets ?? []) fn.bindSecret(secret, props.secrets[secret]);
  if (access.auditArchive !== undefined) {
    // By its agreed name, like the data bucket: no cross-stack export.
    fn.addEnvironment('AUDIT_BUCKET', auditName);
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['s3:PutObject'],
        resources: access.auditArchive.map((p) => `arn:${stack.partition}:s3:::${auditName}/${p}`),
      }),
    );
    for (const prefix of access.auditArchive) {
      Validations.of(fn).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${auditArnForNag}/${prefix}]`,
        reason: `Audit copies under ${prefix.replace('*', '')} are named by hour or export id at run time; Object Lock keeps every version written.`,
      });
    }
  }
  if (access.signsAudit) {
    fn.addEnvironment('SIGNOFF_AUDIT_KMS_KEY_ID', props.auditSigningKey.keyArn);
    props.auditSigningKey.grant(fn, 'kms:Sign', 'kms:GetPublicKey');
  }
  if (access.sendsMail) {
    fn.addEnvironment('SIGNOFF_MAIL_FROM', config.senderAddress);
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['ses:SendEmail'],
        resources: [`arn:${stack.partition}:ses:${stack.region}:${stack.account}:identity/${config.domain}`],
        conditions: { StringEquals: { 'ses:FromAddress': config.senderAddress } },
      }),
    );
  }
  if (access.bucket !== undefined) {
    // Object-level actions on named prefixes only (not grantRead's s3:List*/GetBucket*).
    fn.addEnvironment('MEDIA_BUCKET', props.dataBucketName);
    const objects = (prefixes: readonly string[] | undefined) => (prefixes ?? []).map((p) => `${bucketArn}/${p}`);
    if (access.bucket.read)
      fn.addToRolePolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:GetObject'], resources: objects(access.bucket.read) }));
    if (access.bucket.write)
      fn.addToRolePolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:PutObject'], resources: objects(access.bucket.write) }));
    for (const prefix of [...(access.bucket.read ?? []), ...(access.bucket.write ?? [])]) {
      Validations.of(fn).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${bucketArnForNag}/${prefix}]`,
        reason: `Objects under ${prefix.replace('*', '')} are named at run time (SES message ids, content hashes); the grant is limited to that prefix.`,
      });
    }
  }
}
