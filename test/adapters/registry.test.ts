import { readFileSync } from 'node:fs';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseDirectory, type Directory, type DirectoryFile } from '../../lambdas/core/request/directory.js';
import type { RegistryAccount } from '../../lambdas/core/model.js';
import { startTestDynamo, type TestDynamo } from './local-dynamo.js';

// The registry of institutional accounts (GOVERNANCE.md §6) against dynalite's real conditional writes: seeded
// once from the directory file, even by two cold starts at once; the registry, not the file, is the truth
// afterwards; registration is idempotent per opening request and keeps handles unique among active accounts.

type Registry = typeof import('../../lambdas/adapters/registry.js');

let dynamo: TestDynamo;
let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let tableCount = 0;

const file = JSON.parse(readFileSync(new URL('../../config/directory.json', import.meta.url), 'utf8')) as DirectoryFile;
const directory: Directory = parseDirectory(file);
/** The same institution, its file edited later: one account gone, another added. */
const edited: Directory = parseDirectory({
  ...file,
  accounts: [
    ...file.accounts.filter((a) => a.id !== 'physics-mastodon'),
    {
      id: 'ethics-linkedin',
      platform: 'linkedin',
      handle: 'example-ethics',
      unit: 'ethics',
      posters: ['eve'],
      admins: ['eve', 'ezra'],
      status: 'active',
    },
  ],
});

/** A fresh instance of the adapter module: what a second cold start (another Lambda instance) would run. */
async function coldStart(): Promise<Registry> {
  vi.resetModules();
  return import('../../lambdas/adapters/registry.js');
}

/** A new, empty accounts table for one test; the adapter reads ACCOUNTS_TABLE on each call. */
async function freshTable(): Promise<string> {
  const name = `signoff-accounts-test-${tableCount++}`;
  await client.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  // dynalite answers CreateTable before the table takes requests.
  while ((await client.send(new DescribeTableCommand({ TableName: name }))).Table?.TableStatus !== 'ACTIVE')
    await new Promise((done) => setTimeout(done, 5));
  process.env['ACCOUNTS_TABLE'] = name;
  return name;
}

async function rawItems(table: string): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: startKey, ConsistentRead: true }));
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
}

function opened(overrides: Partial<RegistryAccount> = {}): RegistryAccount {
  return {
    id: 'physics-bluesky',
    platform: 'bluesky',
    handle: '@physics.example.org',
    unit: 'physics',
    posters: ['ada'],
    admins: ['ada', 'bob', 'sam'],
    status: 'active',
    smmAdmin: true,
    credentialStore: 'vault://social/physics-bluesky',
    openedBy: 'req_open_1',
    openedAt: '2026-11-20T10:00:00.000Z',
    ...overrides,
  };
}

beforeAll(async () => {
  dynamo = await startTestDynamo();
  client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: dynamo.credentials });
  doc = DynamoDBDocumentClient.from(client);
});

afterAll(async () => {
  client.destroy();
  await dynamo.close();
});

let table: string;
beforeEach(async () => {
  table = await freshTable();
});

