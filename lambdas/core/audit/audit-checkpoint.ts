import { createHash, createHmac, createPublicKey, timingSafeEqual, verify as verifySignature, type KeyObject } from 'node:crypto';
import { canonicalJson, GENESIS_HASH, type Json } from './audit-chain.js';

// Checkpoints (DESIGN.md "Audit"): one record per UTC hour, also for hours without events, committing to the
// head of every chain that moved in that hour and to the checkpoint before it, and signed. A chain of signed
// checkpoints turns "every hash recomputes" into "nothing was changed, added or removed since it was sealed":
// whoever edits an event must rewrite the rest of its chain, and cannot re-sign the checkpoint that holds its head.

export const HOUR_MS = 3_600_000;

export interface Period {
  /** Inclusive, ISO 8601 UTC, on the hour. */
  readonly from: string;
  /** Exclusive, one hour after `from`. */
  readonly to: string;
}

export interface CheckpointHead {
  readonly requestId: string;
  readonly seq: number;
  readonly hash: string;
  /** The request's account, when it has one: an account-filtered export can then be checked for completeness. */
  readonly account?: string;
}

export interface CheckpointBody {
  readonly kind: 'checkpoint';
  readonly period: Period;
  /** Sorted by requestId; each chain's last event with `at` inside the period. */
  readonly heads: readonly CheckpointHead[];
  /** The hash of the checkpoint of the hour before; GENESIS_HASH for the first checkpoint of a store. */
  readonly previous: string;
  /** When the checkpoint was written. */
  readonly at: string;
}

export interface Checkpoint extends CheckpointBody {
  /** sha256 (hex) of the canonical JSON of the body. */
  readonly hash: string;
  /** Base64 signature over the 64 hex characters of `hash`. */
  readonly signature: string;
  readonly keyId: string;
}

/** Signs checkpoint hashes: an HMAC key locally, a KMS asymmetric key on AWS. */
export interface CheckpointSigner {
  readonly keyId: string;
  sign(hash: string): Promise<string>;
}

/** Checks signatures. Answers undefined when it holds no key for `keyId` (the check could not be made). */
export interface CheckpointVerifier {
  verify(hash: string, signature: string, keyId: string): Promise<boolean | undefined>;
}

export function hourIndexOf(at: string | Date): number {
  return Math.floor(new Date(at).getTime() / HOUR_MS);
}

export function periodAt(hourIndex: number): Period {
  return { from: new Date(hourIndex * HOUR_MS).toISOString(), to: new Date((hourIndex + 1) * HOUR_MS).toISOString() };
}

export function periodOf(at: string | Date): Period {
  return periodAt(hourIndexOf(at));
}

/** The hour on or before `at`. */
export function floorHour(at: string | Date): string {
  return periodOf(at).from;
}

/** The hour on or after `at`. */
export function ceilHour(at: string | Date): string {
  const ms = new Date(at).getTime();
  return new Date(Math.ceil(ms / HOUR_MS) * HOUR_MS).toISOString();
}

export function hashCheckpoint(body: CheckpointBody): string {
  const { kind, period, heads, previous, at } = body;
  // Keys in canonical order, so that canonicalJson takes its fast path.
  const json: Json = {
    at,
    heads: heads.map(
      (h): Json =>
        h.account !== undefined
          ? { account: h.account, hash: h.hash, requestId: h.requestId, seq: h.seq }
          : { hash: h.hash, requestId: h.requestId, seq: h.seq },
    ),
    kind,
    period: { from: period.from, to: period.to },
    previous,
  };
  return createHash('sha256').update(canonicalJson(json)).digest('hex');
}

