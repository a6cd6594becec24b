import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Principals } from './iam/principals.js';
import { LOCAL_REGION } from './lambda-context.js';
import { closeServer, listenLoopback } from './net.js';
import { requireSigV4 } from './signed-endpoint.js';
import type { LocalCredentials } from './sigv4.js';

// The local stand-in for Secrets Manager, in the bundles mode (issue #19): a function whose template names a secret by
// its ARN (`SIGNOFF_WEBHOOK_SECRET_ARN`) reads it as on AWS, with GetSecretValue through the SDK (lambdas/adapters/
// secrets.ts), signed with the function's own credentials and judged by its role's grant on that secret. Serves
// exactly the secrets the functions' templates name, under the ARNs the local runtime resolves them to
// (local/iam/template.ts), valued from the data directory's secrets. JSON 1.1 (X-Amz-Target:
// secretsmanager.<Operation>); GetSecretValue and DescribeSecret, the two operations Signoff's roles are granted.

/** Secrets Manager's own limit on a request is far above what its two read operations take; 64 KiB is plenty. */
const MAX_BODY = 64 * 1024;
const JSON_11 = 'application/x-amz-json-1.1';

export interface LocalSecretsManager {
  readonly endpoint: string;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** `arn:…:secret:<name>` → `<name>`, by which a secret can be asked for too. */
const nameOf = (arn: string) => arn.slice(arn.indexOf(':secret:') + ':secret:'.length);

/** Serves `secrets` (value by ARN) on loopback, to callers signed with the local credentials or a principal's. */
export async function startSecretsManager(
  secrets: ReadonlyMap<string, string>,
  credentials: LocalCredentials,
  principals?: Principals,
): Promise<LocalSecretsManager> {
  const started = Math.floor(Date.now() / 1000);
  const byId = new Map<string, { arn: string; value: string }>();
  for (const [arn, value] of secrets) {
    byId.set(arn, { arn, value });
    byId.set(nameOf(arn), { arn, value });
  }
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': JSON_11 });
      res.end(JSON.stringify(body));
    };
    void (async () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.startsWith('secretsmanager.') ? target.slice('secretsmanager.'.length) : '';
      let body: unknown;
      try {
        body = JSON.parse((await readBody(req)) || '{}');
      } catch {
        send(400, { __type: 'InvalidRequestException', message: 'The request body is not JSON.' });
        return;
      }
      const secretId = body !== null && typeof body === 'object' ? (body as { SecretId?: unknown }).SecretId : undefined;
      if (operation !== 'GetSecretValue' && operation !== 'DescribeSecret') {
        send(400, {
          __type: 'UnknownOperationException',
          message: `Only GetSecretValue and DescribeSecret are served here, not ${target}.`,
        });
        return;
      }
      if (typeof secretId !== 'string' || secretId === '') {
        send(400, { __type: 'InvalidParameterException', message: 'SecretId is required.' });
        return;
      }
      const secret = byId.get(secretId);
      if (secret === undefined) {
        send(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
        return;
      }
      // One version per secret, named by its value: a changed value (a new data directory's) is a new version.
      const versionId = createHash('sha256').update(secret.value).digest('hex').slice(0, 32);
      const common = { ARN: secret.arn, Name: nameOf(secret.arn) };
      if (operation === 'GetSecretValue')
        send(200, { ...common, VersionId: versionId, SecretString: secret.value, VersionStages: ['AWSCURRENT'], CreatedDate: started });
      else send(200, { ...common, LastChangedDate: started, CreatedDate: started, VersionIdsToStages: { [versionId]: ['AWSCURRENT'] } });
    })().catch((error: unknown) => {
      if (!res.headersSent) send(500, { __type: 'InternalServiceError', message: error instanceof Error ? error.message : String(error) });
    });
  });
  requireSigV4(server, {
    credentials,
    principals,
    region: LOCAL_REGION,
    service: 'secretsmanager',
    protocol: 'json',
    maxBodyBytes: MAX_BODY,
  });
  const port = await listenLoopback(server, 0);
  return { endpoint: `http://127.0.0.1:${port}`, close: () => closeServer(server) };
}