describe('seeding from the directory file', () => {
  it('creates the registry table locally, as lambdas/adapters/tables.ts describes it', async () => {
    const out = await doc.send(new ScanCommand({ TableName: 'signoff-accounts' }));
    expect(out.Items).toEqual([]);
  });

  it('seeds once when two cold starts read the registry at the same moment', async () => {
    const [a, b] = [await coldStart(), await coldStart()];
    expect(a).not.toBe(b);
    const [fromA, fromB] = await Promise.all([a.listAccounts(directory), b.listAccounts(directory)]);

    expect(fromA).toEqual(fromB);
    expect(fromA.map((x) => x.id)).toEqual(['institute-bluesky', 'old-physics-facebook', 'physics-mastodon', 'physics-x']);
    // The conditional puts let exactly one seed's items in: every account carries one seeding time.
    expect(new Set(fromA.map((x) => x.openedAt)).size).toBe(1);
    const items = await rawItems(table);
    expect(items.filter((i) => i['id'] === '#seeded')).toHaveLength(1);
    expect(items.filter((i) => !String(i['id']).startsWith('#'))).toHaveLength(4);
  });

  it("records each account as the file has it, opened by the directory, with the social-media manager's admin status", async () => {
    const registry = await coldStart();
    const physics = await registry.getAccount('physics-x', directory);
    expect(physics).toEqual({
      id: 'physics-x',
      platform: 'x',
      handle: '@ExamplePhysics',
      unit: 'physics',
      posters: ['ada', 'bob', 'alan'],
      admins: ['ada', 'bob', 'sam'],
      status: 'active',
      smmAdmin: true,
      openedBy: 'directory',
      openedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown as string,
    });
    const withoutSam = parseDirectory({
      ...file,
      accounts: [{ ...file.accounts[0], id: 'no-smm', handle: '@NoSmm', admins: ['ada', 'bob'] }],
    });
    await freshTable();
    expect((await registry.getAccount('no-smm', withoutSam))?.smmAdmin).toBe(false);
  });

  it('never returns its bookkeeping items (the seed marker, handle claims)', async () => {
    const registry = await coldStart();
    const accounts = await registry.listAccounts(directory);
    expect(accounts.every((a) => !a.id.startsWith('#'))).toBe(true);
    expect((await rawItems(table)).some((i) => String(i['id']).startsWith('#handle#'))).toBe(true);
    expect(await registry.getAccount('#seeded', directory)).toBeUndefined();
    expect(await registry.getAccount('#handle#x#examplephysics', directory)).toBeUndefined();
    expect(await registry.getAccount('nobody', directory)).toBeUndefined();
  });

  it('is the truth afterwards: a changed directory file changes nothing, in this process or a new one', async () => {
    const first = await (await coldStart()).listAccounts(directory);
    const registry = await coldStart();
    expect(await registry.listAccounts(edited)).toEqual(first);
    expect(await registry.getAccount('ethics-linkedin', edited)).toBeUndefined();
    expect((await registry.getAccount('physics-mastodon', edited))?.handle).toBe('@physics@social.example.org');
  });

  it('lets a late second seed write nothing: an account changed since keeps its change, every account its first seeding', async () => {
    const registry = await coldStart();
    const first = await registry.listAccounts(directory);
    await doc.send(
      new PutCommand({ TableName: table, Item: { ...(await registry.getAccount('physics-x', directory)), status: 'suspended' } }),
    );
    // A cold start that found no marker and seeds an hour later (as if its scan came before the first seed finished).
    await doc.send(new DeleteCommand({ TableName: table, Key: { id: '#seeded' } }));
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 3600_000);
      const after = await (await coldStart()).listAccounts(directory);
      expect(after.find((a) => a.id === 'physics-x')?.status).toBe('suspended');
      expect(after.map((a) => a.openedAt)).toEqual(first.map((a) => a.openedAt));
    } finally {
      vi.useRealTimers();
    }
  });

  it('reads past a page: a registry over 1 MB is listed whole', async () => {
    const registry = await coldStart();
    await registry.listAccounts(directory);
    const padding = 'p'.repeat(16 * 1024);
    for (let i = 0; i < 70; i++) {
      await doc.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...opened({ id: `bulk-${String(i).padStart(3, '0')}`, handle: `@bulk${i}`, openedBy: `req_bulk_${i}` }),
            credentialStore: padding,
          },
        }),
      );
    }
    const accounts = await registry.listAccounts(directory);
    expect(accounts).toHaveLength(74);
    expect(accounts.map((a) => a.id)).toEqual([...accounts.map((a) => a.id)].sort());
  });
});

