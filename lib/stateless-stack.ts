import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Token, Validations, type CfnResource, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { type CfnStage, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ReceiptRuleSet } from 'aws-cdk-lib/aws-ses';
import { Lambda as LambdaAction, LambdaInvocationType, S3 as S3Action } from 'aws-cdk-lib/aws-ses-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { allFunctions, apiRoutes, eventFunctions, workflowFunctions, type FunctionName } from '../manifest.js';
import { definitionPath } from '../statemachines/functions.js';
import type { DeployConfig } from './config.js';
import { bucketRef } from './jsii-bridge.js';
import { INBOUND_PREFIX, auditBucketName, dataBucketName, nagRendering } from './names.js';
import { SignoffFunction, type TableAccess } from './signoff-function.js';
import type { StatefulStack } from './stateful-stack.js';
import { tables, type TableSpec } from '../lambdas/adapters/tables.js';

// The code: functions, the HTTP API, the state machine (the same ASL file the local runtime runs),
// mail receipt and alarms. Everything here can be replaced on any deployment without touching data.

interface Access {
  /** The audit trail is never 'readWrite': functions only append to it (TableAccess). */
  readonly tables: Partial<Record<Exclude<TableSpec['envVar'], 'AUDIT_TABLE'>, TableAccess>> & { readonly AUDIT_TABLE?: Exclude<TableAccess, 'readWrite'> };
  readonly secrets?: ReadonlyArray<'SIGNOFF_WEBHOOK_SECRET' | 'SIGNOFF_API_TOKEN' | 'SIGNOFF_AUDITOR_TOKEN'>;
  /** Object prefixes it writes in the audit bucket (Object Lock: a write adds a version, nothing is overwritten). */
  readonly auditArchive?: readonly string[];
  /** Signs audit checkpoints with the KMS key. */
  readonly signsAudit?: true;
  /** Sends e-mail through SES, from the institution's identity only. */
  readonly sendsMail?: true;
  /** Starts approval executions (the intake functions, new versions). */
  readonly startsExecutions?: true;
  /** Stops approval executions (withdrawal). */
  readonly stopsExecutions?: true;
  /** Object prefixes in the data bucket it reads and writes. */
  readonly bucket?: { readonly read?: readonly string[]; readonly write?: readonly string[] };
}

/**
 * Least privilege, per function, in one table (docs/deploy.md explains each line).
 *
 * ACCOUNTS_TABLE is 'readWrite' for every function that reads the registry (lambdas/use-cases/registry-view.ts
 * `directoryWithRegistry`, lambdas/accounts.ts): whichever of them runs first after a deployment seeds the
 * registry from the directory file (lambdas/adapters/registry.ts), with conditional puts only. Only
 * register-account adds accounts after that.
 *
 * APPROVALS_TABLE is 'append' for the signed routes (intake, versions, withdraw): they remember each accepted
 * webhook-id there with a conditional put and read it back on a retry (lambdas/adapters/approvals.ts).
 */
