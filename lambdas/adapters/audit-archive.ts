import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { optionalEnv } from '../shared/env.js';
import { lazy } from './lazy.js';
import { tracer } from '../shared/tracer.js';

// The write-once copy (AWS): checkpoints and export pages go to AUDIT_BUCKET, a bucket with Object Lock in
// compliance mode and a default retention, so not even the account's root user can change or delete them before
// the retention ends. Unset locally: the local store has no such bucket and nothing is copied.

export interface AuditArchive {
  put(key: string, body: string, contentType: string): Promise<void>;
}

export function auditArchive(bucket: string, client: S3Client = tracer.captureAWSv3Client(new S3Client({}))): AuditArchive {
  return {
    async put(key, body, contentType) {
      // A checksum header is what Object Lock requires of every write.
      await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, ChecksumAlgorithm: 'SHA256' }),
      );
    },
  };
}

/** The function's archive: AUDIT_BUCKET's, read on first use; undefined when it is unset (locally). */
export const defaultAuditArchive: () => AuditArchive | undefined = /* @__PURE__ */ lazy(() => {
  const bucket = optionalEnv('AUDIT_BUCKET', '');
  return bucket === '' ? undefined : auditArchive(bucket);
});
