import { readFileSync } from 'node:fs';
import * as accounts from '../adapters/registry.js';
import { parseDirectory, withRegistry, type Directory } from '../core/request/directory.js';
import { MAX_ACCOUNT_ID_CHARS } from '../core/request/limits.js';
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

/**
 * What validating a submission's body needs of the registry (issue #18): for a brand post only its target account,
 * read by key — one read whatever the registry's size, where a scan reads every account on every post — so `registry`
 * holds that account alone (or none: not registered, or the body names none); for anything else (an account opening
 * checks every account's handle and its unit's accounts) the whole registry.
 */
export function submissionViewOf(
  registry: Pick<AccountRegistry, 'listAccounts' | 'getAccount'>,
  file: Directory,
): (content: unknown) => Promise<RegistryView> {
  const whole = registryViewOf(registry, file);
  return async (content) => {
    const body = typeof content === 'object' && content !== null ? (content as { kind?: unknown; account?: unknown }) : {};
    if (body.kind !== 'brand-post') return whole();
    // Read only an id the body's schema admits; anything else is refused by the schema, by name, with no read.
    const { account } = body;
    const readable = typeof account === 'string' && account !== '' && account.length <= MAX_ACCOUNT_ID_CHARS;
    const target = readable ? await registry.getAccount(account, file) : undefined;
    const listed = target === undefined ? [] : [target];
    return { directory: withRegistry(file, listed), registry: listed };
  };
}

/** The function's view: ACCOUNTS_TABLE (read and write, since it may be the one that seeds) over the directory file. */
export const registryView: () => Promise<RegistryView> = registryViewOf(accounts, directory);

/** The function's view for a submission's body (submissionViewOf), over the same table and file. */
export const submissionView: (content: unknown) => Promise<RegistryView> = submissionViewOf(accounts, directory);