export const functionAccess: Readonly<Record<FunctionName, Access>> = {
  intake: { tables: { REQUESTS_TABLE: 'readWrite', APPROVALS_TABLE: 'append', AUDIT_TABLE: 'append', ACCOUNTS_TABLE: 'readWrite' }, secrets: ['SIGNOFF_WEBHOOK_SECRET'], startsExecutions: true },
  'mail-intake': {
    tables: { REQUESTS_TABLE: 'readWrite', APPROVALS_TABLE: 'readWrite', AUDIT_TABLE: 'append', ACCOUNTS_TABLE: 'readWrite' },
    startsExecutions: true,
    sendsMail: true,
    bucket: { read: ['inbound/*'], write: ['media/*'] },
  },
  media: { tables: {}, bucket: { read: ['media/*'] } },
  versions: { tables: { REQUESTS_TABLE: 'readWrite', APPROVALS_TABLE: 'append', AUDIT_TABLE: 'append', ACCOUNTS_TABLE: 'readWrite' }, secrets: ['SIGNOFF_WEBHOOK_SECRET'], startsExecutions: true },
  withdraw: { tables: { REQUESTS_TABLE: 'readWrite', APPROVALS_TABLE: 'append', AUDIT_TABLE: 'append' }, secrets: ['SIGNOFF_WEBHOOK_SECRET'], stopsExecutions: true },
  'withdraw-link': { tables: { APPROVALS_TABLE: 'read', REQUESTS_TABLE: 'readWrite', AUDIT_TABLE: 'append' }, stopsExecutions: true },
  'request-status': { tables: { REQUESTS_TABLE: 'read', ACCOUNTS_TABLE: 'readWrite' }, secrets: ['SIGNOFF_API_TOKEN'] },
  // A read API, but the first read ever may be the one that seeds the registry (see above).
  accounts: { tables: { ACCOUNTS_TABLE: 'readWrite' }, secrets: ['SIGNOFF_API_TOKEN'] },
  'request-audit': { tables: { AUDIT_TABLE: 'read' }, secrets: ['SIGNOFF_API_TOKEN'] },
  'audit-export': { tables: { AUDIT_TABLE: 'read', REQUESTS_TABLE: 'read' }, secrets: ['SIGNOFF_AUDITOR_TOKEN'], auditArchive: ['exports/*'] },
  'audit-checkpoint': { tables: { AUDIT_TABLE: 'append' }, signsAudit: true, auditArchive: ['checkpoints/*'] },
  review: { tables: { APPROVALS_TABLE: 'read', REQUESTS_TABLE: 'readWrite', AUDIT_TABLE: 'append', ACCOUNTS_TABLE: 'readWrite' } },
  'record-submission': { tables: { REQUESTS_TABLE: 'readWrite', APPROVALS_TABLE: 'readWrite', AUDIT_TABLE: 'append' }, sendsMail: true },
  'run-checks': { tables: { REQUESTS_TABLE: 'readWrite', AUDIT_TABLE: 'append', ACCOUNTS_TABLE: 'readWrite' } },
  'plan-route': { tables: { REQUESTS_TABLE: 'readWrite', AUDIT_TABLE: 'append', ACCOUNTS_TABLE: 'readWrite' } },
  'advance-stage': { tables: { REQUESTS_TABLE: 'readWrite', AUDIT_TABLE: 'append' } },
  'request-approval': { tables: { REQUESTS_TABLE: 'readWrite', APPROVALS_TABLE: 'readWrite', AUDIT_TABLE: 'append', ACCOUNTS_TABLE: 'readWrite' }, sendsMail: true },
  // An approved account opening enters the registry (GOVERNANCE.md §6); its administrators and the social-media manager are told.
  'register-account': { tables: { REQUESTS_TABLE: 'readWrite', ACCOUNTS_TABLE: 'readWrite', AUDIT_TABLE: 'append' }, sendsMail: true },
  'notify-submitter': { tables: { REQUESTS_TABLE: 'readWrite', AUDIT_TABLE: 'append' }, sendsMail: true },
};

export interface StatelessStackProps extends StackProps {
  readonly config: DeployConfig;
  readonly stateful: StatefulStack;
}

/** Where SES stores raw inbound mail in the data bucket; mail-intake reads `<prefix><SES message id>`. */

const RETENTION: Readonly<Record<DeployConfig['logRetentionDays'], RetentionDays>> = {
  30: RetentionDays.ONE_MONTH,
  90: RetentionDays.THREE_MONTHS,
  180: RetentionDays.SIX_MONTHS,
  365: RetentionDays.ONE_YEAR,
};

