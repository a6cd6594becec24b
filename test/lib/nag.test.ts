import { App, Stack } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.js';
import { context } from './app-fixture.js';

// cdk-nag's AwsSolutions and Serverless packs run on every synth (lib/app.ts). An unacknowledged
// finding makes synthesis throw; every acknowledgement in lib/ carries a written reason.

describe('cdk-nag', () => {
  it.each(['dev', 'prod'] as const)('finds nothing unacknowledged in the %s app', (stage) => {
    const { app } = buildApp(new App({ context: context(stage) }));
    expect(() => app.synth()).not.toThrow();
  });

  it('finds nothing unacknowledged when the stacks are bound to an account and region, as the cdk CLI and a deploy bind them', () => {
    const saved = { account: process.env['CDK_DEFAULT_ACCOUNT'], region: process.env['CDK_DEFAULT_REGION'] };
    Object.assign(process.env, { CDK_DEFAULT_ACCOUNT: '123456789012', CDK_DEFAULT_REGION: 'eu-central-1' });
    try {
      const { app, stateless } = buildApp(new App({ context: context('prod') }));
      expect(stateless.region).toBe('eu-central-1');
      expect(() => app.synth()).not.toThrow();
    } finally {
      for (const [key, value] of [
        ['CDK_DEFAULT_ACCOUNT', saved.account],
        ['CDK_DEFAULT_REGION', saved.region],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it('does run: a non-compliant resource added to the app fails synthesis, naming the rule', () => {
    const { app } = buildApp(new App({ context: context('dev') }));
    new Bucket(new Stack(app, 'Careless'), 'OpenBucket');
    expect(() => app.synth()).toThrowError(/does not require requests to use SSL/);
  });
});
