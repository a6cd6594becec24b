import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CopyObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionCredentials } from '../../local/iam/principals.js';
import { startS3, type LocalS3 } from '../../local/s3.js';
import { newLocalCredentials } from '../../local/settings.js';
import { oneFunction } from './iam-fixture.js';

// The local S3 of the bundles mode (issue #19): the SDK writes and reads objects as on AWS (path-style, as it
// addresses an IP endpoint), they land in the bucket's directory, and a function's own credentials reach only the
// objects its statements grant.

const REGION = 'us-east-1';
const BUCKET = 'signoff-dev-data-000000000000-us-east-1';
const credentials = newLocalCredentials();
const own = functionCredentials(credentials, 'media');
const dir = mkdtempSync(join(tmpdir(), 'signoff-s3-'));
let s3: LocalS3;

beforeAll(async () => {
  const { principals } = oneFunction(credentials, 'media', [
    { effect: 'Allow', actions: ['s3:GetObject'], resources: [`arn:aws:s3:::${BUCKET}/media/*`] },
  ]);
  s3 = await startS3(new Map([[BUCKET, join(dir, BUCKET)]]), credentials, principals);
});

afterAll(async () => {
  await s3.close();
  rmSync(dir, { recursive: true, force: true });
});

const client = (c = credentials) => new S3Client({ endpoint: s3.endpoint, region: REGION, credentials: c, maxAttempts: 1 });

describe('the local S3', () => {
  it("stores what PutObject sends in the bucket's directory and gives it back to GetObject and HeadObject", async () => {
    const root = client();
    try {
      const key = 'media/0123456789abcdef0123456789abcdef01234567.png';
      const put = await root.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: key,
          Body: Buffer.from('png bytes'),
          ContentType: 'image/png',
          ChecksumAlgorithm: 'SHA256',
        }),
      );
      const got = await root.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      const head = await root.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));

      expect(put.ETag).toMatch(/^"[0-9a-f]{32}"$/);
      expect(Buffer.from((await got.Body?.transformToByteArray()) ?? []).toString()).toBe('png bytes');
      expect(head.ContentLength).toBe(9);
      expect(readFileSync(join(dir, BUCKET, 'media', '0123456789abcdef0123456789abcdef01234567.png'), 'utf8')).toBe('png bytes');
    } finally {
      root.destroy();
    }
  });

  it('answers a missing key, an unknown bucket and a key it does not keep in S3 error documents', async () => {
    const root = client();
    try {
      await expect(root.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'media/none.png' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
      await expect(root.send(new GetObjectCommand({ Bucket: 'another-bucket', Key: 'media/none.png' }))).rejects.toMatchObject({
        name: 'NoSuchBucket',
      });
      await expect(root.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'media/../../escape', Body: 'x' }))).rejects.toMatchObject({
        name: 'InvalidArgument',
      });
    } finally {
      root.destroy();
    }
  });

  it('gives a function only the objects its statements grant, refusing the rest as S3 does (403 AccessDenied)', async () => {
    const root = client();
    const media = client(own);
    try {
      await root.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'inbound/mail-1', Body: 'raw mail' }));
      await root.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'media/a.png', Body: 'a' }));

      const allowed = await media.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'media/a.png' }));
      const refused = await media.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'inbound/mail-1' })).catch((e: unknown) => e);
      const write = await media.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'media/b.png', Body: 'b' })).catch((e: unknown) => e);

      expect(Buffer.from((await allowed.Body?.transformToByteArray()) ?? []).toString()).toBe('a');
      expect(refused).toMatchObject({
        name: 'AccessDenied',
        message: expect.stringContaining(`is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::${BUCKET}/inbound/mail-1`),
        $metadata: { httpStatusCode: 403 },
      });
      expect(write).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    } finally {
      root.destroy();
      media.destroy();
    }
  });

  it('refuses an unsigned request as S3 does, before looking at the bucket', async () => {
    const res = await fetch(`${s3.endpoint}/${BUCKET}/media/a.png`);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>AccessDenied</Code>');
  });

  it('answers a key that is another key\'s "folder" with an error, not a crash, and keeps serving', async () => {
    const root = client();
    try {
      await root.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'exports/a', Body: 'a' }));
      await expect(root.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'exports/a/b', Body: 'b' }))).rejects.toMatchObject({
        name: 'InternalError',
      });
      await root.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'exports/c/d', Body: 'd' }));
      await expect(root.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'exports/c' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
      expect(
        Buffer.from(
          (await (await root.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'exports/a' }))).Body?.transformToByteArray()) ?? [],
        ).toString(),
      ).toBe('a');
    } finally {
      root.destroy();
    }
  });

  it('does not serve sub-resources or copies (501), and judges them as another action than PutObject', async () => {
    const root = client();
    try {
      await expect(
        root.send(new PutObjectTaggingCommand({ Bucket: BUCKET, Key: 'media/a.png', Tagging: { TagSet: [{ Key: 'k', Value: 'v' }] } })),
      ).rejects.toMatchObject({ name: 'NotImplemented', $metadata: { httpStatusCode: 501 } });
      await expect(
        root.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'media/copy.png', CopySource: `${BUCKET}/media/a.png` })),
      ).rejects.toMatchObject({ $metadata: { httpStatusCode: 501 } });
    } finally {
      root.destroy();
    }
  });
});