export class StatelessStack extends Stack {
  readonly functions: ReadonlyMap<FunctionName, SignoffFunction>;
  readonly stateMachine: StateMachine;
  readonly api: HttpApi;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config, stateful } = props;
    const retention = RETENTION[config.logRetentionDays];
    const removalPolicy = config.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    // Functions, each with exactly the access of its line in functionAccess.
    const entries: Array<[FunctionName, string]> = allFunctions.map((f) => [f.name, f.entry]);
    // The data bucket by its agreed name (lib/names.ts), so policies here need no cross-stack export.
    const bucketName = dataBucketName(config.stage, this.account, this.region);
    const bucketArn = `arn:${this.partition}:s3:::${bucketName}`;
    const bucketArnForNag = `arn:${nagRendering(this.partition, 'AWS::Partition')}:s3:::${dataBucketName(config.stage, nagRendering(this.account, 'AWS::AccountId'), nagRendering(this.region, 'AWS::Region'))}`;
    const auditName = auditBucketName(config.stage, this.account, this.region);
    const auditArnForNag = `arn:${nagRendering(this.partition, 'AWS::Partition')}:s3:::${auditBucketName(config.stage, nagRendering(this.account, 'AWS::AccountId'), nagRendering(this.region, 'AWS::Region'))}`;
    const functions = new Map<FunctionName, SignoffFunction>();
    for (const [name, entry] of entries) {
      const fn = new SignoffFunction(this, pascal(name), {
        entry,
        directoryFile: config.directoryFile,
        logRetention: retention,
        removalPolicy,
        asyncInvoked: eventFunctions.some((f) => f.name === name),
      });
      const access = functionAccess[name];
      for (const spec of tables) {
        const level = access.tables[spec.envVar];
        const table = stateful.tables.get(spec.envVar);
        if (level !== undefined && table !== undefined) fn.bindTable(spec, table, level);
      }
      const secrets = { SIGNOFF_WEBHOOK_SECRET: stateful.webhookSecret, SIGNOFF_API_TOKEN: stateful.apiToken, SIGNOFF_AUDITOR_TOKEN: stateful.auditorToken } as const;
      for (const secret of access.secrets ?? []) fn.bindSecret(secret, secrets[secret]);
      if (access.auditArchive !== undefined) {
        // By its agreed name, like the data bucket: no cross-stack export.
        fn.addEnvironment('AUDIT_BUCKET', auditName);
        fn.addToRolePolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:PutObject'], resources: access.auditArchive.map((p) => `arn:${this.partition}:s3:::${auditName}/${p}`) }));
        for (const prefix of access.auditArchive) {
          Validations.of(fn).acknowledge({
            id: `AwsSolutions-IAM5[Resource::${auditArnForNag}/${prefix}]`,
            reason: `Audit copies under ${prefix.replace('*', '')} are named by hour or export id at run time; Object Lock keeps every version written.`,
          });
        }
      }
      if (access.signsAudit) {
        fn.addEnvironment('SIGNOFF_AUDIT_KMS_KEY_ID', stateful.auditSigningKey.keyArn);
        stateful.auditSigningKey.grant(fn, 'kms:Sign', 'kms:GetPublicKey');
      }
      if (access.sendsMail) {
        fn.addEnvironment('SIGNOFF_MAIL_FROM', config.senderAddress);
        fn.addToRolePolicy(
          new PolicyStatement({
            effect: Effect.ALLOW,
            actions: ['ses:SendEmail'],
            resources: [`arn:${this.partition}:ses:${this.region}:${this.account}:identity/${config.domain}`],
            conditions: { StringEquals: { 'ses:FromAddress': config.senderAddress } },
          }),
        );
      }
      if (access.bucket !== undefined) {
        // Object-level actions on named prefixes only (not grantRead's s3:List*/GetBucket*).
        fn.addEnvironment('MEDIA_BUCKET', bucketName);
        const objects = (prefixes: readonly string[] | undefined) => (prefixes ?? []).map((p) => `${bucketArn}/${p}`);
        if (access.bucket.read) fn.addToRolePolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:GetObject'], resources: objects(access.bucket.read) }));
        if (access.bucket.write) fn.addToRolePolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['s3:PutObject'], resources: objects(access.bucket.write) }));
        for (const prefix of [...(access.bucket.read ?? []), ...(access.bucket.write ?? [])]) {
          Validations.of(fn).acknowledge({
            id: `AwsSolutions-IAM5[Resource::${bucketArnForNag}/${prefix}]`,
            reason: `Objects under ${prefix.replace('*', '')} are named at run time (SES message ids, content hashes); the grant is limited to that prefix.`,
          });
        }
      }
      functions.set(name, fn);
    }
    this.functions = functions;
    const fn = (name: FunctionName): SignoffFunction => {
      const found = functions.get(name);
      if (found === undefined) throw new Error(`no function ${name}`);
      return found;
    };

    // The state machine from the ASL file; substitutions and invoke grants from the same list.
    const stateMachineLogs = new LogGroup(this, 'StateMachineLogs', { retention, removalPolicy });
    this.stateMachine = new StateMachine(this, 'Approval', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromFile(fileURLToPath(definitionPath)),
      definitionSubstitutions: Object.fromEntries(workflowFunctions.map((f) => [f.substitution, fn(f.name).functionArn])),
      logs: { destination: stateMachineLogs, level: LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    for (const f of workflowFunctions) {
      const target = fn(f.name);
      target.grantInvoke(this.stateMachine);
      Validations.of(this.stateMachine).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(target.node.defaultChild as CfnResource)}.Arn>:*]`,
        reason: `grantInvoke also allows the versions and aliases of ${f.name} (its ARN followed by ":*"); the state machine calls the unqualified ARN.`,
      });
    }
    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray tracing and CloudWatch Logs delivery (logs:CreateLogDelivery and the other log-delivery actions) have no resource-level permissions; AWS requires "*".',
    });
    for (const [name, access] of Object.entries(functionAccess) as Array<[FunctionName, Access]>) {
      if (access.startsExecutions) {
        this.stateMachine.grantStartExecution(fn(name));
        fn(name).addEnvironment('STATE_MACHINE_ARN', this.stateMachine.stateMachineArn);
      }
      if (access.stopsExecutions) {
        this.stateMachine.grantExecution(fn(name), 'states:StopExecution');
        Validations.of(fn(name)).acknowledge({
          // cdk-nag prints the state machine's name as the intrinsic that extracts it from the ARN.
          // cdk-nag renders the region and account as the template has them: a literal when the stack's env names
          // one (the CLI fills CDK_DEFAULT_REGION), a pseudo parameter when it is environment-agnostic.
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${Token.isUnresolved(this.region) ? '<AWS::Region>' : this.region}:${Token.isUnresolved(this.account) ? '<AWS::AccountId>' : this.account}:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${this.getLogicalId(this.stateMachine.node.defaultChild as CfnResource)}"}]}]}:*]`,
          reason: 'A withdrawal stops the execution of its request, whose name is only known at run time; the grant covers executions of this one state machine.',
        });
      }
    }
    this.stateMachine.grantTaskResponse(fn('review'));

    // The HTTP API: routes as DESIGN.md lists them, access logs and throttling on the stage.
    this.api = new HttpApi(this, 'Api', { createDefaultStage: false, description: 'Signoff public API' });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention, removalPolicy });
    const stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      // JSON, and the route template rather than the path: a review link's id never reaches a log.
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            sourceIp: '$context.identity.sourceIp',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    const routes = apiRoutes.flatMap((r) =>
      this.api.addRoutes({ path: r.path, methods: r.methods.map((m) => HttpMethod[m]), integration: new HttpLambdaIntegration(`${pascal(r.function)}Integration`, fn(r.function)) }),
    );
    // Per-route throttles (API Gateway's RouteSettings, keyed "METHOD /path"), sized to each route's use; the
    // stage default above covers anything not listed. A route setting may only name a route that exists.
    stage.node.addDependency(...routes);
    (stage.node.defaultChild as CfnStage).routeSettings = Object.fromEntries(
      apiRoutes.flatMap((r) => r.methods.map((m) => [`${m} ${r.path}`, { ThrottlingRateLimit: r.throttle.rate, ThrottlingBurstLimit: r.throttle.burst }])),
    );
    for (const name of ['request-approval', 'record-submission', 'mail-intake'] as const) fn(name).addEnvironment('PUBLIC_BASE_URL', config.publicBaseUrl ?? this.api.apiEndpoint);
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'Each route authenticates in its function: intake by Standard Webhooks HMAC signature, reads by bearer token (Secrets Manager), review links by a 256-bit single-approver link id. An API Gateway authorizer cannot verify a body signature.',
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-COG4',
      reason: 'No Cognito: approvers are institutional staff reached by e-mail links, and callers are systems signing webhooks.',
    });

    // Incoming mail: SES receipt → S3 (raw MIME) → mail-intake, with SES's spam and virus scan on. Verdicts are
    // judged by mail-intake (a SES drop-spam rule would add a Lambda of CDK's own). The rule set must be made
    // active once by hand (docs/deploy.md).
    fn('mail-intake').addEnvironment('INBOUND_BUCKET', bucketName);
    fn('mail-intake').addEnvironment('INBOUND_PREFIX', INBOUND_PREFIX);
    fn('mail-intake').addEnvironment('SIGNOFF_MAIL_FROM', config.senderAddress);
    new ReceiptRuleSet(this, 'Inbound', {
      rules: [
        {
          recipients: [config.domain],
          scanEnabled: true,
          actions: [
            new S3Action({ bucket: bucketRef(stateful.bucket), objectKeyPrefix: INBOUND_PREFIX }),
            new LambdaAction({ function: fn('mail-intake'), invocationType: LambdaInvocationType.EVENT }),
          ],
        },
      ],
    });

    // Audit checkpoints: every hour, six minutes past (an hour is sealed five minutes after it ends).
    const checkpointSchedule = new Rule(this, 'AuditCheckpointSchedule', {
      description: 'Seal the audit trail of each hour that ended with a signed checkpoint.',
      schedule: Schedule.cron({ minute: '6' }),
      targets: [new LambdaFunction(fn('audit-checkpoint'))],
    });
    Validations.of(checkpointSchedule).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason: 'A missed run loses nothing: the next hourly run seals every hour not yet sealed, and a failing run raises the function\'s error alarm.',
    });

    // Alarms: failed or timed-out executions, and every function's errors and throttles.
    const topic = new Topic(this, 'Alarms', { masterKey: new Key(this, 'AlarmsKey', { enableKeyRotation: true, removalPolicy }), enforceSSL: true });
    topic.addSubscription(new EmailSubscription(config.alarmEmail));
    Validations.of(topic).acknowledge({
      id: 'Serverless-SNSRedrivePolicy',
      reason: 'The only subscription is the operators\' e-mail address; an undeliverable alarm stays visible in CloudWatch (alarm state and history), which a dead-letter queue would only duplicate.',
    });
    const alarm = (id: string, metric: IMetric, description: string) =>
      new Alarm(this, id, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      }).addAlarmAction(new SnsAction(topic));
    alarm('ExecutionsFailed', this.stateMachine.metricFailed({ period: Duration.minutes(5) }), 'An approval execution failed after its retries.');
    alarm('ExecutionsTimedOut', this.stateMachine.metricTimedOut({ period: Duration.minutes(5) }), 'An approval execution timed out.');
    for (const [name, f] of functions) {
      alarm(`${pascal(name)}Errors`, f.metricErrors({ period: Duration.minutes(5) }), `${name} raised errors.`);
      alarm(`${pascal(name)}Throttles`, f.metricThrottles({ period: Duration.minutes(5) }), `${name} was throttled.`);
    }
  }
}

function pascal(name: string): string {
  return name.replace(/(^|-)(\w)/g, (_m, _d: string, c: string) => c.toUpperCase());
}
