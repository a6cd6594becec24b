import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Principals } from './iam/principals.js';
import { LOCAL_REGION } from './lambda-context.js';
import { renameDurably, writeFileDurably } from './durable.js';
import { closeServer, listenLoopback } from './net.js';
import { requireSigV4 } from './signed-endpoint.js';
import { s3Error, type LocalCredentials } from './sigv4.js';

// The local stand-in for S3, in the bundles mode (issue #19): the buckets the functions' templates name (the data
// bucket's media, the audit archive's checkpoints and export pages), each a directory of the data directory, served
// to the AWS SDK by path-style addressing (what it uses for an endpoint that is an IP address), so the functions read
// and write objects as on AWS, signed with their own credentials and judged by their roles' object grants.
// PutObject, GetObject and HeadObject of whole objects: the operations Signoff's roles are granted (sub-resources and
// copies: 501 NotImplemented). Not S3: no versions, no Object Lock (a second write of a key replaces it), no metadata
// kept but the object's bytes, and a key cannot also be another key's "folder" (`a` and `a/b`: 500, as files cannot);
// bucket policies are not evaluated. Objects are read and written synchronously: a local store, not a fast one.

/** The largest object accepted: above the largest attachment kept (10 MB) and an export page. */
const MAX_OBJECT_BYTES = 32 * 1024 * 1024;
/** Keys the local store keeps: what Signoff writes (`media/<sha>.png`, `checkpoints/<day>/<iso>.json`, `exports/…`). */
const SAFE_KEY = /^[A-Za-z0-9][A-Za-z0-9._:=-]*(\/[A-Za-z0-9][A-Za-z0-9._:=-]*)*$/;
const MAX_KEY_LENGTH = 1024;

export interface LocalS3 {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** `/<bucket>/<key>` → its parts (the key percent-decoded), or undefined for a path that names no object. */
function objectOf(path: string): { bucket: string; key: string } | undefined {
  const slash = path.indexOf('/', 1);
  if (!path.startsWith('/') || slash === -1) return undefined;
  try {
    return { bucket: path.slice(1, slash), key: decodeURIComponent(path.slice(slash + 1)) };
  } catch {
    return undefined;
  }
}

const etagOf = (body: Buffer) => `"${createHash('md5').update(body).digest('hex')}"`;

/** The checksum a PutObject carried that its body does not have, if any (S3 answers BadDigest). */
function badChecksum(headers: Record<string, string | string[] | undefined>, body: Buffer): string | undefined {
  const sha256 = headers['x-amz-checksum-sha256'];
  if (typeof sha256 === 'string' && sha256 !== createHash('sha256').update(body).digest('base64')) return 'x-amz-checksum-sha256';
  const crc = headers['x-amz-checksum-crc32'];
  if (typeof crc === 'string') {
    const value = Buffer.alloc(4);
    value.writeUInt32BE(crc32(body));
    if (crc !== value.toString('base64')) return 'x-amz-checksum-crc32';
  }
  return undefined;
}

/** Serves `buckets` (bucket name → its directory) on loopback, to callers signed with the local credentials or a principal's. */
export async function startS3(
  buckets: ReadonlyMap<string, string>,
  credentials: LocalCredentials,
  principals?: Principals,
): Promise<LocalS3> {
  const server: Server = createServer((req, res) => {
    const fail = (status: number, code: string, message: string) => {
      const { headers, body } = s3Error(status, code, message);
      res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        serve(Buffer.concat(chunks));
      } catch (error) {
        // A file-system refusal (a key that is another key's "folder": `a` and `a/b`, which S3 allows and files do not)
        // is the request's failure, never the stack's.
        fail(500, 'InternalError', `The local S3 could not keep this object: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    const serve = (body: Buffer) => {
      const [path = '/', query = ''] = (req.url ?? '/').split('?');
      // Sub-resources (tagging, ACL, retention, versions, multipart uploads) and copies are not served: S3's 501.
      if (query.split('&').some((pair) => pair !== '' && !pair.startsWith('x-id=')) || req.headers['x-amz-copy-source'] !== undefined) {
        fail(
          501,
          'NotImplemented',
          `The local S3 serves PutObject, GetObject and HeadObject of whole objects only, not ${req.method ?? ''} ?${query}.`,
        );
        return;
      }
      const object = objectOf(path);
      const root = object === undefined ? undefined : buckets.get(object.bucket);
      if (object === undefined || root === undefined) {
        fail(404, 'NoSuchBucket', 'The specified bucket does not exist');
        return;
      }
      if (object.key.length > MAX_KEY_LENGTH || !SAFE_KEY.test(object.key) || object.key.split('/').includes('..')) {
        fail(
          400,
          'InvalidArgument',
          `The local S3 keeps keys of letters, digits and . _ : = - between slashes only: ${JSON.stringify(object.key.slice(0, 80))}`,
        );
        return;
      }
      const file = join(root, ...object.key.split('/'));
      if (req.method === 'PUT') {
        const bad = badChecksum(req.headers, body);
        if (bad !== undefined) {
          fail(400, 'BadDigest', `The ${bad} you specified did not match the calculated checksum.`);
          return;
        }
        mkdirSync(dirname(file), { recursive: true });
        // Whole or not at all: a reader never sees half an object.
        const temporary = `${file}.${randomBytes(6).toString('hex')}.partial`;
        writeFileDurably(temporary, body);
        try {
          renameDurably(temporary, file);
        } catch (error) {
          rmSync(temporary, { force: true });
          throw error;
        }
        res.writeHead(200, { etag: etagOf(body), 'content-length': '0' });
        res.end();
        return;
      }
      if (req.method === 'GET' || req.method === 'HEAD') {
        // A directory is where other keys live, not an object.
        if (!existsSync(file) || !statSync(file).isFile()) {
          fail(404, 'NoSuchKey', 'The specified key does not exist.');
          return;
        }
        const body = readFileSync(file);
        res.writeHead(200, { 'content-type': 'binary/octet-stream', 'content-length': String(body.length), etag: etagOf(body) });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }
      fail(405, 'MethodNotAllowed', `The local S3 serves PutObject, GetObject and HeadObject, not ${req.method ?? ''} ${path}.`);
    };
  });
  requireSigV4(server, {
    credentials,
    principals,
    region: LOCAL_REGION,
    service: 's3',
    protocol: 'rest-xml',
    maxBodyBytes: MAX_OBJECT_BYTES,
  });
  const port = await listenLoopback(server, 0);
  return { endpoint: `http://127.0.0.1:${port}`, close: () => closeServer(server) };
}
