import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

// The data directory holds the local secrets, the AWS credentials of the local endpoints, every e-mail sent (with its
// review links, and the index of that file), the store and the workflow journal: readable by its owner only. Files made
// from here on get 0600 from the process umask (bin/local.ts sets 077); this also closes up a directory an older
// version made.

export const DATA_DIR_MODE = 0o700;
export const DATA_FILE_MODE = 0o600;

/**
 * What Signoff keeps in the data directory. Only these are re-moded: SIGNOFF_DATA_DIR may name a directory that holds
 * other things too (a home directory, a project), whose modes are not ours to change; the directory's own 0700 closes
 * them to others all the same.
 */
export const DATA_ENTRIES = [
  'secrets.json',
  'audit-secrets.json',
  'outbox.jsonl',
  'outbox.jsonl.idx',
  'dynamodb',
  'executions',
  'media',
] as const;

/** Creates the directory if needed and makes it and Signoff's entries in it owner-only (symbolic links are left alone). */
export function secureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: DATA_DIR_MODE });
  chmodSync(dataDir, DATA_DIR_MODE);
  for (const entry of DATA_ENTRIES) {
    const path = join(dataDir, entry);
    if (existsSync(path)) tighten(path);
  }
}

function tighten(path: string): void {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    if ((stat.mode & 0o777) !== DATA_DIR_MODE) chmodSync(path, DATA_DIR_MODE);
    for (const entry of readdirSync(path)) tighten(join(path, entry));
  } else if ((stat.mode & 0o777) !== DATA_FILE_MODE) {
    chmodSync(path, DATA_FILE_MODE);
  }
}
