import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../lambdas/adapters/tables.js';
import { testApp, type TestApp } from './app-fixture.js';

let prod: TestApp;
let dev: TestApp;
beforeAll(() => {
  prod = testApp('prod');
  dev = testApp('dev');
});

describe('tables', () => {
  it('creates every table of lambdas/adapters/tables.ts with its keys, on-demand, encrypted, with point-in-time recovery', () => {
    prod.stateful.resourceCountIs('AWS::DynamoDB::Table', tables.length);
    for (const spec of tables) {
      prod.stateful.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: spec.partitionKey.name, KeyType: 'HASH' },
          ...(spec.sortKey ? [{ AttributeName: spec.sortKey.name, KeyType: 'RANGE' }] : []),
        ],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    }
  });

  it('protects tables from deletion in prod only, and retains them there', () => {
    prod.stateful.allResources('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
    dev.stateful.allResources('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
  });

  it('keeps the account registry (GOVERNANCE.md §6) keyed by id, with point-in-time recovery, protected and retained in prod', () => {
    expect(tables.find((t) => t.envVar === 'ACCOUNTS_TABLE')).toEqual({
      envVar: 'ACCOUNTS_TABLE',
      localName: 'signoff-accounts',
      partitionKey: { name: 'id', type: 'S' },
    });
    prod.stateful.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      }),
    });
  });

  it('cleans up short-lived approval records by TTL (expiry itself is checked in code)', () => {
    prod.stateful.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });
});

describe('buckets', () => {
  it('blocks public access, encrypts and versions the data bucket, and logs access to a separate bucket', () => {
    prod.stateful.resourceCountIs('AWS::S3::Bucket', 3);
    prod.stateful.allResourcesProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    prod.stateful.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'data/' },
    });
  });

  it('keeps raw received mail one day (and its older versions one day more), nothing else', () => {
    prod.stateful.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'data/' },
      LifecycleConfiguration: {
        Rules: [
          {
            Id: 'inbound-mail',
            Prefix: 'inbound/',
            Status: 'Enabled',
            ExpirationInDays: 1,
            NoncurrentVersionExpiration: { NoncurrentDays: 1 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          },
        ],
      },
    });
  });

  it('refuses plain HTTP on every bucket', () => {
    const policies = prod.stateful.findResources('AWS::S3::BucketPolicy');
    expect(Object.keys(policies)).toHaveLength(3);
    for (const policy of Object.values(policies)) {
      const statements = (policy as { Properties: { PolicyDocument: { Statement: Array<{ Effect: string; Condition?: unknown }> } } })
        .Properties.PolicyDocument.Statement;
      expect(statements).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });
});

describe('audit', () => {
  it('indexes the audit table by day and time, every attribute projected', () => {
    prod.stateful.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'requestId', KeyType: 'HASH' },
        { AttributeName: 'seq', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byTime',
          KeySchema: [
            { AttributeName: 'day', KeyType: 'HASH' },
            { AttributeName: 'atKey', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
  });

  it('locks audit copies in compliance mode for the configured retention, and keeps the bucket in every stage', () => {
    for (const app of [prod, dev]) {
      app.stateful.hasResource('AWS::S3::Bucket', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({
          ObjectLockEnabled: true,
          ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 2557 } } },
          VersioningConfiguration: { Status: 'Enabled' },
        }),
      });
    }
  });

  it('signs checkpoints with an ECC P-256 KMS key used only to sign and verify', () => {
    prod.stateful.hasResourceProperties('AWS::KMS::Key', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
  });
});

describe('mail identity and secrets', () => {
  it('declares the SES domain identity', () => {
    prod.stateful.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'example.org' });
  });

  it('generates the webhook secret, the API token and the auditor token in Secrets Manager', () => {
    prod.stateful.resourceCountIs('AWS::SecretsManager::Secret', 3);
    prod.stateful.allResourcesProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ ExcludePunctuation: true }),
    });
  });
});
