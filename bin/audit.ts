import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { anyVerifier, ecdsaVerifier, hmacSigner, type CheckpointVerifier } from '../lambdas/core/audit/audit-checkpoint.js';
import type { ExportFormat, ExportRecord } from '../lambdas/core/audit/audit-export.js';
import { describeProblem, verifyExport, type VerifyReport } from '../lambdas/core/audit/audit-verify.js';
import { parseDirectory } from '../lambdas/core/request/directory.js';
import { buildEvidence, verificationSummary } from '../lambdas/core/audit/evidence.js';
import { evidenceHtml } from '../lambdas/core/audit/evidence-page.js';
import type { ExportInput } from '../lambdas/use-cases/export-audit.js';
import { fileRecords, formatOfPath, writeRecords } from '../local/audit-io.js';
import { readAuditSecrets } from '../local/audit-secrets.js';
import { dataDirOf, openSession, storeSession, UsageError } from './audit-sources.js';

// `npm run audit -- <command>`: the auditor's and operator's tool (DESIGN.md "Audit").
// Where records come from (export, evidence): bin/audit-sources.ts. `verify` reads a file only.

const USAGE = `usage: npm run audit -- <command> [options]

  export [--from T] [--to T] [--request ID] [--account ID] [--type T1,T2] [--format csv|jsonl] [--out FILE] [--progress] [source]
  verify FILE [--format csv|jsonl] [--key HMAC_KEY] [--public-key PEM_FILE] [--kms] [--no-signatures] [--json]
  evidence REQUEST_ID [--out DIR] [source] [verify's key options]
  checkpoint [source]          seal the hours that ended (what the hourly schedule runs)
  reindex [source]             add time-index attributes to events written before the index existed
  public-key [--kms-key-id ID] print the PEM of the KMS key that signs checkpoints

source: --url URL [--token T] [--limit N] | --dynamodb | --data-dir DIR (default: SIGNOFF_DATA_DIR or .signoff)
  --url also from SIGNOFF_URL; the token from SIGNOFF_AUDITOR_TOKEN or the data directory's audit-secrets.json.
  Times are ISO 8601 (or a date); ranges are widened to whole UTC hours. A progress bar shows on a terminal.
exit status: 0 verified (or done), 1 verification failed, 2 usage or other error
`;

export interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
}

// biome-ignore format: packed word list, one line per group reads better than one word per line
const OPTIONS = {
  from: { type: 'string' },
  to: { type: 'string' },
  request: { type: 'string' },
  account: { type: 'string' },
  type: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  url: { type: 'string' },
  token: { type: 'string' },
  dynamodb: { type: 'boolean' },
  'data-dir': { type: 'string' },
  key: { type: 'string' },
  'public-key': { type: 'string' },
  kms: { type: 'boolean' },
  'kms-key-id': { type: 'string' },
  'no-signatures': { type: 'boolean' },
  json: { type: 'boolean' },
  progress: { type: 'boolean' },
  limit: { type: 'string' },
} as const;

type Options = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function formatOption(value: string | undefined): ExportFormat | undefined {
  if (value === undefined) return undefined;
  if (value !== 'csv' && value !== 'jsonl') throw new UsageError(`--format must be csv or jsonl (got "${value}")`);
  return value;
}

function exportInput(options: Options, format: ExportFormat, requestId?: string): ExportInput {
  const types = options.type
    ?.split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const request = requestId ?? options.request;
  return {
    format,
    ...(options.from !== undefined ? { from: options.from } : {}),
    ...(options.to !== undefined ? { to: options.to } : {}),
    ...(request !== undefined ? { requestId: request } : {}),
    ...(options.account !== undefined ? { account: options.account } : {}),
    ...(types !== undefined && types.length > 0 ? { types } : {}),
  };
}

// ---- Commands ----------------------------------------------------------------------------------------

async function closeOutput(out: Writable, io: CliIo): Promise<void> {
  if (out === io.stdout) return;
  out.end();
  await once(out, 'finish');
}

