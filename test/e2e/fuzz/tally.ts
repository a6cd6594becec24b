// Counts of a fuzz pass by row (a route, an SMTP case family) and by outcome class, printed as a table a note can
// quote, with the exact statuses seen under each row.

export type Outcome = '2xx' | '3xx' | '4xx' | '5xx' | 'hang' | 'no answer' | 'client left';

const OUTCOMES: readonly Outcome[] = ['2xx', '3xx', '4xx', '5xx', 'hang', 'no answer', 'client left'];

/** What came of a request: a status, no answer in time (a hang), none at all, or none asked for (the client left). */
export type Status = number | 'hang' | 'no answer' | 'client left';

export function outcomeOf(status: Status): Outcome {
  if (typeof status !== 'number') return status;
  if (status >= 500) return '5xx';
  if (status >= 400) return '4xx';
  if (status >= 300) return '3xx';
  return '2xx';
}

export class Tally {
  readonly #rows = new Map<string, { byOutcome: Map<Outcome, number>; byStatus: Map<string, number>; ms: number[] }>();

  /** The rows in the order the table shows them (requests end in any order); others follow as they come. */
  constructor(rows: readonly string[] = []) {
    for (const row of rows) this.#rows.set(row, { byOutcome: new Map(), byStatus: new Map(), ms: [] });
  }

  /** Counts one request of `row`, answered (or not) after `ms`. */
  add(row: string, status: Status, ms: number): void {
    let r = this.#rows.get(row);
    if (r === undefined) {
      r = { byOutcome: new Map(), byStatus: new Map(), ms: [] };
      this.#rows.set(row, r);
    }
    r.ms.push(ms);
    const outcome = outcomeOf(status);
    r.byOutcome.set(outcome, (r.byOutcome.get(outcome) ?? 0) + 1);
    const key = String(status);
    r.byStatus.set(key, (r.byStatus.get(key) ?? 0) + 1);
  }

  get rows(): readonly string[] {
    return [...this.#rows.keys()];
  }

  count(outcome?: Outcome): number {
    let n = 0;
    for (const r of this.#rows.values()) for (const [o, c] of r.byOutcome) if (outcome === undefined || o === outcome) n += c;
    return n;
  }

  /** A fixed-width table: one line per row (counts by outcome, median and longest time), a total line, then each row's statuses. */
  table(title: string): string {
    const width = Math.max(5, ...this.rows.map((r) => r.length));
    const cell = (v: string | number) => String(v).padStart(12);
    const times = (ms: readonly number[]) => {
      const sorted = [...ms].sort((a, b) => a - b);
      return cell(sorted[Math.floor(sorted.length / 2)] ?? 0) + cell(sorted.at(-1) ?? 0);
    };
    const line = (name: string, counts: (o: Outcome | undefined) => number, ms: readonly number[]) =>
      `${name.padEnd(width)} ${cell(counts(undefined))}${OUTCOMES.map((o) => cell(counts(o))).join('')}${times(ms)}`;
    const out = [title, `${'row'.padEnd(width)} ${cell('requests')}${OUTCOMES.map(cell).join('')}${cell('median ms')}${cell('max ms')}`];
    for (const [name, r] of this.#rows)
      out.push(
        line(name, (o) => (o === undefined ? [...r.byOutcome.values()].reduce((a, b) => a + b, 0) : (r.byOutcome.get(o) ?? 0)), r.ms),
      );
    out.push(
      line(
        'total',
        (o) => this.count(o),
        [...this.#rows.values()].flatMap((r) => r.ms),
      ),
    );
    out.push('', 'statuses by row:');
    for (const [name, r] of this.#rows) {
      const statuses = [...r.byStatus.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([s, c]) => `${s}×${c}`);
      out.push(`  ${name}: ${statuses.join(' ')}`);
    }
    return out.join('\n');
  }
}

/** Runs `tasks` at most `concurrency` at a time, in order of start. */
export async function pool<T>(tasks: ReadonlyArray<() => Promise<T>>, concurrency: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await (tasks[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
  return results;
}
