import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { replaceFileDurably } from './durable.js';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod/mini';
import { parseStored } from '../lambdas/adapters/items/stored-item.js';
import { withoutTrailingSlashes } from '../lambdas/shared/env.js';
import { DATA_FILE_MODE, secureDataDir } from './data-dir.js';
import type { LocalCredentials } from './sigv4.js';

// The environment contract of `npm start` (DESIGN.md "Running it"). Every bad value is reported by name.

export const projectRoot = new URL('../', import.meta.url);

export interface LocalSettings {
  readonly port: number;
  readonly smtpPort: number;
  readonly dataDir: string;
  readonly directoryPath: string;
  readonly webhookSecret: string;
  readonly apiToken: string;
  readonly publicBaseUrl: string;
  readonly timeScale: number;
  readonly tokenSecret: string;
  /**
   * How the SMTP intake judges a mail's origin: `loopback` (the default local policy: a loopback connection is
   * trusted) or `verify` (SPF, DKIM and DMARC computed as SES receipt would, then the alignment rule, as on AWS).
   */
  readonly mailAuth: 'loopback' | 'verify';
  /** The DNS server (`host:port`) the verifying mode asks; undefined: the system's resolver. */
  readonly dnsServer: string | undefined;
  /** Where generated secrets are kept, for the banner. */
  readonly secretsFile: string;
  /**
   * The AWS credentials of this data directory: the local DynamoDB, SES and workflow endpoints accept only requests
   * signed with them (SigV4), and every function and client of the local runtime signs with them.
   */
  readonly credentials: LocalCredentials;
}

/** What `<data dir>/secrets.json` keeps: the secrets generated when the environment gave none, and the credentials. */
const storedSecrets = z.object({
  webhookSecret: z.exactOptional(z.string()),
  apiToken: z.exactOptional(z.string()),
  tokenSecret: z.exactOptional(z.string()),
  awsAccessKeyId: z.exactOptional(z.string()),
  awsSecretAccessKey: z.exactOptional(z.string()),
});
type StoredSecrets = z.output<typeof storedSecrets>;

export function secretsFileOf(dataDir: string): string {
  return join(dataDir, 'secrets.json');
}

export function readSecrets(dataDir: string): StoredSecrets {
  const file = secretsFileOf(dataDir);
  return existsSync(file) ? parseStored(storedSecrets, JSON.parse(readFileSync(file, 'utf8')), `file ${file}`, '(the whole file)') : {};
}

/** Fresh local credentials, shaped like AWS's: a 20-character key id (`AKIALOCAL…`) and a 40-character secret. */
export function newLocalCredentials(): LocalCredentials {
  const base32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const id = [...randomBytes(11)].map((b) => base32[b % 32]).join('');
  return { accessKeyId: `AKIALOCAL${id}`, secretAccessKey: randomBytes(30).toString('base64') };
}

