import { Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectLockRetention, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { DeployConfig } from './config.js';
import { bucketRef } from './jsii-bridge.js';
import { INBOUND_PREFIX, auditBucketName, dataBucketName } from './names.js';
import { tables, type TableSpec } from '../lambdas/adapters/tables.js';

// What holds data and must outlive any deployment of the code: tables, the mail/media/export bucket,
// the SES identity and the secrets. (Concrete CDK classes, not interfaces: jsii's optional properties
// do not satisfy `exactOptionalPropertyTypes`.) Kept apart from the stateless stack so code changes never replace it.

export interface StatefulStackProps extends StackProps {
  readonly config: DeployConfig;
}

/** Attribute that TTL uses to clean up short-lived records (link and delivery records). Expiry itself is checked in code. */
export const TTL_ATTRIBUTE = 'expiresAt';

export class StatefulStack extends Stack {
  readonly tables: ReadonlyMap<TableSpec['envVar'], Table>;
  readonly bucket: Bucket;
  readonly identity: EmailIdentity;
  readonly webhookSecret: Secret;
  readonly apiToken: Secret;
  /** Auditors' bearer token for GET /v1/audit/export. */
  readonly auditorToken: Secret;
  /** Write-once copies of audit checkpoints and export pages (Object Lock, compliance mode). */
  readonly auditBucket: Bucket;
  /** Signs audit checkpoints (ECDSA P-256); the private key never leaves KMS. */
  readonly auditSigningKey: Key;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const prod = props.config.stage === 'prod';
    const removalPolicy = prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const built = new Map<TableSpec['envVar'], Table>();
    for (const spec of tables) {
      const table = new Table(this, spec.envVar, {
        partitionKey: { name: spec.partitionKey.name, type: spec.partitionKey.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER },
        ...(spec.sortKey
          ? { sortKey: { name: spec.sortKey.name, type: spec.sortKey.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER } }
          : {}),
        billingMode: BillingMode.PAY_PER_REQUEST,
        encryption: TableEncryption.AWS_MANAGED,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: prod,
        removalPolicy,
        ...(spec.envVar === 'APPROVALS_TABLE' ? { timeToLiveAttribute: TTL_ATTRIBUTE } : {}),
      });
      for (const index of spec.indexes ?? []) {
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: {
            name: index.partitionKey.name,
            type: index.partitionKey.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER,
          },
          ...(index.sortKey
            ? { sortKey: { name: index.sortKey.name, type: index.sortKey.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER } }
            : {}),
          projectionType: ProjectionType.ALL,
        });
      }
      built.set(spec.envVar, table);
    }
    this.tables = built;

    const accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the server-access-log destination itself; logging it to itself would loop.',
    });

    this.bucket = new Bucket(this, 'Data', {
      bucketName: dataBucketName(props.config.stage, this.account, this.region),
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: bucketRef(accessLogs),
      serverAccessLogsPrefix: 'data/',
      removalPolicy,
      // Raw received mail is read once by mail intake (images go on to media/), and may hold what a sender should
      // never have mailed — a password Signoff refused. It is kept one day, its older versions one day more.
      lifecycleRules: [
        {
          id: 'inbound-mail',
          prefix: INBOUND_PREFIX,
          expiration: Duration.days(1),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });

    // Audit copies that nobody can change or delete before their retention ends, not even the account's root user.
    // Retained whatever the stage: a compliance-mode object outlives any attempt to delete its bucket.
    this.auditBucket = new Bucket(this, 'AuditArchive', {
      bucketName: auditBucketName(props.config.stage, this.account, this.region),
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.compliance(Duration.days(props.config.auditRetentionDays)),
      serverAccessLogsBucket: bucketRef(accessLogs),
      serverAccessLogsPrefix: 'audit/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.auditSigningKey = new Key(this, 'AuditSigningKey', {
      description: 'Signoff: signs audit checkpoints (ECDSA_SHA_256).',
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.auditSigningKey).acknowledge({
      id: 'AwsSolutions-KMS5',
      reason:
        'KMS does not rotate asymmetric keys; checkpoints name the key that signed them, so a new key can be introduced without invalidating earlier signatures.',
    });

    this.identity = new EmailIdentity(this, 'Identity', { identity: Identity.domain(props.config.domain) });

    this.webhookSecret = new Secret(this, 'WebhookSecret', {
      description: 'Signoff: Standard Webhooks signing key (the whsec_ prefix is added by the intake function).',
      generateSecretString: { passwordLength: 32, excludePunctuation: true },
      removalPolicy,
    });
    this.apiToken = new Secret(this, 'ApiToken', {
      description: 'Signoff: bearer token for status and audit reads.',
      generateSecretString: { passwordLength: 40, excludePunctuation: true },
      removalPolicy,
    });
    this.auditorToken = new Secret(this, 'AuditorToken', {
      description: 'Signoff: bearer token for audit exports (GET /v1/audit/export).',
      generateSecretString: { passwordLength: 40, excludePunctuation: true },
      removalPolicy,
    });
    for (const secret of [this.webhookSecret, this.apiToken, this.auditorToken]) {
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'Rotated by the operator with the documented two-step procedure (docs/deploy.md): senders must receive the new webhook secret at the same time, which automatic rotation cannot coordinate.',
      });
    }
  }
}
