import type { Stack } from 'aws-cdk-lib';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { ReceiptRuleSet } from 'aws-cdk-lib/aws-ses';
import { Lambda as LambdaAction, LambdaInvocationType, S3 as S3Action } from 'aws-cdk-lib/aws-ses-actions';
import type { DeployConfig } from '../config.js';
import { INBOUND_PREFIX } from '../names.js';
import type { SignoffFunction } from '../signoff-function.js';

// Phase 4, incoming mail: SES receipt → S3 (raw MIME) → mail-intake, with SES's spam and virus scan on. Verdicts are
// judged by mail-intake (a SES drop-spam rule would add a Lambda of CDK's own). The rule set must be made active once
// by hand (docs/deploy.md).

export interface MailReceiptProps {
  /** The mail-intake function. */
  readonly intake: SignoffFunction;
  readonly config: Pick<DeployConfig, 'domain' | 'senderAddress'>;
  /** The stateful stack's data bucket, and its agreed name (lib/names.ts) for the function's environment. */
  readonly bucket: IBucket;
  readonly bucketName: string;
}

export class MailReceipt {
  readonly ruleSet: ReceiptRuleSet;

  /** Builds in the stack's own scope (lib/stateless-stack.ts says why). */
  constructor(stack: Stack, props: MailReceiptProps) {
    const { intake, config } = props;
    intake.addEnvironment('INBOUND_BUCKET', props.bucketName);
    intake.addEnvironment('INBOUND_PREFIX', INBOUND_PREFIX);
    intake.addEnvironment('SIGNOFF_MAIL_FROM', config.senderAddress);
    this.ruleSet = new ReceiptRuleSet(stack, 'Inbound', {
      rules: [
        {
          recipients: [config.domain],
          scanEnabled: true,
          actions: [
            new S3Action({ bucket: props.bucket, objectKeyPrefix: INBOUND_PREFIX }),
            new LambdaAction({ function: intake, invocationType: LambdaInvocationType.EVENT }),
          ],
        },
      ],
    });
  }
}
