import { taskContracts } from './core/request/task-payloads.js';
import { optionalEnv } from './shared/env.js';
import { deadlineOf, taskHandler } from './shared/middleware.js';
import { audit, mail, requests } from './use-cases/default-ports.js';
import { notifySubmitter, type NotifySubmitterPorts } from './use-cases/notify-submitter.js';
import { directory } from './use-cases/registry-view.js';

// NotifySubmitter: records how the request ended and tells the submitter, exactly once (lambdas/use-cases/notify-submitter.ts).
const ports: NotifySubmitterPorts = {
  requests,
  audit,
  mail,
  directory,
  mailFrom: optionalEnv('SIGNOFF_MAIL_FROM', `signoff@${directory.domain}`),
};

export const handler = taskHandler(taskContracts['notify-submitter'], (task, context) => notifySubmitter(task, ports, deadlineOf(context)));
