import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

// The verify's floor (`tsx bench/audit-file-read.ts FILE`): the least a verify of an export file must do — read every
// line, parse it (a JSON line; a CSV line is only split at its commas) and hash it — and nothing else: no chains, no
// checkpoints, no signatures. bench/audit.ts prints each verify beside it.

const file = process.argv[2];
if (file === undefined) throw new Error('usage: audit-file-read.ts FILE');
const csv = file.endsWith('.csv');
const started = performance.now();
let records = 0;
let digest = 0;
for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })) {
  if (line === '') continue;
  const parsed: unknown = csv ? line.split(',') : JSON.parse(line);
  digest ^= createHash('sha256').update(line).digest()[0] ?? 0;
  if (parsed !== null) records += 1;
}
const seconds = (performance.now() - started) / 1000;
process.stderr.write(
  `read ${records} records (checksum ${digest}) in ${seconds.toFixed(1)} s (${Math.round(records / seconds)} events/s)\n`,
);
