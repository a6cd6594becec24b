import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { appendDurably, syncDirectory } from '../durable.js';
import { dirname, join } from 'node:path';
import * as z from 'zod/mini';
import { parseStored, type SameShape } from '../../lambdas/adapters/items/stored-item.js';
import type { JsonValue } from './types.js';

// The durable journal of one execution: an append-only JSON-lines file. After a restart, an unfinished
// execution runs again from its input and every journaled task is answered from here (no side effect
// twice), in the manner of Temporal's replay. Once the execution has ended and is archived (./archive.ts), its
// journal is deleted: the directory holds the journals of unfinished executions only, which is what a start reads.

export type JournalEntry =
  | { readonly t: 'started'; readonly arn: string; readonly name: string; readonly input: JsonValue; readonly startDate: number }
  /** A task's outcome, keyed by `<state name>#<occurrence>`. */
  | { readonly t: 'task'; readonly key: string; readonly ok: JsonValue }
  | { readonly t: 'task'; readonly key: string; readonly error: { readonly name: string; readonly message: string } }
  /** A callback task began waiting: its token (hashed) and its absolute deadline, fixed at first start. */
  | { readonly t: 'callback'; readonly key: string; readonly tokenHash: string; readonly dueAt: number }
  /** The callback task's function returned: do not invoke it again on replay. */
  | { readonly t: 'invoked'; readonly key: string }
  | {
      readonly t: 'end';
      readonly status: 'SUCCEEDED' | 'FAILED' | 'ABORTED';
      readonly stopDate: number;
      readonly output?: JsonValue;
      readonly error?: string;
      readonly cause?: string;
    };

/** A journal line, parsed: a line of the wrong shape is a StoredItemError naming the file, the line and the field. */
const journalEntry = z.union([
  z.object({ t: z.literal('started'), arn: z.string(), name: z.string(), input: z.json(), startDate: z.number() }),
  z.object({ t: z.literal('task'), key: z.string(), ok: z.json() }),
  z.object({ t: z.literal('task'), key: z.string(), error: z.object({ name: z.string(), message: z.string() }) }),
  z.object({ t: z.literal('callback'), key: z.string(), tokenHash: z.string(), dueAt: z.number() }),
  z.object({ t: z.literal('invoked'), key: z.string() }),
  z.object({
    t: z.literal('end'),
    status: z.enum(['SUCCEEDED', 'FAILED', 'ABORTED']),
    stopDate: z.number(),
    output: z.exactOptional(z.json()),
    error: z.exactOptional(z.string()),
    cause: z.exactOptional(z.string()),
  }),
]);

true satisfies SameShape<z.output<typeof journalEntry>, JournalEntry>;

export class Journal {
  readonly #file: string;
  constructor(dir: string, executionName: string) {
    this.#file = join(dir, `${executionName}.jsonl`);
  }
  append(entry: JournalEntry): void {
    // Synced before the engine acts on it (local/durable.ts): a power loss, like a crash, leaves what was written.
    appendDurably(this.#file, `${JSON.stringify(entry)}\n`);
  }
  remove(): void {
    rmSync(this.#file, { force: true });
    syncDirectory(dirname(this.#file));
  }
  static readAll(dir: string): Array<{ name: string; entries: JournalEntry[] }> {
    if (!existsSync(dir)) {
      mkdirSync(dir, { recursive: true });
      return [];
    }
    return readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => ({
        name: f.slice(0, -'.jsonl'.length),
        entries: readFileSync(join(dir, f), 'utf8')
          .split('\n')
          // A crash can cut the last line short (it is no JSON then); everything before it stands.
          .flatMap((line, i) => {
            if (line.trim() === '') return [];
            let value: unknown;
            try {
              value = JSON.parse(line);
            } catch {
              return [];
            }
            return [parseStored(journalEntry, value, `file ${join(dir, f)}`, `line ${i + 1}`)];
          }),
      }));
  }
}
