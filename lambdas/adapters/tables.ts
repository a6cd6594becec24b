// The tables, described once as plain data: the CDK stateful stack builds them from this, and the
// local runtime creates the same tables in dynalite. No CDK import here, so local mode stays light.

export interface KeySpec {
  readonly name: string;
  readonly type: 'S' | 'N';
}

/** A global secondary index; every attribute is projected (exports read whole items from it). */
export interface IndexSpec {
  readonly name: string;
  readonly partitionKey: KeySpec;
  readonly sortKey?: KeySpec;
}

export interface TableSpec {
  /** Logical name; also the environment variable handlers read the physical name from. */
  readonly envVar: 'REQUESTS_TABLE' | 'APPROVALS_TABLE' | 'AUDIT_TABLE' | 'ACCOUNTS_TABLE';
  readonly localName: string;
  readonly partitionKey: KeySpec;
  readonly sortKey?: KeySpec;
  readonly indexes?: readonly IndexSpec[];
}

/**
 * The audit table's time index: `day` (UTC `YYYY-MM-DD` of `at`) and `atKey` (`<at>#<requestId>#<seq, 10 digits>`),
 * written by appendAudit beside each event and not covered by its hash (both derive from hashed fields).
 * Date-range exports and hourly checkpoints read events in time order from it.
 */
export const AUDIT_TIME_INDEX: IndexSpec = {
  name: 'byTime',
  partitionKey: { name: 'day', type: 'S' },
  sortKey: { name: 'atKey', type: 'S' },
};

export const tables: readonly TableSpec[] = [
  { envVar: 'REQUESTS_TABLE', localName: 'signoff-requests', partitionKey: { name: 'requestId', type: 'S' } },
  { envVar: 'APPROVALS_TABLE', localName: 'signoff-approvals', partitionKey: { name: 'pk', type: 'S' } },
  {
    envVar: 'AUDIT_TABLE',
    localName: 'signoff-audit',
    partitionKey: { name: 'requestId', type: 'S' },
    sortKey: { name: 'seq', type: 'N' },
    indexes: [AUDIT_TIME_INDEX],
  },
  // The registry of institutional accounts (GOVERNANCE.md §6), keyed by account id. Ids starting with `#` are
  // reserved for bookkeeping items (the seed marker, handle claims) that readers never see.
  { envVar: 'ACCOUNTS_TABLE', localName: 'signoff-accounts', partitionKey: { name: 'id', type: 'S' } },
];
