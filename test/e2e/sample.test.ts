import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack, WEBHOOK_SECRET, decide, reviewLink } from './stack.js';

// The README's quickstart, second terminal: `npm run sample` and `npm run sample -- opening` against the running
// stack, as a first-time user runs them.

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
let stack: Stack;

beforeAll(async () => {
  stack = await Stack.start();
});
afterAll(async () => {
  await stack.dispose();
});

async function sample(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'bin/sample.ts', ...args], {
      cwd: root,
      env: {
        PATH: process.env['PATH'] ?? '',
        PUBLIC_BASE_URL: stack.baseUrl,
        SIGNOFF_WEBHOOK_SECRET: WEBHOOK_SECRET,
        SIGNOFF_DATA_DIR: stack.dataDir,
      },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('npm run sample', () => {
  it('submits the sample post, which reaches the supervisor', async () => {
    const result = await sample();
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^202 \{"requestId":"req_\w+","status":"checking"\}/);
    expect(result.stdout).toContain("the supervisor's approval e-mail is there");
    await stack.mailTo('grace@example.org', 'Open day');
  });

  it('submits the sample account opening, which the registry takes once approved', async () => {
    // Act
    const result = await sample('opening');

    // Assess: accepted; management and comms approve; the account is registered
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("the management's approval e-mail is there");
    const requestId = /"requestId":"(req_\w+)"/.exec(result.stdout)?.[1] ?? '';
    expect((await decide(reviewLink(await stack.mailTo('grace@example.org', 'Open @physics.example.org')), 'approve')).status).toBe(200);
    expect((await decide(reviewLink(await stack.mailTo('cara@example.org', 'Open @physics.example.org')), 'approve')).status).toBe(200);
    await stack.waitForStatus(requestId, 'approved');
    await stack.mailTo('sam@example.org', 'Registered: @physics.example.org');
  });

  it('is what the landing page suggests, with the endpoints to read the results', async () => {
    const res = await fetch(`${stack.baseUrl}/`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('<code>npm run sample</code> (a post) or <code>npm run sample -- opening</code> (an account opening)');
    for (const path of ['POST /v1/requests', 'GET /v1/requests/{requestId}', 'GET /v1/accounts'])
      expect(html).toContain(`<code>${path}</code>`);
    expect(html).toContain('href="/_local/outbox"');
  });

  it('names the samples it knows when given another', async () => {
    const result = await sample('tweet');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown sample "tweet": use "post" (the default) or "opening".');
  });
});
