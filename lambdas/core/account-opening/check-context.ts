import type { Directory } from '../request/directory.js';
import type { AccountOpeningSubmission, Finding, RegistryAccount, Severity } from '../model.js';
import type { Preset } from '../rules/presets.js';

// What every account-opening check is given, and the helpers their findings' messages share.

export interface CheckContext {
  readonly submission: AccountOpeningSubmission;
  readonly directory: Directory;
  readonly registry: readonly RegistryAccount[];
  readonly preset: Preset;
  /** The CERN Alumni group rules apply (GOVERNANCE.md §6 A-ADMINS, A-GROUP-PRIVACY). */
  readonly groupRules: boolean;
}

export type Check = (ctx: CheckContext) => Finding[];

export function quote(text: string): string {
  const flat = text.replace(/\s+/gu, ' ').trim();
  return `"${[...flat].length > 80 ? `${[...flat].slice(0, 79).join('')}…` : flat}"`;
}

export function list(items: readonly string[], conjunction = 'and'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1] ?? ''}`;
}

/** A submitter's statement: missing blocks, made is kept as `attest` (the brand-post checks' `statementSeverity` at level attest). */
export function statementSeverity(satisfied: boolean): Severity {
  return satisfied ? 'attest' : 'block';
}
