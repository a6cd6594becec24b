import type { Severity, StageName } from '../model.js';

// The rule catalogue: every rule of GOVERNANCE.md — §5 checks on a brand post (P-), §6 checks on an account-opening
// request (A-), §7 the account lifecycle (L-) — once, in the order of its tables. Each says what it checks, the
// policy text it comes from (the evidence pack prints both beside each finding), the severity GOVERNANCE.md gives it,
// and, for the §5 rules an institution's preset configures (presets.ts, GOVERNANCE.md §8), the severities a preset may
// give it and the approver stage it asks for. Findings carry the id, typed by this catalogue (Finding.rule: RuleId).
//
// The code of a rule is found by its id: checks/brand-post/ for P-, account-opening/ for A-. P-LANGUAGE and the
// L- rules are not checked yet: no preset configures them and no finding carries them.

/** A rule's severity in a preset; `off` turns the check off. */
export type SeverityLevel = Severity | 'off';

/** Strictest first, as "default" takes them (GOVERNANCE.md §8: "the union, strictest severity"). */
export const SEVERITY_RANK: Readonly<Record<SeverityLevel, number>> = { block: 5, attest: 4, route: 3, warn: 2, info: 1, off: 0 };

export interface Rule {
  /** The section of GOVERNANCE.md whose table has the rule. */
  readonly section: '§5' | '§6' | '§7';
  /** What the rule checks, as an auditor reads it. */
  readonly what: string;
  /** The policy text the rule comes from. */
  readonly source: string;
  /** The severity GOVERNANCE.md gives the rule (§5, §6); a preset may set another of `allowed` (§8). */
  readonly severity?: Severity;
  /**
   * The severities a preset may give a §5 rule: a rule keeps its kind — an `attest` rule may be softened to a warning
   * but never becomes a route; a `route` rule needs a stage to route to. Every §5 rule with these is checked.
   */
  readonly allowed?: readonly SeverityLevel[];
  /** The stage a route rule adds, and the stage whose approvers make an approver statement. */
  readonly stage?: Extract<StageName, 'comms' | 'ethics'>;
}

