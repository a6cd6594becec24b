import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../../lambdas/core/audit/audit-chain.js';
import {
  anyVerifier,
  buildCheckpoint,
  ceilHour,
  ecdsaVerifier,
  floorHour,
  hashCheckpoint,
  hmacKeyId,
  hmacSigner,
  periodOf,
  verifyCheckpoint,
  type Checkpoint,
  type CheckpointSigner,
} from '../../lambdas/core/audit/audit-checkpoint.js';

const KEY = 'an-hmac-key-for-checkpoints-0001';
const period9 = { from: '2030-03-04T09:00:00.000Z', to: '2030-03-04T10:00:00.000Z' };
const period10 = { from: '2030-03-04T10:00:00.000Z', to: '2030-03-04T11:00:00.000Z' };
const headB = { requestId: 'req_b', seq: 2, hash: 'b'.repeat(64), account: 'chem-x' };
const headA = { requestId: 'req_a', seq: 4, hash: 'a'.repeat(64) };
const heads = [headB, headA];

describe('hours', () => {
  it('puts an instant in its UTC hour, the end exclusive', () => {
    // Prepare
    const instants = ['2030-03-04T09:00:00.000Z', '2030-03-04T09:59:59.999Z', '2030-03-04T10:00:00.000Z'];

    // Act
    const periods = instants.map((i) => periodOf(i));

    // Assess
    expect(periods).toEqual([period9, period9, period10]);
  });

  it('floors and ceils to the hour, leaving an instant on the hour where it is', () => {
    // Prepare & Act
    const results = [
      floorHour('2030-03-04T09:30:00Z'),
      ceilHour('2030-03-04T09:30:00Z'),
      floorHour('2030-03-04T09:00:00Z'),
      ceilHour('2030-03-04T09:00:00Z'),
    ];

    // Assess
    expect(results).toEqual([
      '2030-03-04T09:00:00.000Z',
      '2030-03-04T10:00:00.000Z',
      '2030-03-04T09:00:00.000Z',
      '2030-03-04T09:00:00.000Z',
    ]);
  });
});

describe('buildCheckpoint', () => {
  it('sorts heads by request, links the first checkpoint to the genesis hash, hashes and signs', async () => {
    // Prepare
    const signer = hmacSigner(KEY);

    // Act
    const cp = await buildCheckpoint(undefined, period9, heads, new Date('2030-03-04T10:05:00Z'), signer);

    // Assess
    expect(cp.heads.map((h) => h.requestId)).toEqual(['req_a', 'req_b']);
    expect(cp.previous).toBe(GENESIS_HASH);
    expect(cp.hash).toBe(hashCheckpoint(cp));
    expect(cp.keyId).toBe(hmacKeyId(KEY));
    expect(await signer.verify(cp.hash, cp.signature, cp.keyId)).toBe(true);
  });

  it('links a checkpoint to the hash of the one before', async () => {
    // Prepare
    const signer = hmacSigner(KEY);
    const first = await buildCheckpoint(undefined, period9, heads, new Date('2030-03-04T10:05:00Z'), signer);

    // Act
    const second = await buildCheckpoint(first, period10, [], new Date('2030-03-04T11:05:00Z'), signer);

    // Assess
    expect(second.previous).toBe(first.hash);
    expect(second.heads).toEqual([]);
  });

  it('refuses a checkpoint that does not follow the previous hour', async () => {
    // Prepare
    const signer = hmacSigner(KEY);
    const first = await buildCheckpoint(undefined, period9, heads, new Date(), signer);

    // Act
    const act = buildCheckpoint(first, { from: '2030-03-04T11:00:00.000Z', to: '2030-03-04T12:00:00.000Z' }, [], new Date(), signer);

    // Assess
    await expect(act).rejects.toThrow(/does not follow/);
  });
});

