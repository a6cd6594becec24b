import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack } from './stack.js';

// The bundle pass's own check (vitest.config.ts, project `bundles`, issue #19): its stacks run the bundles `cdk synth`
// made, not the sources — so the other files of the pass prove the deployed code, not only the TypeScript.

let stack: Stack;
beforeAll(async () => {
  stack = await Stack.start();
});
afterAll(async () => {
  await stack.dispose();
});

describe('the bundle pass', () => {
  it('runs every function from its deployed bundle', () => {
    const bundles = process.env['SIGNOFF_LOCAL_BUNDLES'];
    expect(bundles, 'SIGNOFF_LOCAL_BUNDLES is set by the bundles project').toBeDefined();
    expect(stack.output).toContain(`Functions        the deployed bundles in ${bundles} (SIGNOFF_LOCAL_BUNDLES)`);
  });
});
