import * as approvals from '../adapters/approvals.js';
import { auditTable } from '../adapters/audit.js';
import { mailer } from '../adapters/mail.js';
import * as registry from '../adapters/registry.js';
import * as requests from '../adapters/requests.js';
import { stepFunctions } from '../adapters/workflow.js';
import { requireEnv } from '../shared/env.js';
import type { Ports } from './ports.js';

// The real adapters behind the ports, as the functions (and the local runtime) run them, with the module-scope
// defaults: one client per service, built on first use; table names and the state machine read from the environment
// when first needed, so importing this reads nothing. The requests, approvals and accounts tables are their modules'
// functions; the audit table, mail and Step Functions are built by their factories (which take another client or
// table: the audit CLI builds its own, bin/audit-sources.ts).

const sfn = stepFunctions();

export const defaultPorts: Ports = {
  requests,
  approvals,
  audit: auditTable(),
  mail: mailer(),
  workflow: {
    startApproval: (name, input) => sfn.startExecution(requireEnv('STATE_MACHINE_ARN'), name, input),
    stopExecution: sfn.stopExecution,
    sendTaskSuccess: sfn.sendTaskSuccess,
  },
  registry,
};
