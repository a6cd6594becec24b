import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../../local/function-sandbox.js';

// A function's sandbox (local/function-sandbox.ts, issue #19): a worker thread with only the environment it is given,
// started on the first invocation; errors come back by name; a bundle that fails to load fails its invocations and
// is tried afresh on the next; close ends it.

const dir = mkdtempSync(join(tmpdir(), 'signoff-sandbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sandboxes: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.close()));
});

function sandbox(source: string, env: Record<string, string> = {}): Sandbox {
  const bundle = join(dir, `bundle-${sandboxes.length}-${Date.now()}.mjs`);
  writeFileSync(bundle, source);
  const s = new Sandbox('test-fn', bundle, env);
  sandboxes.push(s);
  return s;
}

describe('Sandbox', () => {
  it('runs the handler with only its own environment, once started, and reuses the worker', async () => {
    // Prepare
    const s = sandbox(
      `let calls = 0;
       export const handler = async (event, context) => ({ event, calls: ++calls, only: process.env.ONLY ?? null,
         home: process.env.HOME ?? null, fn: context.functionName, left: context.getRemainingTimeInMillis() > 0 });`,
      { ONLY: 'mine' },
    );
    expect(s.initMs).toBeUndefined();

    // Act
    const first = await s.invoke({ a: 1 }, Date.now() + 30_000);
    const second = await s.invoke({ a: 2 }, Date.now() + 30_000);

    // Assess
    expect(first).toEqual({ event: { a: 1 }, calls: 1, only: 'mine', home: null, fn: 'signoff-test-fn', left: true });
    expect(second).toMatchObject({ calls: 2 });
    expect(s.initMs).toEqual(expect.any(Number));
  });

  it("gives back a handler's error with its name, which Step Functions retries and catches by", async () => {
    const s = sandbox(`export const handler = async () => { const e = new Error('taken'); e.name = 'ConcurrentUpdateError'; throw e; };`);
    await expect(s.invoke({}, Date.now() + 30_000)).rejects.toMatchObject({ name: 'ConcurrentUpdateError', message: 'taken' });
  });

  it('fails the invocations of a bundle that cannot load, every time, without hanging', async () => {
    const s = sandbox(`throw new Error('broken bundle');\nexport const handler = async () => null;`);
    await expect(s.invoke({}, Date.now() + 30_000)).rejects.toThrow(/signoff-test-fn: broken bundle/);
    await expect(s.invoke({}, Date.now() + 30_000)).rejects.toThrow(/signoff-test-fn: broken bundle/);
  });
});