/** Builds and signs the checkpoint of `period`, chained to `previous` (undefined for a store's first). */
export async function buildCheckpoint(
  previous: Checkpoint | undefined,
  period: Period,
  heads: readonly CheckpointHead[],
  at: Date,
  signer: CheckpointSigner,
): Promise<Checkpoint> {
  if (previous !== undefined && previous.period.to !== period.from) {
    throw new Error(`checkpoint for ${period.from} does not follow the one for ${previous.period.from}`);
  }
  const body: CheckpointBody = {
    kind: 'checkpoint',
    period,
    heads: [...heads].sort((a, b) => (a.requestId < b.requestId ? -1 : a.requestId > b.requestId ? 1 : 0)),
    previous: previous?.hash ?? GENESIS_HASH,
    at: at.toISOString(),
  };
  const hash = hashCheckpoint(body);
  return { ...body, hash, signature: await signer.sign(hash), keyId: signer.keyId };
}

export type CheckpointVerdict =
  | { readonly ok: true; readonly signature: 'valid' | 'unchecked' }
  | { readonly ok: false; readonly problem: string };

/** Checks one checkpoint on its own: shape of its period, its hash, its signature. Links are the caller's. */
export async function verifyCheckpoint(checkpoint: Checkpoint, verifier: CheckpointVerifier | undefined): Promise<CheckpointVerdict> {
  const fromMs = Date.parse(checkpoint.period.from);
  if (!Number.isFinite(fromMs) || fromMs % HOUR_MS !== 0 || Date.parse(checkpoint.period.to) !== fromMs + HOUR_MS) {
    return { ok: false, problem: `period ${checkpoint.period.from} – ${checkpoint.period.to} is not one UTC hour` };
  }
  if (hashCheckpoint(checkpoint) !== checkpoint.hash) return { ok: false, problem: 'checkpoint hash does not match its content' };
  const valid = verifier === undefined ? undefined : await verifier.verify(checkpoint.hash, checkpoint.signature, checkpoint.keyId);
  if (valid === false) return { ok: false, problem: `signature does not verify with key ${checkpoint.keyId}` };
  return { ok: true, signature: valid === true ? 'valid' : 'unchecked' };
}

/** The id under which an HMAC key signs: a fingerprint of the key, never the key. */
export function hmacKeyId(key: string): string {
  return `hmac-sha256:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

/** HMAC-SHA256 signing (local mode): the same key signs and verifies. */
export function hmacSigner(key: string): CheckpointSigner & CheckpointVerifier {
  if (key.length < 16) throw new Error('the audit key must be at least 16 characters');
  const keyId = hmacKeyId(key);
  const mac = (hash: string) => createHmac('sha256', key).update(hash).digest();
  return {
    keyId,
    sign: async (hash) => mac(hash).toString('base64'),
    verify: async (hash, signature, id) => {
      if (id !== keyId) return undefined;
      const given = Buffer.from(signature, 'base64');
      const expected = mac(hash);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

/**
 * ECDSA P-256 / SHA-256 verification with a public key (what KMS `ECDSA_SHA_256` produces over the raw
 * message, DER-encoded): an auditor checks KMS-signed checkpoints offline with the key's PEM. Without a
 * `keyId` it answers for every KMS key id (an auditor given a PEM may not know the key's ARN).
 */
export function ecdsaVerifier(publicKeyPem: string, keyId?: string): CheckpointVerifier {
  const key: KeyObject = createPublicKey(publicKeyPem);
  const mine = (id: string) => (keyId === undefined ? id.startsWith('arn:') : id === keyId);
  return {
    verify: async (hash, signature, id) =>
      mine(id) ? verifySignature('sha256', Buffer.from(hash), key, Buffer.from(signature, 'base64')) : undefined,
  };
}

/** Tries each verifier in turn; the first that holds the key answers. */
export function anyVerifier(verifiers: readonly CheckpointVerifier[]): CheckpointVerifier {
  return {
    verify: async (hash, signature, keyId) => {
      for (const v of verifiers) {
        const answer = await v.verify(hash, signature, keyId);
        if (answer !== undefined) return answer;
      }
      return undefined;
    },
  };
}
