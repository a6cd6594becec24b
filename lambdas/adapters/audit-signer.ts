import { hmacSigner, type CheckpointSigner } from '../core/audit/audit-checkpoint.js';
import { kmsSigner } from './kms.js';
import { secretValue } from './secrets.js';

// Which key signs checkpoints, by configuration: SIGNOFF_AUDIT_KMS_KEY_ID (AWS: a KMS asymmetric key), otherwise
// the HMAC key SIGNOFF_AUDIT_KEY (or SIGNOFF_AUDIT_KEY_ARN in Secrets Manager; locally, a file in the data directory).

let kms: ReturnType<typeof kmsSigner> | undefined;

export async function checkpointSigner(): Promise<CheckpointSigner> {
  const kmsKeyId = process.env['SIGNOFF_AUDIT_KMS_KEY_ID'];
  if (kmsKeyId !== undefined && kmsKeyId !== '') {
    if (kms === undefined) {
      const signer = kmsSigner(kmsKeyId);
      await signer.resolve();
      kms = signer;
    }
    return kms;
  }
  return hmacSigner(await secretValue('SIGNOFF_AUDIT_KEY'));
}
