import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { parseDeployConfig } from './config.js';
import { StatefulStack } from './stateful-stack.js';
import { StatelessStack } from './stateless-stack.js';

export interface SignoffApp {
  readonly app: App;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

/** Feature flags the stacks rely on, set here so tests and `cdk synth` build the same thing. */
const FEATURE_FLAGS: Readonly<Record<string, unknown>> = {
  // Strong cross-stack references, stated explicitly: the stateless stack cannot remove an export the
  // stateful stack still provides, which is the protection we want between the two.
  '@aws-cdk/core:defaultCrossStackReferences': 'strong',
  // Server access logs delivered by bucket policy, not the deprecated LogDeliveryWrite ACL.
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
};

/** Builds the whole app: the stateful stack, the stateless one over it, and cdk-nag on every synth. */
export function buildApp(app: App = new App()): SignoffApp {
  for (const [flag, value] of Object.entries(FEATURE_FLAGS)) {
    if (app.node.tryGetContext(flag) === undefined) app.node.setContext(flag, value);
  }
  const config = parseDeployConfig(app.node.tryGetContext('signoff'));
  const account = process.env['CDK_DEFAULT_ACCOUNT'];
  const region = process.env['CDK_DEFAULT_REGION'];
  // Environment-agnostic when synthesised without credentials (offline), bound to the account when deploying.
  const env = { ...(account ? { account } : {}), ...(region ? { region } : {}) };
  const stateful = new StatefulStack(app, 'SignoffStateful', {
    env,
    config,
    description: 'Signoff: tables, bucket, mail identity, secrets',
  });
  const stateless = new StatelessStack(app, 'SignoffStateless', {
    env,
    config,
    stateful,
    description: 'Signoff: functions, API, state machine, alarms',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, stateful, stateless };
}
