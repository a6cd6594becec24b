import { RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { DeployConfig } from './config.js';
import { bucketRef } from './jsii-bridge.js';
import { dataBucketName } from './names.js';
import { tables, type TableSpec } from './tables.js';

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

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const prod = props.config.stage === 'prod';
    const removalPolicy = prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const built = new Map<TableSpec['envVar'], Table>();
    for (const spec of tables) {
      const table = new Table(this, spec.envVar, {
        partitionKey: { name: spec.partitionKey.name, type: spec.partitionKey.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER },
        ...(spec.sortKey ? { sortKey: { name: spec.sortKey.name, type: spec.sortKey.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER } } : {}),
        billingMode: BillingMode.PAY_PER_REQUEST,
        encryption: TableEncryption.AWS_MANAGED,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: prod,
        removalPolicy,
        ...(spec.envVar === 'APPROVALS_TABLE' ? { timeToLiveAttribute: TTL_ATTRIBUTE } : {}),
      });
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
    for (const secret of [this.webhookSecret, this.apiToken]) {
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: 'Rotated by the operator with the documented two-step procedure (docs/deploy.md): senders must receive the new webhook secret at the same time, which automatic rotation cannot coordinate.',
      });
    }
  }
}
