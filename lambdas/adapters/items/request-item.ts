import * as z from 'zod/mini';
import { RECORDED_FAILING_STEPS, type RequestRecord } from '../../core/model.js';
import { QUESTION_KEYS } from '../../core/account-opening/questionnaire.js';
import { RULE_IDS } from '../../core/rules/catalogue.js';
import { PLATFORMS } from '../../core/rules/platforms.js';
import type { SameShape } from './stored-item.js';

// The requests table's item (lambdas/adapters/requests.ts): a RequestRecord (lambdas/core/model.ts) and the bookkeeping
// the adapters keep beside it. Shapes only, never intake's limits: an item stored under older limits still reads.
// Objects are loose (a field this schema does not know is kept, not dropped): a record read here is written back in
// part (stages kept by a reroute, a submission moved to previousVersions), and must lose nothing on the way.

/** Written as null when absent (a decision by the clock has no decider; a new version has no execution yet); read as absent. */
const absentIfNull = z.pipe(
  z.nullable(z.string()),
  z.transform((value: string | null) => value ?? undefined),
);

const assignee = z.looseObject({ id: z.string(), name: z.string(), email: z.string() });
const stagePhase = z.enum(['requested', 'reminded', 'escalated']);
const ruleId = z.enum(RULE_IDS);
const statement = z.looseObject({ rule: ruleId, statement: z.string() });

// biome-ignore format: packed word list, one line per group reads better than one word per line
const stage = z.looseObject({
  stage: z.enum(['supervisor', 'management', 'comms', 'ethics']),
  status: z.enum(['waiting', 'pending', 'approved', 'rejected', 'request-changes', 'expired']),
  assignees: z.array(assignee),
  timeoutSeconds: z.number(),
  deadline: z.optional(z.string()),
  openedAt: z.optional(z.string()),
  schedule: z.optional(z.looseObject({ remindSeconds: z.number(), deadlineSeconds: z.number(), secondDeadlineSeconds: z.number(), tooLate: z.boolean() })),
  delivered: z.optional(stagePhase),
  failedAsks: z.optional(z.number()),
  phase: z.optional(stagePhase),
  escalatedTo: z.optional(z.array(assignee)),
  escalatedAt: z.optional(z.string()),
  escalationDeadline: z.optional(z.string()),
  decidedBy: z.optional(absentIfNull),
  deciderId: z.optional(absentIfNull),
  decidedAt: z.optional(z.string()),
  decision: z.optional(z.enum(['approve', 'reject', 'request-changes', 'expired'])),
  comment: z.optional(absentIfNull),
  statements: z.optional(z.array(statement)),
});

const finding = z.looseObject({
  rule: ruleId,
  severity: z.enum(['block', 'attest', 'route', 'warn', 'info']),
  message: z.string(),
  where: z.optional(z.string()),
  span: z.optional(z.looseObject({ start: z.number(), end: z.number(), text: z.string() })),
  media: z.optional(z.number()),
  suggestion: z.optional(z.string()),
  source: z.optional(z.looseObject({ policy: z.string(), section: z.string(), quote: z.string() })),
  attestation: z.optional(z.looseObject({ statement: z.string(), by: z.enum(['submitter', 'comms', 'ethics']), satisfied: z.boolean() })),
  stage: z.optional(z.enum(['comms', 'ethics'])),
});

const publication = z.looseObject({
  is: z.boolean(),
  reasons: z.array(z.string()),
  override: z.optional(z.looseObject({ by: z.string(), at: z.string(), reason: z.string(), was: z.boolean() })),
});

// biome-ignore format: packed word list, one line per group reads better than one word per line
const mediaItem = z.looseObject({
  type: z.enum(['image', 'video']),
  url: z.string(),
  alt: z.optional(z.string()),
  captions: z.optional(z.boolean()),
  rights: z.optional(z.enum(['own', 'licensed', 'public-domain', 'creative-commons', 'unknown'])),
  credit: z.optional(z.string()),
  showsPeople: z.optional(z.boolean()),
  declaredAs: z.optional(
    z.enum(['photo', 'illustration', 'chart', 'poster', 'screenshot', 'logo', 'internal-document', 'contract', 'budget', 'access-card', 'credentials']),
  ),
});

const brandPost = z.looseObject({
  kind: z.literal('brand-post'),
  submitter: z.string(),
  account: z.string(),
  title: z.string(),
  text: z.string(),
  format: z.enum(['post', 'thread', 'article', 'blog', 'share', 'correction']),
  publishAt: z.optional(z.string()),
  media: z.array(mediaItem),
  attestations: z.looseObject({
    peopleConsent: z.optional(z.boolean()),
    aiUsed: z.optional(z.boolean()),
    aiDisclosed: z.optional(z.boolean()),
  }),
});

const accountOpening = z.looseObject({
  kind: z.literal('account-opening'),
  submitter: z.string(),
  unit: z.string(),
  platform: z.enum(PLATFORMS),
  handle: z.string(),
  title: z.string(),
  admins: z.array(z.string()),
  group: z.optional(z.looseObject({ visibility: z.enum(['public', 'private']), joinPolicy: z.optional(z.string()) })),
  questionnaire: z.partialRecord(z.enum(QUESTION_KEYS), z.string()),
  attestations: z.looseObject({
    smmAdmin: z.optional(z.boolean()),
    credentialStore: z.optional(z.string()),
    commentPolicy: z.optional(z.boolean()),
  }),
});

