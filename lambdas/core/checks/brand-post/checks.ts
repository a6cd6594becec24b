import { DEFAULT_CHECK_BUDGET, runWithinBudget, type CheckBudget } from '../check-budget.js';
import type { Directory } from '../../request/directory.js';
import type { BrandPostSubmission, Finding } from '../../model.js';
import { withoutLinks } from '../text/personal-data.js';
import { BRAND_POST_RULES, type BrandPostRule } from '../../rules/catalogue.js';
import { loadPreset, type Preset } from '../../rules/presets.js';
import { extractLinks } from '../publication.js';
import { checkAccount, checkPlatformLimit } from './account.js';
import type { Check, CheckContext } from './check-context.js';
import { checkConfidential, checkEmbargo, checkPersonalData } from './confidential.js';
import { checkHashtagCase, checkInclusive, checkJargon, checkOffensive } from './language.js';
import { checkAltText, checkLogo } from './media.js';
import { checkEndorsement, checkPolitical, checkSensitiveMatter } from './positions.js';
import { checkCorrection, checkSource } from './references.js';
import { checkAiDisclosure, checkMediaRights, checkPeopleConsent } from './statements.js';

// Checks on a brand post (GOVERNANCE.md §5). Each finding carries the stable rule id of the table in §5, a
// severity, a message for the submitter and the approvers that says what is wrong and how to fix it, the offending
// span of text or media item, a suggested fix where there is one, and the policy sentence the rule enforces (from
// the institution's preset, which also turns checks on or off and sets their severity — GOVERNANCE.md §8).
//
// Severities (§5): block — the request cannot enter approval until fixed. attest — an explicit statement is
// required: a statement the submitter must make and has not made blocks like any other blocking finding; a
// statement made is kept (severity attest, `attestation.satisfied`) for approvers and auditors to see; a statement
// an approver must make (comms: "reputational check done") is shown on the review page and blocks nothing.
// route — adds a stage or asks a stage to clear the post explicitly (`stage`). warn — shown to every approver.
// info — for information.

// Each rule's check is in the file of its group: account.ts (the target account), confidential.ts (what must not be
// made public), media.ts, statements.ts (the submitter's statements), positions.ts (what asks an approver stage),
// references.ts, language.ts. What a finding asks of whom: ../findings.ts.

/** Each rule of §5 and the function that checks it. */
// biome-ignore format: packed word list, one line per group reads better than one word per line
const CHECKS: Readonly<Record<BrandPostRule, Check>> = {
  'P-ACCOUNT': checkAccount,
  'P-CONFIDENTIAL': checkConfidential,
  'P-EMBARGO': checkEmbargo,
  'P-OFFENSIVE': checkOffensive,
  'P-LOGO': checkLogo,
  'P-ALT-TEXT': checkAltText,
  'P-PLATFORM-LIMIT': checkPlatformLimit,
  'P-PEOPLE-CONSENT': checkPeopleConsent,
  'P-MEDIA-RIGHTS': checkMediaRights,
  'P-AI-DISCLOSURE': checkAiDisclosure,
  'P-PERSONAL-DATA': checkPersonalData,
  'P-POLITICAL': checkPolitical,
  'P-ENDORSEMENT': checkEndorsement,
  'P-SENSITIVE-MATTER': checkSensitiveMatter,
  'P-SOURCE': checkSource,
  'P-HASHTAG-CASE': checkHashtagCase,
  'P-INCLUSIVE': checkInclusive,
  'P-JARGON': checkJargon,
  'P-CORRECTION': checkCorrection,
};

/**
 * Runs every check of GOVERNANCE.md §5 that the preset turns on, at the preset's severity, in the order of §5's
 * table. The preset defaults to the one the directory names.
 */
export function checkBrandPost(
  submission: BrandPostSubmission,
  directory: Directory,
  preset: Preset = loadPreset(directory.preset),
  budget: CheckBudget = DEFAULT_CHECK_BUDGET,
): Finding[] {
  const publishAt = submission.publishAt === undefined ? undefined : new Date(submission.publishAt);
  const ctx: CheckContext = {
    submission,
    directory,
    preset,
    account: directory.account(submission.account),
    prose: withoutLinks(submission.text),
    links: extractLinks(submission.text),
    publishAt: publishAt !== undefined && !Number.isNaN(publishAt.getTime()) ? publishAt : undefined,
  };
  // Each rule under its time budget (check-budget.ts): a rule that runs too long is reported as skipped.
  const on = BRAND_POST_RULES.filter((rule) => preset.checks[rule].severity !== 'off');
  return runWithinBudget(
    on,
    (rule) => {
      const setting = preset.checks[rule];
      if (setting.severity === 'off') return []; // filtered out above; this narrows the level's type
      const findings = CHECKS[rule](ctx, setting.severity);
      return setting.source === undefined ? findings : findings.map((finding) => ({ ...finding, source: setting.source }));
    },
    budget,
  );
}
