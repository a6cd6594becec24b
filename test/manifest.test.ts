import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { routes as localRoutes } from '../local/gateway.js';
import { allFunctions, apiRoutes, httpFunctions, workflowFunctions } from '../manifest.js';
import { definitionPath } from '../statemachines/functions.js';

// manifest.ts is the one list of functions and routes: the CDK stack, the local runtime and these assertions read it.
// (The synthesised template is checked against it in test/lib/stateless-stack.test.ts.)

describe('the manifest of functions and routes', () => {
  it('names each function once, and each entry is a handler file that exists', () => {
    const names = allFunctions.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    for (const f of allFunctions) {
      expect(existsSync(f.entry), f.entry).toBe(true);
      expect(readFileSync(f.entry, 'utf8'), f.entry).toMatch(/export const handler\b/);
    }
  });

  it('lists every handler in lambdas/: no function the stack would not deploy', () => {
    const handlers = readdirSync('lambdas', { withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts') && /export const handler\b/.test(readFileSync(`lambdas/${e.name}`, 'utf8')))
      .map((e) => `lambdas/${e.name}`)
      .sort();
    expect(handlers).toEqual(allFunctions.map((f) => f.entry).sort());
  });

  it('gives the state machine exactly the substitutions its functions provide', () => {
    const asl = readFileSync(definitionPath, 'utf8');
    const used = new Set([...asl.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual(workflowFunctions.map((f) => f.substitution).sort());
  });

  it('routes each HTTP function, and only HTTP functions, with one route per method and path', () => {
    const routed = new Set(apiRoutes.map((r) => r.function));
    expect([...routed].sort()).toEqual(httpFunctions.map((f) => f.name).sort());
    const keys = apiRoutes.flatMap((r) => r.methods.map((m) => `${m} ${r.path}`));
    expect(new Set(keys).size).toBe(keys.length);
    for (const r of apiRoutes) expect(r.throttle.burst, r.path).toBeGreaterThanOrEqual(r.throttle.rate);
  });

  it('is what the local gateway serves', () => {
    const local = localRoutes.flatMap((r) => r.methods.map((m) => `${m} ${r.path} → ${r.fn}`)).sort();
    expect(local).toEqual(apiRoutes.flatMap((r) => r.methods.map((m) => `${m} ${r.path} → ${r.function}`)).sort());
  });
});
