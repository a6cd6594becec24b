import { beforeAll, describe, expect, it } from 'vitest';
import { functionAccess } from '../../lib/function-access.js';
import { constructId, eventFunctions } from '../../manifest.js';
import { testApp, type TestApp } from './app-fixture.js';

// Least privilege: each function's role may do exactly what its line in functionAccess says.

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

const READ = [
  'dynamodb:BatchGetItem',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:Query',
  'dynamodb:GetItem',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];
const WRITE = ['dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];
const XRAY = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];
const SECRET = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'];

let t: TestApp;
let byFunction: Map<string, Statement[]>;

beforeAll(() => {
  t = testApp('prod');
  const policies = t.stateless.findResources('AWS::IAM::Policy') as Record<
    string,
    { Properties: { Roles: Array<{ Ref: string }>; PolicyDocument: { Statement: Statement[] } } }
  >;
  byFunction = new Map();
  for (const name of Object.keys(functionAccess)) {
    const rolePrefix = `${constructId(name)}ServiceRole`;
    const statements = Object.values(policies)
      .filter((p) => p.Properties.Roles.some((r) => r.Ref.startsWith(rolePrefix)))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    byFunction.set(name, statements);
  }
});

const actionsOf = (statements: Statement[]) => new Set(statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));

describe('function roles', () => {
  it("allow no action beyond tables, secrets, X-Ray and the function's own grants", () => {
    for (const [name, access] of Object.entries(functionAccess)) {
      const allowed = new Set([
        ...XRAY,
        ...(Object.keys(access.tables).length > 0 ? READ : []),
        ...(Object.values(access.tables).includes('readWrite') ? WRITE : []),
        ...(Object.values(access.tables).includes('append') ? ['dynamodb:PutItem'] : []),
        ...(access.secrets ? SECRET : []),
        ...(access.sendsMail ? ['ses:SendEmail'] : []),
        ...(access.startsExecutions ? ['states:StartExecution'] : []),
        ...(access.stopsExecutions ? ['states:StopExecution'] : []),
        ...(access.bucket?.read ? ['s3:GetObject'] : []),
        ...(access.bucket?.write || access.auditArchive ? ['s3:PutObject'] : []),
        ...(access.signsAudit ? ['kms:Sign', 'kms:GetPublicKey'] : []),
        // The asynchronously invoked functions deliver failed events to their own queues.
        ...(eventFunctions.some((f) => f.name === name) ? ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'] : []),
      ]);
      if (name === 'review')
        for (const a of ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat']) allowed.add(a);
      const extra = [...actionsOf(byFunction.get(name) ?? [])].filter((a) => !allowed.has(a));
      expect(extra, name).toEqual([]);
    }
  });

  it('let only the intake functions (webhook, mail) and new versions start executions, and only withdrawal stop them', () => {
    const starters = [...byFunction]
      .filter(([, s]) => actionsOf(s).has('states:StartExecution'))
      .map(([n]) => n)
      .sort();
    expect(starters).toEqual(['intake', 'mail-intake', 'versions']);
    const stoppers = [...byFunction]
      .filter(([, s]) => actionsOf(s).has('states:StopExecution'))
      .map(([n]) => n)
      .sort();
    expect(stoppers).toEqual(['withdraw', 'withdraw-link']);
  });

  it('let only the checkpoint function sign with the audit key, and only audit functions write to the audit archive', () => {
    const signers = [...byFunction].filter(([, s]) => actionsOf(s).has('kms:Sign')).map(([n]) => n);
    expect(signers).toEqual(['audit-checkpoint']);
    for (const [name, statements] of byFunction) {
      const archive = statements.filter((s) => JSON.stringify(s.Resource).includes('-audit-'));
      expect(archive.length > 0, name).toBe(name === 'audit-export' || name === 'audit-checkpoint');
    }
  });

  it('let only the decision function answer task tokens', () => {
    const responders = [...byFunction].filter(([, s]) => actionsOf(s).has('states:SendTaskSuccess')).map(([n]) => n);
    expect(responders).toEqual(['review']);
  });

  it("let only the notifying functions send e-mail, from the institution's identity and sender address", () => {
    const senders = [...byFunction]
      .filter(([, s]) => actionsOf(s).has('ses:SendEmail'))
      .map(([n]) => n)
      .sort();
    expect(senders).toEqual(['mail-intake', 'notify-submitter', 'record-submission', 'register-account', 'request-approval']);
    for (const name of senders) {
      const statement = byFunction.get(name)?.find((s) => s.Action === 'ses:SendEmail');
      expect(JSON.stringify(statement?.Resource)).toContain('identity/example.org');
      expect(statement?.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'signoff@example.org' } });
    }
  });

  it('never let a read-only function write a table, except the account registry it may be the first to seed', () => {
    for (const name of ['request-status', 'request-audit', 'accounts']) {
      const writes = (byFunction.get(name) ?? []).filter((s) => [...actionsOf([s])].some((a) => WRITE.includes(a)));
      for (const s of writes) expect(JSON.stringify(s.Resource), name).toMatch(/^\{"Fn::ImportValue":"[^"]*ACCOUNTSTABLE[^"]*"\}$/);
    }
    expect(actionsOf(byFunction.get('request-audit') ?? []).has('dynamodb:PutItem')).toBe(false);
  });

  it('let only the registry readers (which may seed it) and register-account write the account registry', () => {
    const writers = [...byFunction]
      .filter(([, statements]) =>
        statements.some((s) => JSON.stringify(s.Resource).includes('ACCOUNTSTABLE') && [...actionsOf([s])].some((a) => WRITE.includes(a))),
      )
      .map(([n]) => n)
      .sort();
    expect(writers).toEqual([
      'accounts',
      'intake',
      'mail-intake',
      'register-account',
      'request-approval',
      'request-status',
      'review',
      'run-checks',
      'versions',
    ]);
    const readers = [...byFunction]
      .filter(([, statements]) => statements.some((s) => JSON.stringify(s.Resource).includes('ACCOUNTSTABLE')))
      .map(([n]) => n)
      .sort();
    expect(readers).toEqual(writers);
  });

  it('give register-account the requests, registry and audit tables and the sender address, nothing more', () => {
    expect(functionAccess['register-account']).toEqual({
      tables: { REQUESTS_TABLE: 'readWrite', ACCOUNTS_TABLE: 'readWrite', AUDIT_TABLE: 'append' },
      sendsMail: true,
    });
    const statements = byFunction.get('register-account') ?? [];
    const tablesTouched = statements
      .flatMap((s) => /ExportsOutputFnGetAtt([A-Z]+)TABLE/.exec(JSON.stringify(s.Resource))?.[1] ?? [])
      .sort();
    expect(tablesTouched).toEqual(['ACCOUNTS', 'AUDIT', 'REQUESTS']);
    expect(actionsOf(statements).has('states:StartExecution')).toBe(false);
  });

  it('read raw mail and write media only under their prefixes, and nothing else of the bucket', () => {
    const s3 = (name: string) => (byFunction.get(name) ?? []).filter((st) => [...actionsOf([st])].some((a) => a.startsWith('s3:')));
    expect(JSON.stringify(s3('mail-intake'))).toMatch(/inbound\/\*/);
    expect(JSON.stringify(s3('mail-intake'))).toMatch(/media\/\*/);
    expect(JSON.stringify(s3('media'))).toMatch(/media\/\*/);
    expect(JSON.stringify(s3('media'))).not.toMatch(/inbound/);
    expect([...actionsOf(s3('media'))]).toEqual(['s3:GetObject']);
    for (const name of ['intake', 'review', 'request-approval']) expect(s3(name), name).toEqual([]);
  });

  it('let no function delete, update or batch-write the audit trail: conditional PutItem (append) and reads only', () => {
    const auditStatements = [...byFunction].flatMap(([name, statements]) =>
      statements.filter((s) => JSON.stringify(s.Resource).includes('AUDITTABLE')).map((s) => [name, s] as const),
    );
    // Every function that records events is here, so the assertion below is not vacuous.
    const appenders = [...new Set(auditStatements.filter(([, s]) => actionsOf([s]).has('dynamodb:PutItem')).map(([n]) => n))].sort();
    expect(appenders).toEqual(
      [
        'advance-stage',
        'audit-checkpoint',
        'intake',
        'mail-intake',
        'notify-submitter',
        'record-failure',
        'record-submission',
        'register-account',
        'request-approval',
        'review',
        'run-checks',
        'versions',
        'withdraw',
        'withdraw-link',
      ].sort(),
    );
    for (const [name, s] of auditStatements) {
      for (const action of [
        'dynamodb:DeleteItem',
        'dynamodb:UpdateItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:PartiQLDelete',
        'dynamodb:PartiQLUpdate',
        'dynamodb:*',
      ]) {
        expect(actionsOf([s]).has(action), `${name} may ${action} on the audit table`).toBe(false);
      }
    }
    // And no statement elsewhere reaches the audit table through a wildcard resource.
    for (const [name, statements] of byFunction) {
      for (const s of statements.filter((st) => st.Resource === '*'))
        expect(
          [...actionsOf([s])].some((a) => a.startsWith('dynamodb:')),
          name,
        ).toBe(false);
    }
  });

  it('use "*" as a resource only for X-Ray', () => {
    for (const [name, statements] of byFunction) {
      for (const s of statements.filter((st) => st.Resource === '*')) {
        expect(
          [...actionsOf([s])].every((a) => XRAY.includes(a)),
          name,
        ).toBe(true);
      }
    }
  });
});
