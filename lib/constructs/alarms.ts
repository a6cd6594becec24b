import { Duration, Validations, type RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { DeployConfig } from '../config.js';
import type { Functions } from './functions.js';

// Phase 6, alarms: failed or timed-out executions, and every function's errors and throttles, to an encrypted topic
// the operators subscribe to by e-mail.

export interface AlarmsProps {
  readonly functions: Functions;
  readonly stateMachine: StateMachine;
  readonly config: Pick<DeployConfig, 'alarmEmail'>;
  readonly removalPolicy: RemovalPolicy;
}

export class Alarms {
  readonly topic: Topic;

  /** Builds in the stack's own scope (lib/stateless-stack.ts says why). */
  constructor(stack: Stack, props: AlarmsProps) {
    const topic = new Topic(stack, 'Alarms', {
      masterKey: new Key(stack, 'AlarmsKey', { enableKeyRotation: true, removalPolicy: props.removalPolicy }),
      enforceSSL: true,
    });
    this.topic = topic;
    topic.addSubscription(new EmailSubscription(props.config.alarmEmail));
    Validations.of(topic).acknowledge({
      id: 'Serverless-SNSRedrivePolicy',
      reason:
        "The only subscription is the operators' e-mail address; an undeliverable alarm stays visible in CloudWatch (alarm state and history), which a dead-letter queue would only duplicate.",
    });
    const alarm = (id: string, metric: IMetric, description: string) =>
      new Alarm(stack, id, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      }).addAlarmAction(new SnsAction(topic));
    alarm(
      'ExecutionsFailed',
      props.stateMachine.metricFailed({ period: Duration.minutes(5) }),
      'An approval execution failed after its retries.',
    );
    alarm('ExecutionsTimedOut', props.stateMachine.metricTimedOut({ period: Duration.minutes(5) }), 'An approval execution timed out.');
    for (const [name, fn] of props.functions.byName) {
      // Named after the function's construct id: `MailIntake` → `MailIntakeErrors`, `MailIntakeThrottles`.
      alarm(`${fn.node.id}Errors`, fn.metricErrors({ period: Duration.minutes(5) }), `${name} raised errors.`);
      alarm(`${fn.node.id}Throttles`, fn.metricThrottles({ period: Duration.minutes(5) }), `${name} was throttled.`);
    }
  }
}
