import { taskContracts } from './core/request/task-payloads.js';
import { optionalEnv, requireEnv, withoutTrailingSlashes } from './shared/env.js';
import { deadlineOf, taskHandler } from './shared/middleware.js';
import { approvals, audit, mail, requests } from './use-cases/default-ports.js';
import { directory } from './use-cases/registry-view.js';
import { requestApproval, type RequestApprovalPorts } from './use-cases/request-approval.js';

// RequestApproval (.waitForTaskToken): asks, reminds or escalates a stage (lambdas/use-cases/request-approval.ts).
const ports: RequestApprovalPorts = {
  requests,
  approvals,
  audit,
  mail,
  directory,
  mailFrom: optionalEnv('SIGNOFF_MAIL_FROM', `signoff@${directory.domain}`),
  baseUrl: withoutTrailingSlashes(requireEnv('PUBLIC_BASE_URL')),
};

export const handler = taskHandler(taskContracts['request-approval'], (task, context) => requestApproval(task, ports, deadlineOf(context)));
