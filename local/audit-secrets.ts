import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { replaceFileDurably } from './durable.js';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { parseStored } from '../lambdas/adapters/items/stored-item.js';

// The audit secrets of local mode, kept apart from secrets.json (which the runtime rewrites with its own keys):
// the HMAC key that signs checkpoints and the auditor's bearer token for GET /v1/audit/export. Generated once into
// `<data dir>/audit-secrets.json` (mode 600) unless the environment gives them; the audit CLI reads the same file.

export interface AuditSecrets {
  readonly auditKey: string;
  readonly auditorToken: string;
  readonly file: string;
}

/** What the file keeps. A value that is not a string is read as absent, and generated anew, as it always was. */
const storedAuditSecrets = z.object({
  auditKey: z.catch(z.optional(z.string()), undefined),
  auditorToken: z.catch(z.optional(z.string()), undefined),
});

export function auditSecretsFile(dataDir: string): string {
  return join(dataDir, 'audit-secrets.json');
}

/** Reads what is stored, without creating anything (the CLI must not write into a data directory it only reads). */
export function readAuditSecrets(dataDir: string): Partial<Omit<AuditSecrets, 'file'>> {
  const file = auditSecretsFile(dataDir);
  if (!existsSync(file)) return {};
  const stored = parseStored(storedAuditSecrets, JSON.parse(readFileSync(file, 'utf8')), `file ${file}`, '(the whole file)');
  return {
    ...(stored.auditKey !== undefined ? { auditKey: stored.auditKey } : {}),
    ...(stored.auditorToken !== undefined ? { auditorToken: stored.auditorToken } : {}),
  };
}

export function localAuditSecrets(dataDir: string, env: NodeJS.ProcessEnv = process.env): AuditSecrets {
  const file = auditSecretsFile(dataDir);
  const stored = readAuditSecrets(dataDir);
  const kept = {
    auditKey: stored.auditKey ?? randomBytes(32).toString('base64url'),
    auditorToken: stored.auditorToken ?? randomBytes(24).toString('base64url'),
  };
  if (stored.auditKey === undefined || stored.auditorToken === undefined) {
    mkdirSync(dataDir, { recursive: true });
    // Whole or not at all, and on disk before anything is signed with it (local/durable.ts).
    replaceFileDurably(file, `${JSON.stringify(kept, null, 2)}\n`, 0o600);
  }
  return {
    auditKey: env['SIGNOFF_AUDIT_KEY'] || kept.auditKey,
    auditorToken: env['SIGNOFF_AUDITOR_TOKEN'] || kept.auditorToken,
    file,
  };
}
