import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MAX_ENVIRONMENTS, Sandbox } from '../../local/function-sandbox.js';
import { until } from './poll.js';

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
    const first = await s.invoke({ a: 1 }, 30_000);
    const second = await s.invoke({ a: 2 }, 30_000);

    // Assess
    expect(first).toEqual({ event: { a: 1 }, calls: 1, only: 'mine', home: null, fn: 'signoff-test-fn', left: true });
    expect(second).toMatchObject({ calls: 2 });
    expect(s.initMs).toEqual(expect.any(Number));
  });

  it("gives back a handler's error with its name, which Step Functions retries and catches by", async () => {
    const s = sandbox(`export const handler = async () => { const e = new Error('taken'); e.name = 'ConcurrentUpdateError'; throw e; };`);
    await expect(s.invoke({}, 30_000)).rejects.toMatchObject({ name: 'ConcurrentUpdateError', message: 'taken' });
  });

  it('fails the invocations of a bundle that cannot load, every time, without hanging', async () => {
    const s = sandbox(`throw new Error('broken bundle');\nexport const handler = async () => null;`);
    await expect(s.invoke({}, 30_000)).rejects.toThrow(/signoff-test-fn: broken bundle/);
    await expect(s.invoke({}, 30_000)).rejects.toThrow(/signoff-test-fn: broken bundle/);
  });

  it('runs concurrent invocations in environments of their own, as Lambda does, and reuses an idle one after', async () => {
    // Prepare: module state counts the invocations an environment has run; each holds its environment for 200 ms
    const s = sandbox(
      `let calls = 0;
       export const handler = async () => { calls++; await new Promise((r) => setTimeout(r, 200)); return calls; };`,
    );

    // Act
    const together = await Promise.all([s.invoke({}, 30_000), s.invoke({}, 30_000)]);
    const after = await s.invoke({}, 30_000);

    // Assess: two cold starts, each environment ran one; the next invocation was warm
    expect(together).toEqual([1, 1]);
    const timing = { beforeMs: -1, cold: true };
    await s.invoke({}, 30_000, timing);
    expect(timing).toEqual({ beforeMs: expect.any(Number), cold: false });
    expect(timing.beforeMs).toBeGreaterThanOrEqual(0);
    expect(after).toBe(2);
    expect(s.started).toBe(2);
    const first = { beforeMs: -1, cold: false };
    const fresh = sandbox(`export const handler = async () => 'ok';`);
    await fresh.invoke({}, 30_000, first);
    expect(first.cold).toBe(true);
    expect(first.beforeMs).toBeGreaterThan(0);
  });

  it('stops an invocation at its deadline with Sandbox.Timedout, and the next starts a new environment', async () => {
    const s = sandbox(`export const handler = async (event) => event.hang ? new Promise(() => undefined) : 'done';`);
    await expect(s.invoke({ hang: true }, 300)).rejects.toMatchObject({
      name: 'Sandbox.Timedout',
      message: expect.stringMatching(/^signoff-test-fn: Task timed out after 0\.\d\d seconds$/),
    });
    await expect(s.invoke({ hang: false }, 30_000)).resolves.toBe('done');
    expect(s.started).toBe(2);
  });

  it('runs at most MAX_ENVIRONMENTS at once; the rest wait their turn, and the wait is not charged to their timeout', async () => {
    // Prepare: an invocation asked to hold waits until the test writes the release file
    const release = join(dir, `release-${Date.now()}`);
    const s = sandbox(
      `import { existsSync } from 'node:fs';
       export const handler = async (event) => {
         while (event.hold && !existsSync(event.release)) await new Promise((r) => setTimeout(r, 20));
         return 'ok';
       };`,
    );

    // Act: MAX_ENVIRONMENTS hold every environment; two more, with a 1 s timeout, wait longer than that for one
    const holding = Array.from({ length: MAX_ENVIRONMENTS }, () => s.invoke({ hold: true, release }, 30_000));
    const queuedAt = Date.now();
    const queued = [s.invoke({ hold: false }, 1_000), s.invoke({ hold: false }, 1_000)];
    // Every environment busy, then time itself is what the test needs: the queued two must wait past their 1 s.
    await until(() => (s.started === MAX_ENVIRONMENTS ? true : undefined));
    await new Promise((r) => setTimeout(r, Math.max(0, queuedAt + 1_500 - Date.now())));
    writeFileSync(release, '');

    // Assess
    expect(await Promise.all([...holding, ...queued])).toEqual(Array.from({ length: MAX_ENVIRONMENTS + 2 }, () => 'ok'));
    expect(s.started).toBe(MAX_ENVIRONMENTS);
  });

  it('abandons a cold start whose init outlasts the init timeout, failing its invocation', async () => {
    const bundle = join(dir, `never-ready-${Date.now()}.mjs`);
    writeFileSync(bundle, `await new Promise((r) => setTimeout(r, 60_000));\nexport const handler = async () => 'late';`);
    const s = new Sandbox('test-fn', bundle, {}, 300);
    sandboxes.push(s);
    await expect(s.invoke({}, 30_000)).rejects.toMatchObject({
      name: 'Sandbox.Timedout',
      message: expect.stringMatching(/^signoff-test-fn: Init timed out after 0\.30 seconds$/),
    });
  });

  it('fails the invocations still waiting when it closes, and starts no environment after', async () => {
    const release = join(dir, `never-released-${Date.now()}`);
    const s = sandbox(
      `import { existsSync } from 'node:fs';
       export const handler = async (event) => { while (!existsSync(event.release)) await new Promise((r) => setTimeout(r, 20)); return 'ok'; };`,
    );
    const holding = Array.from({ length: MAX_ENVIRONMENTS }, () => s.invoke({ release }, 30_000).catch((e: unknown) => e));
    const waiting = s.invoke({ release }, 30_000).catch((e: unknown) => e);
    // Every environment started and busy before the close.
    await until(() => (s.started === MAX_ENVIRONMENTS ? true : undefined));

    await s.close();

    expect(await waiting).toMatchObject({ message: 'signoff-test-fn: its sandbox is closed' });
    for (const outcome of await Promise.all(holding)) expect(outcome).toBeInstanceOf(Error);
    expect(s.started).toBe(MAX_ENVIRONMENTS);
  });
});
