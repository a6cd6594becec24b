import { readFileSync } from 'node:fs';
import { listAccounts } from '../adapters/registry.js';
import { parseDirectory, withRegistry, type Directory } from '../core/request/directory.js';
import type { RegistryAccount } from '../core/model.js';
import { requireEnv } from '../shared/env.js';

// Read at cold start; a broken directory fails the function's init with every problem listed.
export const directory: Directory = parseDirectory(JSON.parse(readFileSync(requireEnv('SIGNOFF_DIRECTORY'), 'utf8')));

/** The registry of accounts, and the directory with the registry's accounts in place of the file's. */
export interface RegistryView {
  readonly directory: Directory;
  readonly registry: readonly RegistryAccount[];
}

/**
 * The registry and the directory over it (GOVERNANCE.md §6), read afresh on each call so an account registered a
 * moment ago is a valid target at once. The first call ever seeds the registry from the file; the function needs
 * ACCOUNTS_TABLE (read and write, since it may be the one that seeds).
 */
export async function registryView(): Promise<RegistryView> {
  const registry = await listAccounts(directory);
  return { directory: withRegistry(directory, registry), registry };
}
