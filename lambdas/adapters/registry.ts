import { DeleteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Directory } from '../core/request/directory.js';
import { ConcurrentUpdateError, ValidationError } from '../core/errors.js';
import type { Platform, RegistryAccount } from '../core/model.js';
import { requireEnv } from '../shared/env.js';
import { getItem, isConditionFailure, putIfAbsent, tableOf, updateItem, type Item, type Table } from './dynamo.js';
import { accountItem, handleClaimItem } from './items/account-items.js';
import { parseItem } from './items/stored-item.js';
import { handleKey } from '../core/rules/platforms.js';

// The registry of institutional accounts (GOVERNANCE.md §6): one item per account, keyed by id. Seeded once
// from the directory file's `accounts`, then added to by approved account openings; from the seed on, the
// registry, not the file, says which accounts exist.
//
// Ids starting with `#` are bookkeeping that readers never see:
// - `#seeded`: written after the seed, so later reads never consult the file again;
// - `#handle#<platform>#<handle>`: the claim of an active account on its handle, so that two registrations
//   racing for one handle cannot both win (conditional writes only; no transactions, DESIGN.md).
//
// The table name is read on each use, not at module load: lambdas/use-cases/registry-view.ts imports this module,
// and functions that only need the file's people (no ACCOUNTS_TABLE) must still start. The use cases see this
// module as their AccountRegistry (lambdas/use-cases/ports.ts).
const accountsTable = (): Table => tableOf(requireEnv('ACCOUNTS_TABLE'));

const SEED_MARKER = '#seeded';
const isReserved = (id: string) => id.startsWith('#');

/** A claim whose account never appeared is taken over after this long (its registration crashed for good). */
const CLAIM_GRACE_MS = 5 * 60 * 1000;

/** Tables this process has seen seeded; seeding happens once per table, so the answer never goes stale. */
const seededTables = new Set<string>();

/** Another request already registered an account under this id. */
export class AccountIdTakenError extends Error {
  readonly accountId: string;
  readonly openedBy: string;
  constructor(accountId: string, openedBy: string) {
    super(`account ${accountId} is already registered, opened by ${openedBy}`);
    this.name = 'AccountIdTakenError';
    this.accountId = accountId;
    this.openedBy = openedBy;
  }
}

/** Another active account already has this platform and handle. */
export class DuplicateHandleError extends Error {
  readonly existingAccountId: string;
  constructor(platform: Platform, handle: string, existingAccountId: string) {
    super(`${handle} on ${platform} is already the active account ${existingAccountId}`);
    this.name = 'DuplicateHandleError';
    this.existingAccountId = existingAccountId;
  }
}

const claimId = (platform: Platform, handle: string) => `#handle#${platform}#${handleKey(handle)}`;

const sameHandle = (a: Pick<RegistryAccount, 'platform' | 'handle'>, b: Pick<RegistryAccount, 'platform' | 'handle'>) =>
  a.platform === b.platform && handleKey(a.handle) === handleKey(b.handle);

/**
 * Every account in the registry, sorted by id. The first call ever seeds the registry from the directory file;
 * after that the file's accounts are never read again.
 */
export async function listAccounts(directory: Directory): Promise<RegistryAccount[]> {
  const table = accountsTable();
  let items = await scanAll(table);
  if (!items.some((item) => item['id'] === SEED_MARKER)) {
    await seed(table, directory);
    items = await scanAll(table);
  }
  seededTables.add(table.name);
  return accountsOf(table, items);
}

/** One account, or undefined (also for a reserved id). Seeds the registry first if it never was. */
export async function getAccount(id: string, directory: Directory): Promise<RegistryAccount | undefined> {
  if (isReserved(id)) return undefined;
  const table = accountsTable();
  await ensureSeeded(table, directory);
  const item = await getItem(table, { id });
  return item === undefined ? undefined : toAccount(table, item);
}

/**
 * Registers an account (an approved account opening). Idempotent per opening request: the same `openedBy`
 * again answers `already-registered` and changes nothing. Refuses, with a named error, an id registered by
 * another request (AccountIdTakenError) and a platform and handle another active account has
 * (DuplicateHandleError); ConcurrentUpdateError when another registration of the handle is under way (retry).
 *
 * Pass the directory when the registry may not be seeded yet (every handler that read the registry through
 * lambdas/use-cases/registry-view.ts has seeded it): a seed after this registration would not see its handle.
 */
export async function registerAccount(account: RegistryAccount, directory?: Directory): Promise<'registered' | 'already-registered'> {
  if (isReserved(account.id)) throw new ValidationError([`account id "${account.id}" is reserved (it starts with "#")`]);
  const table = accountsTable();
  if (directory !== undefined) await ensureSeeded(table, directory);

  const existing = await getItem(table, { id: account.id });
  if (existing !== undefined) return sameOwner(toAccount(table, existing), account);

  if (account.status === 'active') {
    // Every active account already registered (also any without a claim of its own)...
    const holder = accountsOf(table, await scanAll(table)).find(
      (a) => a.status === 'active' && a.id !== account.id && sameHandle(a, account),
    );
    if (holder !== undefined) throw new DuplicateHandleError(account.platform, account.handle, holder.id);
    // ...and any registration of the same handle racing with this one.
    await claimHandle(table, account);
  }

  if (await putIfAbsent(table, { ...account }, 'id')) return 'registered';
  const winner = await getItem(table, { id: account.id });
  if (winner === undefined) throw new ConcurrentUpdateError(`account ${account.id} changed while it was being registered`);
  try {
    return sameOwner(toAccount(table, winner), account);
  } catch (error) {
    if (account.status === 'active') await releaseClaim(table, account);
    throw error;
  }
}

