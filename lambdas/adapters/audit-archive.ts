import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { optionalEnv } from '../shared/env.js';
import { tracer } from '../shared/tracer.js';

// The write-once copy (AWS): checkpoints and export pages go to AUDIT_BUCKET, a bucket with Object Lock in
// compliance mode and a default retention, so not even the account's root user can change or delete them before
// the retention ends. Unset locally: the local store has no such bucket and nothing is copied.

const bucket = optionalEnv('AUDIT_BUCKET', '');
const client = bucket === '' ? undefined : tracer.captureAWSv3Client(new S3Client({}));

export const archiveEnabled = client !== undefined;

export async function archiveObject(key: string, body: string, contentType: string): Promise<void> {
  if (client === undefined) return;
  // A checksum header is what Object Lock requires of every write.
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, ChecksumAlgorithm: 'SHA256' }));
}
