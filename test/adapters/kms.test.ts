import { createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, KMSInvalidSignatureException, SignCommand, VerifyCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildCheckpoint, ecdsaVerifier, hmacKeyId, verifyCheckpoint } from '../../lambdas/core/audit/audit-checkpoint.js';
import { kmsSigner, kmsVerifier } from '../../lambdas/adapters/kms.js';

// Checkpoint signing with a KMS asymmetric key, against a mocked KMS that signs with a local P-256 key the way KMS
// does (ECDSA_SHA_256 over the raw message, DER): what it signs must verify offline with the public key.

const ARN = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const publicDer = publicKey.export({ type: 'spki', format: 'der' });
const kms = mockClient(KMSClient);
const period = { from: '2030-03-04T09:00:00.000Z', to: '2030-03-04T10:00:00.000Z' };

beforeEach(() => {
  kms.reset();
  kms
    .on(GetPublicKeyCommand)
    .resolves({ KeyId: ARN, PublicKey: new Uint8Array(publicDer), KeySpec: 'ECC_NIST_P256', SigningAlgorithms: ['ECDSA_SHA_256'] });
  kms.on(SignCommand).callsFake((input: { Message: Uint8Array }) => ({
    KeyId: ARN,
    Signature: new Uint8Array(sign('sha256', Buffer.from(input.Message), privateKey)),
    SigningAlgorithm: 'ECDSA_SHA_256',
  }));
});

afterEach(() => {
  delete process.env['SIGNOFF_AUDIT_KMS_KEY_ID'];
});

describe('kmsSigner', () => {
  it("signs the hash's hex characters as a RAW message with ECDSA_SHA_256, under the key's ARN", async () => {
    // Prepare
    const signer = kmsSigner('alias/signoff-audit', new KMSClient({ region: 'eu-west-1' }));
    await signer.resolve();

    // Act
    const checkpoint = await buildCheckpoint(undefined, period, [], new Date('2030-03-04T10:05:00Z'), signer);

    // Assess
    const call = kms.commandCalls(SignCommand)[0]?.args[0].input;
    expect(call).toMatchObject({ KeyId: ARN, MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' });
    expect(Buffer.from(call?.Message ?? new Uint8Array()).toString('utf8')).toBe(checkpoint.hash);
    expect(checkpoint.keyId).toBe(ARN);
  });

  it('makes signatures that verify offline with the public key it exports as PEM', async () => {
    // Prepare
    const signer = kmsSigner(ARN, new KMSClient({ region: 'eu-west-1' }));
    await signer.resolve();
    const checkpoint = await buildCheckpoint(undefined, period, [{ requestId: 'req_a', seq: 3, hash: 'a'.repeat(64) }], new Date(), signer);

    // Act
    const pem = await signer.publicKeyPem();
    const verdict = await verifyCheckpoint(checkpoint, ecdsaVerifier(pem, ARN));

    // Assess
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n$/);
    expect(createPublicKey(pem).asymmetricKeyType).toBe('ec');
    expect(verdict).toEqual({ ok: true, signature: 'valid' });
  });

  it('verifies through KMS: valid, invalid (KMS throws), and another key (no answer)', async () => {
    // Prepare
    kms.on(VerifyCommand).callsFake((input: { Signature: Uint8Array }) => {
      if (Buffer.from(input.Signature).toString() === 'good') return { KeyId: ARN, SignatureValid: true };
      throw new KMSInvalidSignatureException({ message: 'invalid', $metadata: {} });
    });
    const verifier = kmsVerifier(new KMSClient({ region: 'eu-west-1' }));
    const hash = 'c'.repeat(64);

    // Act
    const good = await verifier.verify(hash, Buffer.from('good').toString('base64'), ARN);
    const bad = await verifier.verify(hash, Buffer.from('bad!').toString('base64'), ARN);
    const hmac = await verifier.verify(hash, 'x', hmacKeyId('a-local-hmac-key-01234'));

    // Assess
    expect([good, bad, hmac]).toEqual([true, false, undefined]);
    expect(kms.commandCalls(VerifyCommand)).toHaveLength(2);
  });
});

describe('checkpointSigner', () => {
  it('uses the HMAC key without a KMS key id, and the KMS key with one', async () => {
    // Prepare
    process.env['SIGNOFF_AUDIT_KEY'] = 'an-hmac-key-from-the-environment';
    const { checkpointSigner } = await import('../../lambdas/adapters/audit-signer.js');

    // Act
    const hmac = await checkpointSigner();
    process.env['SIGNOFF_AUDIT_KMS_KEY_ID'] = 'alias/signoff-audit';
    const viaKms = await checkpointSigner();

    // Assess
    expect(hmac.keyId).toBe(hmacKeyId('an-hmac-key-from-the-environment'));
    expect(viaKms.keyId).toBe(ARN);
  });
});
