import { DEFAULT_CHECK_BUDGET, runWithinBudget, type CheckBudget } from '../checks/check-budget.js';
import type { Directory } from '../request/directory.js';
import type { AccountOpeningSubmission, Finding, RegistryAccount } from '../model.js';
import { PLATFORM_NAMES, atHandle } from '../rules/platforms.js';
import type { Preset } from '../rules/presets.js';
import { hasContent, isNonCommittal, namesNobody } from './answers.js';
import { describeRate, postsPerWeek } from './cadence.js';
import { list, quote, statementSeverity } from '../checks/findings.js';
import { ACCOUNT_OPENING_RULES, type AccountOpeningRule } from '../rules/catalogue.js';
import type { Check, CheckContext } from './check-context.js';
import { checkAdmins, checkSmmAdmin, checkUnit } from './checks-people.js';
import { cite, questionSource, SOURCES } from './citations.js';
import { restrictions, statesNonDiscrimination } from './join-policy.js';
import { ANSWER_HINTS, QUESTION_KEYS, QUESTIONS } from './questionnaire.js';

// The checks on a request to open an institutional account (GOVERNANCE.md §6), A-UNIT … A-GROUP-PRIVACY: the runner,
// and the checks on the plan and the community (those on who asks and who holds the keys are in checks-people.ts).
// Pure: no AWS, no clock. Each finding carries the rule id of §6's table, its severity, a message a communications
// officer reads, the field it points at (`where`), a fix where there is one, and the policy sentence behind it
// (citations.ts).
//
// Severities are §6's. A-SMM-ADMIN and A-COMMENT-POLICY are statements the submitter makes, with the brand-post checks'
// semantics: a statement missing is `block`, a statement made is kept as `attest` with `attestation.satisfied`.

// A-QUESTIONNAIRE (block): each of CERN §3's questions answered — one finding per question. A missing answer on the
// end of the project is A-END-OF-LIFE's (below), so that every missing answer gives exactly one finding.
const checkQuestionnaire: Check = ({ submission }) => {
  const findings: Finding[] = [];
  for (const key of QUESTION_KEYS) {
    if (key === 'endOfLife') continue;
    const answer = submission.questionnaire[key];
    if (answer !== undefined && hasContent(answer)) continue;
    findings.push({
      rule: 'A-QUESTIONNAIRE',
      severity: 'block',
      where: `questionnaire.${key}`,
      message:
        answer === undefined
          ? `The question "${QUESTIONS[key]}" (questionnaire.${key}) is not answered. Every question must be answered before the request goes to approval.`
          : `The question "${QUESTIONS[key]}" (questionnaire.${key}) is answered only with ${quote(answer)}. Give a real answer before the request goes to approval.`,
      suggestion: ANSWER_HINTS[key],
      source: questionSource(key),
    });
  }
  return findings;
};

// A-END-OF-LIFE (block): what happens to the account when the project ends — no answer, or a non-committal one
// ("tbd", "n/a", "don't know", "not sure", "later", "-"). CERN §3.
const checkEndOfLife: Check = ({ submission }) => {
  const answer = submission.questionnaire.endOfLife;
  if (answer !== undefined && !isNonCommittal(answer)) return [];
  return [
    {
      rule: 'A-END-OF-LIFE',
      severity: 'block',
      where: 'questionnaire.endOfLife',
      message:
        answer === undefined
          ? `The question "${QUESTIONS.endOfLife}" (questionnaire.endOfLife) is not answered. Say what will happen to the account when the project ends, before the request goes to approval.`
          : `The answer to "${QUESTIONS.endOfLife}" (questionnaire.endOfLife), ${quote(answer)}, does not say what will happen. ` +
            'Commit to a plan: an account left behind when its project ends loses its followers and the institution its voice.',
      suggestion: `${ANSWER_HINTS.endOfLife} An account kept only to hold its name can say so in its bio, as CERN's guidelines advise: "Profile no longer actively managed. For more updates, please follow" the institution's main account.`,
      source: questionSource('endOfLife'),
    },
  ];
};

