import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { periodOf, type Checkpoint } from '../lambdas/core/audit/audit-checkpoint.js';
import type { ContentRecord } from '../lambdas/core/audit/audit-export.js';
import type { AuditReader, StoredEvent } from '../lambdas/core/audit/audit-reader.js';
import { AuditExport, planExport } from '../lambdas/use-cases/export-audit.js';
import { formatOfPath, writeRecords } from '../local/audit-io.js';
import { startFor, trails, type Generated } from './audit-trails.js';

// The export pipeline without a store (`tsx bench/audit-pipeline.ts N FILE`): the same AuditExport and file writer
// as `npm run audit -- export`, reading N synthetic events from a generator instead of dynalite, to show what the
// export itself costs apart from the store it reads. No checkpoints (one per thousand events in the real thing).
// The generator hashes every event it makes, so it is timed alone first and its time taken off the pipeline's.

const total = Number(process.argv[2] ?? '1000000');
const file = process.argv[3] ?? '/tmp/pipeline.jsonl';
const start = startFor(total);
const generating = performance.now();
let generated = 0;
for (const g of trails(total, start)) generated += g.event.seq > 0 ? 1 : 0;
const generatorSeconds = (performance.now() - generating) / 1000;
const source = trails(total, start);
let peeked: IteratorResult<Generated> = source.next();
let last = start;

const reader: AuditReader = {
  async *eventsOfDay(day) {
    // Days are asked for in order, so the generator is read once, front to back.
    while (peeked.done !== true && peeked.value.event.at.startsWith(day)) {
      const g = peeked.value;
      last = Date.parse(g.event.at);
      yield { event: g.event, account: g.account, ...(g.prevAt !== undefined ? { prevAt: g.prevAt } : {}) } satisfies StoredEvent;
      peeked = source.next();
    }
  },
  async *chainEvents() {},
  eventAt: async () => undefined,
  chainEnds: async () => undefined,
  earliestEventAt: async () => new Date(start).toISOString(),
  firstCheckpoint: async (): Promise<Checkpoint | undefined> => undefined,
  latestCheckpoint: async (): Promise<Checkpoint | undefined> => undefined,
  async *checkpointsBetween() {},
  contents: async (): Promise<ContentRecord[]> => [],
};

const to = periodOf(new Date(start + (total / 1000 + 2) * 3_600_000)).to;
const started = performance.now();
const position = await planExport(
  { format: formatOfPath(file), from: new Date(start).toISOString(), to },
  reader,
  new Date(),
  randomUUID(),
);
const out = createWriteStream(file);
let events = 0;
await writeRecords(new AuditExport(position, reader).records(), out, formatOfPath(file), (r) => {
  if (r.kind === 'event') events++;
});
out.end();
await once(out, 'finish');
const seconds = (performance.now() - started) / 1000;
void last;
const exportSeconds = seconds - generatorSeconds;
process.stderr.write(
  `generated ${generated} events alone in ${generatorSeconds.toFixed(1)} s; generated and exported them to ${file} in ${seconds.toFixed(1)} s; ` +
    `exported ${events} events in the difference, ${exportSeconds.toFixed(1)} s (${Math.round(events / exportSeconds)} events/s)\n`,
);