const submission = z.discriminatedUnion('kind', [brandPost, accountOpening]);
const outcome = z.enum(['approved', 'rejected', 'changes-requested', 'expired', 'withdrawn']);

/** The task token waiting on each stage, by stage index (registerWait). Server-side only. */
export const waitTokens = z.record(z.string(), z.string());

// biome-ignore format: packed word list, one line per group reads better than one word per line
export const requestItem = z.looseObject({
  requestId: z.string(),
  kind: z.enum(['brand-post', 'account-opening']),
  status: z.enum(['checking', 'awaiting-approval', 'changes-requested', 'approved', 'rejected', 'expired', 'withdrawn', 'failed']),
  version: z.number(),
  submission,
  contentHash: z.string(),
  receivedAt: z.string(),
  channel: z.enum(['webhook', 'mail']),
  stages: z.array(stage),
  findings: z.array(finding),
  publication: z.optional(publication),
  executionArn: z.optional(absentIfNull),
  outcome: z.optional(outcome),
  previousVersions: z.optional(z.array(z.looseObject({ version: z.number(), submission, contentHash: z.string(), outcome: z.optional(outcome) }))),
  registration: z.optional(z.looseObject({ accountId: z.string(), registered: z.boolean(), reason: z.optional(z.string()) })),
  thread: z.optional(z.looseObject({ messageId: z.string(), references: z.array(z.string()) })),
  routeFailure: z.optional(z.looseObject({ reason: z.string() })),
  failure: z.optional(z.looseObject({ step: z.enum(RECORDED_FAILING_STEPS), error: z.string(), at: z.string(), executionArn: z.string() })),
  // Bookkeeping beside the record: the intake's idempotency (accept-submission), a version's (startNewVersion), the
  // callback tokens (registerWait), and the once-per-version flags (claimFlag writes the version that claimed each, its lease and its message id).
  bodyHash: z.optional(z.string()),
  idempotencyKey: z.optional(z.string()),
  versionKey: z.optional(z.string()),
  versionedAt: z.optional(z.string()),
  waitTokens: z.optional(waitTokens),
  outcomeNotified: z.optional(z.number()),
  acknowledged: z.optional(z.number()),
  adminsNotified: z.optional(z.number()),
  outcomeNotifiedLease: z.optional(z.number()),
  acknowledgedLease: z.optional(z.number()),
  adminsNotifiedLease: z.optional(z.number()),
  outcomeNotifiedMessageId: z.optional(z.string()),
  acknowledgedMessageId: z.optional(z.string()),
  adminsNotifiedMessageId: z.optional(z.string()),
});

/** What the requests table keeps beside a RequestRecord. */
export interface RequestBookkeeping {
  readonly bodyHash?: string | undefined;
  readonly idempotencyKey?: string | undefined;
  readonly versionKey?: string | undefined;
  readonly versionedAt?: string | undefined;
  readonly waitTokens?: Readonly<Record<string, string>> | undefined;
  readonly outcomeNotified?: number | undefined;
  readonly acknowledged?: number | undefined;
  readonly adminsNotified?: number | undefined;
  /** While a flag's mail may still be on its way: until when (ms) its claimant may be sending (claimFlag). */
  readonly outcomeNotifiedLease?: number | undefined;
  readonly acknowledgedLease?: number | undefined;
  readonly adminsNotifiedLease?: number | undefined;
  /** SES's id of a flag's mail once sent (markFlagSent). */
  readonly outcomeNotifiedMessageId?: string | undefined;
  readonly acknowledgedMessageId?: string | undefined;
  readonly adminsNotifiedMessageId?: string | undefined;
}

/** A requests-table item as read: the record and its bookkeeping. */
export type RequestItem = RequestRecord & RequestBookkeeping;

true satisfies SameShape<z.output<typeof requestItem>, RequestItem>;

/**
 * Before the rule catalogue (CHANGELOG: Unreleased), a request with no valid approval route carried a finding under the rule id 'G-SEPARATION', which
 * GOVERNANCE.md does not have; now the record says routeFailure. An item stored then reads as it would be stored now
 * (the finding's message was `No valid approval route: <reason>.`), so every rule id read is the catalogue's.
 */
export function withoutLegacyRouteFinding(item: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const findings = item['findings'];
  if (!Array.isArray(findings)) return item;
  const legacy = findings.find(isLegacyRouteFinding);
  if (legacy === undefined) return item;
  const message = typeof legacy.message === 'string' ? legacy.message : '';
  const reason = /^No valid approval route: (.*?)\.?$/su.exec(message)?.[1] ?? message;
  return { ...item, findings: findings.filter((f: unknown) => f !== legacy), routeFailure: { reason } };
}

function isLegacyRouteFinding(f: unknown): f is { readonly rule: 'G-SEPARATION'; readonly message?: unknown } {
  return typeof f === 'object' && f !== null && 'rule' in f && f.rule === 'G-SEPARATION';
}
