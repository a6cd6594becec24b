import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundledFunctions, sandboxEnvironment } from '../../local/function-sandbox.js';

// SIGNOFF_LOCAL_BUNDLES (issue #19): which bundle each function runs and with which environment, read from the
// stateless template `cdk synth` wrote; a directory that is not one, or lacks a function, is refused naming what is
// missing.

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function cdkOut(functions: Record<string, string>): string {
  const out = mkdtempSync(join(tmpdir(), 'signoff-bundles-'));
  dirs.push(out);
  const resources: Record<string, unknown> = { Role: { Type: 'AWS::IAM::Role', Metadata: { 'aws:cdk:path': 'SignoffStateless/Role' } } };
  for (const [construct, asset] of Object.entries(functions)) {
    mkdirSync(join(out, asset));
    writeFileSync(join(out, asset, 'index.mjs'), 'export const handler = async () => null;\n');
    resources[`${construct}ABC123`] = {
      Type: 'AWS::Lambda::Function',
      Metadata: { 'aws:cdk:path': `SignoffStateless/${construct}/Resource`, 'aws:asset:path': asset },
      Properties: { Environment: { Variables: { POWERTOOLS_LOG_LEVEL: 'INFO', REQUESTS_TABLE: { 'Fn::ImportValue': 'x' } } } },
    };
  }
  writeFileSync(join(out, 'SignoffStateless.template.json'), JSON.stringify({ Resources: resources }));
  return out;
}

const templateEnvironment = { POWERTOOLS_LOG_LEVEL: 'INFO', REQUESTS_TABLE: { 'Fn::ImportValue': 'x' } };

describe('bundledFunctions', () => {
  it("finds each function's index.mjs and environment by its construct path", () => {
    const out = cdkOut({ RecordSubmission: 'asset.aaa', RequestStatus: 'asset.bbb' });
    expect(bundledFunctions(out, ['record-submission', 'request-status'])).toEqual(
      new Map([
        ['record-submission', { bundle: join(out, 'asset.aaa', 'index.mjs'), environment: templateEnvironment }],
        ['request-status', { bundle: join(out, 'asset.bbb', 'index.mjs'), environment: templateEnvironment }],
      ]),
    );
  });

  it('refuses a directory without the template, and a function without a bundle, naming it', () => {
    const empty = mkdtempSync(join(tmpdir(), 'signoff-bundles-'));
    dirs.push(empty);
    expect(() => bundledFunctions(empty, ['intake'])).toThrow(
      `SIGNOFF_LOCAL_BUNDLES=${empty}: no SignoffStateless.template.json there; run \`npx cdk synth --output ${empty}\` first`,
    );
    const out = cdkOut({ Intake: 'asset.ccc' });
    expect(() => bundledFunctions(out, ['intake', 'review'])).toThrow(
      `SIGNOFF_LOCAL_BUNDLES=${out}: no bundle for the function review in SignoffStateless.template.json`,
    );
  });
});

describe('sandboxEnvironment', () => {
  const local = {
    REQUESTS_TABLE: 'signoff-requests',
    APPROVALS_TABLE: 'signoff-approvals',
    SIGNOFF_WEBHOOK_SECRET: 'whsec_local',
    SIGNOFF_API_TOKEN: 'token',
    SIGNOFF_MEDIA_DIR: '/data/media',
    SIGNOFF_DIRECTORY: '/site/directory.json',
    POWERTOOLS_LOG_LEVEL: 'WARN',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIALOCAL',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:1',
    SIGNOFF_TIME_SCALE: '1',
    HOME: '/root',
  };

  it("gives a function its template's variables with local values, the runtime's, and nothing else", () => {
    const env = sandboxEnvironment(
      'intake',
      {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        SIGNOFF_DIRECTORY: '/var/task/directory.json',
        SIGNOFF_MAIL_FROM: 'signoff@example.org',
        REQUESTS_TABLE: { 'Fn::ImportValue': 'SignoffStateful:Requests' },
        SIGNOFF_WEBHOOK_SECRET_ARN: { 'Fn::ImportValue': 'SignoffStateful:Webhook' },
        MEDIA_BUCKET: { 'Fn::Join': ['', ['signoff-', 'x']] },
        STATE_MACHINE_ARN: { Ref: 'Approval' },
      },
      local,
    );
    expect(env).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      // A literal the local runtime sets is the local one; otherwise the template's.
      POWERTOOLS_LOG_LEVEL: 'WARN',
      SIGNOFF_DIRECTORY: '/site/directory.json',
      SIGNOFF_MAIL_FROM: 'signoff@example.org',
      REQUESTS_TABLE: 'signoff-requests',
      // The secret's value for its ARN, the media directory for the bucket.
      SIGNOFF_WEBHOOK_SECRET: 'whsec_local',
      SIGNOFF_MEDIA_DIR: '/data/media',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIALOCAL',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:1',
      SIGNOFF_TIME_SCALE: '1',
      AWS_LAMBDA_FUNCTION_NAME: 'signoff-intake',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    });
    // STATE_MACHINE_ARN has no local value here: left out, so the function fails as it would without it. Another
    // function's table, the other secrets and the machine's own variables (HOME) never reach it.
    expect(Object.keys(env)).not.toContain('APPROVALS_TABLE');
    expect(Object.keys(env)).not.toContain('SIGNOFF_API_TOKEN');
    expect(Object.keys(env)).not.toContain('HOME');
  });

  it("gives a function its own credentials in place of the runtime's, and its secrets by ARN, as Lambda does", () => {
    const env = sandboxEnvironment('intake', { SIGNOFF_WEBHOOK_SECRET_ARN: { 'Fn::ImportValue': 'SignoffStateful:Webhook' } }, local, {
      credentials: { accessKeyId: 'ASIAINTAKE', secretAccessKey: 'intake-secret' },
      resolve: (value) =>
        JSON.stringify(value).includes('Webhook') ? 'arn:aws:secretsmanager:us-east-1:000000000000:secret:WebhookSecret-local' : '?',
    });
    expect(env['AWS_ACCESS_KEY_ID']).toBe('ASIAINTAKE');
    expect(env['AWS_SECRET_ACCESS_KEY']).toBe('intake-secret');
    expect(env['AWS_REGION']).toBe('us-east-1');
    // The secret is read from the local Secrets Manager by its ARN, as on AWS, not given as a value.
    expect(env['SIGNOFF_WEBHOOK_SECRET_ARN']).toBe('arn:aws:secretsmanager:us-east-1:000000000000:secret:WebhookSecret-local');
    expect(Object.keys(env)).not.toContain('SIGNOFF_WEBHOOK_SECRET');
  });
});
