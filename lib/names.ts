import { Token } from 'aws-cdk-lib';

// Physical names that both stacks must agree on without a cross-stack reference.

/** The data bucket (inbound mail, media, exports): one per stage, account and region. */
export function dataBucketName(stage: string, account: string, region: string): string {
  return `signoff-${stage}-data-${account}-${region}`;
}

/** The audit archive (Object Lock, compliance mode): checkpoints and export pages. */
export function auditBucketName(stage: string, account: string, region: string): string {
  return `signoff-${stage}-audit-${account}-${region}`;
}

/** How cdk-nag prints a value in a finding id: an unresolved pseudo parameter as `<AWS::…>`. */
export function nagRendering(value: string, pseudo: 'AWS::AccountId' | 'AWS::Region' | 'AWS::Partition'): string {
  return Token.isUnresolved(value) ? `<${pseudo}>` : value;
}

/** Where SES writes each received mail's raw MIME in the data bucket; mail intake reads it from there. */
export const INBOUND_PREFIX = 'inbound/';
