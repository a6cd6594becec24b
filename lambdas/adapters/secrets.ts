import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { tracer } from '../shared/tracer.js';

// Secrets by configuration (DESIGN.md: Secrets Manager on AWS; a file or the environment locally):
// `<NAME>` holds the value itself, or `<NAME>_ARN` names a Secrets Manager secret holding it. Values from
// Secrets Manager are cached for five minutes, so a rotated secret takes effect without a deploy.

const CACHE_MS = 5 * 60 * 1000;
let client: SecretsManagerClient | undefined;
const cache = new Map<string, { value: string; until: number }>();

export async function secretValue(name: string): Promise<string> {
  const direct = process.env[name];
  if (direct !== undefined && direct !== '') return direct;
  const arn = process.env[`${name}_ARN`];
  if (arn === undefined || arn === '') throw new Error(`neither ${name} nor ${name}_ARN is set`);
  const hit = cache.get(arn);
  if (hit !== undefined && hit.until > Date.now()) return hit.value;
  client ??= tracer.captureAWSv3Client(new SecretsManagerClient({}));
  const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  if (out.SecretString === undefined) throw new Error(`secret ${arn} has no string value`);
  cache.set(arn, { value: out.SecretString, until: Date.now() + CACHE_MS });
  return out.SecretString;
}

/** Fails at cold start when a secret is configured neither way. */
export function requireSecretConfig(name: string): string {
  if (!process.env[name] && !process.env[`${name}_ARN`]) throw new Error(`environment variable ${name} or ${name}_ARN is not set`);
  return name;
}
