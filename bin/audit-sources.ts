import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Table } from '../lambdas/adapters/dynamo.js';
import type { ExportRecord } from '../lambdas/core/audit/audit-export.js';
import { parseJsonlRecord } from '../lambdas/core/audit/export-parse.js';
import type { ExportInput } from '../lambdas/use-cases/export-audit.js';
import type { CheckpointPorts } from '../lambdas/use-cases/write-checkpoint.js';
import { readAuditSecrets } from '../local/audit-secrets.js';
import { LOCAL_REGION } from '../local/functions.js';
import { newLocalCredentials, readLocalCredentials } from '../local/settings.js';
import type { LocalCredentials } from '../local/sigv4.js';

// Where the audit CLI (bin/audit.ts) reads records from:
//   --url URL        a running Signoff's HTTP API (GET /v1/audit/export, page by page; auditor token). The way to
//                    reach a local stack that is running: dynalite allows one process per data directory.
//   --dynamodb       DynamoDB itself, as the AWS SDK finds it (credentials, region, AWS_ENDPOINT_URL_DYNAMODB),
//                    tables from AUDIT_TABLE and REQUESTS_TABLE. Streams with no page limit: for large exports.
//   --data-dir DIR   the local store of a stack that is not running (default: SIGNOFF_DATA_DIR or .signoff).
// A store is read through the adapters' factories, with a client and tables of the CLI's own: nothing is set in the
// environment for them.

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The options that choose a source. */
export interface SourceOptions {
  readonly url?: string | undefined;
  readonly token?: string | undefined;
  readonly limit?: string | undefined;
  readonly dynamodb?: boolean | undefined;
  readonly 'data-dir'?: string | undefined;
}

export function dataDirOf(options: SourceOptions, env: NodeJS.ProcessEnv): string {
  return resolve(options['data-dir'] ?? env['SIGNOFF_DATA_DIR'] ?? '.signoff');
}

export interface Session {
  records(input: ExportInput): AsyncIterable<ExportRecord>;
  close(): Promise<void>;
}

/** A store opened for reading and for what the operator runs on it (checkpoints, reindexing). */
export interface StoreSession extends Session {
  /** The audit table and its client, for reindexAudit. */
  readonly auditTable: Table;
  readonly checkpoints: CheckpointPorts;
}

function httpSession(url: string, token: string, pageLimit: number): Session {
  const base = url.replace(/\/+$/, '');
  return {
    async *records(input) {
      const params = new URLSearchParams({ format: 'jsonl', limit: String(pageLimit) });
      if (input.from !== undefined) params.set('from', input.from);
      if (input.to !== undefined) params.set('to', input.to);
      if (input.requestId !== undefined) params.set('requestId', input.requestId);
      if (input.account !== undefined) params.set('account', input.account);
      if (input.types !== undefined) params.set('type', input.types.join(','));
      if (input.contents !== undefined) params.set('contents', String(input.contents));
      let next: string | undefined = `${base}/v1/audit/export?${params.toString()}`;
      while (next !== undefined) {
        const res: Response = await fetch(next, { headers: { authorization: `Bearer ${token}` } });
        const body = await res.text();
        if (!res.ok) throw new Error(`GET /v1/audit/export answered ${res.status}: ${body}`);
        for (const line of body.split('\n')) if (line !== '') yield parseJsonlRecord(line);
        const cursor = res.headers.get('x-signoff-next-cursor');
        next =
          cursor === null
            ? undefined
            : `${base}/v1/audit/export?${new URLSearchParams({ cursor, limit: String(pageLimit), format: 'jsonl' }).toString()}`;
      }
    },
    close: async () => undefined,
  };
}

/**
 * The local store of a stopped stack, opened in a process of its own (local/dynamo-server.ts): dynalite gets a core
 * to itself while this one exports. Fails with the store's own message, e.g. when the stack holds its lock.
 */
