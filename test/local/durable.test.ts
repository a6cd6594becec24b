import * as fs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

// local/durable.ts (issue #18): what the local stores append or replace is synced before the call returns, and a new
// name is synced with its directory. The file syncs are Node's own (`flush`, an fsync after the write: the writes are
// counted by the option they pass), the directory syncs are counted by a spy; both pass through to node:fs, so the
// writes are real. SIGNOFF_LOCAL_FSYNC is read once per process, so this file runs with the default (on).

const calls = vi.hoisted(() => ({ flushed: [] as string[], fsync: [] as number[] }));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const flushed = (path: unknown, options: unknown) => {
    if ((options as { flush?: unknown } | undefined)?.flush === true) calls.flushed.push(String(path));
  };
  return {
    ...real,
    appendFileSync: (...args: Parameters<typeof real.appendFileSync>) => {
      flushed(args[0], args[2]);
      real.appendFileSync(...args);
    },
    writeFileSync: (...args: Parameters<typeof real.writeFileSync>) => {
      flushed(args[0], args[2]);
      real.writeFileSync(...args);
    },
    fsyncSync: (fd: number) => {
      calls.fsync.push(fd);
      real.fsyncSync(fd);
    },
  };
});

const { appendDurably, fsyncEnabled, renameDurably, replaceFileDurably, writeFileDurably } = await import('../../local/durable.js');

const work = mkdtempSync(join(tmpdir(), 'signoff-durable-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeEach(() => {
  calls.flushed.length = 0;
  calls.fsync.length = 0;
});

describe('fsyncEnabled', () => {
  it('is on unless SIGNOFF_LOCAL_FSYNC is off, and refuses any other value by name', () => {
    expect(fsyncEnabled({})).toBe(true);
    expect(fsyncEnabled({ SIGNOFF_LOCAL_FSYNC: '' })).toBe(true);
    expect(fsyncEnabled({ SIGNOFF_LOCAL_FSYNC: 'on' })).toBe(true);
    expect(fsyncEnabled({ SIGNOFF_LOCAL_FSYNC: 'off' })).toBe(false);
    expect(() => fsyncEnabled({ SIGNOFF_LOCAL_FSYNC: 'no' })).toThrow('SIGNOFF_LOCAL_FSYNC must be "on" or "off", not "no"');
  });
});

describe('appendDurably', () => {
  it('appends each line whole, syncs the file every time and the directory when it made the file', () => {
    const file = join(work, 'journal.jsonl');
    appendDurably(file, '{"t":"started"}\n');
    expect(calls.flushed).toEqual([file]);
    expect(calls.fsync).toHaveLength(1);
    appendDurably(file, `${'é'.repeat(100_000)}\n`);
    expect(calls.flushed).toEqual([file, file]);
    expect(calls.fsync).toHaveLength(1);
    expect(readFileSync(file, 'utf8')).toBe(`{"t":"started"}\n${'é'.repeat(100_000)}\n`);
  });
});

describe('writeFileDurably and renameDurably', () => {
  it('replace a file whole: the new bytes synced before the rename, the rename synced with the directory', () => {
    const file = join(work, 'object');
    const temporary = `${file}.partial`;
    fs.writeFileSync(file, 'old');
    writeFileDurably(temporary, Buffer.from('new contents'));
    expect(calls.flushed).toEqual([temporary]);
    expect(readFileSync(file, 'utf8')).toBe('old');
    renameDurably(temporary, file);
    expect(calls.fsync).toHaveLength(1);
    expect(readFileSync(file, 'utf8')).toBe('new contents');
    expect(fs.existsSync(temporary)).toBe(false);
  });
});

describe('replaceFileDurably', () => {
  it('replaces a file whole with the given mode, synced, and leaves no temporary file', () => {
    const file = join(work, 'secrets.json');
    fs.writeFileSync(file, '{"old":true}\n');
    replaceFileDurably(file, '{"new":true}\n', 0o600);
    expect(readFileSync(file, 'utf8')).toBe('{"new":true}\n');
    expect(calls.flushed).toEqual([`${file}.${process.pid}.partial`]);
    expect(calls.fsync).toHaveLength(1);
    expect(fs.readdirSync(work).filter((f) => f.includes('partial'))).toEqual([]);
    const created = join(work, 'created.json');
    replaceFileDurably(created, '{}\n', 0o600);
    expect(fs.statSync(created).mode & 0o777).toBe(0o600);
  });
});
