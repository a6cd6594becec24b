import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/**
 * Both stacks' templates as `cdk synth` writes them (construct paths included), without bundling, in a new temporary
 * directory shaped as a cdk.out: what the local runtime reads each function's policy from (local/iam/template.ts).
 * The caller removes it.
 */
export function synthesizedTemplates(stage: 'dev' | 'prod' = 'prod'): string {
  const app = new App({ context: { ...context(stage), 'aws:cdk:enable-path-metadata': true } });
  const built = buildApp(app);
  const assembly = app.synth();
  const out = mkdtempSync(join(tmpdir(), 'signoff-templates-'));
  for (const stack of [built.stateful, built.stateless])
    writeFileSync(join(out, `${stack.stackName}.template.json`), JSON.stringify(assembly.getStackByName(stack.stackName).template));
  return out;
}
