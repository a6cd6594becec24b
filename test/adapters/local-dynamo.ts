import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newLocalCredentials } from '../../local/settings.js';
import type { LocalCredentials } from '../../local/sigv4.js';

// dynalite for adapter tests: the local runtime's own (every table of lambdas/adapters/tables.ts created), in a fresh data
// directory, with the environment the adapters read set to reach it (its fresh credentials included: it answers
// only requests signed with them).

export interface TestDynamo {
  readonly endpoint: string;
  readonly credentials: LocalCredentials;
  /** Stops dynalite and removes its data directory. */
  close(): Promise<void>;
}

export async function startTestDynamo(env: Record<string, string> = {}): Promise<TestDynamo> {
  const dir = mkdtempSync(join(tmpdir(), 'signoff-adapters-'));
  const { startDynamo } = await import('../../local/dynamo.js');
  const credentials = newLocalCredentials();
  const dynamo = await startDynamo(dir, credentials);
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    ...env,
  });
  return {
    endpoint: dynamo.endpoint,
    credentials,
    async close() {
      await dynamo.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
