import { z } from 'zod';

// Deployment configuration, from CDK context (`cdk.json` or `-c signoff='{"domain":…}'`). Every bad
// field is named; nothing has a silent default that would deploy the wrong thing to production.

export const deployConfigSchema = z.strictObject({
  /** The institution's mail domain: the SES identity and the `submit+…@` intake address. */
  domain: z.string().regex(/^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'must be a lower-case domain name'),
  /** Sender of Signoff's e-mails; must belong to `domain`. */
  senderAddress: z.email(),
  /** dev: resources may be destroyed with the stack; prod: tables and buckets are retained and protected. */
  stage: z.enum(['dev', 'prod']),
  /** Where alarms are sent. */
  alarmEmail: z.email(),
  /** Directory file bundled with the functions, relative to the project root. */
  directoryFile: z.string().min(1).default('config/directory.json'),
  /** Public base of the review links (the API's custom domain, or its execute-api URL once known). */
  publicBaseUrl: z.url().optional(),
  /** Days each audit checkpoint and export copy stays locked (S3 Object Lock, compliance mode: nobody can shorten it). */
  auditRetentionDays: z.number().int().min(1).max(36500).default(2557),
  /** Days to keep function, API and state-machine logs. */
  logRetentionDays: z.union([z.literal(30), z.literal(90), z.literal(180), z.literal(365)]).default(90),
});

export type DeployConfig = z.infer<typeof deployConfigSchema>;

export function parseDeployConfig(raw: unknown): DeployConfig {
  const parsed = deployConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `signoff.${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid deployment configuration (context "signoff"):\n  - ${problems.join('\n  - ')}`);
  }
  const config = parsed.data;
  if (!config.senderAddress.endsWith(`@${config.domain}`)) {
    throw new Error(
      `invalid deployment configuration (context "signoff"):\n  - signoff.senderAddress: must be an address at ${config.domain}`,
    );
  }
  return config;
}