// A-CADENCE (warn): planned posting below the preset's minimum (once a week). CERN §2 "To keep an account alive, you
// need to post at least once a week". An answer whose rate cannot be read gives no finding.
const checkCadence: Check = ({ submission, preset }) => {
  const answer = submission.questionnaire.frequency;
  if (answer === undefined) return [];
  const rate = postsPerWeek(answer);
  const minimum = preset.thresholds.minPostsPerWeek ?? 1;
  if (rate === undefined || rate >= minimum) return [];
  const atLeast = minimum === 1 ? 'once a week' : `${minimum} times a week`;
  return [
    {
      rule: 'A-CADENCE',
      severity: 'warn',
      where: 'questionnaire.frequency',
      message:
        `The planned posting frequency, ${quote(answer)}, comes to ${describeRate(rate)}: less than ${atLeast}. ` +
        'CERN\'s guidelines say: "To keep an account alive, you need to post at least once a week." ' +
        'An account that posts less loses its audience; consider contributing to an existing account instead.',
      suggestion: `Plan to post at least ${atLeast} (e.g. a weekly update), or share your news through an existing institutional account.`,
      source: cite(preset, SOURCES.cadence),
    },
  ];
};

// A-EXISTING (warn): an active account of the same unit on the same platform: could they contribute to it? CERN §3.
const checkExisting: Check = ({ submission, directory, registry }) => {
  const same = registry.filter((a) => a.status === 'active' && a.unit === submission.unit && a.platform === submission.platform);
  if (same.length === 0) return [];
  const unit = directory.unitName(submission.unit) ?? submission.unit;
  const accounts = list(same.map((a) => `${atHandle(a.handle)} (${a.id})`));
  const answer = submission.questionnaire.existingChannel;
  return [
    {
      rule: 'A-EXISTING',
      severity: 'warn',
      where: 'questionnaire.existingChannel',
      message:
        `${unit} already has ${same.length === 1 ? 'an active' : `${same.length} active`} ${PLATFORM_NAMES[submission.platform]} account${same.length === 1 ? '' : 's'}: ${accounts}. ` +
        `Could they contribute to ${same.length === 1 ? 'it' : 'one of them'} instead of opening a new one?` +
        (answer === undefined ? '' : ` (Their answer: ${quote(answer)}.)`),
      suggestion: `Say in questionnaire.existingChannel why posting through ${accounts} is not enough.`,
      source: questionSource('existingChannel'),
    },
  ];
};

// A-CAPACITY (warn): nobody allocated to run the account. LEIDEN "sufficient manpower"; CERN §3.
const checkCapacity: Check = ({ submission, preset }) => {
  const answer = submission.questionnaire.resources;
  if (answer === undefined || !namesNobody(answer)) return [];
  return [
    {
      rule: 'A-CAPACITY',
      severity: 'warn',
      where: 'questionnaire.resources',
      message:
        `The answer on human resources, ${quote(answer)}, names nobody to run the account. An account needs people with time for it: ` +
        'someone to post, answer comments and follow the figures.',
      suggestion: ANSWER_HINTS.resources,
      source: cite(preset, SOURCES.capacity),
    },
  ];
};

// A-COMMENT-POLICY (attest, by the submitter): comment policy and community guidelines prepared. CALTECH "Prepare
// your comment policy and community guidelines before you need them".
const checkCommentPolicy: Check = ({ submission, preset }) => {
  const given = submission.attestations.commentPolicy;
  const satisfied = given === true;
  return [
    {
      rule: 'A-COMMENT-POLICY',
      severity: statementSeverity('attest', satisfied),
      where: 'attestations.commentPolicy',
      attestation: { statement: 'A comment policy and community guidelines for the account are prepared.', by: 'submitter', satisfied },
      message: satisfied
        ? 'The submitter confirms that a comment policy and community guidelines for the account are prepared.'
        : `${given === false ? 'The submitter says the comment policy and community guidelines are not ready' : 'The submitter has not confirmed that a comment policy and community guidelines are prepared'}. ` +
          'Prepare them before the account opens (which comments are removed, when a user is blocked, who moderates and how fast), then confirm (attestations.commentPolicy: true).',
      ...(satisfied
        ? {}
        : { suggestion: '"attestations": { "commentPolicy": true }, once the comment policy and community guidelines are written.' }),
      source: cite(preset, SOURCES.commentPolicy),
    },
  ];
};

const NON_DISCRIMINATION_SENTENCE =
  'Requests to join are accepted regardless of profession, nationality, culture, age, generation, gender or individual preferences.';