describe('registering an approved account opening', () => {
  it('registers once; the same opening request again is an idempotent replay that changes nothing', async () => {
    const registry = await coldStart();
    await registry.listAccounts(directory);
    expect(await registry.registerAccount(opened())).toBe('registered');
    expect(await registry.registerAccount(opened({ openedAt: '2026-11-21T00:00:00.000Z' }))).toBe('already-registered');
    expect(await registry.getAccount('physics-bluesky', directory)).toEqual(opened());
    expect((await registry.listAccounts(directory)).map((a) => a.id)).toContain('physics-bluesky');
  });

  it('refuses an id another request registered, naming who opened it', async () => {
    const registry = await coldStart();
    await registry.registerAccount(opened(), directory);
    const refused = registry.registerAccount(opened({ openedBy: 'req_open_2', handle: '@other.example.org' }));
    await expect(refused).rejects.toBeInstanceOf(registry.AccountIdTakenError);
    await expect(refused).rejects.toMatchObject({ name: 'AccountIdTakenError', openedBy: 'req_open_1' });
    expect((await registry.getAccount('physics-bluesky', directory))?.openedBy).toBe('req_open_1');
  });

  it('refuses a handle another active account has, whatever its case and leading @', async () => {
    const registry = await coldStart();
    await registry.listAccounts(directory);
    for (const handle of ['@ExamplePhysics', 'examplephysics', ' @EXAMPLEPHYSICS ']) {
      const refused = registry.registerAccount(opened({ id: `dup-${handle.trim()}`, platform: 'x', handle }));
      await expect(refused).rejects.toMatchObject({ name: 'DuplicateHandleError', existingAccountId: 'physics-x' });
    }
    // The same handle on another platform is another account; a retired account's handle is free again.
    expect(
      await registry.registerAccount(opened({ id: 'physics-threads', platform: 'threads', handle: '@ExamplePhysics', openedBy: 'req_t' })),
    ).toBe('registered');
    expect(
      await registry.registerAccount(
        opened({ id: 'physics-facebook', platform: 'facebook', handle: 'examplephysicsold', openedBy: 'req_f' }),
      ),
    ).toBe('registered');
    expect((await registry.listAccounts(directory)).filter((a) => a.id.startsWith('dup-'))).toEqual([]);
  });

  it('lets exactly one of two registrations racing for one handle win', async () => {
    const [a, b] = [await coldStart(), await coldStart()];
    await a.listAccounts(directory);
    const results = await Promise.allSettled([
      a.registerAccount(opened({ id: 'race-a', handle: '@Race', openedBy: 'req_a' })),
      b.registerAccount(opened({ id: 'race-b', handle: 'race', openedBy: 'req_b' })),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<string>).value)).toEqual(['registered']);
    const [loser] = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(['DuplicateHandleError', 'ConcurrentUpdateError']).toContain((loser?.reason as Error | undefined)?.name);
    expect((await a.listAccounts(directory)).filter((x) => x.id.startsWith('race-'))).toHaveLength(1);
  });

  it('gives back the handle claimed by a registration that lost its id to another request', async () => {
    const [a, b] = [await coldStart(), await coldStart()];
    await a.listAccounts(directory);
    const results = await Promise.allSettled([
      a.registerAccount(opened({ id: 'same-id', handle: '@first', openedBy: 'req_1' })),
      b.registerAccount(opened({ id: 'same-id', handle: '@second', openedBy: 'req_2' })),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const winner = (await a.getAccount('same-id', directory))?.handle;
    const loserHandle = winner === '@first' ? '@second' : '@first';
    expect(await a.registerAccount(opened({ id: 'other-id', handle: loserHandle, openedBy: 'req_3' }))).toBe('registered');
  });

  it('takes over the claim of a registration that crashed for good, but not of one under way', async () => {
    const registry = await coldStart();
    await registry.listAccounts(directory);
    const claim = (at: Date) => ({
      id: '#handle#bluesky#physics.example.org',
      accountId: 'ghost',
      openedBy: 'req_ghost',
      claimedAt: at.toISOString(),
    });
    await doc.send(new PutCommand({ TableName: table, Item: claim(new Date()) }));
    await expect(registry.registerAccount(opened())).rejects.toMatchObject({ name: 'ConcurrentUpdateError' });
    await doc.send(new PutCommand({ TableName: table, Item: claim(new Date(Date.now() - 10 * 60 * 1000)) }));
    expect(await registry.registerAccount(opened())).toBe('registered');
  });

  it('completes a replay that crashed between claiming the handle and writing the account', async () => {
    const registry = await coldStart();
    await registry.listAccounts(directory);
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: {
          id: '#handle#bluesky#physics.example.org',
          accountId: 'physics-bluesky',
          openedBy: 'req_open_1',
          claimedAt: new Date().toISOString(),
        },
      }),
    );
    expect(await registry.registerAccount(opened())).toBe('registered');
  });

  it('refuses a reserved id', async () => {
    const registry = await coldStart();
    await expect(registry.registerAccount(opened({ id: '#seeded' }))).rejects.toMatchObject({ name: 'ValidationError' });
  });
});
