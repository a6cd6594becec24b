import { z } from 'zod';
import type { Directory } from './directory.js';
import { ValidationError } from './errors.js';
import type { BrandPostSubmission } from './model.js';

// The webhook body contract of DESIGN.md ("Webhook intake"). Every problem is listed at once,
// so a client fixes its request in one round trip.

export const MAX_BODY_BYTES = 128 * 1024; // far under Step Functions' 256 KiB and DynamoDB's 400 KB item
export const MAX_TEXT_CHARS = 20_000;
export const MAX_MEDIA_ITEMS = 10;

const mediaSchema = z.strictObject({
  type: z.enum(['image', 'video']),
  url: z.url({ protocol: /^https?$/ }),
  alt: z.string().max(1_500).optional(),
  captions: z.boolean().optional(),
  rights: z.enum(['own', 'licensed', 'public-domain', 'creative-commons', 'unknown']).optional(),
  credit: z.string().max(300).optional(),
  showsPeople: z.boolean().optional(),
});

export const brandPostSchema = z.strictObject({
  kind: z.literal('brand-post'),
  submitter: z.email(),
  account: z.string().min(1).max(100),
  title: z.string().trim().min(1).max(200),
  text: z.string().trim().min(1).max(MAX_TEXT_CHARS),
  format: z.enum(['post', 'thread', 'article', 'blog', 'share', 'correction']).default('post'),
  publishAt: z.iso.datetime({ offset: true }).optional(),
  media: z.array(mediaSchema).max(MAX_MEDIA_ITEMS).default([]),
  attestations: z
    .strictObject({
      peopleConsent: z.boolean().optional(),
      aiUsed: z.boolean().optional(),
      aiDisclosed: z.boolean().optional(),
    })
    .default({}),
});

const SUPPORTED_KINDS = ['brand-post'] as const;

function describe(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  return path === '' ? issue.message : `${path}: ${issue.message}`;
}

/**
 * Validates a webhook body against the schema and the directory. Throws ValidationError with
 * every problem; returns the submission with defaults applied.
 */
export function parseSubmission(body: unknown, directory: Directory, now: Date): BrandPostSubmission {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError(['body: must be a JSON object']);
  }
  const kind = (body as { kind?: unknown }).kind;
  if (!SUPPORTED_KINDS.includes(kind as (typeof SUPPORTED_KINDS)[number])) {
    throw new ValidationError([`kind: must be one of ${SUPPORTED_KINDS.join(', ')} (got ${JSON.stringify(kind ?? null)})`]);
  }
  const parsed = brandPostSchema.safeParse(body);
  const problems = parsed.success ? [] : parsed.error.issues.map(describe);
  const raw = body as { submitter?: unknown; account?: unknown; publishAt?: unknown };
  if (typeof raw.submitter === 'string' && directory.personByEmail(raw.submitter) === undefined) {
    problems.push(`submitter: "${raw.submitter}" is not in the ${directory.institution} directory`);
  }
  const submitter = typeof raw.submitter === 'string' ? directory.personByEmail(raw.submitter) : undefined;
  if (submitter !== undefined && submitter.manager === undefined) {
    problems.push(`submitter: "${submitter.email}" has no manager in the directory, so nobody can give the supervisor approval; ask the directory owner to add one`);
  }
  if (typeof raw.account === 'string' && raw.account !== '' && directory.account(raw.account) === undefined) {
    problems.push(`account: "${raw.account}" is not a registered institutional account`);
  }
  // Checked on the raw value, so a past time is reported alongside any schema problem.
  if (typeof raw.publishAt === 'string' && Date.parse(raw.publishAt) <= now.getTime()) {
    problems.push(`publishAt: ${raw.publishAt} is in the past`);
  }
  if (!parsed.success || problems.length > 0) throw new ValidationError(problems);
  const d = parsed.data;
  return {
    kind: d.kind,
    submitter: d.submitter.toLowerCase(),
    account: d.account,
    title: d.title,
    text: d.text,
    format: d.format,
    publishAt: d.publishAt,
    media: d.media,
    attestations: d.attestations,
  };
}
