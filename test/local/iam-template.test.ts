import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../lambdas/adapters/tables.js';
import { evaluate, type RequestedAccess } from '../../local/iam/policy.js';
import { functionCredentials, localPrincipals, type Principals } from '../../local/iam/principals.js';
import { functionPolicies, type FunctionPolicy } from '../../local/iam/template.js';
import { localFunctions } from '../../local/functions.js';
import { newLocalCredentials } from '../../local/settings.js';
import { synthesizedTemplates } from '../lib/app-fixture.js';
import { LOCAL_SCOPE } from './iam-fixture.js';

// Each function's synthesised policy, resolved against the local runtime's resources (issue #19): the grants the
// deployment ships, judged locally on the ARNs the local endpoints serve.

const scope = LOCAL_SCOPE;
const localTables = Object.fromEntries(tables.map((t) => [t.envVar, t.localName]));
const table = (name: string) => `arn:aws:dynamodb:us-east-1:000000000000:table/signoff-${name}`;
const execution = 'arn:aws:states:us-east-1:000000000000:execution:signoff-approval:req-1';
const identity = 'arn:aws:ses:us-east-1:000000000000:identity/example.org';
const names = localFunctions.map((f) => f.name);

let out: string;
let policies: Map<string, FunctionPolicy>;

beforeAll(() => {
  out = synthesizedTemplates();
  policies = functionPolicies(out, names, { ...scope, tables: localTables });
});

afterAll(() => {
  rmSync(out, { recursive: true, force: true });
});

function decide(name: string, action: string, resource: string, context: RequestedAccess['context'] = {}) {
  const policy = policies.get(name);
  if (policy === undefined) throw new Error(`no policy for ${name}`);
  return evaluate(policy.statements, { action, resource, context });
}

