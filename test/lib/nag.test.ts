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

  it('does run: a non-compliant resource added to the app fails synthesis, naming the rule', () => {
    const { app } = buildApp(new App({ context: context('dev') }));
    new Bucket(new Stack(app, 'Careless'), 'OpenBucket');
    expect(() => app.synth()).toThrowError(/does not require requests to use SSL/);
  });
});
