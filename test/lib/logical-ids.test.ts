import { readFileSync } from 'node:fs';
import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testApp } from './app-fixture.js';

// CloudFormation keys every resource by its logical id: a resource whose id changes is deleted and created anew
// (a function, a role, an alarm; a table with its data). These lists pin each stack's ids and types, so a refactor of
// lib/ (lib/constructs/ builds the stateless stack in its own scope for this reason) cannot rename a resource unseen.
// Adding or removing a resource on purpose means adding or removing its line here.

const pinned = (file: string): Record<string, string> =>
  z.record(z.string(), z.string()).parse(JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8')));

function idsOf(template: Template): Record<string, string> {
  const ids: Record<string, string> = {};
  for (const [id, resource] of Object.entries(template.toJSON()['Resources'] ?? {})) {
    const { Type } = z.object({ Type: z.string() }).parse(resource);
    // The CDK CLI's version report, present or not depending on how the app is synthesised.
    if (Type !== 'AWS::CDK::Metadata') ids[id] = Type;
  }
  return ids;
}

describe('logical ids', () => {
  it.each(['dev', 'prod'] as const)('are the pinned ones in both stacks of the %s app', (stage) => {
    const t = testApp(stage);
    expect(idsOf(t.stateless)).toEqual(pinned('./stateless-logical-ids.json'));
    expect(idsOf(t.stateful)).toEqual(pinned('./stateful-logical-ids.json'));
  });
});
