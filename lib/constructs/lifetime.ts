import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { DeployConfig } from '../config.js';

/** How long the stateless stack keeps its logs, and whether its log groups, queues and keys outlive it. */
export interface Lifetime {
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

const RETENTION: Readonly<Record<DeployConfig['logRetentionDays'], RetentionDays>> = {
  30: RetentionDays.ONE_MONTH,
  90: RetentionDays.THREE_MONTHS,
  180: RetentionDays.SIX_MONTHS,
  365: RetentionDays.ONE_YEAR,
};

/** Logs kept as configured; in prod nothing is destroyed with the stack. */
export function lifetimeOf(config: Pick<DeployConfig, 'logRetentionDays' | 'stage'>): Lifetime {
  return {
    logRetention: RETENTION[config.logRetentionDays],
    removalPolicy: config.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  };
}