export const RULES = {
  // ——— §5 Checks on a brand post ———
  'P-ACCOUNT': {
    section: '§5',
    severity: 'block',
    allowed: ['block'],
    what: 'the target must be a registered, active institutional account and the submitter one of its posters',
    source: 'CERN §2 "Authorised institutional presences are limited to …"; LEIDEN brand accounts',
  },
  'P-CONFIDENTIAL': {
    section: '§5',
    severity: 'block',
    allowed: ['block', 'warn'],
    what: 'confidentiality markers, or media declared as internal documents, contracts, budgets, access cards',
    source:
      'CERN §1 "don\'t post a picture of your CERN access card or of internal documents such as contracts or project budgets"; EC §2b; LEIDEN "Respect confidentiality"',
  },
  'P-EMBARGO': {
    section: '§5',
    severity: 'block',
    allowed: ['block', 'warn'],
    what: 'a declared embargo / release date later than the publish time',
    source: 'EC §2b "at least before a certain \'release date\'"',
  },
  'P-OFFENSIVE': {
    section: '§5',
    severity: 'block',
    allowed: ['block', 'warn'],
    what: 'insults, obscenities, discriminatory or racist language',
    source:
      'LEIDEN "Respect your public/large audience"; EC §2a "never use offensive language"; CERN "Avoid posting or encouraging offensive comments"',
  },
  'P-LOGO': {
    section: '§5',
    severity: 'block',
    allowed: ['block', 'warn', 'off'],
    what: "the institution's logo in media for an account that is not a registered brand account",
    source: 'CERN §1/§2 logo "legally protected"; LEIDEN "Logo"',
  },
  'P-ALT-TEXT': {
    section: '§5',
    severity: 'block',
    allowed: ['block', 'warn', 'info', 'off'],
    what: 'an image without alternative text, a video without captions',
    source: 'CERN accessibility: "closed captions on videos, alternative text on pictures"',
  },
  'P-PLATFORM-LIMIT': {
    section: '§5',
    severity: 'block',
    allowed: ['block'],
    what: 'text longer than the target platform allows',
    source: 'platform rules (users expect it)',
  },
  'P-PEOPLE-CONSENT': {
    section: '§5',
    severity: 'attest',
    allowed: ['attest', 'warn', 'off'],
    what: 'media showing people: consent obtained',
    source: 'CALTECH "Obtain permission before posting a photo of someone"; EC §4b; LEIDEN "Respect privacy"',
  },
  'P-MEDIA-RIGHTS': {
    section: '§5',
    severity: 'attest',
    allowed: ['attest', 'warn', 'off'],
    what: 'each media item: own / licensed for social media (with credit) / public domain; Creative Commons gets a warning',
    source:
      'CERN §1 "make sure you have the rights … give credit"; EC §4b "written permission specifically to use the content in social media"',
  },
  'P-AI-DISCLOSURE': {
    section: '§5',
    severity: 'attest',
    allowed: ['attest', 'warn', 'off'],
    what: 'whether generative AI was used, and if so that it is disclosed',
    source: 'CERN "be transparent about their usage"',
  },
  'P-PERSONAL-DATA': {
    section: '§5',
    severity: 'warn',
    allowed: ['block', 'warn', 'info', 'off'],
    what: 'e-mail addresses, phone numbers, dates of birth, ID numbers in the text',
    source: 'CERN §1 "don\'t post personal identifiable information"; LEIDEN "Don\'t circulate personal information"; EC §4a',
  },
  'P-POLITICAL': {
    section: '§5',
    severity: 'route',
    allowed: ['route', 'warn', 'off'],
    stage: 'comms',
    what: 'political positions, endorsing candidates, causes',
    source:
      'CERN "does not take political positions"; CALTECH "may not be used to endorse any opinion, product, private business, cause, or political candidate"',
  },
  'P-ENDORSEMENT': {
    section: '§5',
    severity: 'attest',
    allowed: ['attest', 'warn', 'info', 'off'],
    stage: 'comms',
    what: 'mentions of or links to third-party accounts, products, services: "reputational check done"',
    source: 'CERN "Before posting, you must run a reputational check"',
  },
  'P-SENSITIVE-MATTER': {
    section: '§5',
    severity: 'route',
    allowed: ['route', 'warn', 'off'],
    stage: 'ethics',
    what: 'content about investigations or calls for tender',
    source: 'EC §2c "especially if related to investigations or calls for tender"',
  },
  'P-SOURCE': {
    section: '§5',
    severity: 'warn',
    allowed: ['warn', 'info', 'off'],
    what: 'factual or news content without a link to its original source',
    source: 'CERN "link to its source"; LEIDEN "Cite your sources"; CALTECH "If you can\'t validate it, don\'t post it"',
  },
  'P-HASHTAG-CASE': {
    section: '§5',
    severity: 'warn',
    allowed: ['warn', 'info', 'off'],
    what: 'multi-word hashtags not in CamelCase',
    source: 'CERN "first letter uppercase on every word of a hashtag"',
  },
  'P-INCLUSIVE': {
    section: '§5',
    severity: 'warn',
    allowed: ['warn', 'info', 'off'],
    what: 'gendered terms where neutral ones exist',
    source: 'CERN "using gender-neutral language"',
  },
  'P-JARGON': {
    section: '§5',
    severity: 'info',
    allowed: ['warn', 'info', 'off'],
    what: 'hard-to-read text for a wide audience (readability score)',
    source: 'CERN "Try to avoid scientific jargon when addressing a wide audience"',
  },
  'P-CORRECTION': {
    section: '§5',
    severity: 'info',
    allowed: ['warn', 'info', 'off'],
    what: 'a correction should reference the post it corrects',
    source: 'EC §4d "post a new tweet stating it is a correction"',
  },
  'P-LANGUAGE': {
    section: '§5',
    severity: 'info',
    what: 'a text in a language the checks do not cover is said, never skipped silently; a language the preset requires is present as a translation (block when a preset requires the language)',
    source:
      'CERN "Use clear, accessible, and appropriate language to address your target audience"; practice of bilingual public bodies (Welsh Government: "available in English and Welsh at the same time")',
  },
  // ——— §6 Checks on an account-opening request ———
  'A-UNIT': {
    section: '§6',
    severity: 'block',
    what: 'the requesting unit is listed in the directory',
    source: 'CERN §2/§3 "listed in the CERN Directory"',
  },
  'A-QUESTIONNAIRE': { section: '§6', severity: 'block', what: 'all twelve questions answered', source: 'CERN §3' },
  'A-ADMINS': {
    section: '§6',
    severity: 'block',
    what: 'at least two named employee administrators with institutional e-mail addresses; alumni groups two or three managers',
    source:
      'CALTECH "at least two Caltech employees have up-to-date access credentials"; ALUMNI "at least two and up to three group managers"',
  },
  'A-SMM-ADMIN': {
    section: '§6',
    severity: 'attest',
    what: 'the social-media manager will receive admin rights, and where the access details are kept is recorded',
    source: 'CERN §2 "give admin rights to the CERN Social Media Manager and add your access details to our database"',
  },
  'A-END-OF-LIFE': { section: '§6', severity: 'block', what: 'what happens to the account when the project ends', source: 'CERN §3' },
  'A-CADENCE': {
    section: '§6',
    severity: 'warn',
    what: 'planned posting frequency below once a week',
    source: 'CERN §2 "To keep an account alive, you need to post at least once a week"',
  },
  'A-EXISTING': {
    section: '§6',
    severity: 'warn',
    what: 'an active account of the same unit on the same platform exists',
    source: 'CERN §3 "Is there an existing channel to which you could contribute?"',
  },
  'A-CAPACITY': {
    section: '§6',
    severity: 'warn',
    what: 'no people allocated to run the account',
    source: 'LEIDEN "sufficient manpower"; CERN §3',
  },
  'A-COMMENT-POLICY': {
    section: '§6',
    severity: 'attest',
    what: 'comment policy and community guidelines prepared',
    source: 'CALTECH "Prepare your comment policy and community guidelines before you need them"',
  },
  'A-GROUP-PRIVACY': {
    section: '§6',
    severity: 'block',
    what: 'public or private; a private group states its join-moderation policy, with no discrimination',
    source: 'ALUMNI',
  },
  // ——— §7 Account lifecycle ———
  'L-RETIRE': {
    section: '§7',
    what: 'fewer than one post a week and follower growth below 1.5 % for over six months → a retirement review',
    source: 'CERN §4',
  },
  'L-GROUP-INACTIVE': {
    section: '§7',
    what: 'an alumni group inactive for over a year → deactivation review with its managers',
    source: 'ALUMNI',
  },
  'L-ADMINS': {
    section: '§7',
    what: 'an admin who leaves the directory drops the account below two admins → owners and comms alerted',
    source: 'CALTECH',
  },
  'L-CREDENTIALS': {
    section: '§7',
    what: 'reminder to rotate credentials on a configured period',
    source: 'LEIDEN "change your password regularly"; EC §4c',
  },
  'L-METRICS': {
    section: '§7',
    what: 'account metrics recorded: impressions, engagements, engagement rate, views, mentions, followers',
    source: 'CERN "Evaluate"; CALTECH "Be data-driven"',
  },
  'L-REATTEST': {
    section: '§7',
    what: "on the preset's period, the admins confirm the admin list, where the credentials are kept, and that the account is still needed; no answer escalates to the unit head",
    source:
      'supports CALTECH (≥ 2 employees with credentials) and L-CREDENTIALS; the practice of institutions that keep their inventories alive (each semester or year)',
  },
} as const satisfies Readonly<Record<string, Rule>>;

