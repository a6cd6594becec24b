// The tables, described once as plain data: the CDK stateful stack builds them from this, and the
// local runtime creates the same tables in dynalite. No CDK import here, so local mode stays light.

export interface TableSpec {
  /** Logical name; also the environment variable handlers read the physical name from. */
  readonly envVar: 'REQUESTS_TABLE' | 'APPROVALS_TABLE' | 'AUDIT_TABLE';
  readonly localName: string;
  readonly partitionKey: { readonly name: string; readonly type: 'S' | 'N' };
  readonly sortKey?: { readonly name: string; readonly type: 'S' | 'N' };
}

export const tables: readonly TableSpec[] = [
  { envVar: 'REQUESTS_TABLE', localName: 'signoff-requests', partitionKey: { name: 'requestId', type: 'S' } },
  { envVar: 'APPROVALS_TABLE', localName: 'signoff-approvals', partitionKey: { name: 'pk', type: 'S' } },
  { envVar: 'AUDIT_TABLE', localName: 'signoff-audit', partitionKey: { name: 'requestId', type: 'S' }, sortKey: { name: 'seq', type: 'N' } },
];
