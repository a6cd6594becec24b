import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectoryFile } from '../../lambdas/core/request/directory.js';
import { API_TOKEN, Stack } from './stack.js';

// The registry read API (GOVERNANCE.md §6): GET /v1/accounts and GET /v1/accounts/{accountId} on the running
// local stack, seeded from config/directory.json on first read.

interface PersonView {
  readonly id: string;
  readonly name: string | null;
  readonly email: string | null;
}

interface AccountView {
  readonly id: string;
  readonly platform: string;
  readonly handle: string;
  readonly unit: string;
  readonly unitName: string | null;
  readonly admins: readonly PersonView[];
  readonly posters: readonly PersonView[];
  readonly smmAdmin: boolean;
  readonly credentialStore: string | null;
  readonly status: string;
  readonly openedBy: string;
  readonly openedAt: string;
}

const file = JSON.parse(readFileSync(new URL('../../config/directory.json', import.meta.url), 'utf8')) as DirectoryFile;

let stack: Stack;
beforeAll(async () => {
  stack = await Stack.start();
});
afterAll(async () => {
  await stack.dispose();
});

/** `token: null` sends no authorization header at all. */
const get = (path: string, token: string | null = API_TOKEN, method = 'GET') =>
  fetch(`${stack.baseUrl}${path}`, { method, headers: token === null ? {} : { authorization: `Bearer ${token}` } });

async function list(query = ''): Promise<AccountView[]> {
  const res = await get(`/v1/accounts${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { accounts: AccountView[] }).accounts;
}

describe('GET /v1/accounts', () => {
  it("lists the directory's accounts, sorted by id, with people, unit and the social-media manager resolved", async () => {
    const accounts = await list();
    expect(accounts.map((a) => a.id)).toEqual(file.accounts.map((a) => a.id).sort());

    const physics = accounts.find((a) => a.id === 'physics-x');
    expect(physics).toEqual({
      id: 'physics-x',
      platform: 'x',
      handle: '@ExamplePhysics',
      unit: 'physics',
      unitName: 'Physics Department',
      admins: [
        { id: 'ada', name: 'Ada Lovelace', email: 'ada@example.org' },
        { id: 'bob', name: 'Bob Noyce', email: 'bob@example.org' },
        { id: 'sam', name: 'Sam Manager', email: 'sam@example.org' },
      ],
      posters: [
        { id: 'ada', name: 'Ada Lovelace', email: 'ada@example.org' },
        { id: 'bob', name: 'Bob Noyce', email: 'bob@example.org' },
        { id: 'alan', name: 'Alan Turing', email: 'alan@example.org' },
      ],
      smmAdmin: true,
      credentialStore: null,
      status: 'active',
      openedBy: 'directory',
      openedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/) as unknown as string,
    });
    expect(accounts.find((a) => a.id === 'old-physics-facebook')?.status).toBe('retired');
  });

  it('answers a second read from the registry, identically', async () => {
    expect(await list()).toEqual(await list());
  });

  it('filters by unit, platform and status, together', async () => {
    expect((await list('?unit=physics')).map((a) => a.id)).toEqual(['old-physics-facebook', 'physics-mastodon', 'physics-x']);
    expect((await list('?platform=bluesky')).map((a) => a.id)).toEqual(['institute-bluesky']);
    expect((await list('?status=retired')).map((a) => a.id)).toEqual(['old-physics-facebook']);
    expect((await list('?unit=physics&status=active')).map((a) => a.id)).toEqual(['physics-mastodon', 'physics-x']);
    expect(await list('?unit=ethics')).toEqual([]);
  });

  it('answers 400 naming a bad filter value, every bad one at once', async () => {
    const res = await get('/v1/accounts?platform=myspace&status=closed&unti=physics');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; problems: string[] };
    expect(body.problems).toHaveLength(3);
    expect(body.problems[0]).toContain('"myspace"');
    expect(body.problems.join(' ')).toContain('"closed"');
    expect(body.problems.join(' ')).toContain('"unti"');
    const unit = await get('/v1/accounts?unit=astrology');
    expect(unit.status).toBe(400);
    expect(((await unit.json()) as { error: string }).error).toContain('"astrology"');
  });

  it('answers 401 without a token and with a wrong one', async () => {
    expect((await get('/v1/accounts', null)).status).toBe(401);
    expect((await get('/v1/accounts/physics-x', null)).status).toBe(401);
    expect((await get('/v1/accounts', 'wrong-token')).status).toBe(401);
    expect((await get('/v1/accounts/physics-x', 'wrong-token')).status).toBe(401);
  });

  it('answers HEAD like GET, without a body', async () => {
    const res = await get('/v1/accounts', API_TOKEN, 'HEAD');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });
});

describe('GET /v1/accounts/{accountId}', () => {
  it('gives one account as the list shows it', async () => {
    const res = await get('/v1/accounts/institute-bluesky');
    expect(res.status).toBe(200);
    const account = (await res.json()) as AccountView;
    expect(account).toEqual((await list()).find((a) => a.id === 'institute-bluesky'));
    expect(account.admins.map((p) => p.email)).toEqual(['carl@example.org', 'sam@example.org']);
  });

  it("answers 404 naming an unknown id, and never shows the registry's bookkeeping", async () => {
    const res = await get('/v1/accounts/physics-tiktok');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toContain('physics-tiktok');
    expect((await get(`/v1/accounts/${encodeURIComponent('#seeded')}`)).status).toBe(404);
  });
});

describe('the registry, not the file, after the first start', () => {
  it('keeps the seeded accounts when the directory file changes and the stack restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signoff-accounts-dir-'));
    const path = join(dir, 'directory.json');
    writeFileSync(path, JSON.stringify(file));
    const own = await Stack.start({ SIGNOFF_DIRECTORY: path });
    try {
      const read = async () => {
        const res = await fetch(`${own.baseUrl}/v1/accounts`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
        expect(res.status).toBe(200);
        return ((await res.json()) as { accounts: AccountView[] }).accounts;
      };
      const before = await read();
      writeFileSync(path, JSON.stringify({ ...file, accounts: file.accounts.filter((a) => a.id !== 'physics-x') }));
      await own.restart('SIGTERM');
      expect(await read()).toEqual(before);
    } finally {
      await own.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
