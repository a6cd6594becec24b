import { appendFileSync, createReadStream, existsSync, truncateSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';

// An append-only file of one JSON value a line (the local outbox), read a page at a time. The process keeps only where
// each line starts (8 bytes a line), found by one streaming pass when the file is opened; the lines themselves stay on
// disk. Blank lines are skipped, as the readers before this one skipped them; a last line without its newline (a
// write cut short by a crash) is not a line yet: it is left out until its newline is there.

/** Reads one line back; `line` is its number in the file (1-based, blank lines counted), for errors that name it. */
export type LineParser<T> = (text: string, line: number) => T;

const NEWLINE = 0x0a;

function isBlank(bytes: Buffer): boolean {
  return bytes.toString('utf8').trim() === '';
}

export class LineFile<T> {
  readonly #path: string;
  readonly #parse: LineParser<T>;
  /** Where each (non-blank) line starts, in bytes; the first #count entries are used. */
  #starts = new Float64Array(1024);
  #count = 0;
  /** Indices of the lines (in #starts) that blank lines came before, one entry per blank line: to name lines in errors. */
  readonly #blanksBefore: number[] = [];
  /** The end of the last complete line: what has been indexed. */
  #end = 0;
  /** Physical lines (blank ones included) up to #end. */
  #lines = 0;

  private constructor(path: string, parse: LineParser<T>) {
    this.#path = path;
    this.#parse = parse;
  }

  /**
   * Opens `path` (a missing file is an empty one) and indexes its complete lines in one streaming pass; with
   * `validate`, every line is parsed on the way (and dropped), so a line of the wrong shape fails here, naming it.
   */
  static async open<T>(path: string, parse: LineParser<T>, options: { validate: boolean }): Promise<LineFile<T>> {
    const file = new LineFile(path, parse);
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

  /** Indexes the lines completed since the last pass (by another writer, or the end of a write cut short). */
  async refresh(options: { validate: boolean } = { validate: false }): Promise<void> {
    if (!existsSync(this.#path)) return;
    let lineStart = this.#end;
    let position = this.#end;
    let pending: Buffer[] = [];
    for await (const chunk of createReadStream(this.#path, { start: this.#end, highWaterMark: 1 << 16 })) {
      if (!(chunk instanceof Buffer)) throw new Error('expected bytes from a stream opened without an encoding');
      let from = 0;
      for (let at = chunk.indexOf(NEWLINE, from); at !== -1; at = chunk.indexOf(NEWLINE, from)) {
        const bytes = pending.length === 0 ? chunk.subarray(from, at) : Buffer.concat([...pending, chunk.subarray(from, at)]);
        pending = [];
        this.#lines++;
        if (isBlank(bytes)) this.#blanksBefore.push(this.#count);
        else {
          if (options.validate) this.#parse(bytes.toString('utf8'), this.#lines);
          this.#push(lineStart);
        }
        lineStart = position + at + 1;
        this.#end = lineStart;
        from = at + 1;
      }
      if (from < chunk.length) pending.push(chunk.subarray(from));
      position += chunk.length;
    }
  }

  /** Appends one line (`text` without a newline) and indexes it. */
  append(text: string): void {
    if (text.includes('\n')) throw new Error('a line of the file cannot hold a newline');
    const line = `${text}\n`;
    appendFileSync(this.#path, line);
    this.#push(this.#end);
    this.#end += Buffer.byteLength(line);
    this.#lines++;
  }

  /** Lines from..from+limit-1 (0-based, blank lines not counted), read from disk and parsed. */
  async page(from: number, limit: number): Promise<T[]> {
    const first = Math.max(0, Math.floor(from));
    const last = Math.min(this.#count, first + Math.max(0, Math.floor(limit)));
    if (first >= last) return [];
    const start = this.#starts[first] ?? 0;
    const end = last < this.#count ? (this.#starts[last] ?? this.#end) : this.#end;
    let line = first + 1 + this.#blankLinesBefore(first);
    const bytes = Buffer.alloc(end - start);
    const handle = await open(this.#path, 'r');
    try {
      let read = 0;
      while (read < bytes.length) {
        const { bytesRead } = await handle.read(bytes, read, bytes.length - read, start + read);
        if (bytesRead === 0) throw new Error(`${this.#path} is shorter than it was when indexed (${start + read} of ${end} bytes)`);
        read += bytesRead;
      }
    } finally {
      await handle.close();
    }
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

  #push(start: number): void {
    if (this.#count === this.#starts.length) {
      const grown = new Float64Array(this.#starts.length * 2);
      grown.set(this.#starts);
      this.#starts = grown;
    }
    this.#starts[this.#count++] = start;
  }

  /** Blank lines before the line at index `index`. */
  #blankLinesBefore(index: number): number {
    let low = 0;
    let high = this.#blanksBefore.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.#blanksBefore[mid] ?? 0) <= index) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