/** The credentials kept in a data directory, if it has any (a directory of an older version has none). */
export function readLocalCredentials(dataDir: string): LocalCredentials | undefined {
  const { awsAccessKeyId, awsSecretAccessKey } = readSecrets(dataDir);
  return typeof awsAccessKeyId === 'string' && typeof awsSecretAccessKey === 'string'
    ? { accessKeyId: awsAccessKeyId, secretAccessKey: awsSecretAccessKey }
    : undefined;
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): LocalSettings {
  const problems: string[] = [];
  const port = Number(env['PORT'] ?? '3000');
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    problems.push(`PORT must be a port number from 1 to 65535 (got "${env['PORT']}")`);
  const smtpPort = Number(env['SMTP_PORT'] ?? '2525');
  if (!Number.isInteger(smtpPort) || smtpPort < 1 || smtpPort > 65535)
    problems.push(`SMTP_PORT must be a port number from 1 to 65535 (got "${env['SMTP_PORT']}")`);
  if (smtpPort === port) problems.push(`SMTP_PORT and PORT must differ (both ${port})`);
  const timeScale = Number(env['SIGNOFF_TIME_SCALE'] ?? '1');
  if (!Number.isFinite(timeScale) || timeScale < 1)
    problems.push(`SIGNOFF_TIME_SCALE must be a number ≥ 1 (got "${env['SIGNOFF_TIME_SCALE']}")`);
  const mailAuth = env['SIGNOFF_MAIL_AUTH'] || 'loopback';
  if (mailAuth !== 'loopback' && mailAuth !== 'verify') problems.push(`SIGNOFF_MAIL_AUTH must be loopback or verify (got "${mailAuth}")`);
  const dnsServer = env['SIGNOFF_DNS_SERVER'] || undefined;
  if (dnsServer !== undefined && !/^[0-9a-f.:[\]]{2,60}$/iu.test(dnsServer))
    problems.push(`SIGNOFF_DNS_SERVER must be an IP address, with an optional port (got "${dnsServer}")`);
  const dataDir = resolve(env['SIGNOFF_DATA_DIR'] ?? '.signoff');
  const directoryRaw = env['SIGNOFF_DIRECTORY'];
  const directoryPath = directoryRaw
    ? isAbsolute(directoryRaw)
      ? directoryRaw
      : resolve(directoryRaw)
    : fileURLToPath(new URL('config/directory.json', projectRoot));
  if (!existsSync(directoryPath)) problems.push(`SIGNOFF_DIRECTORY: no file at ${directoryPath}`);
  const webhookEnv = env['SIGNOFF_WEBHOOK_SECRET'];
  if (webhookEnv !== undefined && webhookEnv !== '' && !/^whsec_[A-Za-z0-9+/=]{24,}$/.test(webhookEnv)) {
    problems.push('SIGNOFF_WEBHOOK_SECRET must look like whsec_<base64 of at least 18 bytes>');
  }
  const baseUrl = env['PUBLIC_BASE_URL'];
  if (baseUrl !== undefined && baseUrl !== '' && !/^https?:\/\/[^\s]+$/.test(baseUrl))
    problems.push(`PUBLIC_BASE_URL must be an http(s) URL (got "${baseUrl}")`);
  if (problems.length > 0) throw new Error(`cannot start:\n  - ${problems.join('\n  - ')}`);

  // Owner-only before anything is written into it (an older version left it as the umask made it).
  secureDataDir(dataDir);
  // Secrets not given in the environment are generated once and kept in the data directory.
  const secretsFile = secretsFileOf(dataDir);
  const stored = readSecrets(dataDir);
  const credentials = readLocalCredentials(dataDir) ?? newLocalCredentials();
  const secrets: Required<StoredSecrets> = {
    webhookSecret: stored.webhookSecret ?? `whsec_${randomBytes(32).toString('base64')}`,
    apiToken: stored.apiToken ?? randomBytes(24).toString('base64url'),
    tokenSecret: stored.tokenSecret ?? randomBytes(32).toString('base64url'),
    awsAccessKeyId: credentials.accessKeyId,
    awsSecretAccessKey: credentials.secretAccessKey,
  };
  // Written when something in it is new, whole or not at all (local/durable.ts): a power loss during a start must not
  // leave the data directory without the secrets its clients and its store were made with.
  const text = `${JSON.stringify(secrets, null, 2)}\n`;
  if (!existsSync(secretsFile) || readFileSync(secretsFile, 'utf8') !== text) replaceFileDurably(secretsFile, text, DATA_FILE_MODE);
  // `mode` applies only when the file is created.
  chmodSync(secretsFile, DATA_FILE_MODE);

  return {
    port,
    smtpPort,
    dataDir,
    directoryPath,
    webhookSecret: webhookEnv || secrets.webhookSecret,
    apiToken: env['SIGNOFF_API_TOKEN'] || secrets.apiToken,
    publicBaseUrl: withoutTrailingSlashes(baseUrl || `http://127.0.0.1:${port}`),
    timeScale,
    tokenSecret: secrets.tokenSecret,
    mailAuth: mailAuth === 'verify' ? 'verify' : 'loopback',
    dnsServer,
    secretsFile,
    credentials,
  };
}
