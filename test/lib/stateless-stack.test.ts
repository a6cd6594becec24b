import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { allFunctions, apiRoutes, workflowFunctions } from '../../manifest.js';
import { testApp, type TestApp } from './app-fixture.js';

let t: TestApp;
beforeAll(() => {
  t = testApp('prod');
});

const functionCount = allFunctions.length;

describe('functions (the SignoffFunction construct)', () => {
  it('builds one function per handler, all with the same runtime, architecture, tracing, memory and timeout', () => {
    t.stateless.resourceCountIs('AWS::Lambda::Function', functionCount);
    t.stateless.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      MemorySize: 512,
      Timeout: 30,
      LoggingConfig: { LogGroup: Match.anyValue() },
      Environment: {
        Variables: Match.objectLike({
          NODE_OPTIONS: '--enable-source-maps',
          SIGNOFF_DIRECTORY: '/var/task/directory.json',
          POWERTOOLS_METRICS_NAMESPACE: 'Signoff',
        }),
      },
    });
  });

  it('gives every log group a retention period', () => {
    t.stateless.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  it('sets a table variable only where the function has access to that table', () => {
    const fns = t.stateless.findResources('AWS::Lambda::Function');
    const status = Object.values(fns).find(
      (f) => JSON.stringify(f).includes('SIGNOFF_API_TOKEN_ARN') && !JSON.stringify(f).includes('AUDIT_TABLE'),
    );
    expect(status).toBeDefined();
    expect(JSON.stringify(status)).toContain('REQUESTS_TABLE');
    expect(JSON.stringify(status)).not.toContain('APPROVALS_TABLE');
  });

  it('gives the accounts API the registry table and the API token, and no other table', () => {
    const fns = t.stateless.findResources('AWS::Lambda::Function') as Record<
      string,
      { Properties: { Environment: { Variables: Record<string, unknown> } } }
    >;
    const accounts = Object.entries(fns).find(([id]) => id.startsWith('Accounts'))?.[1];
    const variables = Object.keys(accounts?.Properties.Environment.Variables ?? {});
    expect(variables).toContain('ACCOUNTS_TABLE');
    expect(variables).toContain('SIGNOFF_API_TOKEN_ARN');
    for (const other of ['REQUESTS_TABLE', 'APPROVALS_TABLE', 'AUDIT_TABLE']) expect(variables).not.toContain(other);
  });
});

describe('state machine', () => {
  it('is a Standard state machine from the ASL file, logging at ALL without execution data, traced', () => {
    t.stateless.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      DefinitionS3Location: Match.anyValue(),
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false, Destinations: Match.anyValue() },
      TracingConfiguration: { Enabled: true },
    });
  });

  it('fills exactly the substitutions of the function list', () => {
    const [machine] = Object.values(t.stateless.findResources('AWS::StepFunctions::StateMachine')) as Array<{
      Properties: { DefinitionSubstitutions: Record<string, unknown> };
    }>;
    expect(Object.keys(machine?.Properties.DefinitionSubstitutions ?? {}).sort()).toEqual(
      workflowFunctions.map((f) => f.substitution).sort(),
    );
  });
});

describe('HTTP API', () => {
  it('has the routes of manifest.ts, each integrated with a function', () => {
    const routes = Object.values(t.stateless.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => (r as { Properties: { RouteKey: string } }).Properties.RouteKey,
    );
    expect([...routes].sort()).toEqual(apiRoutes.flatMap((r) => r.methods.map((m) => `${m} ${r.path}`)).sort());
    // And the manifest is DESIGN.md's list:
    expect(routes.sort()).toEqual(
      [
        'POST /v1/requests',
        'GET /v1/requests/{requestId}',
        'GET /v1/requests/{requestId}/audit',
        'GET /v1/audit/export',
        'GET /approvals/{linkId}',
        'HEAD /approvals/{linkId}',
        'POST /approvals/{linkId}',
        'GET /media/{key}',
        'HEAD /media/{key}',
        'POST /v1/requests/{requestId}/versions',
        'POST /v1/requests/{requestId}/withdraw',
        'GET /withdraw/{linkId}',
        'HEAD /withdraw/{linkId}',
        'POST /withdraw/{linkId}',
        'GET /v1/accounts',
        'HEAD /v1/accounts',
        'GET /v1/accounts/{accountId}',
        'HEAD /v1/accounts/{accountId}',
      ].sort(),
    );
  });

  it('throttles the stage and writes JSON access logs without the request path', () => {
    const [stage] = Object.values(t.stateless.findResources('AWS::ApiGatewayV2::Stage')) as Array<{
      Properties: {
        DefaultRouteSettings: Record<string, number>;
        RouteSettings: Record<string, Record<string, number>>;
        AccessLogSettings: { Format: string };
      };
    }>;
    expect(stage?.Properties.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
    // Each route its own throttle, so a flood of one (say, review-link guessing) leaves the others their share.
    const routeKeys = Object.values(t.stateless.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => (r as { Properties: { RouteKey: string } }).Properties.RouteKey,
    );
    expect(Object.keys(stage?.Properties.RouteSettings ?? {}).sort()).toEqual(routeKeys.sort());
    expect(stage?.Properties.RouteSettings['GET /v1/audit/export']).toEqual({ ThrottlingRateLimit: 2, ThrottlingBurstLimit: 5 });
    expect(stage?.Properties.RouteSettings['POST /v1/requests']).toEqual({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 });
    expect(stage?.Properties.RouteSettings['POST /approvals/{linkId}']).toEqual({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 });
    const format = JSON.parse(stage?.Properties.AccessLogSettings.Format ?? '{}') as Record<string, string>;
    expect(format['routeKey']).toBe('$context.routeKey');
    expect(Object.values(format)).not.toContain('$context.path');
  });
});

describe('audit checkpoints', () => {
  it('runs the checkpoint function every hour, six minutes past', () => {
    t.stateless.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(6 * * * ? *)', State: 'ENABLED' });
  });
});

describe('mail receipt and alarms', () => {
  it('stores inbound mail in the bucket, then hands it to mail-intake, with the spam and virus scan on', () => {
    t.stateless.hasResourceProperties('AWS::SES::ReceiptRule', {
      Rule: Match.objectLike({
        Recipients: ['example.org'],
        ScanEnabled: true,
        Actions: [
          { S3Action: Match.objectLike({ ObjectKeyPrefix: 'inbound/' }) },
          { LambdaAction: Match.objectLike({ InvocationType: 'Event' }) },
        ],
      }),
    });
  });

  it("sends mail-intake's failed asynchronous events to an encrypted queue after two retries", () => {
    t.stateless.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    t.stateless.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
  });

  it("alarms on failed and timed-out executions and on every function's errors and throttles, to an encrypted topic", () => {
    t.stateless.resourceCountIs('AWS::CloudWatch::Alarm', 2 + 2 * functionCount);
    t.stateless.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ExecutionsFailed', Namespace: 'AWS/States' });
    t.stateless.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ExecutionsTimedOut', Namespace: 'AWS/States' });
    t.stateless.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    t.stateless.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.org' });
  });
});
