import { readFileSync } from 'node:fs';
import * as accounts from '../adapters/registry.js';
import { parseDirectory, withRegistry, type Directory } from '../core/request/directory.js';
import type { RegistryAccount } from '../core/model.js';
import { requireEnv } from '../shared/env.js';
import type { AccountRegistry } from './ports.js';

// Read at cold start; a broken directory fails the function's init with every problem listed.
export const directory: Directory = parseDirectory(JSON.parse(readFileSync(requireEnv('SIGNOFF_DIRECTORY'), 'utf8')));

/** The registry of accounts, and the directory with the registry's accounts in place of the file's. */
export interface RegistryView {
  readonly directory: Directory;
  readonly registry: readonly RegistryAccount[];
}

/**
 * The registry and the directory over it (GOVERNANCE.md §6), read afresh on each call so an account registered a
 * moment ago is a valid target at once. The first call ever seeds the registry from the file.
 */
export function registryViewOf(registry: Pick<AccountRegistry, 'listAccounts'>, file: Directory): () => Promise<RegistryView> {
  return async () => {
    const listed = await registry.listAccounts(file);
    return { directory: withRegistry(file, listed), registry: listed };
  };
}

/** The function's view: ACCOUNTS_TABLE (read and write, since it may be the one that seeds) over the directory file. */
export const registryView: () => Promise<RegistryView> = registryViewOf(accounts, directory);
