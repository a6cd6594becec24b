import { fileURLToPath } from 'node:url';
import { Duration, Validations, type RemovalPolicy } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { TableSpec } from '../lambdas/adapters/tables.js';

// The one way Signoff builds a Lambda function: runtime, architecture, tracing, a log group with
// retention, memory, timeout and bundling are fixed here, never copied between functions.

const projectRoot = fileURLToPath(new URL('../', import.meta.url));

export interface SignoffFunctionProps {
  /** Handler file relative to the project root, e.g. `lambdas/intake.ts`. */
  readonly entry: string;
  /** Directory file (relative to the project root) bundled beside the handler. */
  readonly directoryFile: string;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  readonly timeout?: Duration;
  /**
   * Invoked asynchronously (e.g. by an SES receipt rule): failed events go to an encrypted dead-letter
   * queue after Lambda's two retries. Synchronously invoked functions have no use for one.
   */
  readonly asyncInvoked?: boolean;
}

/**
 * 'append' is for the audit trail: read, and add items with a conditional PutItem (lambdas/adapters/dynamo.ts
 * putIfAbsent), but never UpdateItem, DeleteItem or BatchWriteItem. IAM cannot require the condition itself; an
 * unconditional PutItem over an existing event would still break the hash chain and the signed checkpoints.
 */
export type TableAccess = 'read' | 'append' | 'readWrite';

/** What Table.grantReadData and grantReadWriteData allow. */
const TABLE_READ = [
  'dynamodb:BatchGetItem',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:Query',
  'dynamodb:GetItem',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];
const TABLE_WRITE = ['dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];

export class SignoffFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: SignoffFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: props.logRetention, removalPolicy: props.removalPolicy });
    const deadLetterQueue = props.asyncInvoked
      ? new Queue(scope, `${id}DeadLetters`, {
          encryption: QueueEncryption.SQS_MANAGED,
          enforceSSL: true,
          retentionPeriod: Duration.days(14),
        })
      : undefined;
    if (deadLetterQueue !== undefined) {
      for (const id of ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy']) {
        Validations.of(deadLetterQueue).acknowledge({
          id,
          reason:
            'This queue is itself the last stop for failed asynchronous invocations of one function; nothing reads it automatically, and the error alarm watches the function.',
        });
      }
    }
    super(scope, id, {
      ...(deadLetterQueue !== undefined ? { deadLetterQueue, onFailure: new SqsDestination(deadLetterQueue), retryAttempts: 2 } : {}),
      entry: fileURLToPath(new URL(props.entry, `file://${projectRoot}`)),
      handler: 'handler',
      projectRoot,
      depsLockFilePath: `${projectRoot}package-lock.json`,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      tracing: Tracing.ACTIVE,
      memorySize: 512,
      timeout: props.timeout ?? Duration.seconds(30),
      logGroup,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'signoff',
        POWERTOOLS_METRICS_NAMESPACE: 'Signoff',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        SIGNOFF_DIRECTORY: '/var/task/directory.json',
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        mainFields: ['module', 'main'],
        // Bundle the AWS SDK too (measured in docs/decisions.md): one minified file loads faster than the
        // runtime's unbundled SDK, and the version is the one the tests ran against.
        externalModules: [],
        // ESM bundles still meet CommonJS dependencies that call require().
        banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          // The directory travels with the code: one immutable version per deployment.
          afterBundling: (inputDir: string, outputDir: string) => [`cp "${inputDir}/${props.directoryFile}" "${outputDir}/directory.json"`],
        },
      },
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'The basic execution role only lets the function write its own logs; the log group is created with retention beside it.',
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) has no resource-level permissions; AWS requires "*".',
    });
    if (deadLetterQueue === undefined) {
      Validations.of(this).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          'Invoked synchronously only (API Gateway or Step Functions), where a DLQ never receives anything; failures surface to the caller, to the state machine Retry/Catch and to the error alarms.',
      });
    }
  }

  /**
   * Sets the table's environment variable and grants access together, so neither is forgotten. The grant names
   * the table and each of its indexes (lambdas/adapters/tables.ts): grantReadData would add `index/*`, a wildcard.
   */
  bindTable(spec: TableSpec, table: Table, access: TableAccess): this {
    this.addEnvironment(spec.envVar, table.tableName);
    this.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: { read: TABLE_READ, append: [...TABLE_READ, 'dynamodb:PutItem'], readWrite: [...TABLE_READ, ...TABLE_WRITE] }[access],
        resources: [table.tableArn, ...(spec.indexes ?? []).map((index) => `${table.tableArn}/index/${index.name}`)],
      }),
    );
    return this;
  }

  /** Sets `<NAME>_ARN` and grants reading the secret (lambdas/adapters/secrets.ts reads it). */
  bindSecret(name: string, secret: Secret): this {
    this.addEnvironment(`${name}_ARN`, secret.secretArn);
    secret.grantRead(this);
    return this;
  }
}