describe('functionPolicies', () => {
  it("names each function's role session as Lambda's, by its role's logical id", () => {
    expect(policies.get('intake')?.principalArn).toMatch(
      /^arn:aws:sts::000000000000:assumed-role\/SignoffStateless-IntakeServiceRole[0-9A-F]{8}\/signoff-intake$/,
    );
    expect(policies.get('intake')?.roleArn).toMatch(/^arn:aws:iam::000000000000:role\/SignoffStateless-IntakeServiceRole[0-9A-F]{8}$/);
    expect([...policies.keys()].sort()).toEqual([...names].sort());
  });

  it('resolves imported table ARNs to the local tables, index ARNs included', () => {
    expect(decide('intake', 'dynamodb:PutItem', table('requests'))).toBe('allowed');
    expect(decide('request-audit', 'dynamodb:Query', `${table('audit')}/index/byTime`)).toBe('allowed');
    expect(decide('audit-checkpoint', 'dynamodb:Query', `${table('audit')}/index/byTime`)).toBe('allowed');
    // Read-only and append-only grants stay what they are.
    expect(decide('request-status', 'dynamodb:PutItem', table('requests'))).toBe('implicitly-denied');
    expect(decide('review', 'dynamodb:PutItem', table('approvals'))).toBe('implicitly-denied');
    expect(decide('intake', 'dynamodb:UpdateItem', table('audit'))).toBe('implicitly-denied');
    expect(decide('media', 'dynamodb:GetItem', table('requests'))).toBe('implicitly-denied');
  });

  it('resolves the state machine, and the execution ARNs derived from its name by Fn::Split and Fn::Select', () => {
    expect(decide('intake', 'states:StartExecution', scope.stateMachineArn)).toBe('allowed');
    expect(decide('intake', 'states:StopExecution', execution)).toBe('implicitly-denied');
    expect(decide('withdraw', 'states:StopExecution', execution)).toBe('allowed');
    expect(decide('withdraw', 'states:StartExecution', scope.stateMachineArn)).toBe('implicitly-denied');
    expect(decide('review', 'states:SendTaskSuccess', scope.stateMachineArn)).toBe('allowed');
    expect(decide('request-approval', 'states:SendTaskSuccess', scope.stateMachineArn)).toBe('implicitly-denied');
  });

  it('resolves the secrets to the ARNs the local Secrets Manager serves, and the buckets to their names', () => {
    const webhook = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:WebhookSecret-local';
    expect(decide('intake', 'secretsmanager:GetSecretValue', webhook)).toBe('allowed');
    expect(decide('review', 'secretsmanager:GetSecretValue', webhook)).toBe('implicitly-denied');
    expect(decide('media', 's3:GetObject', 'arn:aws:s3:::signoff-prod-data-000000000000-us-east-1/media/a.png')).toBe('allowed');
    expect(decide('media', 's3:GetObject', 'arn:aws:s3:::signoff-prod-data-000000000000-us-east-1/inbound/m')).toBe('implicitly-denied');
    expect(decide('audit-checkpoint', 's3:PutObject', 'arn:aws:s3:::signoff-prod-audit-000000000000-us-east-1/checkpoints/x.json')).toBe(
      'allowed',
    );
  });

  it("keeps the sender condition of ses:SendEmail: only the institution's address", () => {
    expect(decide('request-approval', 'ses:SendEmail', identity, { 'ses:FromAddress': 'signoff@example.org' })).toBe('allowed');
    expect(decide('request-approval', 'ses:SendEmail', identity, { 'ses:FromAddress': 'rector@example.org' })).toBe('implicitly-denied');
    expect(decide('intake', 'ses:SendEmail', identity, { 'ses:FromAddress': 'signoff@example.org' })).toBe('implicitly-denied');
  });

  it('refuses what it would not evaluate — a permissions boundary, another managed policy — rather than allow more than AWS', () => {
    const edited = (edit: (resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>) => void) => {
      const dir = mkdtempSync(join(tmpdir(), 'signoff-iam-edited-'));
      copyFileSync(join(out, 'SignoffStateful.template.json'), join(dir, 'SignoffStateful.template.json'));
      const template = JSON.parse(readFileSync(join(out, 'SignoffStateless.template.json'), 'utf8')) as {
        Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
      };
      edit(template.Resources);
      writeFileSync(join(dir, 'SignoffStateless.template.json'), JSON.stringify(template));
      return dir;
    };
    const intakeRole = (resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>) =>
      Object.entries(resources).find(([id, r]) => r.Type === 'AWS::IAM::Role' && id.startsWith('IntakeServiceRole'))?.[1].Properties ?? {};
    const bounded = edited((resources) => {
      intakeRole(resources)['PermissionsBoundary'] = 'arn:aws:iam::000000000000:policy/boundary';
    });
    const managed = edited((resources) => {
      intakeRole(resources)['ManagedPolicyArns'] = ['arn:aws:iam::aws:policy/AdministratorAccess'];
    });
    try {
      expect(() => functionPolicies(bounded, ['intake'], { ...scope, tables: localTables })).toThrow(/has a permissions boundary/);
      expect(() => functionPolicies(managed, ['intake'], { ...scope, tables: localTables })).toThrow(
        /has the managed policy arn:aws:iam::aws:policy\/AdministratorAccess/,
      );
    } finally {
      rmSync(bounded, { recursive: true, force: true });
      rmSync(managed, { recursive: true, force: true });
    }
  });

  it('says what is missing: a directory without the templates, a function the template lacks', () => {
    const empty = mkdtempSync(join(tmpdir(), 'signoff-iam-empty-'));
    try {
      expect(() => functionPolicies(empty, names, { ...scope, tables: localTables })).toThrow(
        `${empty}: no SignoffStateful.template.json there; run \`npx cdk synth --output ${empty}\` first`,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    expect(() => functionPolicies(out, ['no-such-function'], { ...scope, tables: localTables })).toThrow(
      'no function no-such-function with a role in SignoffStateless.template.json',
    );
  });
});

describe('localPrincipals', () => {
  const root = newLocalCredentials();
  let principals: Principals;
  beforeAll(() => {
    principals = localPrincipals(root, scope, { out, names, tables: localTables });
  });

  it('gives each function credentials of its own, derived from the local ones, and judges it by its policy', () => {
    const intake = functionCredentials(root, 'intake');
    expect(intake.accessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(intake).toEqual(functionCredentials(root, 'intake'));
    expect(intake.accessKeyId).not.toBe(functionCredentials(root, 'review').accessKeyId);
    expect(intake.secretAccessKey).not.toBe(root.secretAccessKey);
    expect(functionCredentials(newLocalCredentials(), 'intake').accessKeyId).not.toBe(intake.accessKeyId);
    expect(principals.byAccessKey(intake.accessKeyId)?.name).toBe('signoff-intake');
    expect(principals.byAccessKey(intake.accessKeyId)?.statements?.length).toBeGreaterThan(0);
    expect(principals.enforcing).toBe(true);
  });

  it('knows the local runtime by the local credentials, unrestricted; without bundles it judges nobody', () => {
    expect(principals.byAccessKey(root.accessKeyId)).toEqual(principals.root);
    expect(principals.root.statements).toBeUndefined();
    expect(principals.root.arn).toBe('arn:aws:iam::000000000000:root');
    const sources = localPrincipals(root, scope);
    expect(sources.enforcing).toBe(false);
    expect(sources.byAccessKey(functionCredentials(root, 'intake').accessKeyId)).toBeUndefined();
  });
});
