import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, type SignoffApp } from '../../lib/app.js';

export interface TestApp {
  readonly built: SignoffApp;
  readonly stateful: Template;
  readonly stateless: Template;
}

/** The configuration context a test app starts from. */
export function context(stage: 'dev' | 'prod', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    // No esbuild run: these tests check the templates, not the bundles (bench/ measures those).
    'aws:cdk:bundling-stacks': [],
    signoff: { domain: 'example.org', senderAddress: 'signoff@example.org', stage, alarmEmail: 'ops@example.org', ...extra },
  };
}

/** Builds the whole app as `cdk synth` does, without bundling. */
export function testApp(stage: 'dev' | 'prod' = 'prod'): TestApp {
  const built = buildApp(new App({ context: context(stage) }));
  return { built, stateful: Template.fromStack(built.stateful), stateless: Template.fromStack(built.stateless) };
}
