import type { AttestationBy, Finding, Severity, StageName } from '../model.js';
import type { SeverityLevel } from '../rules/catalogue.js';

// What a finding asks of whom (GOVERNANCE.md §5 severities), and the wording helpers every check's messages share —
// the brand-post checks (checks/brand-post/), the account-opening checks (account-opening/), and whoever reads
// findings (mail replies, rendered mails and pages, the RunChecks task). One definition each, so they cannot drift.

/** Whether a finding keeps the request out of approval (GOVERNANCE.md §5 "block"). */
export function isBlocking(finding: Finding): boolean {
  return finding.severity === 'block';
}

/**
 * Whether a finding asks something of someone: every block, route and warn finding, and an attest finding whose
 * statement is still to be made. A statement the submitter has made is a record, not a problem; info is a note.
 */
export function isWarnOrWorse(finding: Finding): boolean {
  if (finding.severity === 'attest') return finding.attestation?.satisfied !== true;
  return finding.severity === 'block' || finding.severity === 'route' || finding.severity === 'warn';
}

/** Whether a finding is a statement the submitter has made (kept for approvers and auditors, asks nothing). */
export function isStatementMade(finding: Finding): boolean {
  return finding.severity === 'attest' && finding.attestation?.satisfied === true;
}

/** Whether a finding's statement is still to be made by `by` (P-ENDORSEMENT: the comms approvers' reputational check). */
export function isStatementOwedBy(finding: Finding, by: AttestationBy | StageName): boolean {
  return finding.attestation !== undefined && finding.attestation.by === by && !finding.attestation.satisfied;
}

/**
 * The severity of a submitter's statement under a rule at `level`: under `attest`, a statement missing blocks and a
 * statement made is kept (as `attest`, for approvers and auditors); under a softer level a missing statement shows
 * at that level, and one made needs no finding (undefined).
 */
export function statementSeverity(level: 'attest', satisfied: boolean): Severity;
export function statementSeverity(level: Exclude<SeverityLevel, 'off'>, satisfied: boolean): Severity | undefined;
export function statementSeverity(level: Exclude<SeverityLevel, 'off'>, satisfied: boolean): Severity | undefined {
  if (level === 'attest') return satisfied ? 'attest' : 'block';
  return satisfied ? undefined : level;
}

/** Longest quotation a message carries, in characters: enough for a sentence of an answer or a post. */
export const QUOTE_MAX_CHARS = 80;

/** Words quoted in a message: whitespace flattened, cut with "…" beyond QUOTE_MAX_CHARS. */
export function quote(text: string): string {
  const flat = [...text.replace(/\s+/gu, ' ').trim()];
  return `"${flat.length > QUOTE_MAX_CHARS ? `${flat.slice(0, QUOTE_MAX_CHARS - 1).join('')}…` : flat.join('')}"`;
}

/** "a", "a and b", "a, b and c" (or another conjunction: "a, b or c"). */
export function list(items: readonly string[], conjunction = 'and'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1] ?? ''}`;
}
