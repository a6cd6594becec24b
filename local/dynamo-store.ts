import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import dynalite from 'dynalite';
import { writesSynced } from './durable.js';

// dynalite keeps its tables in one LevelDB (classic-level), which it does not hand out. Two faults of dynalite 4.0.0
// in it made the store, and each start, grow with every request ever finished (issue #13):
//  - it ends the stream of every Query, Scan and ListTables by calling `iterator.return()`, which abstract-level 3's
//    iterators do not have (they have `close()`), so no iterator it opens is ever closed. Each one holds a LevelDB
//    snapshot: the table files it saw are never deleted and their memory never freed. Measured on 2,000 finished
//    requests: 248 MiB on disk where the items took 77 after a restart let go of them.
//  - ListTables reads every key of the store and keeps those under `table~`: its sub-database passes no range to the
//    LevelDB below. A start lists the tables once per table, so it read the whole store four times (10,000 finished
//    requests: 178 MiB, mapped into the process and counted in its resident memory).
// And one it has anywhere: it writes an item's index entries and the item itself as separate LevelDB writes, so a
// crash between them (kill -9, power loss) left an audit event in the time index and not in its table, or the other
// way round. Here each item write goes to LevelDB as one batch with its index entries (issue #18).

/** The LevelDB under dynalite, as much of it as is used here. */
export interface LevelStore {
  keys(options?: object): LevelIterator;
  values(options?: object): LevelIterator;
  compactRange(start: string, end: string): Promise<void>;
}

/** classic-level's own write methods, which abstract-level calls with the options of every put, del and batch. */
interface LevelWrites {
  _put(key: unknown, value: unknown, options: object): Promise<void>;
  _del(key: unknown, options: object): Promise<void>;
  _batch(operations: unknown, options: object): Promise<void>;
}

interface LevelIterator {
  close(): Promise<void>;
  return?: () => Promise<void>;
}

type DynaliteOptions = NonNullable<Parameters<typeof dynalite>[0]>;

/** A table's items (LevelDB keys `item-<table>~<key>`), as dynalite's actions write them, callback style. */
interface ItemDb {
  put(key: string, value: unknown, callback: (error?: Error | null) => void): void;
  del(key: string, callback: (error?: Error | null) => void): void;
}

interface DynaliteStore {
  readonly db: LevelStore & { batch(operations: LevelOperation[], callback: (error?: Error | null) => void): void };
  /** The table definitions: LevelDB keys `table~<name>`, read through a wrapper that strips the prefix. */
  readonly tableDb: { createKeyStream(options?: object): unknown };
  getItemDb(tableName: string): ItemDb;
}

type LevelOperation =
  | { readonly type: 'put'; readonly key: string; readonly value: unknown }
  | { readonly type: 'del'; readonly key: string };

/** What dynalite's own `getIndexActions` returns for one kind of index. */
interface IndexActions {
  readonly puts: ReadonlyArray<{ readonly index: string; readonly key: string; readonly item: unknown }>;
  readonly deletes: ReadonlyArray<{ readonly index: string; readonly key: string }>;
}

/** A table definition as dynalite keeps it, as much of it as the index writes read. */
interface DynaliteTable {
  readonly TableName: string;
  readonly LocalSecondaryIndexes?: readonly unknown[];
  readonly GlobalSecondaryIndexes?: readonly unknown[];
}

type Callback = (error?: Error | null) => void;

/** Where dynalite's table definitions are kept: the keys from `table~` to `table~\xff`, as its own reads bound them. */
const TABLE_KEYS = { gte: 'table~', lt: 'table~\xff' };

const require = createRequire(import.meta.url);
// The module dynalite's own `require('./db')` returns (one instance per resolved file), so its `create` can be watched.
const dynaliteDb = require('dynalite/db/index.js') as {
  create: (options: DynaliteOptions) => DynaliteStore;
  updateIndexes: (store: DynaliteStore, table: DynaliteTable, existing: object | undefined, item: object | null, cb: Callback) => void;
  getIndexActions: (indexes: readonly unknown[], existing: object | undefined, item: object | null, table: DynaliteTable) => IndexActions;
  createKey: (item: object, table: DynaliteTable) => string;
};

/**
 * Item stores whose writes carry their index entries, each with the index writes waiting for its next item write, by
 * item key. dynalite's putItem, updateItem and deleteItem (batchWriteItem calls them) hold the item's lock from the
 * index update to the item write, so nothing else comes between the two for one key.
 */
const joined = new WeakMap<ItemDb, Map<string, LevelOperation[]>>();

