import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { allFunctions } from '../../manifest.js';
import { afterAll, describe, expect, it } from 'vitest';

// `npm run synth` as docs/deploy.md runs it: the pinned cdk CLI, offline, no AWS credentials or config, every
// function bundled by esbuild, cdk-nag on the way. The CLI binds the stacks to a default region, which the Template
// tests (environment-agnostic) never see.

const root = fileURLToPath(new URL('../../', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'signoff-synth-'));
const home = mkdtempSync(join(tmpdir(), 'signoff-home-'));

afterAll(() => {
  rmSync(out, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

describe('npm run synth', () => {
  it('synthesises both stacks offline, with no credentials, cdk-nag clean', async () => {
    // Act
    const result = await promisify(execFile)(join(root, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--output', out], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', HOME: home },
      maxBuffer: 64 * 1024 * 1024,
    }).then(
      (r) => ({ code: 0, output: r.stdout + r.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
    );

    // Assess
    expect(result.output).not.toMatch(/ERROR/);
    expect(result.code).toBe(0);
    for (const stack of ['SignoffStateful', 'SignoffStateless']) expect(existsSync(join(out, `${stack}.template.json`))).toBe(true);
    const stateless = JSON.parse(readFileSync(join(out, 'SignoffStateless.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string }>;
    };
    const functions = Object.values(stateless.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    // Every function of the list, and no other (CDK adds none of its own to this stack).
    expect(functions.length).toBe(allFunctions.length);
  }, 180_000);
});