async function startStoreProcess(dataDir: string, credentials: LocalCredentials): Promise<{ endpoint: string; close(): Promise<void> }> {
  // The store accepts requests signed with the credentials in its environment, which this process signs with.
  const child = spawn(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), fileURLToPath(new URL('../local/dynamo-server.ts', import.meta.url)), dataDir],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NODE_NO_WARNINGS: '1',
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      },
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('\n')) resolve(stdout.slice(0, stdout.indexOf('\n')).trim());
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(stderr.trim() || `the local store stopped (${code ?? 'signal'})`)));
  });
  return {
    endpoint,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Opens the local store of a stopped stack in a process of its own, with the data directory's credentials. */
async function openLocalStore(dataDir: string): Promise<{ endpoint: string; credentials: LocalCredentials; close(): Promise<void> }> {
  if (!existsSync(join(dataDir, 'dynamodb'))) throw new UsageError(`no local store at ${dataDir} (give --data-dir, --dynamodb or --url)`);
  // The data directory's own credentials; one from an older version has none, and a key made up for this run serves.
  const credentials = readLocalCredentials(dataDir) ?? newLocalCredentials();
  try {
    return { ...(await startStoreProcess(dataDir, credentials)), credentials };
  } catch (error) {
    // dynalite reports a data directory locked by another process as a database that is not open.
    if (error instanceof Error && /lock|database is not open/i.test(error.message)) {
      throw new UsageError(
        `the local store at ${dataDir} cannot be opened: the local stack is probably running on it (dynalite allows one process per data directory). Use --url http://127.0.0.1:<PORT>; the auditor token is read from ${join(dataDir, 'audit-secrets.json')}`,
      );
    }
    throw error;
  }
}

/** The store itself (--dynamodb or --data-dir), its adapters built for this run (loaded only when a store is read). */
export async function storeSession(options: SourceOptions, env: NodeJS.ProcessEnv): Promise<StoreSession> {
  const [
    { documentClient, tableOf },
    { tables },
    { auditTable },
    { auditReaderOf },
    { readRequestFrom },
    { checkpointSignerFrom },
    { auditArchive },
    { checkpointPortsOf },
    { AuditExport, planExport },
  ] = await Promise.all([
    import('../lambdas/adapters/dynamo.js'),
    import('../lambdas/adapters/tables.js'),
    import('../lambdas/adapters/audit.js'),
    import('../lambdas/adapters/audit-store.js'),
    import('../lambdas/adapters/requests.js'),
    import('../lambdas/adapters/audit-signer.js'),
    import('../lambdas/adapters/audit-archive.js'),
    import('../lambdas/use-cases/checkpoint-ports.js'),
    import('../lambdas/use-cases/export-audit.js'),
  ]);
  const dataDir = options.dynamodb === true ? undefined : dataDirOf(options, env);
  const local = dataDir === undefined ? undefined : await openLocalStore(dataDir);
  // The local store is signed for with its credentials (no session token of the operator's) as the local region.
  const client =
    local === undefined
      ? documentClient()
      : documentClient({
          endpoint: local.endpoint,
          region: LOCAL_REGION,
          credentials: { accessKeyId: local.credentials.accessKeyId, secretAccessKey: local.credentials.secretAccessKey },
        });
  const storedKey = dataDir === undefined ? undefined : readAuditSecrets(dataDir).auditKey;
  const tableName = (envVar: (typeof tables)[number]['envVar']) =>
    env[envVar] || (tables.find((t) => t.envVar === envVar)?.localName ?? '');
  const auditStore = tableOf(tableName('AUDIT_TABLE'), client);
  const requests = tableOf(tableName('REQUESTS_TABLE'), client);
  const audit = auditTable(auditStore);
  const reader = auditReaderOf(audit, (requestId) => readRequestFrom(requests, requestId));
  // The data directory's checkpoint key, unless the environment names one (or a KMS key).
  const signer = checkpointSignerFrom(
    env,
    env['SIGNOFF_AUDIT_KEY'] === undefined && storedKey !== undefined ? async () => storedKey : undefined,
  );
  const bucket = env['AUDIT_BUCKET'] ?? '';
  const archive = bucket === '' ? undefined : auditArchive(bucket);
  return {
    auditTable: auditStore,
    checkpoints: checkpointPortsOf(audit, signer, () => archive),
    async *records(input) {
      const position = await planExport(input, reader, new Date(), randomUUID());
      yield* new AuditExport(position, reader).records();
    },
    async close() {
      client.destroy();
      await local?.close();
    },
  };
}

export async function openSession(options: SourceOptions, env: NodeJS.ProcessEnv): Promise<Session> {
  const url = options.url ?? env['SIGNOFF_URL'];
  if (url !== undefined && url !== '') {
    const token = options.token ?? env['SIGNOFF_AUDITOR_TOKEN'] ?? readAuditSecrets(dataDirOf(options, env)).auditorToken;
    if (token === undefined)
      throw new UsageError(
        "the auditor token is needed with --url: --token, SIGNOFF_AUDITOR_TOKEN, or the data directory's audit-secrets.json",
      );
    const limit = Number(options.limit ?? '10000');
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a whole number');
    return httpSession(url, token, limit);
  }
  return storeSession(options, env);
}
