import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { secureDataDir } from '../../local/data-dir.js';
import { loadSettings } from '../../local/settings.js';

// The data directory is its owner's alone, including one an older version left readable; the local credentials are
// made once per data directory and kept.

const work = mkdtempSync(join(tmpdir(), 'signoff-data-dir-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const mode = (path: string) => statSync(path).mode & 0o777;

describe('secureDataDir', () => {
  it('makes a directory an older version left open owner-only: 0700 directories, 0600 files, all the way down', () => {
    // Prepare: what a umask of 022 made
    const dir = join(work, 'old');
    mkdirSync(join(dir, 'dynamodb'), { recursive: true, mode: 0o755 });
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'outbox.jsonl'), '{}\n', { mode: 0o644 });
    writeFileSync(join(dir, 'dynamodb', 'CURRENT'), 'MANIFEST-000002\n', { mode: 0o664 });

    // Act
    secureDataDir(dir);

    // Assess
    expect([mode(dir), mode(join(dir, 'dynamodb'))]).toEqual([0o700, 0o700]);
    expect([mode(join(dir, 'outbox.jsonl')), mode(join(dir, 'dynamodb', 'CURRENT'))]).toEqual([0o600, 0o600]);
  });

  it('re-modes only what Signoff keeps there: a data directory pointed at a folder with other things leaves them be', () => {
    // Prepare: SIGNOFF_DATA_DIR naming a project folder, say
    const dir = join(work, 'shared');
    mkdirSync(join(dir, 'bin'), { recursive: true });
    writeFileSync(join(dir, 'bin', 'tool.sh'), '#!/bin/sh\n', { mode: 0o755 });
    writeFileSync(join(dir, 'notes.txt'), 'mine\n', { mode: 0o644 });
    writeFileSync(join(dir, 'secrets.json'), '{}\n', { mode: 0o644 });

    // Act
    secureDataDir(dir);

    // Assess
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'secrets.json'))).toBe(0o600);
    expect([mode(join(dir, 'bin', 'tool.sh')), mode(join(dir, 'notes.txt'))]).toEqual([0o755, 0o644]);
  });
});

describe('loadSettings: the local AWS credentials', () => {
  const env = (dataDir: string) => ({ SIGNOFF_DATA_DIR: dataDir, PORT: '3999', SMTP_PORT: '3998' });

  it("are made once per data directory, shaped like AWS's, and kept in its secrets file (0600)", () => {
    // Act
    const first = loadSettings(env(join(work, 'fresh')));
    const again = loadSettings(env(join(work, 'fresh')));
    const other = loadSettings(env(join(work, 'other')));

    // Assess
    expect(first.credentials.accessKeyId).toMatch(/^AKIALOCAL[A-Z2-7]{11}$/);
    expect(first.credentials.secretAccessKey).toHaveLength(40);
    expect(again.credentials).toEqual(first.credentials);
    expect(other.credentials.accessKeyId).not.toBe(first.credentials.accessKeyId);
    const stored = JSON.parse(readFileSync(first.secretsFile, 'utf8')) as Record<string, string>;
    expect([stored['awsAccessKeyId'], stored['awsSecretAccessKey']]).toEqual([
      first.credentials.accessKeyId,
      first.credentials.secretAccessKey,
    ]);
    expect(mode(first.secretsFile)).toBe(0o600);
    expect(mode(first.dataDir)).toBe(0o700);
  });

  it('leave the secrets file as it is when nothing in it is new, and replace it whole when something is (issue #18)', () => {
    // Prepare
    const dir = join(work, 'kept');
    const first = loadSettings(env(dir));
    const before = statSync(first.secretsFile);

    // Act: a second start, then a start on a file that lacks a secret
    loadSettings(env(dir));
    const unchanged = statSync(first.secretsFile);
    const stored = JSON.parse(readFileSync(first.secretsFile, 'utf8')) as Record<string, string>;
    writeFileSync(first.secretsFile, JSON.stringify({ ...stored, tokenSecret: undefined }), { mode: 0o600 });
    const completed = loadSettings(env(dir));

    // Assess: the same inode untouched; then a new file (a rename over the old one) holding every secret, and no
    // temporary file left beside it
    expect([unchanged.ino, unchanged.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(statSync(first.secretsFile).ino).not.toBe(before.ino);
    expect(completed.apiToken).toBe(first.apiToken);
    expect(JSON.parse(readFileSync(first.secretsFile, 'utf8'))).toMatchObject({
      apiToken: first.apiToken,
      tokenSecret: expect.any(String),
    });
    expect(mode(first.secretsFile)).toBe(0o600);
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('are added to the secrets file of an older version, whose other secrets stay, and whose mode is fixed', () => {
    // Prepare
    const dir = join(work, 'older');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    writeFileSync(
      join(dir, 'secrets.json'),
      JSON.stringify({ webhookSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', apiToken: 'kept-token', tokenSecret: 'kept' }),
      { mode: 0o644 },
    );

    // Act
    const settings = loadSettings(env(dir));

    // Assess
    expect(settings.apiToken).toBe('kept-token');
    expect(settings.credentials.accessKeyId).toMatch(/^AKIALOCAL/);
    expect(mode(settings.secretsFile)).toBe(0o600);
    expect(mode(dir)).toBe(0o700);
  });
});