function sameOwner(existing: RegistryAccount, account: RegistryAccount): 'already-registered' {
  const openedBy = existing.openedBy;
  if (openedBy !== account.openedBy) throw new AccountIdTakenError(account.id, openedBy);
  return 'already-registered';
}

/**
 * Claims the handle for the account with a conditional write. A claim held by another live registration refuses;
 * a stale one (its account retired or suspended, renamed, or never registered within the grace period) is taken
 * over, conditionally on it still naming the same holder.
 */
async function claimHandle(table: Table, account: RegistryAccount): Promise<void> {
  const id = claimId(account.platform, account.handle);
  const now = new Date();
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await putIfAbsent(table, claimItem(account, now.toISOString()), 'id')) return;
    const claimed = await getItem(table, { id });
    if (claimed === undefined) continue;
    const claim = parseItem(handleClaimItem, claimed, table.name, { id });
    const holderId = claim.accountId;
    const holderOpenedBy = claim.openedBy;
    if (holderId === account.id && holderOpenedBy === account.openedBy) return;
    const held = await getItem(table, { id: holderId });
    const holder = held === undefined ? undefined : toAccount(table, held);
    if (holder !== undefined && holder.openedBy === holderOpenedBy) {
      if (holder.status === 'active' && sameHandle(holder, account))
        throw new DuplicateHandleError(account.platform, account.handle, holder.id);
    } else if (now.getTime() - Date.parse(claim.claimedAt) < CLAIM_GRACE_MS) {
      throw new ConcurrentUpdateError(`${account.handle} on ${account.platform} is being registered by ${holderOpenedBy}`);
    }
    const taken = await updateItem({
      table,
      key: { id },
      update: 'SET accountId = :id, openedBy = :by, claimedAt = :at',
      condition: 'accountId = :holder AND openedBy = :holderBy',
      values: { ':id': account.id, ':by': account.openedBy, ':at': now.toISOString(), ':holder': holderId, ':holderBy': holderOpenedBy },
    });
    if (taken !== undefined) return;
  }
  throw new ConcurrentUpdateError(`the claim on ${account.handle} on ${account.platform} kept changing`);
}

/** Gives back a claim this registration took, when the account id turned out to be somebody else's. */
async function releaseClaim(table: Table, account: RegistryAccount): Promise<void> {
  try {
    await table.client.send(
      new DeleteCommand({
        TableName: table.name,
        Key: { id: claimId(account.platform, account.handle) },
        ConditionExpression: 'accountId = :id AND openedBy = :by',
        ExpressionAttributeValues: { ':id': account.id, ':by': account.openedBy },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

function claimItem(account: RegistryAccount, at: string): Item {
  return { id: claimId(account.platform, account.handle), accountId: account.id, openedBy: account.openedBy, claimedAt: at };
}

async function ensureSeeded(table: Table, directory: Directory): Promise<void> {
  if (seededTables.has(table.name)) return;
  if ((await getItem(table, { id: SEED_MARKER })) === undefined) await seed(table, directory);
  seededTables.add(table.name);
}

/**
 * Copies the directory file's accounts into the registry, then writes the marker. Every write is conditional on
 * the item being absent, so two cold starts seeding at once write each account once, and an account changed
 * since (say, retired) is never overwritten by the file.
 */
async function seed(table: Table, directory: Directory): Promise<void> {
  const managers = new Set(directory.group('socialMediaManager').map((p) => p.id));
  const at = new Date().toISOString();
  for (const a of directory.accounts) {
    if (isReserved(a.id)) continue; // could never be read back
    const account: RegistryAccount = {
      id: a.id,
      platform: a.platform,
      handle: a.handle,
      unit: a.unit,
      posters: [...a.posters],
      admins: [...a.admins],
      status: a.status,
      smmAdmin: a.admins.some((id) => managers.has(id)),
      openedBy: 'directory',
      openedAt: at,
    };
    await putIfAbsent(table, { ...account }, 'id');
    if (account.status === 'active') await putIfAbsent(table, claimItem(account, at), 'id');
  }
  await putIfAbsent(table, { id: SEED_MARKER, seededAt: at, accounts: directory.accounts.length }, 'id');
}

async function scanAll(table: Table): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const out = await table.client.send(new ScanCommand({ TableName: table.name, ExclusiveStartKey: startKey, ConsistentRead: true }));
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
}

function accountsOf(table: Table, items: readonly Item[]): RegistryAccount[] {
  return items
    .filter((item) => !isReserved(String(item['id'])))
    .map((item) => toAccount(table, item))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The stored item as a RegistryAccount (lambdas/adapters/items/account-items.ts): StoredItemError if it is not one. */
function toAccount(table: Table, item: Item): RegistryAccount {
  return parseItem(accountItem, item, table.name, { id: item['id'] });
}
