import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack, samplePost } from './stack.js';

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

  it('says each function came from its bundle and how long its cold and warm invocations took', async () => {
    // Act: a post reaches its supervisor (intake, then the workflow's first tasks)
    const res = await stack.submit(samplePost({ title: 'Bundled' }));
    expect(res.status).toBe(202);
    await stack.mailTo('grace@example.org', 'Bundled');
    const figures = (await (await fetch(`${stack.baseUrl}/_local/functions.json`)).json()) as {
      origin: string;
      functions: Array<{ name: string; loadMs: number; invocations: number; firstMs: number | null }>;
    };

    // Assess
    expect(figures.origin).toBe(process.env['SIGNOFF_LOCAL_BUNDLES']);
    const byName = new Map(figures.functions.map((f) => [f.name, f]));
    for (const name of ['intake', 'record-submission', 'run-checks', 'plan-route', 'advance-stage', 'request-approval']) {
      expect(byName.get(name)?.invocations, name).toBeGreaterThan(0);
      expect(byName.get(name)?.firstMs, name).toEqual(expect.any(Number));
    }
    expect(figures.functions.every((f) => f.loadMs > 0)).toBe(true);
  });
});