/** A rule id of GOVERNANCE.md; a finding's `rule`. A misspelt id does not compile. */
export type RuleId = keyof typeof RULES;

/** The §5 rules a preset configures (each has `allowed`): the brand-post checks, in the order of §5's table. */
export type BrandPostRule = {
  readonly [K in RuleId]: (typeof RULES)[K] extends { readonly allowed: readonly SeverityLevel[] } ? K : never;
}[RuleId];

/** The §6 rules: the account-opening checks. */
export type AccountOpeningRule = { readonly [K in RuleId]: (typeof RULES)[K]['section'] extends '§6' ? K : never }[RuleId];

/** Whether a string (an audit event's rule, say) is a rule id. */
export function isRuleId(id: string): id is RuleId {
  return Object.hasOwn(RULES, id);
}

function isBrandPostRule(id: RuleId): id is BrandPostRule {
  return 'allowed' in RULES[id];
}

function isAccountOpeningRule(id: RuleId): id is AccountOpeningRule {
  return RULES[id].section === '§6';
}

/** Every rule id, in the order of GOVERNANCE.md. */
export const RULE_IDS: readonly RuleId[] = Object.keys(RULES).filter(isRuleId);

/** The rules of GOVERNANCE.md §5 that are checked, in the order of its table (and of the findings). */
export const BRAND_POST_RULES: readonly BrandPostRule[] = RULE_IDS.filter(isBrandPostRule);

/** The rules of GOVERNANCE.md §6, in the order of its table (and of the findings). */
export const ACCOUNT_OPENING_RULES: readonly AccountOpeningRule[] = RULE_IDS.filter(isAccountOpeningRule);

/** A rule's entry, when `id` is a rule id (an audit event's rule is a plain string). */
export function ruleOf(id: string): Rule | undefined {
  return isRuleId(id) ? RULES[id] : undefined;
}