// dynalite's actions call `db.updateIndexes` on this module object: for a joined store the index writes wait for the
// item write (below) instead of going to LevelDB on their own; any other store keeps dynalite's own.
const writeIndexes = dynaliteDb.updateIndexes;
dynaliteDb.updateIndexes = (store, table, existing, item, cb) => {
  const waiting = joined.get(store.getItemDb(table.TableName));
  const changed = item ?? existing;
  if (waiting === undefined || changed === undefined) return writeIndexes(store, table, existing, item, cb);
  const operations: LevelOperation[] = [];
  for (const type of ['Local', 'Global'] as const) {
    const indexes = table[`${type}SecondaryIndexes`] ?? [];
    const { puts, deletes } = dynaliteDb.getIndexActions(indexes, existing, item, table);
    const prefix = (index: string) => `index-${type.toLowerCase()}~${table.TableName}~${index}~`;
    // In dynalite's order: the old entries go before the new ones are written.
    for (const d of deletes) operations.push({ type: 'del', key: `${prefix(d.index)}${d.key}` });
    for (const p of puts) operations.push({ type: 'put', key: `${prefix(p.index)}${p.key}`, value: p.item });
  }
  waiting.set(dynaliteDb.createKey(changed, table), operations);
  process.nextTick(cb);
};

/** Makes the item store write each item in one batch with the index writes waiting for it. */
function joinIndexWrites(itemDb: ItemDb, tableName: string, db: DynaliteStore['db']): void {
  if (joined.has(itemDb)) return;
  const waiting = new Map<string, LevelOperation[]>();
  joined.set(itemDb, waiting);
  const put = itemDb.put.bind(itemDb);
  const del = itemDb.del.bind(itemDb);
  const withIndexes = (key: string, item: LevelOperation, alone: () => void, callback: Callback): void => {
    const indexes = waiting.get(key) ?? [];
    waiting.delete(key);
    if (indexes.length === 0) alone();
    else db.batch([...indexes, item], callback);
  };
  itemDb.put = (key, value, callback) =>
    withIndexes(key, { type: 'put', key: `item-${tableName}~${key}`, value }, () => put(key, value, callback), callback);
  itemDb.del = (key, callback) => withIndexes(key, { type: 'del', key: `item-${tableName}~${key}` }, () => del(key, callback), callback);
}

/** dynalite's server and the LevelDB under it, whose iterators close once their stream is done. */
export function openDynalite(options: DynaliteOptions): { server: Server; store: LevelStore } {
  const create = dynaliteDb.create;
  let store: DynaliteStore | undefined;
  dynaliteDb.create = (o) => {
    store = create(o);
    return store;
  };
  let server: Server;
  try {
    server = dynalite(options);
  } finally {
    dynaliteDb.create = create;
  }
  if (store === undefined) throw new Error('dynalite did not create its store through dynalite/db');
  // The wrapper hands its options to the LevelDB as they are, and still filters what comes back by the prefix.
  const tableKeys = store.tableDb.createKeyStream.bind(store.tableDb);
  store.tableDb.createKeyStream = (options) => tableKeys({ ...options, ...TABLE_KEYS });
  const db = store.db;
  // Each item written in one batch with its index entries (above).
  const getItemDb = store.getItemDb.bind(store);
  store.getItemDb = (tableName) => {
    const itemDb = getItemDb(tableName);
    joinIndexWrites(itemDb, tableName, db);
    return itemDb;
  };
  // Every write synced (local/durable.ts): dynalite passes no options, so its writes would reach the disk only when the
  // kernel chose. LevelDB's writers queue up behind one another and share a sync (its group commit).
  if (writesSynced()) {
    const writes: LevelStore & Partial<LevelWrites> = db;
    if (writes._put === undefined || writes._del === undefined || writes._batch === undefined)
      throw new Error('the LevelDB under dynalite has no _put, _del and _batch to sync');
    const put = writes._put.bind(writes);
    const del = writes._del.bind(writes);
    const batch = writes._batch.bind(writes);
    writes._put = (key, value, o) => put(key, value, { ...o, sync: true });
    writes._del = (key, o) => del(key, { ...o, sync: true });
    writes._batch = (operations, o) => batch(operations, { ...o, sync: true });
  }
  for (const method of ['keys', 'values'] as const) {
    const open = db[method].bind(db);
    db[method] = (o) => {
      const iterator = open(o);
      // What dynalite's stream calls when it ends, errs or is destroyed.
      iterator.return ??= () => iterator.close();
      return iterator;
    };
  }
  return { server, store: db };
}
