import { beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import type { RegistryAccount } from '../../lambdas/core/model.js';
import { parseSubmission } from '../../lambdas/core/request/submission.js';
import type { AccountRegistry } from '../../lambdas/use-cases/ports.js';
import { directory, memoryPorts, NOW } from './memory-ports.js';

// What validating a submission reads of the registry (issue #18): a brand post its target alone, by key; an account
// opening every account. The registry here counts each kind of read.

let submissionViewOf: typeof import('../../lambdas/use-cases/registry-view.js').submissionViewOf;

beforeAll(async () => {
  // registry-view.ts reads the function's directory file when it loads.
  process.env['SIGNOFF_DIRECTORY'] = fileURLToPath(new URL('../../config/directory.json', import.meta.url));
  ({ submissionViewOf } = await import('../../lambdas/use-cases/registry-view.js'));
});

/** The registry as memoryPorts seeds it: the directory file's accounts. */
const seeded: readonly RegistryAccount[] = memoryPorts().accounts;

function countingRegistry(accounts: readonly RegistryAccount[]) {
  const reads = { listed: 0, byKey: [] as string[] };
  const registry: Pick<AccountRegistry, 'listAccounts' | 'getAccount'> = {
    async listAccounts() {
      reads.listed++;
      return [...accounts];
    },
    async getAccount(id) {
      reads.byKey.push(id);
      return accounts.find((a) => a.id === id);
    },
  };
  return { registry, reads };
}

const post = (account: unknown) => ({
  kind: 'brand-post',
  submitter: 'ada@example.org',
  account,
  title: 'Open day',
  text: 'Join us on Saturday.',
});

describe('submissionViewOf', () => {
  it("reads a brand post's target account by key, and nothing else of the registry", async () => {
    // Prepare
    const { registry, reads } = countingRegistry(seeded);
    const view = submissionViewOf(registry, directory);

    // Act
    const { directory: seen, registry: listed } = await view(post('physics-x'));

    // Assess
    expect(reads).toEqual({ listed: 0, byKey: ['physics-x'] });
    expect(listed.map((a) => a.id)).toEqual(['physics-x']);
    expect(parseSubmission(post('physics-x'), seen, NOW, listed)).toMatchObject({ kind: 'brand-post', account: 'physics-x' });
  });

  it('refuses a brand post to an account the registry does not hold, by name, after one read by key', async () => {
    // Prepare: the registry no longer holds the file's physics-x
    const { registry, reads } = countingRegistry(seeded.filter((a) => a.id !== 'physics-x'));
    const view = submissionViewOf(registry, directory);

    // Act
    const { directory: seen, registry: listed } = await view(post('physics-x'));

    // Assess
    expect(reads).toEqual({ listed: 0, byKey: ['physics-x'] });
    expect(() => parseSubmission(post('physics-x'), seen, NOW, listed)).toThrow(
      'account: "physics-x" is not a registered institutional account',
    );
  });

  it('reads nothing for a brand post that names no account, or one longer than an id can be (the schema says which)', async () => {
    // Prepare
    const { registry, reads } = countingRegistry(seeded);
    const view = submissionViewOf(registry, directory);
    const tooLong = 'x'.repeat(5_000);

    // Act
    const none = await view(post(42));
    const long = await view(post(tooLong));

    // Assess
    expect(reads).toEqual({ listed: 0, byKey: [] });
    expect(() => parseSubmission(post(42), none.directory, NOW, none.registry)).toThrow(/account/);
    expect(() => parseSubmission(post(tooLong), long.directory, NOW, long.registry)).toThrow(/account: .*100/);
  });

  it('reads the whole registry for an account opening, and for a body of no known kind', async () => {
    // Prepare
    const { registry, reads } = countingRegistry(seeded);
    const view = submissionViewOf(registry, directory);

    // Act
    const opening = await view({ kind: 'account-opening' });
    await view('not an object');

    // Assess
    expect(reads).toEqual({ listed: 2, byKey: [] });
    expect(opening.registry.map((a) => a.id)).toEqual(directory.accounts.map((a) => a.id));
  });
});
