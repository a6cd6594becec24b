import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricsOptions } from '@aws-lambda-powertools/metrics/types';
import type { Decision, StagePhase } from '../core/model.js';
import { logger } from './logger.js';

// CloudWatch metrics in the embedded metric format (EMF): one JSON line on the function's standard output, which
// CloudWatch Logs turns into metrics. Namespace and service come from POWERTOOLS_METRICS_NAMESPACE and
// POWERTOOLS_SERVICE_NAME, set by lib/signoff-function.ts on AWS and by bin/local.ts locally, where the lines go to the
// local process's output the same way. Each count is published on its own (`singleMetric`), so one invocation can
// count several events with different dimensions; the middy chain (middleware.ts) adds the cold-start metric.

const NOTHING_TO_PUBLISH = 'No application metrics to publish';

/** Powertools' own notices go to the structured logger; "nothing to publish", true of most invocations, at debug. */
const notices: NonNullable<MetricsOptions['logger']> = {
  debug: (...content: unknown[]) => logger.debug(content.map(String).join(' ')),
  info: (...content: unknown[]) => logger.info(content.map(String).join(' ')),
  warn: (...content: unknown[]) => {
    const text = content.map(String).join(' ');
    if (text.startsWith(NOTHING_TO_PUBLISH)) logger.debug(text);
    else logger.warn(text);
  },
  error: (...content: unknown[]) => logger.error(content.map(String).join(' ')),
};

export const metrics = new Metrics({ logger: notices });

/** Where a submission came in. */
export type IntakeChannel = 'webhook' | 'mail';

/** Every kind of mail Signoff sends. */
export type MailKind = 'acknowledgement' | 'outcome' | 'account-registered' | `approval-${StagePhase}` | 'mail-reply';

function count(name: string, dimensions: Readonly<Record<string, string>>): void {
  const single = metrics.singleMetric();
  for (const [key, value] of Object.entries(dimensions)) single.addDimension(key, value);
  single.addMetric(name, MetricUnit.Count, 1);
}

/** A decision recorded on a stage (approve, reject, request-changes). */
export function countDecision(decision: Decision): void {
  count('DecisionRecorded', { decision });
}

/**
 * A submission refused at intake: over the webhook, `reason` is the HTTP status answered (400, 401, 409, 413…); by
 * mail, the refusal (`too-many-parts`, `unparseable`, `sender-not-established`), `answered` (the sender was told why not)
 * or `dropped` (not answered: a spam or virus verdict, or a sender not in the directory).
 */
export function countIntakeRefusal(channel: IntakeChannel, reason: string): void {
  count('IntakeRefused', { channel, reason });
}

/**
 * A workflow task that failed (threw): `error` is the error's name (`ThrottlingException`, `SendInFlightError`,
 * `ConcurrentUpdateError`…), what the state machine retries or catches on. A fault that the retries absorb shows here
 * and nowhere else a request's reader looks (issue #13).
 */
export function countTaskFailed(error: string): void {
  count('TaskFailed', { error });
}

/** A mail sent (SES accepted it). */
export function countMailSent(kind: MailKind): void {
  count('MailSent', { kind });
}