describe('verifyCheckpoint', () => {
  async function checkpoint(): Promise<Checkpoint> {
    return buildCheckpoint(undefined, period9, heads, new Date('2030-03-04T10:05:00Z'), hmacSigner(KEY));
  }

  it('accepts an untouched checkpoint with a valid signature', async () => {
    // Prepare
    const cp = await checkpoint();

    // Act
    const verdict = await verifyCheckpoint(cp, hmacSigner(KEY));

    // Assess
    expect(verdict).toEqual({ ok: true, signature: 'valid' });
  });

  it('detects a head changed after signing', async () => {
    // Prepare
    const cp = await checkpoint();
    const changed = { ...cp, heads: [{ ...headA, seq: 3 }, headB] };

    // Act
    const verdict = await verifyCheckpoint(changed, hmacSigner(KEY));

    // Assess
    expect(verdict).toEqual({ ok: false, problem: 'checkpoint hash does not match its content' });
  });

  it('detects a checkpoint re-hashed by someone without the key', async () => {
    // Prepare
    const cp = await checkpoint();
    const body = { ...cp, heads: cp.heads.slice(1) };
    const rehashed = { ...body, hash: hashCheckpoint(body) };

    // Act
    const verdict = await verifyCheckpoint(rehashed, hmacSigner(KEY));

    // Assess
    expect(verdict).toEqual({ ok: false, problem: `signature does not verify with key ${hmacKeyId(KEY)}` });
  });

  it('reports the signature as unchecked when the verifier holds another key', async () => {
    // Prepare
    const cp = await checkpoint();

    // Act
    const verdict = await verifyCheckpoint(cp, hmacSigner('some-other-key-0123456789'));

    // Assess
    expect(verdict).toEqual({ ok: true, signature: 'unchecked' });
  });

  it('refuses a period that is not one UTC hour', async () => {
    // Prepare
    const cp = await checkpoint();
    const odd = { ...cp, period: { from: '2030-03-04T09:30:00.000Z', to: '2030-03-04T10:30:00.000Z' } };

    // Act
    const verdict = await verifyCheckpoint(odd, hmacSigner(KEY));

    // Assess
    expect(verdict).toEqual({ ok: false, problem: 'period 2030-03-04T09:30:00.000Z – 2030-03-04T10:30:00.000Z is not one UTC hour' });
  });
});

describe('signers', () => {
  it('name an HMAC key by a fingerprint that does not contain it', () => {
    // Prepare & Act
    const keyId = hmacKeyId(KEY);

    // Assess
    expect(keyId).toMatch(/^hmac-sha256:[0-9a-f]{16}$/);
    expect(keyId).not.toContain(KEY.slice(0, 8));
  });

  it('refuse an HMAC key shorter than 16 characters', () => {
    // Prepare & Act
    const act = () => hmacSigner('short');

    // Assess
    expect(act).toThrow(/at least 16 characters/);
  });

  it('verify ECDSA P-256 signatures over the hash as KMS makes them (RAW message, SHA-256, DER)', async () => {
    // Prepare: a local key pair standing in for the KMS key
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keyId = 'arn:aws:kms:eu-west-1:111122223333:key/0000-test';
    const kmsLike: CheckpointSigner = { keyId, sign: async (hash) => sign('sha256', Buffer.from(hash), privateKey).toString('base64') };
    const cp = await buildCheckpoint(undefined, period9, heads, new Date(), kmsLike);
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

    // Act
    const valid = await verifyCheckpoint(cp, ecdsaVerifier(pem, keyId));
    const forged = await verifyCheckpoint(
      { ...cp, signature: sign('sha256', Buffer.from('0'.repeat(64)), privateKey).toString('base64') },
      ecdsaVerifier(pem),
    );
    const otherKey = await ecdsaVerifier(pem, 'arn:aws:kms:eu-west-1:111122223333:key/other').verify(cp.hash, cp.signature, keyId);

    // Assess
    expect(valid).toEqual({ ok: true, signature: 'valid' });
    expect(forged).toEqual({ ok: false, problem: `signature does not verify with key ${keyId}` });
    expect(otherKey).toBeUndefined();
  });

  it('combine: the first verifier holding the key answers', async () => {
    // Prepare
    const cp = await buildCheckpoint(undefined, period9, heads, new Date(), hmacSigner(KEY));
    const combined = anyVerifier([hmacSigner('not-the-key-0123456789'), hmacSigner(KEY)]);

    // Act
    const answer = await combined.verify(cp.hash, cp.signature, cp.keyId);
    const none = await anyVerifier([]).verify(cp.hash, cp.signature, cp.keyId);

    // Assess
    expect(answer).toBe(true);
    expect(none).toBeUndefined();
  });
});