// A-GROUP-PRIVACY (block; under the group rules, or when a group is given): public or private; a private group
// states its join-moderation policy, with no discrimination on profession, nationality, culture, age, generation,
// gender or individual preferences. ALUMNI.
const checkGroupPrivacy: Check = ({ submission, preset, groupRules }) => {
  const { group } = submission;
  if (!groupRules && group === undefined) return [];
  if (group === undefined) {
    return [
      {
        rule: 'A-GROUP-PRIVACY',
        severity: 'block',
        where: 'group',
        message:
          'The request does not say whether the group is public (any registered user may join, without moderation) or private (the group managers moderate requests to join). ' +
          'Give group.visibility, and for a private group its join policy.',
        suggestion: `"group": { "visibility": "private", "joinPolicy": "The group managers check that the person is a registered alumnus. ${NON_DISCRIMINATION_SENTENCE}" }`,
        source: cite(preset, SOURCES.groupVisibility),
      },
    ];
  }
  const findings: Finding[] = [];
  const policy = group.joinPolicy?.trim() ?? '';
  if (policy === '') {
    if (group.visibility === 'private') {
      findings.push({
        rule: 'A-GROUP-PRIVACY',
        severity: 'block',
        where: 'group.joinPolicy',
        message:
          'The group is private, so its managers moderate requests to join, but no join policy is given. Say how requests are decided, ' +
          'and that no request is refused on the grounds of profession, nationality, culture, age, generation, gender or individual preferences.',
        suggestion: NON_DISCRIMINATION_SENTENCE,
        source: cite(preset, SOURCES.joinModeration),
      });
    }
    return findings;
  }
  if (!statesNonDiscrimination(policy)) {
    findings.push({
      rule: 'A-GROUP-PRIVACY',
      severity: 'block',
      where: 'group.joinPolicy',
      message:
        `The join policy, ${quote(policy)}, does not say that requests are never refused on the grounds of profession, nationality, culture, age, ` +
        'generation, gender or individual preferences. Add that statement.',
      suggestion: NON_DISCRIMINATION_SENTENCE,
      source: cite(preset, SOURCES.nonDiscrimination),
    });
  }
  for (const r of restrictions(policy)) {
    findings.push({
      rule: 'A-GROUP-PRIVACY',
      severity: 'block',
      where: 'group.joinPolicy',
      message:
        `The join policy restricts membership by ${list(r.grounds)}: ${quote(r.sentence)}. No request to join may be refused on the grounds of ` +
        'profession, nationality, culture, age, generation, gender or individual preferences; remove the restriction.',
      suggestion: NON_DISCRIMINATION_SENTENCE,
      source: cite(preset, SOURCES.nonDiscrimination),
    });
  }
  return findings;
};

const CHECKS: Readonly<Record<AccountOpeningRule, Check>> = {
  'A-UNIT': checkUnit,
  'A-QUESTIONNAIRE': checkQuestionnaire,
  'A-ADMINS': checkAdmins,
  'A-SMM-ADMIN': checkSmmAdmin,
  'A-END-OF-LIFE': checkEndOfLife,
  'A-CADENCE': checkCadence,
  'A-EXISTING': checkExisting,
  'A-CAPACITY': checkCapacity,
  'A-COMMENT-POLICY': checkCommentPolicy,
  'A-GROUP-PRIVACY': checkGroupPrivacy,
};

/**
 * Runs every check of GOVERNANCE.md §6 on an account-opening request, in the order of its table. `registry` is the
 * accounts as they stand (A-EXISTING); the preset gives the thresholds (minAdmins, maxAdmins, minPostsPerWeek), whether
 * the alumni group rules apply, and which policies to cite (the caller loads the one the directory names). The module
 * imports the preset's type only, so that what only needs ids or the questions does not bundle the preset files.
 */
export function checkAccountOpening(
  submission: AccountOpeningSubmission,
  directory: Directory,
  registry: readonly RegistryAccount[],
  preset: Preset,
  budget: CheckBudget = DEFAULT_CHECK_BUDGET,
): Finding[] {
  const ctx: CheckContext = { submission, directory, registry, preset, groupRules: preset.accountOpening.groupRules };
  return runWithinBudget(ACCOUNT_OPENING_RULES, (rule) => CHECKS[rule](ctx), budget);
}
