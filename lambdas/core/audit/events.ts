import * as z from 'zod/mini';
import '../schema.js';
import type { Json } from './audit-chain.js';

// Every kind of audit event Signoff writes, each with the schema of its data (issue #12). `appendAudit` takes only
// these: a new kind of event, or a new field in one, is added here first, where an auditor reading the export can find
// what each field means. Events already in a chain are never re-validated: a chain written by an older version stays
// verifiable as it was (audit-verify.ts checks hashes, not shapes).
//
// The schemas are strict (an unknown field is an error): a typo in a field name fails the write in tests instead of
// leaving a field an auditor would look for in vain.

const version = z.number();
const stageName = z.string();
const stageIndex = z.number();
const nullableString = z.nullable(z.string());
const route = z.array(z.strictObject({ stage: stageName, assignees: z.array(z.string()) }));

/** Mail sent to an approver: asked, reminded at half-time, or asked as deputy after escalation. */
const approvalMail = z.strictObject({
  stage: stageName,
  stageIndex,
  version,
  approver: z.string(),
  linkHash: z.string(),
  deadline: z.string(),
  /**
   * SES's id; null (since issue #13) for a mail whose sender died before it learned the id, and that the approver's
   * decision through its link shows was delivered.
   */
  messageId: z.union([z.string(), z.null()]),
});

export const AUDIT_EVENT_SCHEMAS = {
  'request.submitted': z.strictObject({
    channel: z.string(),
    idempotencyKey: z.string(),
    version,
    contentHash: z.string(),
    account: z.string(),
    kind: z.string(),
  }),
  'request.version': z.strictObject({ version, contentHash: z.string(), previousContentHash: z.string(), idempotencyKey: z.string() }),
  'request.withdrawn': z.strictObject({ channel: z.string(), version }),
  'request.outcome': z.strictObject({ outcome: z.string(), version }),
  'workflow.started': z.strictObject({ executionArn: z.string(), version }),
  // A task failed after its retries (RecordFailure, issue #13): which step, and the error's name.
  'workflow.failed': z.strictObject({ executionArn: z.string(), version, step: z.string(), error: z.string() }),
  'checks.completed': z.strictObject({
    version,
    blocked: z.boolean(),
    findings: z.array(
      z.strictObject({
        rule: z.string(),
        severity: z.string(),
        message: z.string(),
        where: nullableString,
        stage: nullableString,
        satisfied: z.nullable(z.boolean()),
      }),
    ),
    publication: z.nullable(z.strictObject({ is: z.boolean(), reasons: z.array(z.string()) })),
  }),
  'route.planned': z.strictObject({ version, stages: route }),
  'route.failed': z.strictObject({ version, reason: z.string() }),
  'stage.opened': z.strictObject({
    stage: stageName,
    stageIndex,
    // Since issue #13 (written once per stage and version); events written before have none.
    version: z.optional(version),
    deadline: z.string(),
    remindAfterSeconds: z.number(),
    escalationDeadline: z.string(),
    tooLate: z.boolean(),
  }),
  'approval.requested': approvalMail,
  'approval.reminded': approvalMail,
  'approval.escalated': approvalMail,
  // `version` since issue #13 (the event is written once per stage and version); events written before have none.
  'stage.escalation-skipped': z.strictObject({ stage: stageName, stageIndex, version: z.optional(version), reason: z.string() }),
  'stage.expired': z.strictObject({ stageIndex, version, stage: stageName }),
  /** A callback the workflow did not act on (issue #11): no decision recorded for a success, or a late failure. */
  'callback.refused': z.strictObject({
    stage: stageName,
    stageIndex,
    version,
    hint: z.enum(['success', 'failure']),
    reason: z.string(),
    error: z.optional(z.string()),
  }),
  'decision.recorded': z.strictObject({
    stage: stageName,
    stageIndex,
    version,
    decision: z.enum(['approve', 'reject', 'request-changes']),
    comment: nullableString,
    statements: z.array(z.strictObject({ rule: z.string(), statement: z.string() })),
    channel: z.string(),
    linkHash: z.string(),
    contentHash: z.string(),
    /** Written by a later post of this approver, not the decider: the decision was stored, its event lost in a crash. */
    settledBy: z.optional(z.string()),
  }),
  'publication.overridden': z.strictObject({
    version,
    stage: stageName,
    stageIndex,
    from: z.boolean(),
    to: z.boolean(),
    reason: z.string(),
    classifierReasons: z.array(z.string()),
    route,
    channel: z.string(),
    linkHash: z.string(),
  }),
  'account.registered': z.strictObject({
    accountId: z.string(),
    platform: z.string(),
    handle: z.string(),
    unit: z.string(),
    admins: z.array(z.string()),
    smmAdmin: z.boolean(),
    credentialStore: nullableString,
    version,
  }),
  'account.registration-refused': z.strictObject({ accountId: z.string(), reason: nullableString, version }),
  /** Every mail Signoff sends on its own account (acknowledgement, outcome, registration). */
  'notification.sent': z.strictObject({
    to: z.union([z.string(), z.array(z.string())]),
    messageId: z.string(),
    kind: z.optional(z.string()),
    outcome: z.optional(z.string()),
    about: z.optional(z.string()),
    accountId: z.optional(z.string()),
    version: z.optional(version),
  }),
  /** A mail not turned into a request or version, audited without its content: who, to where, why. */
  'mail.rejected': z.strictObject({
    messageIdHash: z.string(),
    reason: z.string(),
    refusal: z.optional(z.string()),
    trust: z.optional(z.string()),
    recipients: z.optional(z.array(z.string())),
    replied: z.optional(z.boolean()),
    /** SES's id of the reply sent in the mail's thread (since issue #13): the event of that reply is written once. */
    replyMessageId: z.optional(z.string()),
    /** The error SES refused the reply with for good (`MessageRejected`…): no reply went out, and none will. */
    replyRefused: z.optional(z.string()),
  }),
} as const;

export type AuditEventType = keyof typeof AUDIT_EVENT_SCHEMAS;
export const AUDIT_EVENT_TYPES = Object.keys(AUDIT_EVENT_SCHEMAS) as AuditEventType[];

/** What may be appended to a request's audit chain: one of the kinds above, with its data. */
export type AuditEntry = {
  [T in AuditEventType]: { readonly type: T; readonly actor: string; readonly data: z.input<(typeof AUDIT_EVENT_SCHEMAS)[T]> };
}[AuditEventType];

/** An entry as the hash chain stores it: its data plain JSON (fields left undefined are absent). */
export interface CheckedAuditEntry {
  readonly type: AuditEventType;
  readonly actor: string;
  readonly data: { readonly [key: string]: Json };
}

function isJson(value: unknown): value is Json {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJson);
  return typeof value === 'object' && Object.values(value).every((v) => v === undefined || isJson(v));
}

/** The entry checked against its schema, its data as JSON; throws naming each field that is wrong. */
export function checkedAuditEntry(entry: AuditEntry): CheckedAuditEntry {
  const schema: z.ZodMiniType = AUDIT_EVENT_SCHEMAS[entry.type];
  const result = z.safeParse(schema, entry.data);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || 'data'}: ${i.message}`).join('; ');
    throw new Error(`audit event ${entry.type} does not match its schema: ${problems}`);
  }
  const data: Record<string, Json> = {};
  for (const [key, value] of Object.entries(entry.data)) if (value !== undefined && isJson(value)) data[key] = value;
  return { type: entry.type, actor: entry.actor, data };
}
