import { DescribeSecretCommand, GetSecretValueCommand, ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionCredentials } from '../../local/iam/principals.js';
import { startSecretsManager, type LocalSecretsManager } from '../../local/secrets-manager.js';
import { newLocalCredentials } from '../../local/settings.js';
import { oneFunction } from './iam-fixture.js';

// The local Secrets Manager of the bundles mode (issue #19): the SDK reads a secret by ARN or name as from AWS, and a
// function's own credentials reach only the secrets its statements grant.

const REGION = 'us-east-1';
const WEBHOOK = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:WebhookSecret-local';
const TOKEN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:ApiToken-local';
const credentials = newLocalCredentials();
const own = functionCredentials(credentials, 'intake');
let secrets: LocalSecretsManager;

beforeAll(async () => {
  const { principals } = oneFunction(credentials, 'intake', [
    { effect: 'Allow', actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [WEBHOOK] },
  ]);
  secrets = await startSecretsManager(
    new Map([
      [WEBHOOK, 'whsec_local'],
      [TOKEN, 'token'],
    ]),
    credentials,
    principals,
  );
});

afterAll(async () => {
  await secrets.close();
});

const client = (c = credentials) =>
  new SecretsManagerClient({ endpoint: secrets.endpoint, region: REGION, credentials: c, maxAttempts: 1 });

describe('the local Secrets Manager', () => {
  it('answers GetSecretValue by ARN or by name, and DescribeSecret, in the shapes the SDK reads', async () => {
    const sm = client();
    try {
      const byArn = await sm.send(new GetSecretValueCommand({ SecretId: WEBHOOK }));
      const byName = await sm.send(new GetSecretValueCommand({ SecretId: 'ApiToken-local' }));
      const described = await sm.send(new DescribeSecretCommand({ SecretId: WEBHOOK }));

      expect(byArn).toMatchObject({
        ARN: WEBHOOK,
        Name: 'WebhookSecret-local',
        SecretString: 'whsec_local',
        VersionStages: ['AWSCURRENT'],
      });
      expect(byArn.CreatedDate).toBeInstanceOf(Date);
      expect(byName).toMatchObject({ ARN: TOKEN, SecretString: 'token' });
      expect(described).toMatchObject({ ARN: WEBHOOK, Name: 'WebhookSecret-local' });
      expect(Object.values(described.VersionIdsToStages ?? {})).toEqual([['AWSCURRENT']]);
    } finally {
      sm.destroy();
    }
  });

  it('says a secret it does not hold is not found, and an operation it does not serve is unknown', async () => {
    const sm = client();
    try {
      await expect(sm.send(new GetSecretValueCommand({ SecretId: 'nope' }))).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
        message: "Secrets Manager can't find the specified secret.",
      });
      await expect(sm.send(new ListSecretsCommand({}))).rejects.toMatchObject({ name: 'UnknownOperationException' });
    } finally {
      sm.destroy();
    }
  });

  it('gives a function only the secrets its statements grant, refusing the rest as AWS does', async () => {
    const sm = client(own);
    try {
      expect((await sm.send(new GetSecretValueCommand({ SecretId: WEBHOOK }))).SecretString).toBe('whsec_local');
      await expect(sm.send(new GetSecretValueCommand({ SecretId: TOKEN }))).rejects.toMatchObject({
        name: 'AccessDeniedException',
        message: expect.stringContaining(`is not authorized to perform: secretsmanager:GetSecretValue on resource: ${TOKEN}`),
        $metadata: { httpStatusCode: 400 },
      });
    } finally {
      sm.destroy();
    }
  });
});
