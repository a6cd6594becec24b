import * as z from 'zod/mini';
import { MAX_ACCOUNT_ID_CHARS } from './limits.js';
import { singleLine } from '../schema.js';
import { parseAccountOpening } from '../account-opening/body.js';
import { credentialFields, credentialProblem } from '../account-opening/credentials.js';
import type { Directory } from './directory.js';
import { ValidationError } from '../errors.js';
import { MEDIA_DECLARATIONS } from '../checks/brand-post/media.js';
import type { BrandPostSubmission, MediaDeclaration, RegistryAccount, RequestKind, Submission } from '../model.js';

// The webhook body contract of DESIGN.md ("Webhook intake"). Every problem is listed at once,
// so a client fixes its request in one round trip. Account openings are in account-opening/ (body.ts).

export const MAX_BODY_BYTES = 128 * 1024; // far under Step Functions' 256 KiB and DynamoDB's 400 KB item
export const MAX_TEXT_CHARS = 20_000;
export const MAX_MEDIA_ITEMS = 10;

const text = (min: number, max: number) => z.string().check(z.trim(), z.minLength(min), z.maxLength(max));
/** A field that is one line (a title, an id): a line break in it would split an e-mail subject or a log line. */
const line = (min: number, max: number) => z.string().check(z.trim(), z.minLength(min), z.maxLength(max), singleLine());

const mediaSchema = z.strictObject({
  type: z.enum(['image', 'video']),
  url: z.url({ protocol: /^https?$/ }),
  alt: z.optional(z.string().check(z.maxLength(1_500))),
  captions: z.optional(z.boolean()),
  rights: z.optional(z.enum(['own', 'licensed', 'public-domain', 'creative-commons', 'unknown'])),
  credit: z.optional(z.string().check(z.maxLength(300), singleLine())),
  showsPeople: z.optional(z.boolean()),
  /** What the item is, declared by the submitter: an access card or a contract never goes out (P-CONFIDENTIAL). */
  declaredAs: z.optional(z.enum(MEDIA_DECLARATIONS as [MediaDeclaration, ...MediaDeclaration[]])),
});

export const brandPostSchema = z.strictObject({
  kind: z.literal('brand-post'),
  submitter: z.email(),
  account: z.string().check(z.minLength(1), z.maxLength(MAX_ACCOUNT_ID_CHARS), singleLine()),
  title: line(1, 200),
  text: text(1, MAX_TEXT_CHARS),
  format: z._default(z.enum(['post', 'thread', 'article', 'blog', 'share', 'correction']), 'post'),
  publishAt: z.optional(z.iso.datetime({ offset: true })),
  media: z._default(z.array(mediaSchema).check(z.maxLength(MAX_MEDIA_ITEMS)), []),
  attestations: z._default(
    z.strictObject({
      peopleConsent: z.optional(z.boolean()),
      aiUsed: z.optional(z.boolean()),
      aiDisclosed: z.optional(z.boolean()),
    }),
    {},
  ),
});

const SUPPORTED_KINDS: readonly RequestKind[] = ['brand-post', 'account-opening'];

function describe(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  return path === '' ? issue.message : `${path}: ${issue.message}`;
}

/**
 * Validates a webhook body against the schema, the directory and the registry (the accounts as they stand). A body
 * carrying anything that looks like a credential is refused first, whatever its kind, naming each field. Throws
 * ValidationError with every problem; returns the submission with defaults applied.
 */
export function parseSubmission(body: unknown, directory: Directory, now: Date, registry: readonly RegistryAccount[]): Submission {
  const secrets = credentialFields(body);
  if (secrets.length > 0) throw new ValidationError(secrets.map(credentialProblem));
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError(['body: must be a JSON object']);
  }
  const kind = (body as { kind?: unknown }).kind;
  if (kind === 'account-opening') return parseAccountOpening(body, directory, registry);
  if (kind !== 'brand-post') {
    throw new ValidationError([`kind: must be one of ${SUPPORTED_KINDS.join(', ')} (got ${JSON.stringify(kind ?? null)})`]);
  }
  return parseBrandPost(body, directory, now);
}

function parseBrandPost(body: object, directory: Directory, now: Date): BrandPostSubmission {
  const parsed = brandPostSchema.safeParse(body);
  const problems = parsed.success ? [] : parsed.error.issues.map(describe);
  const raw = body as { submitter?: unknown; account?: unknown; publishAt?: unknown };
  if (typeof raw.submitter === 'string' && directory.personByEmail(raw.submitter) === undefined) {
    problems.push(`submitter: "${raw.submitter}" is not in the ${directory.institution} directory`);
  }
  const submitter = typeof raw.submitter === 'string' ? directory.personByEmail(raw.submitter) : undefined;
  if (submitter !== undefined && submitter.manager === undefined) {
    problems.push(
      `submitter: "${submitter.email}" has no manager in the directory, so nobody can give the supervisor approval; ask the directory owner to add one`,
    );
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
