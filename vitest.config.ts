import { defineConfig } from 'vitest/config';
import { BUNDLES_DIR } from './test/e2e/bundles-setup.js';

/**
 * The e2e files the bundle pass runs again against the deployed bundles, each function judged by its role's IAM policy:
 * together they invoke every function: intake, the workflow's tasks, review, status and audit (approval-flow),
 * register-account and accounts (account-opening), record-failure, withdraw and withdraw-link (workflow-failure),
 * versions (lifecycle), audit-export, media and mail-intake (mail-intake; its use case in its sandbox, as SES receipt
 * has no local stand-in), and audit-checkpoint (the timer of every stack).
 */
const BUNDLE_PASS = [
  'test/e2e/bundles.test.ts',
  'test/e2e/approval-flow.test.ts',
  'test/e2e/account-opening.test.ts',
  'test/e2e/workflow-failure.test.ts',
  'test/e2e/lifecycle.test.ts',
  'test/e2e/audit-export.test.ts',
  'test/e2e/mail-intake.test.ts',
];

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
          exclude: ['test/e2e/bundles.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Each file starts its own stack on its own ports; two at a time suits a 2-core machine.
          maxWorkers: 2,
          fileParallelism: true,
        },
      },
      {
        test: {
          name: 'bundles',
          // After the e2e pass: the same files again, each stack running the esbuild bundles `cdk synth` makes.
          sequence: { groupOrder: 2 },
          include: BUNDLE_PASS,
          globalSetup: ['test/e2e/bundles-setup.ts'],
          env: { SIGNOFF_LOCAL_BUNDLES: BUNDLES_DIR },
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          maxWorkers: 2,
          fileParallelism: true,
        },
      },
    ],
    allowOnly: false,
  },
});
