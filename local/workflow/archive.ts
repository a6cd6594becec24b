import { createHash } from 'node:crypto';
import { appendDurably } from '../durable.js';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { parseStored, type SameShape } from '../../lambdas/adapters/items/stored-item.js';
import type { ExecutionStatus, JsonValue } from './types.js';

// Finished executions, out of the set read at start (issue #13). When an execution ends, the engine writes here what
// DescribeExecution and GetExecutionHistory answer about it, then deletes its journal: a restart reads the journals of
// unfinished executions only, and the process keeps nothing of a finished one. The archive is looked up by execution
// name (DescribeExecution, a StartExecution of a name already used) or by task token (a late SendTaskSuccess is
// answered TaskTimedOut, as Step Functions answers it), and never read whole at start: its lines are spread over
// BUCKETS files by a hash of the key, so a lookup reads one file, about 1/256 of the history (80 KB at 10,000
// executions). Append-only, like the journal: nothing in it is ever rewritten.

/** An event as GetExecutionHistory names it, milliseconds after the execution started, and the state it concerns. */
export type HistoryEvent = [type: string, afterStartMs: number] | [type: string, afterStartMs: number, state: string];

export interface FinishedExecution {
  readonly name: string;
  readonly arn: string;
  readonly input: JsonValue;
  readonly startDate: number;
  readonly status: 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  readonly stopDate: number;
  readonly output?: JsonValue;
  readonly error?: string;
  readonly cause?: string;
  /** The run's events; empty for an execution that ended before a restart and was archived after it. */
  readonly events: HistoryEvent[];
}

/** What ListExecutions says of an execution; times in milliseconds. */
export interface ExecutionSummary {
  readonly name: string;
  readonly arn: string;
  readonly status: ExecutionStatus;
  readonly startDate: number;
  readonly stopDate?: number;
}

const finishedExecution = z.object({
  name: z.string(),
  arn: z.string(),
  input: z.json(),
  startDate: z.number(),
  status: z.enum(['SUCCEEDED', 'FAILED', 'ABORTED']),
  stopDate: z.number(),
  output: z.exactOptional(z.json()),
  error: z.exactOptional(z.string()),
  cause: z.exactOptional(z.string()),
  events: z.array(z.union([z.tuple([z.string(), z.number()]), z.tuple([z.string(), z.number(), z.string()])])),
});

true satisfies SameShape<z.output<typeof finishedExecution>, FinishedExecution>;

const closedToken = z.object({ tokenHash: z.string(), arn: z.string() });

/** Hex digits of the key's hash naming its file: 256 files, so one holds about 1/256 of the history. */
const BUCKET_DIGITS = 2;
const NEWLINE = 0x0a;

export class ExecutionArchive {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** Archives an execution and the task tokens it handed out (their hashes), so both are found after it is gone. */
  add(execution: FinishedExecution, tokenHashes: readonly string[]): void {
    mkdirSync(this.#dir, { recursive: true });
    // Tokens first: once the execution's line is there, the engine deletes its journal, and the journal is where the
    // tokens would be found again after a crash.
    for (const tokenHash of tokenHashes) this.#append(tokenHash.slice(0, BUCKET_DIGITS), JSON.stringify({ tokenHash, arn: execution.arn }));
    // The name first in the line: a lookup finds its line by that prefix and parses only it.
    const { name, ...rest } = execution;
    this.#append(nameBucket(name), JSON.stringify({ name, ...rest }));
  }

  /** The finished execution of that name, if archived. */
  get(name: string): FinishedExecution | undefined {
    const file = this.#file(nameBucket(name));
    const found = this.#find(file, `{"name":${JSON.stringify(name)},`);
    return found === undefined ? undefined : parseStored(finishedExecution, found.value, `file ${file}`, `line ${found.line}`);
  }

  /** The arn of the finished execution that handed out the token of this hash, if archived. */
  tokenOwner(tokenHash: string): string | undefined {
    if (!/^[0-9a-f]{64}$/.test(tokenHash)) return undefined;
    const file = this.#file(tokenHash.slice(0, BUCKET_DIGITS));
    const found = this.#find(file, `{"tokenHash":"${tokenHash}",`);
    return found === undefined ? undefined : parseStored(closedToken, found.value, `file ${file}`, `line ${found.line}`).arn;
  }

  /**
   * Every archived execution, as ListExecutions shows it (issue #19). Reads the whole archive: for inspection, never on
   * the way of a request the workflow makes.
   */
  summaries(): ExecutionSummary[] {
    if (!existsSync(this.#dir)) return [];
    const summaries: ExecutionSummary[] = [];
    for (const file of readdirSync(this.#dir).filter((f) => f.endsWith('.jsonl'))) {
      for (const [i, line] of readFileSync(join(this.#dir, file), 'utf8').split('\n').entries()) {
        if (!line.startsWith('{"name":')) continue;
        const value = parseLine(line);
        // A line a crash cut short: the execution is archived again from its journal.
        if (value === undefined) continue;
        const { name, arn, status, startDate, stopDate } = parseStored(
          finishedExecution,
          value,
          `file ${join(this.#dir, file)}`,
          `line ${i + 1}`,
        );
        summaries.push({ name, arn, status, startDate, stopDate });
      }
    }
    return summaries;
  }

  #file(bucket: string): string {
    return join(this.#dir, `${bucket}.jsonl`);
  }

  #find(file: string, prefix: string): { value: unknown; line: number } | undefined {
    if (!existsSync(file)) return undefined;
    const lines = readFileSync(file, 'utf8').split('\n');
    for (const [i, line] of lines.entries()) {
      if (!line.startsWith(prefix)) continue;
      // A line a crash cut short is no JSON: the execution was not archived then, and will be again from its journal.
      const value = parseLine(line);
      if (value !== undefined) return { value, line: i + 1 };
    }
    return undefined;
  }

  #append(bucket: string, line: string): void {
    const file = this.#file(bucket);
    // A line a crash cut short would swallow the next one: end it first.
    // Synced before the journal it replaces is removed (local/durable.ts).
    appendDurably(file, `${endsInPartialLine(file) ? '\n' : ''}${line}\n`);
  }
}

function nameBucket(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, BUCKET_DIGITS);
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}

function endsInPartialLine(file: string): boolean {
  if (!existsSync(file)) return false;
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] !== NEWLINE;
  } finally {
    closeSync(fd);
  }
}
