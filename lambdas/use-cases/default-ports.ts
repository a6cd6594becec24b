import * as approvals from '../adapters/approvals.js';
import * as audit from '../adapters/audit.js';
import { sendMail } from '../adapters/mail.js';
import * as registry from '../adapters/registry.js';
import * as requests from '../adapters/requests.js';
import { sendTaskSuccess, startExecution, stopExecution } from '../adapters/workflow.js';
import { requireEnv } from '../shared/env.js';
import type { Ports } from './ports.js';

// The real adapters behind the ports, as the functions (and the local runtime) run them. Importing this reads no
// environment: table names and the state machine are read when first needed.

export const defaultPorts: Ports = {
  requests,
  approvals,
  audit,
  mail: { sendMail },
  workflow: {
    startApproval: (name, input) => startExecution(requireEnv('STATE_MACHINE_ARN'), name, input),
    stopExecution,
    sendTaskSuccess,
  },
  registry,
};
