import { GetPublicKeyCommand, KMSClient, SignCommand, VerifyCommand } from '@aws-sdk/client-kms';
import type { CheckpointSigner, CheckpointVerifier } from '../core/audit/audit-checkpoint.js';
import { tracer } from '../shared/tracer.js';

// Checkpoint signatures on AWS: a KMS asymmetric key (ECC_NIST_P256, SIGN_VERIFY) signs the 64 hex characters of
// each checkpoint's hash with ECDSA_SHA_256. The private key never leaves KMS; anyone with the public key (the
// `public-key` command of the audit CLI writes it as PEM) verifies offline, as core/audit/audit-checkpoint.ts does.

const ALGORITHM = 'ECDSA_SHA_256';
const message = (hash: string) => Buffer.from(hash, 'utf8');

async function verifyWithKms(client: KMSClient, keyId: string, hash: string, signature: string): Promise<boolean> {
  try {
    const out = await client.send(
      new VerifyCommand({
        KeyId: keyId,
        Message: message(hash),
        MessageType: 'RAW',
        Signature: Buffer.from(signature, 'base64'),
        SigningAlgorithm: ALGORITHM,
      }),
    );
    return out.SignatureValid === true;
  } catch (error) {
    // KMS answers an invalid signature with an exception rather than SignatureValid: false.
    if (error instanceof Error && error.name === 'KMSInvalidSignatureException') return false;
    throw error;
  }
}

/** Verifies through KMS (needs kms:Verify on the key) any checkpoint whose key is a KMS key. */
export function kmsVerifier(client: KMSClient = tracer.captureAWSv3Client(new KMSClient({}))): CheckpointVerifier {
  return {
    verify: async (hash, signature, keyId) =>
      keyId.startsWith('arn:aws:kms:') ? verifyWithKms(client, keyId, hash, signature) : undefined,
  };
}

export interface KmsSigner extends CheckpointSigner, CheckpointVerifier {
  /** The public key, PEM (SPKI). */
  publicKeyPem(): Promise<string>;
}

/**
 * `keyId` may be an ARN, a key id or an alias; checkpoints name the key by the ARN KMS reports, which is
 * what a verifier compares. Call `resolve()` once before signing so `keyId` holds that ARN.
 */
export function kmsSigner(
  keyId: string,
  client: KMSClient = tracer.captureAWSv3Client(new KMSClient({})),
): KmsSigner & { resolve(): Promise<void> } {
  let arn = keyId;
  return {
    get keyId() {
      return arn;
    },
    async resolve() {
      const out = await client.send(new GetPublicKeyCommand({ KeyId: keyId }));
      if (out.KeyId !== undefined) arn = out.KeyId;
    },
    async sign(hash) {
      const out = await client.send(
        new SignCommand({ KeyId: arn, Message: message(hash), MessageType: 'RAW', SigningAlgorithm: ALGORITHM }),
      );
      if (out.Signature === undefined) throw new Error(`KMS returned no signature for key ${arn}`);
      return Buffer.from(out.Signature).toString('base64');
    },
    async verify(hash, signature, id) {
      return id === arn ? verifyWithKms(client, arn, hash, signature) : undefined;
    },
    async publicKeyPem() {
      const out = await client.send(new GetPublicKeyCommand({ KeyId: arn }));
      if (out.PublicKey === undefined) throw new Error(`KMS returned no public key for ${arn}`);
      const base64 = Buffer.from(out.PublicKey).toString('base64');
      return `-----BEGIN PUBLIC KEY-----\n${base64.replace(/.{1,64}/g, '$&\n')}-----END PUBLIC KEY-----\n`;
    },
  };
}
