import { taskContracts } from './core/request/task-payloads.js';
import { optionalEnv, requireEnv, withoutTrailingSlashes } from './shared/env.js';
import { deadlineOf, taskHandler } from './shared/middleware.js';
import { approvals, audit, mail, requests } from './use-cases/default-ports.js';
import { recordSubmission, type RecordSubmissionPorts } from './use-cases/record-submission.js';
import { directory } from './use-cases/registry-view.js';

// RecordSubmission (the workflow's first state): lambdas/use-cases/record-submission.ts.
const ports: RecordSubmissionPorts = {
  requests,
  approvals,
  audit,
  mail,
  directory,
  mailFrom: optionalEnv('SIGNOFF_MAIL_FROM', `signoff@${directory.domain}`),
  baseUrl: withoutTrailingSlashes(requireEnv('PUBLIC_BASE_URL')),
};

export const handler = taskHandler(taskContracts['record-submission'], (task, context) =>
  recordSubmission(task, ports, deadlineOf(context)),
);
