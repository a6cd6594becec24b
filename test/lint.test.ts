import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The linter in `npm test` (biome.json) refuses a focused or skipped test: a test left `.only` would silently run
// alone, a `.skip` would silently not run. Proved on a scratch project holding this project's biome.json and
// .gitignore, so the rules are the ones `npm test` applies, and nothing is written into the work tree.

const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');

interface Run {
  readonly code: number;
  readonly output: string;
}

function lint(cwd: string, file: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [biome, 'lint', '--colors=off', '--max-diagnostics=50', file], { cwd }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, output: `${stdout}${stderr}` });
    });
  });
}

describe('the linter', () => {
  let dir = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'signoff-lint-'));
    copyFileSync('biome.json', join(dir, 'biome.json'));
    copyFileSync('.gitignore', join(dir, '.gitignore'));
    mkdirSync(join(dir, 'test'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes a test file with neither', async () => {
    writeFileSync(
      join(dir, 'test', 'plain.test.ts'),
      "import { expect, it } from 'vitest';\n\nit('adds', () => {\n  expect(1 + 1).toBe(2);\n});\n",
    );
    const run = await lint(dir, 'test/plain.test.ts');
    expect(run.output).not.toMatch(/noFocusedTests|noSkippedTests/);
    expect(run.code, run.output).toBe(0);
  });

  it.each([
    ['it.only', 'noFocusedTests'],
    ['describe.only', 'noFocusedTests'],
    ['it.skip', 'noSkippedTests'],
    ['describe.skip', 'noSkippedTests'],
  ])('fails on %s, naming %s', async (call, rule) => {
    const [subject] = call.split('.');
    const body =
      subject === 'it' ? '() => {\n    expect(1).toBe(1);\n  }' : "() => {\n    it('runs', () => {\n      expect(1).toBe(1);\n    });\n  }";
    const source = `import { describe, expect, it } from 'vitest';\n\n${call}('a case', ${body});\n`;
    const file = `test/${call.replace('.', '-')}.test.ts`;
    writeFileSync(join(dir, file), source);
    const run = await lint(dir, file);
    expect(run.code, run.output).not.toBe(0);
    expect(run.output).toContain(`lint/suspicious/${rule}`);
    expect(run.output).toMatch(/Found [1-9]\d* errors?\./);
  });

  it('runs first in npm test', () => {
    const pkg: unknown = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(pkg).toMatchObject({
      scripts: { lint: expect.stringMatching(/^biome (lint|ci)\b/), test: expect.stringMatching(/^npm run lint && /) },
    });
  });
});
