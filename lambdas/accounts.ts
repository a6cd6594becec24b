import { getAccount, listAccounts } from './adapters/registry.js';
import { requireSecretConfig, secretValue } from './adapters/secrets.js';
import { PLATFORM_NAMES, isPlatform } from './core/rules/platforms.js';
import { NotFoundError, ValidationError } from './core/errors.js';
import type { RegistryAccount } from './core/model.js';
import { requireBearer } from './shared/auth.js';
import { directory } from './use-cases/registry-view.js';
import { httpHandler, json, pathParameter, type HttpEvent } from './shared/middleware.js';

// GET /v1/accounts and GET /v1/accounts/{accountId} (bearer token): the registry of institutional accounts
// (GOVERNANCE.md §6), people resolved through the directory. The first read ever seeds the registry from the
// directory file, which is why this reader may write its table.
const apiToken = requireSecretConfig('SIGNOFF_API_TOKEN');

const STATUSES: Readonly<Record<RegistryAccount['status'], true>> = { active: true, retired: true, suspended: true };

interface Filters {
  readonly unit?: string;
  readonly platform?: string;
  readonly status?: string;
}

/** The query's filters; every unknown parameter or bad value is a 400 naming it, all at once. */
function filtersOf(event: HttpEvent): Filters {
  const query = event.queryStringParameters ?? {};
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

function person(id: string): { id: string; name: string | null; email: string | null } {
  const p = directory.personById(id);
  return { id, name: p?.name ?? null, email: p?.email ?? null };
}

function view(a: RegistryAccount) {
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

export const handler = httpHandler(async (event) => {
  requireBearer(event, await secretValue(apiToken));
  const accountId = event.pathParameters?.['accountId'] === undefined ? undefined : pathParameter(event, 'accountId');
  if (accountId !== undefined) {
    const account = await getAccount(accountId, directory);
    if (account === undefined) throw new NotFoundError(`account ${accountId} does not exist`);
    return json(200, view(account));
  }
  const filters = filtersOf(event);
  const accounts = (await listAccounts(directory)).filter(
    (a) =>
      (filters.unit === undefined || a.unit === filters.unit) &&
      (filters.platform === undefined || a.platform === filters.platform) &&
      (filters.status === undefined || a.status === filters.status),
  );
  return json(200, { accounts: accounts.map(view) });
});
