import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

// What the local stores write reaches the disk before the local runtime goes on (issue #18): a line appended to a
// journal, the archive or the outbox is synced (Node's `flush`, an fsync) before the call that wrote it returns, a file's first line
// also syncs its directory (the new name); a file replaced whole (the secrets files, a local S3 object) is written to a
// temporary name, synced, renamed and its directory synced; and dynalite's LevelDB writes with `sync: true`
// (local/dynamo-store.ts). So
// what a client was answered (a 202, a decision's 200, a mail in the outbox) survives a power loss as it survives
// `kill -9`. docs/decisions.md §33 has what it costs. SIGNOFF_LOCAL_FSYNC=off leaves the syncing to the kernel (for
// benchmarks that measure the difference; a crash of the process loses nothing either way, a power loss may).

export const FSYNC_VARIABLE = 'SIGNOFF_LOCAL_FSYNC';

/** Whether writes are synced: unless SIGNOFF_LOCAL_FSYNC=off; any other value than on/off is refused at start. */
export function fsyncEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[FSYNC_VARIABLE];
  if (value === undefined || value === '' || value === 'on') return true;
  if (value === 'off') return false;
  throw new Error(`${FSYNC_VARIABLE} must be "on" or "off", not ${JSON.stringify(value)}`);
}

let checked: boolean | undefined;
/**
 * Whether this process syncs its writes: SIGNOFF_LOCAL_FSYNC, read once (bin/local.ts reads it at start, so a bad value
 * is refused there by name). local/dynamo-store.ts asks it too, for LevelDB's writes.
 */
export function writesSynced(): boolean {
  checked ??= fsyncEnabled();
  return checked;
}

/**
 * Replaces `path` with `text` whole or not at all, created with `mode`: written to a temporary name, synced, renamed
 * over it, the directory synced. A power loss leaves the old file or the new one, never a truncated one.
 */
export function replaceFileDurably(path: string, text: string, mode: number): void {
  const temporary = `${path}.${process.pid}.partial`;
  writeFileDurably(temporary, Buffer.from(text, 'utf8'), mode);
  renameDurably(temporary, path);
}

/** Writes `data` to `path` (replacing it) and syncs it before returning; its name is synced by renameDurably. */
export function writeFileDurably(path: string, data: Uint8Array, mode = 0o666): void {
  writeFileSync(path, data, { mode, flush: writesSynced() });
}

/** Appends `text` to `path` (created if missing) and syncs it before returning. */
export function appendDurably(path: string, text: string): void {
  const created = !existsSync(path);
  appendFileSync(path, text, { flush: writesSynced() });
  if (created) syncDirectory(dirname(path));
}

/** Renames `from` over `to` and syncs their directory: the new name (or a removal before it) is on disk. */
export function renameDurably(from: string, to: string): void {
  renameSync(from, to);
  syncDirectory(dirname(to));
}

/** Syncs a directory, so that names created, renamed or removed in it survive a power loss. */
export function syncDirectory(dir: string): void {
  if (!writesSynced()) return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
