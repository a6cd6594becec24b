import { taskContracts } from './core/request/task-payloads.js';
import { optionalEnv } from './shared/env.js';
import { deadlineOf, taskHandler } from './shared/middleware.js';
import { audit, mail, registry, requests } from './use-cases/default-ports.js';
import { registerOpenedAccount, type RegisterAccountPorts } from './use-cases/register-account.js';
import { directory } from './use-cases/registry-view.js';

// RegisterAccount: an approved account opening enters the registry (lambdas/use-cases/register-account.ts).
const ports: RegisterAccountPorts = {
  requests,
  registry,
  audit,
  mail,
  directory,
  mailFrom: optionalEnv('SIGNOFF_MAIL_FROM', `signoff@${directory.domain}`),
};

export const handler = taskHandler(taskContracts['register-account'], (task, context) =>
  registerOpenedAccount(task, ports, deadlineOf(context)),
);
