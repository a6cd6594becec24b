import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { accountIdFor } from './account-opening/account-opening.js';
import type { Submission } from './model.js';
import { canonicalJson, type Json } from './audit/audit-chain.js';

/**
 * A request id derived from the intake channel's idempotency key, so that the same delivery always
 * maps to the same request and the same Step Functions execution name (which must be ≤ 80 chars).
 */
export function requestIdFor(channel: 'webhook' | 'mail', idempotencyKey: string): string {
  const digest = createHash('sha256').update(`${channel}\n${idempotencyKey}`).digest('base64url');
  return `req_${digest.replace(/[-_]/g, '').slice(0, 24)}`;
}

/** sha256 over the canonical form: the hash that binds an approval to the exact content it saw (GOVERNANCE.md §3). */
export function contentHashOf(submission: Submission): string {
  if (submission.kind === 'account-opening') {
    // Everything an approver of an opening sees is bound: who asks, for what, who runs it, every answer and statement.
    const { kind, submitter, unit, platform, handle, title, admins, group, questionnaire, attestations } = submission;
    const opening: Json = {
      kind,
      submitter,
      unit,
      platform,
      handle,
      title,
      admins: [...admins],
      group: group === undefined ? null : { visibility: group.visibility, joinPolicy: group.joinPolicy ?? null },
      questionnaire: Object.fromEntries(Object.entries(questionnaire).filter((e): e is [string, string] => e[1] !== undefined)),
      attestations: {
        smmAdmin: attestations.smmAdmin ?? null,
        credentialStore: attestations.credentialStore ?? null,
        commentPolicy: attestations.commentPolicy ?? null,
      },
    };
    return sha256Hex(canonicalJson(opening));
  }
  const { kind, account, title, text, format, publishAt, media } = submission;
  const bound: Json = {
    kind,
    account,
    title,
    text,
    format,
    publishAt: publishAt ?? null,
    media: media.map((m) => ({ type: m.type, url: m.url, alt: m.alt ?? null })),
  };
  return sha256Hex(canonicalJson(bound));
}

/** The account a request concerns: a post's target, or the registry id an opening will be entered under. */
export function accountOf(submission: Submission): string {
  return submission.kind === 'brand-post' ? submission.account : accountIdFor(submission);
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A review-link id: 256 random bits, URL-safe. Only its hash is stored. */
export function newLinkId(): string {
  return randomBytes(32).toString('base64url');
}

const LINK_ID = /^[A-Za-z0-9_-]{43}$/;
export function isWellFormedLinkId(value: string): boolean {
  return LINK_ID.test(value);
}

export function constantTimeEquals(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