async function exportCommand(options: Options, io: CliIo): Promise<number> {
  const format = formatOption(options.format) ?? (options.out !== undefined ? formatOfPath(options.out) : 'jsonl');
  const session = await openSession(options, io.env);
  const out = options.out !== undefined ? createWriteStream(options.out) : io.stdout;
  const showProgress = options.progress ?? io.stderr.isTTY === true;
  const bar = new cliProgress.SingleBar(
    {
      stream: io.stderr,
      format: 'export |{bar}| {percentage}% of the range | {events} events | {rate} events/s | up to {upTo}',
      hideCursor: true,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  let from = 0;
  let events = 0;
  let checkpoints = 0;
  const rate = () => Math.round(events / Math.max(0.001, (performance.now() - started) / 1000));
  try {
    await writeRecords(session.records(exportInput(options, format)), out, format, (record) => {
      if (record.kind === 'export') {
        from = Date.parse(record.filter.from);
        if (showProgress) bar.start(Date.parse(record.filter.to) - from, 0, { events: 0, rate: 0, upTo: record.filter.from });
      } else if (record.kind === 'event') {
        events++;
        if (showProgress && (events & 1023) === 0)
          bar.update(Math.max(0, Date.parse(record.at) - from), { events, rate: rate(), upTo: record.at });
      } else if (record.kind === 'checkpoint') checkpoints++;
      else if (record.kind === 'end' && showProgress) bar.update(bar.getTotal(), { events, rate: rate(), upTo: 'end' });
    });
  } finally {
    if (showProgress) bar.stop();
    await session.close();
  }
  await closeOutput(out, io);
  const seconds = (performance.now() - started) / 1000;
  io.stderr.write(
    `exported ${events} events and ${checkpoints} checkpoints${options.out !== undefined ? ` to ${options.out}` : ''} in ${seconds.toFixed(1)} s (${rate()} events/s)\n`,
  );
  return 0;
}

async function verifierFor(options: Options, io: CliIo): Promise<CheckpointVerifier | undefined> {
  if (options['no-signatures'] === true) return undefined;
  const verifiers: CheckpointVerifier[] = [];
  const keys = [options.key, io.env['SIGNOFF_AUDIT_KEY'], readAuditSecrets(dataDirOf(options, io.env)).auditKey];
  for (const key of keys) if (key !== undefined && key.length >= 16) verifiers.push(hmacSigner(key));
  if (options['public-key'] !== undefined) verifiers.push(ecdsaVerifier(readFileSync(options['public-key'], 'utf8')));
  if (options.kms === true) {
    const { kmsVerifier } = await import('../lambdas/adapters/kms.js');
    verifiers.push(kmsVerifier());
  }
  return anyVerifier(verifiers);
}

function reportLines(report: VerifyReport): string {
  if (!report.ok) return `FAILED at ${report.problem !== undefined ? describeProblem(report.problem) : 'an unknown record'}\n`;
  return `OK: ${verificationSummary(report)}\n`;
}

/** A pass also needs every checkpoint signature checked, unless --no-signatures says otherwise. */
function verdictOf(report: VerifyReport, options: Options, io: CliIo): number {
  if (!report.ok) return 1;
  if (report.signatures.unchecked > 0 && options['no-signatures'] !== true) {
    io.stderr.write(
      `${report.signatures.unchecked} checkpoint signature(s) could not be checked: no key for them (give --key, --public-key or --kms; or --no-signatures)\n`,
    );
    return 1;
  }
  return 0;
}

async function verifyCommand(file: string | undefined, options: Options, io: CliIo): Promise<number> {
  if (file === undefined) throw new UsageError('verify needs a FILE');
  if (!existsSync(file)) throw new UsageError(`no file ${file}`);
  const format = formatOption(options.format) ?? formatOfPath(file);
  const verifier = await verifierFor(options, io);
  const started = performance.now();
  const report = await verifyExport(fileRecords(file, format), verifier);
  const seconds = (performance.now() - started) / 1000;
  io.stdout.write(options.json === true ? `${JSON.stringify(report, null, 2)}\n` : reportLines(report));
  io.stderr.write(
    `read ${report.records} records (${report.events} events) in ${seconds.toFixed(1)} s (${Math.round(report.events / Math.max(seconds, 0.001))} events/s)\n`,
  );
  return verdictOf(report, options, io);
}

async function evidenceCommand(requestId: string | undefined, options: Options, io: CliIo): Promise<number> {
  if (requestId === undefined) throw new UsageError('evidence needs a REQUEST_ID');
  const dir = resolve(options.out ?? `evidence-${requestId}`);
  mkdirSync(dir, { recursive: true });
  const session = await openSession(options, io.env);
  const records: ExportRecord[] = [];
  try {
    for await (const record of session.records({ ...exportInput(options, 'jsonl', requestId), contents: true })) records.push(record);
  } finally {
    await session.close();
  }
  const write = async (name: string, format: ExportFormat) => {
    const out = createWriteStream(join(dir, name));
    await writeRecords(records, out, format);
    out.end();
    await once(out, 'finish');
  };
  await write('audit.jsonl', 'jsonl');
  await write('audit.csv', 'csv');
  const verifier = await verifierFor(options, io);
  const report = await verifyExport(fileRecords(join(dir, 'audit.jsonl')), verifier);
  const csvReport = await verifyExport(fileRecords(join(dir, 'audit.csv')), verifier);
  const directoryPath = io.env['SIGNOFF_DIRECTORY'] ?? fileURLToPath(new URL('../config/directory.json', import.meta.url));
  const directory = parseDirectory(JSON.parse(readFileSync(directoryPath, 'utf8')));
  const pack = buildEvidence({
    requestId,
    records,
    verification: report.ok && !csvReport.ok ? csvReport : report,
    institution: directory.institution,
    nameOf: (email) => directory.personByEmail(email)?.name,
    generatedAt: new Date().toISOString(),
  });
  writeFileSync(join(dir, 'evidence.json'), `${JSON.stringify(pack, null, 2)}\n`);
  writeFileSync(join(dir, 'evidence.html'), evidenceHtml(pack));
  io.stdout.write(
    `evidence pack for ${requestId} in ${dir}: evidence.html, evidence.json, audit.jsonl, audit.csv\n${reportLines(pack.verification.ok ? report : csvReport)}`,
  );
  return Math.max(verdictOf(report, options, io), csvReport.ok ? 0 : 1);
}

async function checkpointCommand(options: Options, io: CliIo): Promise<number> {
  const session = await storeSession(options, io.env);
  try {
    const { writeCheckpoints } = await import('../lambdas/use-cases/write-checkpoint.js');
    // All of them, however many hours are open: the schedule's per-run cap is for a function's timeout.
    const run = await writeCheckpoints(new Date(), session.checkpoints, { maxHours: Number.POSITIVE_INFINITY });
    io.stdout.write(`wrote ${run.written.length} checkpoint(s); sealed up to ${run.latest?.period.to ?? 'nothing yet'}\n`);
  } finally {
    await session.close();
  }
  return 0;
}

async function reindexCommand(options: Options, io: CliIo): Promise<number> {
  const session = await storeSession(options, io.env);
  try {
    const { reindexAudit } = await import('../lambdas/adapters/audit-reindex.js');
    const changed = await reindexAudit(session.auditTable.client, session.auditTable.name);
    io.stdout.write(`added index attributes to ${changed} event(s)\n`);
  } finally {
    await session.close();
  }
  return 0;
}

async function publicKeyCommand(options: Options, io: CliIo): Promise<number> {
  const keyId = options['kms-key-id'] ?? io.env['SIGNOFF_AUDIT_KMS_KEY_ID'];
  if (keyId === undefined) throw new UsageError('public-key needs --kms-key-id or SIGNOFF_AUDIT_KMS_KEY_ID');
  const { kmsSigner } = await import('../lambdas/adapters/kms.js');
  const signer = kmsSigner(keyId);
  await signer.resolve();
  io.stdout.write(`# ${signer.keyId}\n${await signer.publicKeyPem()}`);
  return 0;
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
    const [command, argument] = positionals;
    switch (command) {
      case 'export':
        return await exportCommand(values, io);
      case 'verify':
        return await verifyCommand(argument, values, io);
      case 'evidence':
        return await evidenceCommand(argument, values, io);
      case 'checkpoint':
        return await checkpointCommand(values, io);
      case 'reindex':
        return await reindexCommand(values, io);
      case 'public-key':
        return await publicKeyCommand(values, io);
      default:
        throw new UsageError(command === undefined ? 'no command' : `unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      io.stderr.write(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    io.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
  process.exitCode = code;
}
