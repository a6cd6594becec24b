import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AccountOpeningSubmission, Submission } from './model.js';
import { canonicalJson, type Json } from './audit/audit-chain.js';
import { handleKey } from './rules/platforms.js';

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

/** FNV-1a, 32 bits, hex: a short stable tag for a handle with no letters or digits to slug. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (const unit of new TextEncoder().encode(text)) {
    hash ^= unit;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/**
 * The registry id an approved opening gets: `${unit}-${platform}-${slug}`, the slug being the handle in lower case
 * without its leading '@', each run of characters other than a–z and 0–9 a single '-', no '-' at either end, at most 40
 * characters. Deterministic: the same request always names the same account.
 */
export function accountIdFor(submission: Pick<AccountOpeningSubmission, 'unit' | 'platform' | 'handle'>): string {
  const handle = handleKey(submission.handle);
  // After the first replace every run is one '-', so `-` at an end suffices (`-+$` rescans a run from each dash).
  const slug = handle
    .replace(/[^a-z0-9]+/gu, '-')
    .replace(/^-|-$/gu, '')
    .slice(0, 40)
    .replace(/-$/u, '');
  return `${submission.unit}-${submission.platform}-${slug === '' ? `h${fnv1a(handle)}` : slug}`;
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
