import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LAMBDA_NODE_MAJOR, nodeVersionProblem } from '../../local/node-version.js';

// One Node major everywhere (issue #19): the Lambda runtime the stack declares, esbuild's target for its bundles, the
// `node` package pinned for the scripts, and the Node these very tests run on (npm test puts node_modules/.bin first
// on PATH, so vitest and every stack it starts run on the pinned Node, whatever the machine has).

const source = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('the Node major', () => {
  it('is the same in the stack, the bundles, the pinned package and this process', () => {
    // Prepare
    const stack = source('lib/signoff-function.ts');
    const pkg = z
      .object({ devDependencies: z.record(z.string(), z.string()), allowScripts: z.record(z.string(), z.boolean()) })
      .parse(JSON.parse(source('package.json')));

    // Assess
    expect(stack).toContain(`runtime: Runtime.NODEJS_${LAMBDA_NODE_MAJOR}_X,`);
    expect(stack).toContain(`target: 'node${LAMBDA_NODE_MAJOR}',`);
    // Pinned exactly, and its install script (which fetches the platform's binary) allowed.
    expect(pkg.devDependencies['node']).toMatch(new RegExp(`^${LAMBDA_NODE_MAJOR}\\.\\d+\\.\\d+$`));
    expect(pkg.allowScripts['node']).toBe(true);
    expect(process.versions.node.split('.')[0]).toBe(String(LAMBDA_NODE_MAJOR));
  });

  it('stops the local runtime on another Node with what to do, and lets it run on its own', () => {
    expect(nodeVersionProblem(`${LAMBDA_NODE_MAJOR}.21.0`)).toBeUndefined();
    expect(nodeVersionProblem('20.20.2')).toBe(
      `Signoff's local runtime runs on Node ${LAMBDA_NODE_MAJOR}, the functions' Lambda runtime; this is Node 20.20.2. Start it with \`npm start\` (after \`npm ci\`), which runs the Node ${LAMBDA_NODE_MAJOR} that package.json pins (node_modules/.bin/node).`,
    );
  });
});
