import * as approvalStore from '../adapters/approvals.js';
import { auditTable } from '../adapters/audit.js';
import { mailer } from '../adapters/mail.js';
import * as accountRegistry from '../adapters/registry.js';
import * as requestStore from '../adapters/requests.js';
import { stepFunctions } from '../adapters/workflow.js';
import { requireEnv } from '../shared/env.js';
import type { AccountRegistry, ApprovalStore, AuditLog, Mailer, Ports, RequestStore, Workflow } from './ports.js';

// The real adapters behind the ports, as the functions (and the local runtime) run them, with the module-scope
// defaults: one client per service, built on first use; table names and the state machine read from the environment
// when first needed, so importing this reads nothing. The requests, approvals and accounts tables are their modules'
// functions; the audit table, mail and Step Functions are built by their factories (which take another client or
// table: the audit CLI builds its own, bin/audit-sources.ts).
//
// Each port is its own export, built by a call marked pure: a handler imports the ports its use case takes, and the
// bundler leaves out the others with their SDK clients (issue #18: run-checks carried SES and Step Functions, 1,006
// KiB). `defaultPorts` is all of them, for a use case that takes them all.

export const requests: RequestStore = requestStore;
export const approvals: ApprovalStore = approvalStore;
export const registry: AccountRegistry = accountRegistry;
export const audit: AuditLog = /* @__PURE__ */ auditTable();
export const mail: Mailer = /* @__PURE__ */ mailer();
export const workflow: Workflow = /* @__PURE__ */ workflowOf(/* @__PURE__ */ stepFunctions());

function workflowOf(sfn: ReturnType<typeof stepFunctions>): Workflow {
  return {
    startApproval: (name, input) => sfn.startExecution(requireEnv('STATE_MACHINE_ARN'), name, input),
    stopExecution: sfn.stopExecution,
    sendTaskSuccess: sfn.sendTaskSuccess,
  };
}

export const defaultPorts: Ports = { requests, approvals, audit, mail, workflow, registry };
