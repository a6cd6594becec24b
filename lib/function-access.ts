import type { FunctionName } from '../manifest.js';
import type { TableSpec } from '../lambdas/adapters/tables.js';
import type { TableAccess } from './signoff-function.js';

// What each function may touch, in one table: lib/constructs/functions.ts grants exactly this, lib/constructs/workflow.ts
// the execution rights, and test/lib/iam.test.ts reads the synthesised policies back against it.

/** The secrets a function may read, by the environment variable its `_ARN` is set under. */
export type SecretName = 'SIGNOFF_WEBHOOK_SECRET' | 'SIGNOFF_API_TOKEN' | 'SIGNOFF_AUDITOR_TOKEN';

export interface Access {
  /** The audit trail is never 'readWrite': functions only append to it (TableAccess). */
  readonly tables: Partial<Record<Exclude<TableSpec['envVar'], 'AUDIT_TABLE'>, TableAccess>> & {
    readonly AUDIT_TABLE?: Exclude<TableAccess, 'readWrite'>;
  };
  readonly secrets?: readonly SecretName[];
  /** Object prefixes it writes in the audit bucket (Object Lock: a write adds a version, nothing is overwritten). */
  readonly auditArchive?: readonly string[];
  /** Signs audit checkpoints with the KMS key. */
  readonly signsAudit?: true;
  /** Sends e-mail through SES, from the institution's identity only. */
  readonly sendsMail?: true;
  /** Starts approval executions (the intake functions, new versions). */
  readonly startsExecutions?: true;
  /** Stops approval executions (withdrawal). */
  readonly stopsExecutions?: true;
  /** Object prefixes in the data bucket it reads and writes. */
  readonly bucket?: { readonly read?: readonly string[]; readonly write?: readonly string[] };
}

/**
 * Least privilege, per function, in one table (docs/deploy.md explains each line).
 *
 * ACCOUNTS_TABLE is 'readWrite' for every function that reads the registry (lambdas/use-cases/registry-view.ts
 * `directoryWithRegistry`, lambdas/accounts.ts): whichever of them runs first after a deployment seeds the
 * registry from the directory file (lambdas/adapters/registry.ts), with conditional puts only. Only
 * register-account adds accounts after that.
 *
 * APPROVALS_TABLE is 'append' for the signed routes (intake, versions, withdraw): they remember each accepted
 * webhook-id there with a conditional put and read it back on a retry (lambdas/adapters/approvals.ts).
 */
// biome-ignore format: packed word list, one line per group reads better than one word per line
export const functionAccess: Readonly<Record<FunctionName, Access>> = {
  intake: { tables: { REQUESTS_TABLE: 'readWrite', APPROVALS_TABLE: 'append', AUDIT_TABLE: 'append', ACCOUNTS_TABLE: 'readWrite' }, secrets: ['SIGNOFF_WEBHOOK_SECRET'], startsExecutions: true },
  'mail-intake': {
    tables: { REQUESTS_TABLE: 'readWrite', APPROVALS_TABLE: 'readWrite', AUDIT_TABLE: 'append', ACCOUNTS_TABLE: 'readWrite' },
    startsExecutions: true,
    sendsMail: true,
    bucket: { read: ['inbound/*'], write: ['media/*'] },
  },
  media: { tables: {}, bucket: { read: ['media/*'] } },
  versions: { tables: { REQUESTS_TABLE: 'readWrite', APPROVALS_TABLE: 'append', AUDIT_TABLE: 'append', ACCOUNTS_TABLE: 'readWrite' }, secrets: ['SIGNOFF_WEBHOOK_SECRET'], startsExecutions: true },
  withdraw: { tables: { REQUESTS_TABLE: 'readWrite', APPROVALS_TABLE: 'append', AUDIT_TABLE: 'append' }, secrets: ['SIGNOFF_WEBHOOK_SECRET'], stopsExecutions: true },
  'withdraw-link': { tables: { APPROVALS_TABLE: 'read', REQUESTS_TABLE: 'readWrite', AUDIT_TABLE: 'append' }, stopsExecutions: true },
  'request-status': { tables: { REQUESTS_TABLE: 'read', ACCOUNTS_TABLE: 'readWrite' }, secrets: ['SIGNOFF_API_TOKEN'] },
  // A read API, but the first read ever may be the one that seeds the registry (see above).
  accounts: { tables: { ACCOUNTS_TABLE: 'readWrite' }, secrets: ['SIGNOFF_API_TOKEN'] },
  'request-audit': { tables: { AUDIT_TABLE: 'read' }, secrets: ['SIGNOFF_API_TOKEN'] },
  'audit-export': { tables: { AUDIT_TABLE: 'read', REQUESTS_TABLE: 'read' }, secrets: ['SIGNOFF_AUDITOR_TOKEN'], auditArchive: ['exports/*'] },
  'audit-checkpoint': { tables: { AUDIT_TABLE: 'append' }, signsAudit: true, auditArchive: ['checkpoints/*'] },
  review: { tables: { APPROVALS_TABLE: 'read', REQUESTS_TABLE: 'readWrite', AUDIT_TABLE: 'append', ACCOUNTS_TABLE: 'readWrite' } },
  'record-submission': { tables: { REQUESTS_TABLE: 'readWrite', APPROVALS_TABLE: 'readWrite', AUDIT_TABLE: 'append' }, sendsMail: true },
  'run-checks': { tables: { REQUESTS_TABLE: 'readWrite', APPROVALS_TABLE: 'readWrite', AUDIT_TABLE: 'append', ACCOUNTS_TABLE: 'readWrite' } },
  // The approvals table: a decided stage's asks that a dead run sent and never audited are audited here (issue #13).
  'advance-stage': { tables: { REQUESTS_TABLE: 'readWrite', APPROVALS_TABLE: 'readWrite', AUDIT_TABLE: 'append' } },
  'request-approval': { tables: { REQUESTS_TABLE: 'readWrite', APPROVALS_TABLE: 'readWrite', AUDIT_TABLE: 'append', ACCOUNTS_TABLE: 'readWrite' }, sendsMail: true },
  // An approved account opening enters the registry (GOVERNANCE.md §6); its administrators and the social-media manager are told.
  'register-account': { tables: { REQUESTS_TABLE: 'readWrite', ACCOUNTS_TABLE: 'readWrite', AUDIT_TABLE: 'append' }, sendsMail: true },
  'notify-submitter': { tables: { REQUESTS_TABLE: 'readWrite', AUDIT_TABLE: 'append' }, sendsMail: true },
  // A task failed after its retries: the request says so, and the trail (issue #13).
  'record-failure': { tables: { REQUESTS_TABLE: 'readWrite', AUDIT_TABLE: 'append' } },
};
