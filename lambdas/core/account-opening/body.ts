import * as z from 'zod/mini';
import { singleLine } from '../schema.js';
import type { Directory } from '../request/directory.js';
import { ValidationError } from '../errors.js';
import type { AccountOpeningSubmission, QuestionKey, RegistryAccount } from '../model.js';
import { PLATFORMS, PLATFORM_NAMES, handleKey } from '../rules/platforms.js';
import { credentialFields, credentialProblem, isRecord } from './credentials.js';
import { QUESTION_KEYS } from './questionnaire.js';

// The webhook body of a request to open an institutional account (DESIGN.md "Webhook intake",
// `kind: "account-opening"`): its schema, its limits, and the parse that checks it against the directory and the
// registry and names every problem at once. Pure: no AWS, no clock.

export const MAX_ADMINS = 10;
export const MAX_ANSWER_CHARS = 2_000;
export const MAX_CREDENTIAL_STORE_CHARS = 300;

/** A field that is one line (an id, a handle, a title): a line break in it would split an e-mail subject or a log line. */
const line = (min: number, max: number) => z.string().check(z.trim(), z.minLength(min), z.maxLength(max), singleLine());
const answer = () => z.optional(z.string().check(z.trim(), z.maxLength(MAX_ANSWER_CHARS)));

const questionnaireSchema = z.strictObject({
  project: answer(),
  platform: answer(),
  audience: answer(),
  existingChannel: answer(),
  communications: answer(),
  frequency: answer(),
  resources: answer(),
  endOfLife: answer(),
  hashtagInstead: answer(),
  closedGroupInstead: answer(),
  evaluation: answer(),
  readyToRetire: answer(),
});

const groupSchema = z.strictObject({
  visibility: z.enum(['public', 'private']),
  joinPolicy: z.optional(z.string().check(z.trim(), z.maxLength(MAX_ANSWER_CHARS))),
});

const attestationsSchema = z.strictObject({
  smmAdmin: z.optional(z.boolean()),
  /** Where the access details are kept: a reference (a vault path), never a secret. */
  credentialStore: z.optional(z.string().check(z.trim(), z.maxLength(MAX_CREDENTIAL_STORE_CHARS), singleLine())),
  commentPolicy: z.optional(z.boolean()),
});

export const accountOpeningSchema = z.strictObject({
  kind: z.literal('account-opening'),
  submitter: z.email(),
  /** The requesting unit's id in the directory (for an alumni group, its group type). */
  unit: line(1, 100),
  platform: z.enum(PLATFORMS),
  handle: line(1, 100),
  /** Defaults to "Open <handle> on <platform>". */
  title: z.optional(line(1, 200)),
  admins: z.array(z.email()).check(z.minLength(1), z.maxLength(MAX_ADMINS)),
  group: z.optional(groupSchema),
  questionnaire: questionnaireSchema,
  attestations: z._default(attestationsSchema, {}),
});

/** The keys each object of the body may hold, to list them when an unknown one is given. */
const KEYS_AT: Readonly<Record<string, { readonly what: string; readonly keys: readonly string[] }>> = {
  '': { what: 'field', keys: Object.keys(accountOpeningSchema.shape) },
  questionnaire: { what: 'question', keys: QUESTION_KEYS },
  attestations: { what: 'attestation', keys: Object.keys(attestationsSchema.shape) },
  group: { what: 'group setting', keys: Object.keys(groupSchema.shape) },
};

function describe(issue: z.core.$ZodIssue, body: Record<string, unknown>): string {
  const path = issue.path.map(String).join('.');
  const at = (message: string): string => (path === '' ? message : `${path}: ${message}`);
  if (issue.code === 'unrecognized_keys') {
    const known = KEYS_AT[path];
    if (known !== undefined) {
      const unknown = issue.keys.map((k) => `"${k}"`).join(', ');
      return at(`unknown ${known.what}${issue.keys.length > 1 ? 's' : ''} ${unknown}; the ${known.what}s are ${known.keys.join(', ')}`);
    }
  }
  if (path === 'questionnaire' && body.questionnaire === undefined) {
    return at(`required: answer the twelve questions (${QUESTION_KEYS.join(', ')})`);
  }
  return at(issue.message);
}

/**
 * Validates an account-opening body against the schema, the directory and the registry. Throws ValidationError with
 * every problem: the schema's, a submitter not in the directory, a handle already registered on the platform. Admins
 * who are not in the directory are left to A-ADMINS, which lists them. Returns lower-case e-mail addresses (each admin
 * once, in the order given), trimmed answers without the blank ones, and the default title.
 */
export function parseAccountOpening(body: unknown, directory: Directory, registry: readonly RegistryAccount[]): AccountOpeningSubmission {
  // parseSubmission refuses credentials first for every kind; checked again for callers that come here directly.
  const secrets = credentialFields(body);
  if (secrets.length > 0) throw new ValidationError(secrets.map(credentialProblem));
  if (!isRecord(body)) throw new ValidationError(['body: must be a JSON object']);
  const parsed = accountOpeningSchema.safeParse(body);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => describe(issue, body));
  const { submitter, handle, platform } = body;
  if (typeof submitter === 'string' && directory.personByEmail(submitter) === undefined) {
    problems.push(`submitter: "${submitter}" is not in the ${directory.institution} directory`);
  }
  if (typeof handle === 'string' && handleKey(handle) !== '' && typeof platform === 'string') {
    const taken = registry.find((a) => a.platform === platform && handleKey(a.handle) === handleKey(handle));
    if (taken !== undefined) {
      const status = taken.status === 'active' ? '' : ` (${taken.status})`;
      problems.push(
        `handle: "${handle.trim()}" is already registered on ${PLATFORM_NAMES[taken.platform]} as the account "${taken.id}"${status}`,
      );
    }
  }
  if (!parsed.success || problems.length > 0) throw new ValidationError(problems);
  const d = parsed.data;
  const questionnaire: Partial<Record<QuestionKey, string>> = {};
  for (const key of QUESTION_KEYS) {
    const given = d.questionnaire[key];
    if (given !== undefined && given !== '') questionnaire[key] = given;
  }
  const joinPolicy = d.group?.joinPolicy;
  const credentialStore = d.attestations.credentialStore;
  return {
    kind: 'account-opening',
    submitter: d.submitter.toLowerCase(),
    unit: d.unit,
    platform: d.platform,
    handle: d.handle,
    title: d.title ?? `Open ${d.handle} on ${PLATFORM_NAMES[d.platform]}`,
    admins: [...new Set(d.admins.map((a) => a.toLowerCase()))],
    group: d.group === undefined ? undefined : { visibility: d.group.visibility, joinPolicy: joinPolicy === '' ? undefined : joinPolicy },
    questionnaire,
    attestations: {
      ...(d.attestations.smmAdmin === undefined ? {} : { smmAdmin: d.attestations.smmAdmin }),
      ...(credentialStore === undefined || credentialStore === '' ? {} : { credentialStore }),
      ...(d.attestations.commentPolicy === undefined ? {} : { commentPolicy: d.attestations.commentPolicy }),
    },
  };
}
