import { appendFileSync, createReadStream, existsSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { appendDurably } from './durable.js';

// An append-only file of one JSON value a line (the local outbox), read a page at a time. Where each line ends is kept
// beside it, in `<file>.idx` (16 bytes a line), written as each line is appended: a start reads the index's last entry
// and then only what was appended after it (the line a crash wrote but did not index), so opening the file costs the
// same at 10 mails as at 100,000 (issue #13), and the process keeps no per-line state at all. An index that does not
// fit the file (missing, from an older version, or from another file put in its place) is built again in one
// streaming pass. Blank lines are skipped, as the readers before this one skipped them; a last line without its
// newline (a write cut short by a crash) is not a line yet: it is left out until its newline is there.

/** Reads one line back; `line` is its number in the file (1-based, blank lines counted), for errors that name it. */
export type LineParser<T> = (text: string, line: number) => T;

const NEWLINE = 0x0a;
/** The index's header: its format, and the file it indexes (inode number), so a file put in its place is noticed. */
const MAGIC = Buffer.from('LINEIDX1');
const HEADER_BYTES = 16;
/** An entry: where a (non-blank) line ends, just after its newline, and its number in the file (blank lines counted). */
const ENTRY_BYTES = 16;
/** Entries written at once while indexing what was appended. */
const ENTRY_BATCH = 4096;

interface IndexEntry {
  /** The offset just after the line's newline. */
  readonly end: number;
  /** The line's number in the file, 1-based, blank lines counted. */
  readonly line: number;
}

function isBlank(bytes: Buffer): boolean {
  return bytes.toString('utf8').trim() === '';
}

function entryBytes(entries: readonly IndexEntry[]): Buffer {
  const bytes = Buffer.alloc(entries.length * ENTRY_BYTES);
  for (const [i, { end, line }] of entries.entries()) {
    bytes.writeDoubleLE(end, i * ENTRY_BYTES);
    bytes.writeDoubleLE(line, i * ENTRY_BYTES + 8);
  }
  return bytes;
}

export class LineFile<T> {
  readonly #path: string;
  readonly #indexPath: string;
  readonly #parse: LineParser<T>;
  /** Complete, non-blank lines: the index's entries. */
  #count = 0;
  /** The end of the last complete line (blank ones included): what has been indexed. */
  #end = 0;
  /** Physical lines (blank ones included) up to #end. */
  #lines = 0;
  /** Whether the index file has its header for the file as it is (false until the file exists). */
  #indexReady = false;

  private constructor(path: string, parse: LineParser<T>) {
    this.#path = path;
    this.#indexPath = `${path}.idx`;
    this.#parse = parse;
  }

  /**
   * Opens `path` (a missing file is an empty one) with its index, and indexes the complete lines the index lacks;
   * with `validate`, each of those is parsed on the way (and dropped), so a line of the wrong shape fails here, naming
   * it. The lines the index holds were checked when they were indexed (or written by append()).
   */
  static async open<T>(path: string, parse: LineParser<T>, options: { validate: boolean }): Promise<LineFile<T>> {
    const file = new LineFile(path, parse);
    await file.#loadIndex();
    await file.refresh(options);
    return file;
  }

  /** Complete, non-blank lines. */
  get count(): number {
    return this.#count;
  }

  /** Bytes after the last complete line (a write cut short), 0 if none. */
  async partialTailBytes(): Promise<number> {
    if (!existsSync(this.#path)) return 0;
    return (await stat(this.#path)).size - this.#end;
  }

  /** Cuts a partial last line off the file, so the next append starts a line of its own; returns the bytes cut. */
  async dropPartialTail(): Promise<number> {
    const bytes = await this.partialTailBytes();
    if (bytes > 0) truncateSync(this.#path, this.#end);
    return bytes;
  }

  /** Indexes the lines completed since the last pass (by another writer, a crash before indexing, or an older version). */
  async refresh(options: { validate: boolean } = { validate: false }): Promise<void> {
    if (!existsSync(this.#path)) return;
    this.#readyIndex();
    let lineStart = this.#end;
    let position = this.#end;
    let pending: Buffer[] = [];
    let entries: IndexEntry[] = [];
    const flush = () => {
      if (entries.length > 0) appendFileSync(this.#indexPath, entryBytes(entries));
      this.#count += entries.length;
      entries = [];
    };
    try {
      for await (const chunk of createReadStream(this.#path, { start: this.#end, highWaterMark: 1 << 16 })) {
        if (!(chunk instanceof Buffer)) throw new Error('expected bytes from a stream opened without an encoding');
        let from = 0;
        for (let at = chunk.indexOf(NEWLINE, from); at !== -1; at = chunk.indexOf(NEWLINE, from)) {
          const bytes = pending.length === 0 ? chunk.subarray(from, at) : Buffer.concat([...pending, chunk.subarray(from, at)]);
          pending = [];
          const line = this.#lines + 1;
          if (!isBlank(bytes) && options.validate) this.#parse(bytes.toString('utf8'), line);
          lineStart = position + at + 1;
          if (!isBlank(bytes)) entries.push({ end: lineStart, line });
          this.#lines = line;
          this.#end = lineStart;
          if (entries.length === ENTRY_BATCH) flush();
          from = at + 1;
        }
        if (from < chunk.length) pending.push(chunk.subarray(from));
        position += chunk.length;
      }
    } finally {
      // What was indexed before a line failed to parse stays indexed; the failing line is not, so it fails again.
      flush();
    }
  }

  /** Appends one line (`text` without a newline) and indexes it. */
  append(text: string): void {
    if (text.includes('\n')) throw new Error('a line of the file cannot hold a newline');
    const line = `${text}\n`;
    // The line first, then its entry: a crash between the two leaves a line the next open indexes.
    // The line is synced (local/durable.ts); the index is not: an open rebuilds what a power loss took of it.
    appendDurably(this.#path, line);
    this.#readyIndex();
    this.#end += Buffer.byteLength(line);
    this.#lines++;
    appendFileSync(this.#indexPath, entryBytes([{ end: this.#end, line: this.#lines }]));
    this.#count++;
  }

  /** Lines from..from+limit-1 (0-based, blank lines not counted), read from disk and parsed. */
  async page(from: number, limit: number): Promise<T[]> {
    const first = Math.max(0, Math.floor(from));
    const last = Math.min(this.#count, first + Math.max(0, Math.floor(limit)));
    if (first >= last) return [];
    // The page runs from the end of the line before it (blank lines between are skipped) to the end of its last line.
    const [previous, through] = first > 0 ? await this.#entries([first - 1, last - 1]) : [undefined, ...(await this.#entries([last - 1]))];
    const start = previous?.end ?? 0;
    const end = through?.end ?? this.#end;
    let line = (previous?.line ?? 0) + 1;
    const bytes = await this.#read(this.#path, start, end - start);
    const values: T[] = [];
    let from0 = 0;
    for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, from0)) {
      const text = bytes.subarray(from0, at);
      if (!isBlank(text)) values.push(this.#parse(text.toString('utf8'), line));
      line++;
      from0 = at + 1;
    }
    return values;
  }

  /** The last `limit` lines, oldest first. */
  latest(limit: number): Promise<T[]> {
    return this.page(Math.max(0, this.#count - limit), limit);
  }

  /** Takes up the index where it ends, if it fits the file; otherwise starts it again (refresh() then fills it). */
  async #loadIndex(): Promise<void> {
    if (!existsSync(this.#path)) {
      rmSync(this.#indexPath, { force: true });
      return;
    }
    const size = (await stat(this.#path)).size;
    const last = await this.#lastEntry();
    const fits =
      last !== undefined && last.end <= size && (last.end === 0 || (await this.#read(this.#path, last.end - 1, 1))[0] === NEWLINE);
    if (!fits) {
      this.#indexReady = false;
      this.#readyIndex();
      return;
    }
    this.#indexReady = true;
    this.#end = last?.end ?? 0;
    this.#lines = last?.line ?? 0;
  }

  /** The index's last entry, with #count set, if the index is there and is this file's; an entry cut short is dropped. */
  async #lastEntry(): Promise<IndexEntry | undefined> {
    if (!existsSync(this.#indexPath)) return undefined;
    const size = (await stat(this.#indexPath)).size;
    if (size < HEADER_BYTES) return undefined;
    const header = await this.#read(this.#indexPath, 0, HEADER_BYTES);
    if (!header.subarray(0, MAGIC.length).equals(MAGIC) || header.readBigUInt64LE(8) !== this.#inode()) return undefined;
    const count = Math.floor((size - HEADER_BYTES) / ENTRY_BYTES);
    if (HEADER_BYTES + count * ENTRY_BYTES < size) truncateSync(this.#indexPath, HEADER_BYTES + count * ENTRY_BYTES);
    this.#count = count;
    if (count === 0) return { end: 0, line: 0 };
    const [entry] = await this.#entries([count - 1]);
    return entry;
  }

  /** Writes the index's header for the file as it now is, unless it has it: an index started again is empty. */
  #readyIndex(): void {
    if (this.#indexReady || !existsSync(this.#path)) return;
    const header = Buffer.alloc(HEADER_BYTES);
    MAGIC.copy(header);
    header.writeBigUInt64LE(this.#inode(), 8);
    writeFileSync(this.#indexPath, header);
    this.#indexReady = true;
    this.#count = 0;
    this.#end = 0;
    this.#lines = 0;
  }

  #inode(): bigint {
    return statSync(this.#path, { bigint: true }).ino;
  }

  /** The index's entries at these positions. */
  async #entries(positions: readonly number[]): Promise<IndexEntry[]> {
    const handle = await open(this.#indexPath, 'r');
    try {
      const entries: IndexEntry[] = [];
      for (const position of positions) {
        const bytes = Buffer.alloc(ENTRY_BYTES);
        const { bytesRead } = await handle.read(bytes, 0, ENTRY_BYTES, HEADER_BYTES + position * ENTRY_BYTES);
        if (bytesRead < ENTRY_BYTES) throw new Error(`${this.#indexPath} is shorter than its ${this.#count} entries`);
        entries.push({ end: bytes.readDoubleLE(0), line: bytes.readDoubleLE(8) });
      }
      return entries;
    } finally {
      await handle.close();
    }
  }

  async #read(path: string, start: number, length: number): Promise<Buffer> {
    const bytes = Buffer.alloc(length);
    const handle = await open(path, 'r');
    try {
      let read = 0;
      while (read < bytes.length) {
        const { bytesRead } = await handle.read(bytes, read, bytes.length - read, start + read);
        if (bytesRead === 0) throw new Error(`${path} is shorter than it was when indexed (${start + read} of ${start + length} bytes)`);
        read += bytesRead;
      }
    } finally {
      await handle.close();
    }
    return bytes;
  }
}
