import type { Directory } from '../request/directory.js';
import type { AccountOpeningSubmission, Finding, RegistryAccount } from '../model.js';
import type { Preset } from '../rules/presets.js';

// What every account-opening check is given. The helpers their findings' messages share (quote, list,
// statementSeverity) are every check's: lambdas/core/checks/findings.ts.

export interface CheckContext {
  readonly submission: AccountOpeningSubmission;
  readonly directory: Directory;
  readonly registry: readonly RegistryAccount[];
  readonly preset: Preset;
  /** The CERN Alumni group rules apply (GOVERNANCE.md §6 A-ADMINS, A-GROUP-PRIVACY). */
  readonly groupRules: boolean;
}

export type Check = (ctx: CheckContext) => Finding[];
