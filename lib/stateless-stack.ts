import { Stack, type StackProps } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { FunctionName } from '../manifest.js';
import type { DeployConfig } from './config.js';
import { Alarms } from './constructs/alarms.js';
import { Api } from './constructs/api.js';
import { AuditCheckpoints } from './constructs/audit-checkpoints.js';
import { Functions } from './constructs/functions.js';
import { lifetimeOf } from './constructs/lifetime.js';
import { MailReceipt } from './constructs/mail-receipt.js';
import { Workflow } from './constructs/workflow.js';
import { bucketRef } from './jsii-bridge.js';
import { dataBucketName } from './names.js';
import type { SignoffFunction } from './signoff-function.js';
import type { StatefulStack } from './stateful-stack.js';

// The code: functions, the state machine (the same ASL file the local runtime runs), the HTTP API, mail receipt,
// audit checkpoints and alarms. Everything here can be replaced on any deployment without touching data.
//
// Built phase by phase (lib/constructs/), each phase taking the outputs of the earlier ones as typed props. A phase
// builds its resources in this stack's own scope, not under a construct of its own: a construct would add its id to
// every logical id (and to the route ids the Lambda permissions are named after), so CloudFormation would replace
// every function, role, alarm and route of a deployed stack. test/lib/logical-ids.test.ts pins the logical ids.

export interface StatelessStackProps extends StackProps {
  readonly config: DeployConfig;
  readonly stateful: StatefulStack;
}

export class StatelessStack extends Stack {
  readonly functions: ReadonlyMap<FunctionName, SignoffFunction>;
  readonly stateMachine: StateMachine;
  readonly api: HttpApi;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config, stateful } = props;
    const lifetime = lifetimeOf(config);
    // The data bucket by its agreed name (lib/names.ts), so nothing here needs a cross-stack export for it.
    const bucketName = dataBucketName(config.stage, this.account, this.region);

    const functions = new Functions(this, {
      config,
      lifetime,
      tables: stateful.tables,
      secrets: {
        SIGNOFF_WEBHOOK_SECRET: stateful.webhookSecret,
        SIGNOFF_API_TOKEN: stateful.apiToken,
        SIGNOFF_AUDITOR_TOKEN: stateful.auditorToken,
      },
      auditSigningKey: stateful.auditSigningKey,
      dataBucketName: bucketName,
    });
    const workflow = new Workflow(this, { functions, lifetime });
    const api = new Api(this, { functions, lifetime, config });
    new MailReceipt(this, { intake: functions.get('mail-intake'), config, bucket: bucketRef(stateful.bucket), bucketName });
    new AuditCheckpoints(this, { checkpoint: functions.get('audit-checkpoint') });
    new Alarms(this, { functions, stateMachine: workflow.stateMachine, config, removalPolicy: lifetime.removalPolicy });

    this.functions = functions.byName;
    this.stateMachine = workflow.stateMachine;
    this.api = api.httpApi;
  }
}
