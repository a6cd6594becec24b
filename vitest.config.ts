import { defineConfig } from 'vitest/config';

// Two projects: unit tests of the core, adapters and local runtime pieces, and end-to-end tests that
// start the real local stack as a separate process and drive it over HTTP like a client.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'test/security/e2e/**'],
          environment: 'node',
          // Handlers run in-process here: their EMF metric lines would fill the output. test/shared/metrics.test.ts
          // turns them back on to read them.
          env: { POWERTOOLS_METRICS_DISABLED: 'true' },
          // CDK synthesis (test/lib) takes seconds, not milliseconds.
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          // Unit tests first: a broken core fails fast, before any stack starts.
          sequence: { groupOrder: 1 },
          include: ['test/e2e/**/*.test.ts', 'test/security/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Each file starts its own stack on its own ports; two at a time suits a 2-core machine.
          maxWorkers: 2,
          fileParallelism: true,
        },
      },
    ],
    allowOnly: false,
  },
});
