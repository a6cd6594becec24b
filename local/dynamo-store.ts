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

interface DynaliteStore {
  readonly db: LevelStore;
  /** The table definitions: LevelDB keys `table~<name>`, read through a wrapper that strips the prefix. */
  readonly tableDb: { createKeyStream(options?: object): unknown };
}

/** Where dynalite's table definitions are kept: the keys from `table~` to `table~\xff`, as its own reads bound them. */
const TABLE_KEYS = { gte: 'table~', lt: 'table~\xff' };

const require = createRequire(import.meta.url);
// The module dynalite's own `require('./db')` returns (one instance per resolved file), so its `create` can be watched.
const dynaliteDb = require('dynalite/db/index.js') as { create: (options: DynaliteOptions) => DynaliteStore };

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
  // Every write synced (local/durable.ts): dynalite passes no options, so its writes would reach the disk only when the
  // kernel chose. LevelDB's writers queue up behind one another and share a sync (its group commit).
  if (writesSynced()) {
    const writes = db as LevelStore & LevelWrites;
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
