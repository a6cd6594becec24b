import { Validations, type Stack } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { SignoffFunction } from '../signoff-function.js';

// Phase 5, audit checkpoints: every hour, six minutes past (an hour is sealed five minutes after it ends).

export interface AuditCheckpointsProps {
  /** The audit-checkpoint function. */
  readonly checkpoint: SignoffFunction;
}

export class AuditCheckpoints {
  readonly schedule: Rule;

  /** Builds in the stack's own scope (lib/stateless-stack.ts says why). */
  constructor(stack: Stack, props: AuditCheckpointsProps) {
    this.schedule = new Rule(stack, 'AuditCheckpointSchedule', {
      description: 'Seal the audit trail of each hour that ended with a signed checkpoint.',
      schedule: Schedule.cron({ minute: '6' }),
      targets: [new LambdaFunction(props.checkpoint)],
    });
    Validations.of(this.schedule).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason:
        "A missed run loses nothing: the next hourly run seals every hour not yet sealed, and a failing run raises the function's error alarm.",
    });
  }
}
