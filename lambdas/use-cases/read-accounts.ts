import { NotFoundError, ValidationError } from '../core/errors.js';
import type { RegistryAccount } from '../core/model.js';
import type { Directory } from '../core/request/directory.js';
import { PLATFORM_NAMES, isPlatform } from '../core/rules/platforms.js';
import type { AccountRegistry } from './ports.js';

// The registry of institutional accounts (GOVERNANCE.md §6) as GET /v1/accounts shows it, people resolved through
// the directory. The first read ever seeds the registry from the directory file, which is why this reader may write.

export interface ReadAccountsPorts {
  readonly registry: Pick<AccountRegistry, 'getAccount' | 'listAccounts'>;
  /** The directory file: it names units and people, and seeds the registry. */
  readonly directory: Directory;
}

const STATUSES: Readonly<Record<RegistryAccount['status'], true>> = { active: true, retired: true, suspended: true };

interface Filters {
  readonly unit?: string;
  readonly platform?: string;
  readonly status?: string;
}

/** The query's filters; every unknown parameter or bad value is a problem naming it, all at once. */
function filtersOf(query: Readonly<Record<string, string | undefined>>, directory: Directory): Filters {
  const problems: string[] = [];
  const filters: { unit?: string; platform?: string; status?: string } = {};
  for (const [name, value] of Object.entries(query)) {
    const v = value ?? '';
    if (name === 'unit') {
      if (directory.unitName(v) === undefined) problems.push(`unit: unknown unit "${v}"`);
      else filters.unit = v;
    } else if (name === 'platform') {
      if (!isPlatform(v)) problems.push(`platform: unknown platform "${v}"; use one of ${Object.keys(PLATFORM_NAMES).join(', ')}`);
      else filters.platform = v;
    } else if (name === 'status') {
      if (!Object.hasOwn(STATUSES, v)) problems.push(`status: unknown status "${v}"; use one of ${Object.keys(STATUSES).join(', ')}`);
      else filters.status = v;
    } else {
      problems.push(`unknown query parameter "${name}"; the filters are unit, platform and status`);
    }
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return filters;
}

function viewOf(a: RegistryAccount, directory: Directory) {
  const person = (id: string): { id: string; name: string | null; email: string | null } => {
    const p = directory.personById(id);
    return { id, name: p?.name ?? null, email: p?.email ?? null };
  };
  return {
    id: a.id,
    platform: a.platform,
    handle: a.handle,
    unit: a.unit,
    unitName: directory.unitName(a.unit) ?? null,
    admins: a.admins.map(person),
    posters: a.posters.map(person),
    smmAdmin: a.smmAdmin,
    credentialStore: a.credentialStore ?? null,
    status: a.status,
    openedBy: a.openedBy,
    openedAt: a.openedAt,
  };
}

export type AccountView = ReturnType<typeof viewOf>;

/** GET /v1/accounts/{accountId}. */
export async function readAccount(accountId: string, ports: ReadAccountsPorts): Promise<AccountView> {
  const account = await ports.registry.getAccount(accountId, ports.directory);
  if (account === undefined) throw new NotFoundError(`account ${accountId} does not exist`);
  return viewOf(account, ports.directory);
}

/** GET /v1/accounts?unit&platform&status: ValidationError for an unknown filter or value. */
export async function readAccounts(
  query: Readonly<Record<string, string | undefined>>,
  ports: ReadAccountsPorts,
): Promise<{ accounts: AccountView[] }> {
  const filters = filtersOf(query, ports.directory);
  const accounts = (await ports.registry.listAccounts(ports.directory)).filter(
    (a) =>
      (filters.unit === undefined || a.unit === filters.unit) &&
      (filters.platform === undefined || a.platform === filters.platform) &&
      (filters.status === undefined || a.status === filters.status),
  );
  return { accounts: accounts.map((a) => viewOf(a, ports.directory)) };
}
