import { hmacSigner, type CheckpointSigner } from '../core/audit/audit-checkpoint.js';
import { kmsSigner } from './kms.js';
import { secretValue } from './secrets.js';

// Which key signs checkpoints, by configuration: SIGNOFF_AUDIT_KMS_KEY_ID (AWS: a KMS asymmetric key), otherwise
// the HMAC key SIGNOFF_AUDIT_KEY (or SIGNOFF_AUDIT_KEY_ARN in Secrets Manager; locally, a file in the data directory).

/**
 * The signer an environment configures, read on each call: the KMS key if it names one (resolved once), otherwise
 * the HMAC key `hmacKey` gives (by default SIGNOFF_AUDIT_KEY through lambdas/adapters/secrets.ts).
 */
export function checkpointSignerFrom(
  env: Readonly<Record<string, string | undefined>>,
  hmacKey: () => Promise<string> = () => secretValue('SIGNOFF_AUDIT_KEY'),
): () => Promise<CheckpointSigner> {
  let kms: ReturnType<typeof kmsSigner> | undefined;
  return async () => {
    const kmsKeyId = env['SIGNOFF_AUDIT_KMS_KEY_ID'];
    if (kmsKeyId !== undefined && kmsKeyId !== '') {
      if (kms === undefined) {
        const signer = kmsSigner(kmsKeyId);
        await signer.resolve();
        kms = signer;
      }
      return kms;
    }
    return hmacSigner(await hmacKey());
  };
}

/** The function's signer, configured by its environment. */
export const checkpointSigner: () => Promise<CheckpointSigner> = checkpointSignerFrom(process.env);
