import { randomUUID } from 'node:crypto';
import { defaultAuditArchive } from './adapters/audit-archive.js';
import { auditReader } from './adapters/audit-store.js';
import { requireSecretConfig, secretValue } from './adapters/secrets.js';
import type { ExportFormat } from './core/audit/audit-export.js';
import { EXPORT_EVENT_TYPE, EXPORT_REQUEST_ID, MAX_EXPORT_ACCOUNT_CHARS, MAX_EXPORT_TYPES } from './core/audit/export-parse.js';
import { ValidationError } from './core/errors.js';
import { requireBearer } from './shared/auth.js';
import { httpHandler, type HttpEvent, type HttpResult } from './shared/middleware.js';
import type { ExportInput } from './use-cases/export-audit.js';
import { CONTENT_TYPES, exportPage, type ExportPagePorts } from './use-cases/export-page.js';

// GET /v1/audit/export?from&to&format=csv|jsonl&requestId&account&type (auditor token), page by page
// (lambdas/use-cases/export-page.ts). A page that is not the last carries `Link: <…&cursor=…>; rel="next"`.
const auditorToken = requireSecretConfig('SIGNOFF_AUDITOR_TOKEN');
const ports: ExportPagePorts = { reader: auditReader, archive: defaultAuditArchive(), newExportId: randomUUID };

const DEFAULT_LIMIT = 5000;
const MAX_LIMIT = 20_000;

function parseQuery(q: Readonly<Record<string, string | undefined>>): { input: ExportInput; limit: number } {
  const problems: string[] = [];
  const format = q['format'] ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'csv') problems.push(`format must be csv or jsonl (got "${format}")`);
  const limit = q['limit'] === undefined ? DEFAULT_LIMIT : Number(q['limit']);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) problems.push(`limit must be a whole number from 1 to ${MAX_LIMIT}`);
  const requestId = q['requestId'];
  if (requestId !== undefined && !EXPORT_REQUEST_ID.test(requestId)) problems.push('requestId is not a request id');
  const account = q['account'];
  if (account !== undefined && (account === '' || account.length > MAX_EXPORT_ACCOUNT_CHARS))
    problems.push('account must be an account id');
  const types = q['type']
    ?.split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  for (const t of types ?? []) if (!EXPORT_EVENT_TYPE.test(t)) problems.push(`type "${t}" is not an event type`);
  if (types !== undefined && types.length > MAX_EXPORT_TYPES) problems.push(`at most ${MAX_EXPORT_TYPES} event types`);
  const contents = q['contents'];
  if (contents !== undefined && contents !== 'true' && contents !== 'false') problems.push('contents must be true or false');
  if (problems.length > 0) throw new ValidationError(problems);
  return {
    input: {
      format: format as ExportFormat,
      ...(q['from'] !== undefined ? { from: q['from'] } : {}),
      ...(q['to'] !== undefined ? { to: q['to'] } : {}),
      ...(requestId !== undefined ? { requestId } : {}),
      ...(account !== undefined ? { account } : {}),
      ...(types !== undefined && types.length > 0 ? { types } : {}),
      ...(contents !== undefined ? { contents: contents === 'true' } : {}),
    },
    limit,
  };
}

function nextLink(event: HttpEvent, cursor: string, limit: number): string {
  const host = event.headers['host'] ?? event.requestContext.domainName;
  const proto = event.headers['x-forwarded-proto'] ?? (host.startsWith('127.0.0.1') || host.startsWith('localhost') ? 'http' : 'https');
  return `${proto}://${host}${event.rawPath}?cursor=${cursor}&limit=${limit}`;
}

export const handler = httpHandler(async (event): Promise<HttpResult> => {
  requireBearer(event, await secretValue(auditorToken));
  const q = event.queryStringParameters ?? {};
  const { input, limit } = parseQuery(q);
  const page = await exportPage({ cursor: q['cursor'], input, limit, now: new Date() }, ports);
  const headers: Record<string, string> = {
    'content-type': CONTENT_TYPES[page.format],
    'cache-control': 'no-store',
    'x-signoff-export-id': page.exportId,
    'x-signoff-page': String(page.page),
  };
  if (page.next !== undefined) {
    headers['x-signoff-next-cursor'] = page.next;
    headers['link'] = `<${nextLink(event, page.next, limit)}>; rel="next"`;
  }
  return { statusCode: 200, headers, body: page.body };
});
