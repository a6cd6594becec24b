import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { lazy } from './lazy.js';
import { tracer } from '../shared/tracer.js';

// Media and raw inbound mail, by configuration: `MEDIA_BUCKET` (S3, on AWS) or `SIGNOFF_MEDIA_DIR` (a folder,
// locally), read on each use. The code path is the same; only where the bytes live differs.

const SAFE_KEY = /^[a-f0-9]{40}\.(jpg|png|gif|webp)$/;

export function isMediaKey(key: string): boolean {
  return SAFE_KEY.test(key);
}

export interface MediaStore {
  putMedia(key: string, content: Buffer, contentType: string): Promise<void>;
  getMedia(key: string): Promise<Buffer | undefined>;
  /** The raw MIME SES stored for a received mail (AWS only: locally SMTP hands the bytes over directly). */
  getInboundMail(bucketName: string, key: string): Promise<Buffer>;
}

export interface MediaConfig {
  readonly bucket: () => string | undefined;
  readonly dir: () => string | undefined;
}

const envConfig: MediaConfig = { bucket: () => process.env['MEDIA_BUCKET'], dir: () => process.env['SIGNOFF_MEDIA_DIR'] };
const defaultClient = /* @__PURE__ */ lazy(() => tracer.captureAWSv3Client(new S3Client({})));

/** Media through the given S3 client and configuration; by default the function's, the client built on first use. */
export function mediaStore(client?: S3Client, config: MediaConfig = envConfig): MediaStore {
  const s3 = () => client ?? defaultClient();
  return {
    async putMedia(key, content, contentType) {
      if (!isMediaKey(key)) throw new Error(`not a media key: ${key}`);
      const b = config.bucket();
      if (b !== undefined && b !== '') {
        await s3().send(new PutObjectCommand({ Bucket: b, Key: `media/${key}`, Body: content, ContentType: contentType }));
        return;
      }
      const d = config.dir();
      if (d === undefined || d === '') throw new Error('neither MEDIA_BUCKET nor SIGNOFF_MEDIA_DIR is set');
      mkdirSync(d, { recursive: true });
      // Whole or not at all: a reader never finds half an image, and a power loss leaves none rather than a torn one.
      const path = join(d, key);
      const temporary = `${path}.${process.pid}.partial`;
      writeFileSync(temporary, content, { flush: true });
      renameSync(temporary, path);
    },
    async getMedia(key) {
      if (!isMediaKey(key)) return undefined;
      const b = config.bucket();
      if (b !== undefined && b !== '') {
        try {
          const out = await s3().send(new GetObjectCommand({ Bucket: b, Key: `media/${key}` }));
          return out.Body === undefined ? undefined : Buffer.from(await out.Body.transformToByteArray());
        } catch (error) {
          if (error instanceof Error && error.name === 'NoSuchKey') return undefined;
          throw error;
        }
      }
      const path = join(config.dir() ?? '', key);
      return existsSync(path) ? readFileSync(path) : undefined;
    },
    async getInboundMail(bucketName, key) {
      const out = await s3().send(new GetObjectCommand({ Bucket: bucketName, Key: key }));
      if (out.Body === undefined) throw new Error(`s3://${bucketName}/${key} is empty`);
      return Buffer.from(await out.Body.transformToByteArray());
    },
  };
}
