import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { tracer } from '../shared/tracer.js';

// Media and raw inbound mail, by configuration: `MEDIA_BUCKET` (S3, on AWS) or `SIGNOFF_MEDIA_DIR` (a folder,
// locally). The code path is the same; only where the bytes live differs.

let s3: S3Client | undefined;
const bucket = () => process.env['MEDIA_BUCKET'];
const dir = () => process.env['SIGNOFF_MEDIA_DIR'];
const SAFE_KEY = /^[a-f0-9]{40}\.(jpg|png|gif|webp)$/;

export function isMediaKey(key: string): boolean {
  return SAFE_KEY.test(key);
}

export async function putMedia(key: string, content: Buffer, contentType: string): Promise<void> {
  if (!isMediaKey(key)) throw new Error(`not a media key: ${key}`);
  const b = bucket();
  if (b !== undefined && b !== '') {
    s3 ??= tracer.captureAWSv3Client(new S3Client({}));
    await s3.send(new PutObjectCommand({ Bucket: b, Key: `media/${key}`, Body: content, ContentType: contentType }));
    return;
  }
  const d = dir();
  if (d === undefined || d === '') throw new Error('neither MEDIA_BUCKET nor SIGNOFF_MEDIA_DIR is set');
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, key), content);
}

export async function getMedia(key: string): Promise<Buffer | undefined> {
  if (!isMediaKey(key)) return undefined;
  const b = bucket();
  if (b !== undefined && b !== '') {
    s3 ??= tracer.captureAWSv3Client(new S3Client({}));
    try {
      const out = await s3.send(new GetObjectCommand({ Bucket: b, Key: `media/${key}` }));
      return out.Body === undefined ? undefined : Buffer.from(await out.Body.transformToByteArray());
    } catch (error) {
      if (error instanceof Error && error.name === 'NoSuchKey') return undefined;
      throw error;
    }
  }
  const path = join(dir() ?? '', key);
  return existsSync(path) ? readFileSync(path) : undefined;
}

/** The raw MIME SES stored for a received mail (AWS only: locally SMTP hands the bytes over directly). */
export async function getInboundMail(bucketName: string, key: string): Promise<Buffer> {
  s3 ??= tracer.captureAWSv3Client(new S3Client({}));
  const out = await s3.send(new GetObjectCommand({ Bucket: bucketName, Key: key }));
  if (out.Body === undefined) throw new Error(`s3://${bucketName}/${key} is empty`);
  return Buffer.from(await out.Body.transformToByteArray());
}
