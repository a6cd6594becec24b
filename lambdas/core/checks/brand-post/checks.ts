import { DEFAULT_CHECK_BUDGET, runWithinBudget, type CheckBudget } from '../check-budget.js';
import { findDate, findTime, momentOf, nearestYear } from '../../render/dates.js';
import type { Account, Directory } from '../../request/directory.js';
import { hashtagIssues } from '../text/hashtags.js';
import {
  CLAIM_CUES,
  CONFIDENTIAL_PICTURES,
  CONFIDENTIALITY_MARKERS,
  CONTEST_CONTEXT,
  CORRECTED_POST_REFERENCE,
  CORRECTION_OPENING,
  CREDENTIALS,
  EMBARGO_NOTES,
  GENDERED_TERMS,
  POLITICAL_CUES,
  SENSITIVE_CUES,
  SOURCE_REFERENCE,
  findCues,
  globalOf,
  type Match,
} from '../text/lexicon.js';
import type { Attestation, BrandPostSubmission, Finding, MediaDeclaration, MediaItem, Platform, Severity, TextSpan } from '../../model.js';
import { findOffensive } from '../text/offensive.js';
import { compilePattern, escapePattern } from '../text/patterns.js';
import { findPersonalData, withoutLinks } from '../text/personal-data.js';
import { PLATFORM_NAMES } from '../../rules/platforms.js';
import { BRAND_POST_RULES, loadPreset, type BrandPostRule, type Preset, type SeverityLevel } from '../../rules/presets.js';
import { extractLinks } from '../publication.js';
import { readability, wordCount } from '../text/readability.js';

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

/** Maximum text length per post, in characters, as each platform enforces it. */
export const PLATFORM_TEXT_LIMITS: Readonly<Record<Platform, number>> = {
  x: 280,
  bluesky: 300,
  mastodon: 500,
  threads: 500,
  linkedin: 3000,
  facebook: 63206,
  instagram: 2200,
  youtube: 5000,
  tiktok: 2200,
};


/** X shortens every link to a t.co address and counts it as this many characters. */
const X_LINK_LENGTH = 23;

/** Media declared as one of these must never be posted (P-CONFIDENTIAL). */
export const CONFIDENTIAL_DECLARATIONS: ReadonlySet<MediaDeclaration> = new Set(['internal-document', 'contract', 'budget', 'access-card', 'credentials']);

const DECLARATION_NAMES: Readonly<Record<MediaDeclaration, string>> = {
  photo: 'a photo',
  illustration: 'an illustration',
  chart: 'a chart',
  poster: 'a poster',
  screenshot: 'a screenshot',
  logo: 'a logo',
  'internal-document': 'an internal document',
  contract: 'a contract',
  budget: 'a budget',
  'access-card': 'an access card',
  credentials: 'a password or other credentials',
};

/** Every value of MediaItem.declaredAs (the record above names each once), for the webhook schema and mail intake. */
export const MEDIA_DECLARATIONS = Object.keys(DECLARATION_NAMES) as readonly MediaDeclaration[];

/**
 * Sites an institution links to when it shares its own videos, papers, code, events and press coverage; a link to
 * them is not an endorsement needing a reputational check (P-ENDORSEMENT). Presets add their own and verified sites.
 */
export const SHARED_CONTENT_DOMAINS: readonly string[] = [
  // platforms where the institution's own content lives
  'youtube.com', 'youtu.be', 'vimeo.com', 'x.com', 'twitter.com', 'linkedin.com', 'instagram.com', 'facebook.com', 'threads.net',
  'bsky.app', 'tiktok.com', 'flickr.com', 'github.com', 'gitlab.com', 'zenodo.org',
  // event and meeting tools
  'eventbrite.com', 'zoom.us', 'teams.microsoft.com', 'indico.org', 'forms.office.com', 'forms.gle',
  // scholarly publishing
  'doi.org', 'arxiv.org', 'nature.com', 'science.org', 'sciencedirect.com', 'springer.com', 'wiley.com', 'iop.org', 'aps.org', 'cell.com',
  'thelancet.com', 'nejm.org', 'pnas.org', 'bmj.com', 'frontiersin.org', 'mdpi.com', 'plos.org', 'biorxiv.org', 'medrxiv.org',
  'researchgate.net', 'acs.org', 'oup.com', 'cambridge.org', 'tandfonline.com', 'sagepub.com', 'elifesciences.org',
  // press
  'bbc.com', 'bbc.co.uk', 'theguardian.com', 'nytimes.com', 'reuters.com', 'apnews.com', 'washingtonpost.com', 'economist.com', 'ft.com',
  'bloomberg.com', 'cnn.com', 'npr.org', 'latimes.com', 'newscientist.com', 'scientificamerican.com', 'physicsworld.com',
  'quantamagazine.org', 'phys.org', 'space.com', 'wired.com', 'theconversation.com', 'sciencenews.org', 'euronews.com', 'politico.eu',
  'lemonde.fr', 'swissinfo.ch', 'nos.nl', 'nrc.nl', 'spiegel.de', 'elpais.com', 'symmetrymagazine.org', 'cerncourier.com',
];

/** Top-level (and second-level) domains of commercial sites. A country domain alone says nothing, so is not flagged. */
const COMMERCIAL_SUFFIX =
  /\.(?:com|net|biz|io|co|shop|store|ai|app|xyz|online|site|tech|company|business|inc|ltd|llc|(?:co|com)\.[a-z]{2})$/u;

interface CheckContext {
  readonly submission: BrandPostSubmission;
  readonly directory: Directory;
  readonly preset: Preset;
  readonly account: Account | undefined;
  /** The text with every link blanked out (offsets kept): a URL's path is never read as prose. */
  readonly prose: string;
  readonly links: readonly string[];
  readonly publishAt: Date | undefined;
}

type Check = (ctx: CheckContext, level: Exclude<SeverityLevel, 'off'>) => Finding[];

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

// ——— helpers ———

function handleOf(account: Account): string {
  return account.handle.startsWith('@') ? account.handle : `@${account.handle}`;
}

function describeAccount(account: Account): string {
  return `${handleOf(account)} on ${PLATFORM_NAMES[account.platform]}`;
}

function characters(n: number): string {
  return `${n} character${n === 1 ? '' : 's'}`;
}

function mediaLabel(item: MediaItem, i: number): string {
  return `${item.type === 'image' ? 'Image' : 'Video'} ${i + 1} (${item.url})`;
}

function quote(text: string): string {
  const flat = text.replace(/\s+/gu, ' ').trim();
  return `"${[...flat].length > 60 ? `${[...flat].slice(0, 59).join('')}…` : flat}"`;
}

function spanOf(ctx: CheckContext, match: Pick<Match, 'start' | 'end'>): TextSpan {
  return { start: match.start, end: match.end, text: ctx.submission.text.slice(match.start, match.end) };
}

/** The fields that point a finding at the text. */
function atText(ctx: CheckContext, match: Pick<Match, 'start' | 'end'>): Pick<Finding, 'span' | 'where'> {
  const span = spanOf(ctx, match);
  return { span, where: quote(span.text) };
}

function atMedia(i: number): Pick<Finding, 'media' | 'where'> {
  return { media: i, where: `media[${i}]` };
}

/** Lower than or equal to `cap`: a sub-case of a rule that is milder than the rule (Creative Commons under P-MEDIA-RIGHTS). */
function atMost(level: Severity, cap: Severity): Severity {
  const rank: Record<Severity, number> = { block: 5, attest: 4, route: 3, warn: 2, info: 1 };
  return rank[level] <= rank[cap] ? level : cap;
}

/** A submitter's statement under an attest rule: missing blocks, made is kept; under a softer level, missing shows at it. */
function statementSeverity(level: Exclude<SeverityLevel, 'off'>, satisfied: boolean): Severity | undefined {
  if (level === 'attest') return satisfied ? 'attest' : 'block';
  return satisfied ? undefined : level;
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}

function matchCase(replacement: string, original: string): string {
  return /^\p{Lu}/u.test(original) ? replacement.charAt(0).toUpperCase() + replacement.slice(1) : replacement;
}

function formatMoment(ms: number): string {
  return new Date(ms).toISOString().replace(/:00\.000Z$/u, 'Z');
}

// ——— P-ACCOUNT (block) ———
// "the target must be a registered, active institutional account and the submitter one of its posters".
// CERN §2: "Authorised institutional ('corporate') social media presences are limited to sectors, departments,
// units, experiments, and projects listed in the CERN Directory that have the express permission of the CERN
// Education, Communications and Outreach group to represent CERN."; LEIDEN brand accounts.
const checkAccount: Check = (ctx, level) => {
  const { submission, directory, account } = ctx;
  const findings: Finding[] = [];
  const block = (message: string): void => {
    findings.push({ rule: 'P-ACCOUNT', severity: level, message });
  };

  if (account === undefined) {
    block(
      `The account "${submission.account}" is not a registered institutional account. ` +
        'Choose one of the accounts registered in the directory, or ask for the account to be opened first (an account-opening request).',
    );
  } else if (account.status !== 'active') {
    block(
      `The account ${describeAccount(account)} is ${account.status}; posts can only go to active institutional accounts. ` +
        'Choose an active account, or ask the communications team whether this one can be reactivated.',
    );
  }

  const person = directory.personByEmail(submission.submitter);
  if (person === undefined) {
    block(
      `The submitter ${submission.submitter} is not in the staff directory, so cannot post to institutional accounts. ` +
        'Submit from the e-mail address the directory lists for you, or ask the communications team to add you.',
    );
  } else if (account !== undefined && !account.posters.includes(person.id)) {
    block(
      `${person.name} (${person.email}) is not a poster of ${describeAccount(account)}. ` +
        'Ask one of the account admins or the communications team to add you as a poster, or ask a poster of the account to submit the post.',
    );
  }
  return findings;
};

// ——— P-CONFIDENTIAL (block) ———
// Confidentiality markers, credentials, and media declared (or described) as internal documents, contracts,
// budgets or access cards. CERN §1: "don't post a picture of your CERN access card or of internal documents such as
// contracts or project budgets"; EC §2b "Internal documents … can never be shared or referred to on social media";
// EC §4c's sample picture "PC password 12345"; LEIDEN "Respect confidentiality".
const checkConfidential: Check = (ctx, level) => {
  const findings: Finding[] = [];
  for (const m of findCues(ctx.prose, [...CONFIDENTIALITY_MARKERS, ...CREDENTIALS])) {
    const credential = CREDENTIALS.some((c) => c.label === m.label);
    findings.push({
      rule: 'P-CONFIDENTIAL',
      severity: level,
      ...atText(ctx, m),
      message: credential
        ? `The text contains ${m.label} (${quote(m.text)}). Never post a password or access code, not even an old one: remove it, and change the password.`
        : `The text contains ${m.label} (${quote(m.text)}). Confidential or internal information may not be posted: remove it, or ask the communications team to confirm the information is public and drop the marking.`,
    });
  }
  ctx.submission.media.forEach((item, i) => {
    if (item.declaredAs !== undefined && CONFIDENTIAL_DECLARATIONS.has(item.declaredAs)) {
      findings.push({
        rule: 'P-CONFIDENTIAL',
        severity: level,
        ...atMedia(i),
        message: `${mediaLabel(item, i)} is declared as ${DECLARATION_NAMES[item.declaredAs]}. Access cards, credentials and internal documents such as contracts or budgets may never be posted: remove it.`,
      });
      return;
    }
    const described = findCues(item.alt ?? '', [...CONFIDENTIALITY_MARKERS, ...CREDENTIALS, ...CONFIDENTIAL_PICTURES])[0];
    if (described !== undefined) {
      findings.push({
        rule: 'P-CONFIDENTIAL',
        severity: level,
        ...atMedia(i),
        message: `${mediaLabel(item, i)} is described as showing ${described.label} (${quote(described.text)}). Access cards, credentials and internal documents may never be posted: remove the item, or correct its description if it shows something else.`,
      });
    }
  });
  return findings;
};

// ——— P-EMBARGO (block) ———
// A declared embargo or release date later than the publish time, or any embargo note without a publish time.
// EC §2b: unauthorised disclosure "(at least before a certain 'release date') constitutes a leak".
// A date without a time is taken as 00:00 UTC that day; a time without a zone as UTC (the message says so).
const checkEmbargo: Check = (ctx, level) => {
  const note = findCues(ctx.prose, EMBARGO_NOTES)[0];
  if (note === undefined) return [];
  const base = { rule: 'P-EMBARGO', ...atText(ctx, note) };
  // The date belongs to the note: on its line or the next one, within a few words.
  const window = ctx.prose.slice(note.start, note.start + 160).split(/\n\s*\n/u)[0] ?? '';
  const date = findDate(window);
  if (date === undefined || date.start > note.text.length + 60) {
    return [
      {
        ...base,
        severity: level,
        message: `The text carries ${note.label} (${quote(note.text)}) without a date. If the embargo has lifted, remove the note; otherwise write the date and time it lifts (e.g. "3 December 2026, 10:00 CET") and schedule the post after it.`,
      },
    ];
  }
  if (date.ambiguous === true) {
    return [
      {
        ...base,
        severity: level,
        message: `The text carries ${note.label} with the date ${quote(date.text)}, which could be read as two different days. Write the month in words (e.g. "3 December 2026") so the publish time can be checked against it.`,
      },
    ];
  }
  const time = date.time ?? findTime(window.slice(Math.max(0, date.start - 30), date.end + 40));
  const year = date.year ?? (ctx.publishAt === undefined ? undefined : nearestYear(date.month, date.day, ctx.publishAt));
  const assumption =
    time === undefined ? ' (no time is given, so it counts from 00:00 UTC that day)' : time.offsetMinutes === undefined ? ' (no time zone is given, so it is read as UTC)' : '';
  if (year === undefined || ctx.publishAt === undefined) {
    return [
      {
        ...base,
        severity: level,
        message: `The text says it is under embargo until ${date.text.trim()}${assumption}, and the post has no publish time. Schedule it for after the embargo lifts, or remove the note if it has already lifted.`,
        ...(year !== undefined ? { suggestion: `publishAt: ${formatMoment(momentOf(date, year, time))} or later` } : {}),
      },
    ];
  }
  const lifts = momentOf(date, year, time);
  if (ctx.publishAt.getTime() < lifts) {
    return [
      {
        ...base,
        severity: level,
        message: `The text says it is under embargo until ${formatMoment(lifts)}${assumption}, but the post is scheduled for ${formatMoment(ctx.publishAt.getTime())}, before the embargo lifts. Schedule it at or after ${formatMoment(lifts)}.`,
        suggestion: `publishAt: ${formatMoment(lifts)} or later`,
      },
    ];
  }
  return [
    {
      ...base,
      severity: 'info',
      message: `The embargo note (${quote(note.text)}) lifts at ${formatMoment(lifts)}, before the publish time, so the post may go out; remove the note from the text first.`,
      suggestion: 'Remove the embargo note from the text.',
    },
  ];
};

// ——— P-OFFENSIVE (block) ———
// Insults, obscenities, slurs (library `obscenity`, adjusted in offensive.ts). LEIDEN "Do not use discriminatory or
// racist language, personal insults or obscenities"; EC §2a "never use offensive language"; CERN "Avoid posting or
// encouraging offensive comments".
const checkOffensive: Check = (ctx, level) => {
  const findings: Finding[] = findOffensive(ctx.prose).map((m) => ({
    rule: 'P-OFFENSIVE',
    severity: level,
    ...atText(ctx, m),
    message: `The text contains offensive language (${quote(m.text)}). Institutional posts may not use insults, obscenities or discriminatory language: rephrase it.`,
  }));
  ctx.submission.media.forEach((item, i) => {
    const m = findOffensive(item.alt ?? '')[0];
    if (m === undefined) return;
    findings.push({
      rule: 'P-OFFENSIVE',
      severity: level,
      ...atMedia(i),
      message: `The description of ${mediaLabel(item, i)} contains offensive language (${quote(m.text)}): rephrase it.`,
    });
  });
  return findings;
};

// ——— P-LOGO (block) ———
// The institution's logo in media for an account that is not a registered, active brand account. CERN §2 "The use
// of the CERN logo is legally protected. It is authorised for use only on approved institutional accounts";
// LEIDEN "Use only the Leiden University logo for brand accounts".
const checkLogo: Check = (ctx, level) => {
  const { account, directory, preset } = ctx;
  if (account !== undefined && account.status === 'active') return [];
  const names = [directory.institution, ...preset.names].map(escapePattern);
  const described = compilePattern('checks: the logo in a media description', `\\b(?:our|official|institutional|(?:${names.join('|')}))\\s+logo\\b`, 'iu');
  const target = account === undefined ? `"${ctx.submission.account}" is not a registered account` : `${describeAccount(account)} is ${account.status}`;
  const findings: Finding[] = [];
  ctx.submission.media.forEach((item, i) => {
    if (item.declaredAs !== 'logo' && !described.test(item.alt ?? '')) return;
    findings.push({
      rule: 'P-LOGO',
      severity: level,
      ...atMedia(i),
      message: `${mediaLabel(item, i)} shows the ${directory.institution} logo, and ${target}. The logo is legally protected and may only be used on registered, active institutional accounts: remove it, or post from such an account.`,
    });
  });
  return findings;
};

// ——— P-ALT-TEXT (block) ———
// "an image without alternative text, a video without captions". CERN accessibility: "Here are a few that we try
// to apply consistently: closed captions on videos, alternative text on pictures, …"
const checkAltText: Check = (ctx, level) => {
  const findings: Finding[] = [];
  ctx.submission.media.forEach((item, i) => {
    const label = mediaLabel(item, i);
    if (item.type === 'image' && (item.alt === undefined || item.alt.trim().length === 0)) {
      findings.push({
        rule: 'P-ALT-TEXT',
        severity: level,
        ...atMedia(i),
        message:
          `${label} has no alternative text. ` +
          'Add a short description of what the image shows, so that people using screen readers can follow the post.',
      });
    }
    if (item.type === 'video' && item.captions !== true) {
      findings.push({
        rule: 'P-ALT-TEXT',
        severity: level,
        ...atMedia(i),
        message:
          `${label} has no closed captions. ` +
          'Add captions (burned into the video or as a subtitle file) and mark the video as captioned.',
      });
    }
  });
  return findings;
};

/** The length a platform counts: Unicode code points; on X every link counts as 23 characters. */
function platformLength(text: string, platform: Platform): number {
  let length = [...text].length;
  if (platform === 'x') {
    for (const link of extractLinks(text)) length += X_LINK_LENGTH - [...link].length;
  }
  return length;
}

const SEPARATOR_LINE = /^[ \t]*---[ \t]*$/mu;
const NUMBERED_PART = /^\d+\s*\/\s*\d*(?:\s|$)/u;

/**
 * The parts of a thread: split on lines containing only `---`; otherwise on blank-line-separated
 * blocks that start with a part number ("1/", "2/5"), text before the first number being part 1
 * and unnumbered blocks belonging to the part above them. Empty parts are dropped.
 */
export function threadParts(text: string): string[] {
  let parts: string[];
  if (SEPARATOR_LINE.test(text)) {
    parts = text.split(/^[ \t]*---[ \t]*$/mu);
  } else {
    const blocks = text.split(/\n[ \t]*\n/u).map((b) => b.trim()).filter((b) => b.length > 0);
    const numbered = blocks.filter((b) => NUMBERED_PART.test(b)).length;
    if (numbered < 2) return [text.trim()].filter((p) => p.length > 0);
    parts = [];
    for (const block of blocks) {
      const last = parts.length - 1;
      if (NUMBERED_PART.test(block) || last < 0) parts.push(block);
      else parts[last] = `${parts[last] ?? ''}\n\n${block}`;
    }
  }
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

// ——— P-PLATFORM-LIMIT (block) ———
// "text longer than the target platform allows"; source: platform rules (users expect it). Skipped when the
// account is unknown: P-ACCOUNT already blocks the post.
const checkPlatformLimit: Check = (ctx, level) => {
  const { submission, account } = ctx;
  if (account === undefined) return [];
  const platform = account.platform;
  const limit = PLATFORM_TEXT_LIMITS[platform];
  const name = PLATFORM_NAMES[platform];
  const linkNote = platform === 'x' ? ` (X counts every link as ${X_LINK_LENGTH} characters)` : '';

  if (submission.format === 'thread') {
    const parts = threadParts(submission.text);
    if (parts.length > 1) {
      const findings: Finding[] = [];
      parts.forEach((part, i) => {
        const length = platformLength(part, platform);
        if (length <= limit) return;
        findings.push({
          rule: 'P-PLATFORM-LIMIT',
          severity: level,
          where: `part ${i + 1}`,
          message:
            `Part ${i + 1} of the thread is ${characters(length)}${linkNote}; ${name} allows ${limit} per post. ` +
            `Shorten this part by ${characters(length - limit)}, or split it into two parts with a line containing only ---.`,
        });
      });
      return findings;
    }
  }

  const length = platformLength(submission.text.trim(), platform);
  if (length <= limit) return [];
  const thread =
    submission.format === 'thread'
      ? 'or split the thread into parts separated by lines containing only ---'
      : 'or post it as a thread split into parts';
  return [
    {
      rule: 'P-PLATFORM-LIMIT',
      severity: level,
      message:
        `The text is ${characters(length)}${linkNote}; ${name} allows ${limit} per post. ` +
        `Shorten it by ${characters(length - limit)}, ${thread}.`,
    },
  ];
};

// ——— P-PEOPLE-CONSENT (attest, by the submitter) ———
// Media showing people: the submitter confirms the people agreed. CALTECH "Obtain permission before posting a photo
// of someone"; EC §4b "don't post a person's image without their consent"; LEIDEN "Respect privacy".
const checkPeopleConsent: Check = (ctx, level) => {
  const items = ctx.submission.media.flatMap((item, i) => (item.showsPeople === true ? [i] : []));
  const first = items[0];
  if (first === undefined) return [];
  const satisfied = ctx.submission.attestations.peopleConsent === true;
  const severity = statementSeverity(level, satisfied);
  if (severity === undefined) return [];
  const which = list(items.map((i) => `${ctx.submission.media[i]?.type === 'video' ? 'video' : 'image'} ${i + 1}`));
  const attestation: Attestation = {
    statement: `Everyone recognisable in ${which} has agreed to appear in this post.`,
    by: 'submitter',
    satisfied,
  };
  return [
    {
      rule: 'P-PEOPLE-CONSENT',
      severity,
      media: first,
      where: items.map((i) => `media[${i}]`).join(', '),
      attestation,
      message: satisfied
        ? `The submitter confirmed that the people shown in ${which} agreed to appear in this post.`
        : `${which.charAt(0).toUpperCase()}${which.slice(1)} ${items.length > 1 ? 'show' : 'shows'} people, and the submitter has not confirmed that they agreed to appear. ` +
          'Confirm their consent (the peopleConsent statement; by mail, a line "Consent: yes"), or remove the media.',
    },
  ];
};

// ——— P-MEDIA-RIGHTS (attest, by the submitter) ———
// Each media item: own, licensed for social media with a credit, or public domain; Creative Commons gets a warning.
// CERN §1 "make sure you have the rights to use any third-party material … and give credit where it is due"; EC §4b
// "written permission specifically to use the content in social media" and "widely used licences (for instance,
// Creative Commons) are often not compatible with most social media's terms of use".
const checkMediaRights: Check = (ctx, level) => {
  const findings: Finding[] = [];
  const stated: string[] = [];
  ctx.submission.media.forEach((item, i) => {
    const label = mediaLabel(item, i);
    const credit = item.credit?.trim();
    switch (item.rights) {
      case 'own':
        stated.push(`media[${i}] is the institution's own`);
        return;
      case 'public-domain':
        stated.push(`media[${i}] is in the public domain`);
        return;
      case 'licensed':
        if (credit !== undefined && credit.length > 0) {
          stated.push(`media[${i}] is licensed for social media, credited "${credit}"`);
          return;
        }
        break;
      case 'creative-commons':
        findings.push({
          rule: 'P-MEDIA-RIGHTS',
          severity: atMost(level, 'warn'),
          ...atMedia(i),
          attestation: { statement: `media[${i}] is under a Creative Commons licence.`, by: 'submitter', satisfied: true },
          message:
            `${label} is under a Creative Commons licence, which is often not compatible with social platforms' terms of use. ` +
            `Check that its licence allows this use${credit === undefined || credit.length === 0 ? ', and credit its author as the licence requires' : ` (credit: "${credit}")`}, or ask the copyright holder for written permission.`,
        });
        return;
      default:
        break;
    }
    const severity = statementSeverity(level, false);
    if (severity === undefined) return;
    const licensedWithoutCredit = item.rights === 'licensed';
    findings.push({
      rule: 'P-MEDIA-RIGHTS',
      severity,
      ...atMedia(i),
      attestation: { statement: `The institution may use media[${i}] on social media, with credit where it is due.`, by: 'submitter', satisfied: false },
      message: licensedWithoutCredit
        ? `${label} is licensed but has no credit. Add the credit line the licence requires (e.g. "Photo: J. Smith/ESO").`
        : `The rights to ${label} are ${item.rights === 'unknown' ? 'unknown' : 'not stated'}. Say whether it is the institution's own, licensed for social media (with its credit) or in the public domain; if nobody knows, do not use it.`,
    });
  });
  if (stated.length > 0 && level === 'attest') {
    findings.unshift({
      rule: 'P-MEDIA-RIGHTS',
      severity: 'attest',
      attestation: { statement: `The submitter states the rights: ${list(stated)}.`, by: 'submitter', satisfied: true },
      message: `The submitter states the rights to the media: ${list(stated)}.`,
    });
  }
  return findings;
};

// ——— P-AI-DISCLOSURE (attest, by the submitter) ———
// Whether generative AI was used, and if so that the post discloses it. CERN "be transparent about their usage".
// The statement is demanded when AI was used; a submission that does not say is shown for information.
const checkAiDisclosure: Check = (ctx, level) => {
  const { aiUsed, aiDisclosed } = ctx.submission.attestations;
  if (aiUsed === undefined) {
    return [
      {
        rule: 'P-AI-DISCLOSURE',
        severity: 'info',
        attestation: { statement: 'Whether generative AI was used for this post.', by: 'submitter', satisfied: false },
        message: 'The submitter did not say whether generative AI was used for the text or the media. If it was, the post must say so.',
      },
    ];
  }
  if (aiUsed === false) {
    return level === 'attest'
      ? [
          {
            rule: 'P-AI-DISCLOSURE',
            severity: 'attest',
            attestation: { statement: 'No generative AI was used for this post.', by: 'submitter', satisfied: true },
            message: 'The submitter states that no generative AI was used for this post.',
          },
        ]
      : [];
  }
  const satisfied = aiDisclosed === true;
  const severity = statementSeverity(level, satisfied);
  if (severity === undefined) return [];
  return [
    {
      rule: 'P-AI-DISCLOSURE',
      severity,
      attestation: { statement: 'Generative AI was used for this post, and the post says so.', by: 'submitter', satisfied },
      message: satisfied
        ? 'The submitter states that generative AI was used and that the post discloses it.'
        : 'Generative AI was used for this post, but the submitter has not confirmed that the post says so. Add a disclosure to the post (e.g. "Illustration generated with AI") and confirm it (the aiDisclosed statement; by mail, a line "AI disclosed: yes").',
      ...(satisfied ? {} : { suggestion: 'Add "Made with the help of generative AI" (or what the AI made) to the post.' }),
    },
  ];
};

// ——— P-PERSONAL-DATA (warn) ———
// E-mail addresses, phone numbers, dates of birth, identity numbers (personal-data.ts). CERN §1 "don't post
// personal identifiable information"; LEIDEN "Don't circulate personal information"; EC §4a.
const checkPersonalData: Check = (ctx, level) => {
  const referenceYear = ctx.publishAt?.getUTCFullYear();
  const advice: Record<string, string> = {
    email: 'Remove it, or use a functional address (press@, info@) instead of a person\'s.',
    phone: 'Remove it, or give the switchboard or a functional number instead, with the person\'s permission.',
    'date-of-birth': 'Remove it: a date of birth is key personal data.',
    'id-number': 'Remove it: identity and account numbers must never be posted.',
  };
  const options = referenceYear === undefined ? {} : { referenceYear };
  const findings: Finding[] = findPersonalData(ctx.submission.text, options).map((m) => ({
    rule: 'P-PERSONAL-DATA',
    severity: level,
    ...atText(ctx, m),
    message: `The text contains ${m.label} (${quote(m.text)}). ${advice[m.kind] ?? ''}`.trim(),
  }));
  ctx.submission.media.forEach((item, i) => {
    const m = findPersonalData(item.alt ?? '', options)[0];
    if (m === undefined) return;
    findings.push({
      rule: 'P-PERSONAL-DATA',
      severity: level,
      ...atMedia(i),
      message: `The description of ${mediaLabel(item, i)} contains ${m.label} (${quote(m.text)}); if the image shows it, crop or blur it. ${advice[m.kind] ?? ''}`.trim(),
    });
  });
  return findings;
};

// ——— P-POLITICAL (route → comms must clear it explicitly) ———
// CERN "does not take political positions"; CALTECH "may not be used to endorse any opinion, product, private
// business, cause, or political candidate"; ALUMNI "They do not provide a political platform".
const checkPolitical: Check = (ctx, level) => {
  const text = ctx.prose;
  const cues = findCues(text, POLITICAL_CUES).filter((m) => {
    if (!m.label.startsWith('a call to vote')) return true;
    // Voting for a photo or an award is not politics: look at the sentence around the cue.
    const before = text.lastIndexOf('.', m.start);
    const after = text.indexOf('.', m.end);
    return !CONTEST_CONTEXT.test(text.slice(before + 1, after === -1 ? undefined : after));
  });
  const first = cues[0];
  if (first === undefined) return [];
  const what = list([...new Set(cues.map((c) => c.label))]);
  const institution = ctx.directory.institution;
  if (level === 'route') {
    return [
      {
        rule: 'P-POLITICAL',
        severity: 'route',
        stage: 'comms',
        ...atText(ctx, first),
        attestation: { statement: 'The communications team cleared the political content of this post.', by: 'comms', satisfied: false },
        message: `The post may take a political position: ${what} (${quote(first.text)}). ${institution}'s accounts do not take political positions or endorse candidates or causes; the communications approver must clear this explicitly.`,
      },
    ];
  }
  return [
    {
      rule: 'P-POLITICAL',
      severity: level,
      ...atText(ctx, first),
      message: `The post may take a political position: ${what} (${quote(first.text)}). Every post is read as a statement of ${institution}; approvers should check it takes no political position.`,
    },
  ];
};

interface ThirdParty {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

function normalisedHandle(handle: string): string {
  return handle.trim().replace(/^@/u, '').toLowerCase();
}

function onDomain(host: string, domains: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/^www\./u, '');
  return domains.some((d) => {
    const domain = d.toLowerCase().replace(/^www\./u, '');
    return h === domain || h.endsWith(`.${domain}`);
  });
}

const MENTION = /(?<![\w@./])@([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)(?:@((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}))?/gu;

/** Mentions of accounts and links to commercial sites that are neither the institution's nor trusted. */
function thirdParties(ctx: CheckContext): ThirdParty[] {
  const own = [ctx.directory.domain, ...ctx.preset.trusted.domains];
  const trustedDomains = [...own, ...SHARED_CONTENT_DOMAINS];
  const registered = new Set([...ctx.directory.accounts.map((a) => normalisedHandle(a.handle)), ...ctx.preset.trusted.handles.map(normalisedHandle)]);
  const parties: ThirdParty[] = [];
  for (const m of ctx.prose.matchAll(MENTION)) {
    const handle = normalisedHandle(m[0]);
    const server = m[2];
    // A handle that is a domain (Bluesky) or lives on a server (Mastodon) of the institution is the institution's.
    const domain = server ?? (handle.includes('.') ? handle : undefined);
    if (registered.has(handle) || (domain !== undefined && onDomain(domain, own))) continue;
    parties.push({ name: m[0], start: m.index, end: m.index + m[0].length });
  }
  const text = ctx.submission.text;
  let from = 0;
  for (const link of ctx.links) {
    const at = text.indexOf(link, from);
    from = at === -1 ? from : at + link.length;
    let host: string;
    try {
      host = new URL(link.startsWith('www.') ? `https://${link}` : link).hostname;
    } catch {
      continue;
    }
    if (onDomain(host, trustedDomains) || !COMMERCIAL_SUFFIX.test(host.toLowerCase())) continue;
    parties.push({ name: host.replace(/^www\./u, ''), start: Math.max(0, at), end: Math.max(0, at) + link.length });
  }
  return parties.sort((a, b) => a.start - b.start);
}

// ——— P-ENDORSEMENT (attest, by comms) ———
// Mentions of or links to third-party accounts, products, services: comms confirms "reputational check done".
// CERN "Before posting, you must run a reputational check to make sure they are not in conflict with the values in
// CERN's Code of Conduct." Registered accounts, the preset's verified accounts and sites, and the sites where
// institutions share their own content and press coverage (SHARED_CONTENT_DOMAINS) need no check.
const checkEndorsement: Check = (ctx, level) => {
  const parties = thirdParties(ctx);
  const first = parties[0];
  if (first === undefined) return [];
  const names = [...new Set(parties.map((p) => p.name))];
  const base = { rule: 'P-ENDORSEMENT', ...atText(ctx, first) };
  if (level === 'attest') {
    return [
      {
        ...base,
        severity: 'attest',
        attestation: {
          statement: `Reputational check done: ${list(names)} ${names.length > 1 ? 'are' : 'is'} not in conflict with the values of ${ctx.directory.institution}.`,
          by: 'comms',
          satisfied: false,
        },
        message: `The post mentions or links to third parties that are not registered institutional accounts: ${list(names)}. Before an institutional account writes about third-party accounts, products or services, a reputational check is required; the communications approver confirms it was done.`,
      },
    ];
  }
  return [
    {
      ...base,
      severity: level,
      message: `The post mentions or links to third parties that are not registered institutional accounts: ${list(names)}. Approvers should check that they cannot harm the institution's reputation.`,
    },
  ];
};

// ——— P-SENSITIVE-MATTER (route → ethics) ———
// Investigations and calls for tender. EC §2c "could be seen a breach of impartiality by your institution
// (especially if related to investigations or calls for tender)".
const checkSensitiveMatter: Check = (ctx, level) => {
  const cues = findCues(ctx.prose, SENSITIVE_CUES);
  const first = cues[0];
  if (first === undefined) return [];
  const what = list([...new Set(cues.map((c) => c.label))]);
  if (level === 'route') {
    return [
      {
        rule: 'P-SENSITIVE-MATTER',
        severity: 'route',
        stage: 'ethics',
        ...atText(ctx, first),
        message: `The post concerns ${what} (${quote(first.text)}). Commenting on investigations or calls for tender can be seen as a breach of impartiality, so the ethics service reviews the post as well.`,
      },
    ];
  }
  return [
    {
      rule: 'P-SENSITIVE-MATTER',
      severity: level,
      ...atText(ctx, first),
      message: `The post concerns ${what} (${quote(first.text)}). Approvers should check that the information is public and that posting it treats every party impartially.`,
    },
  ];
};

// ——— P-SOURCE (warn) ———
// Factual or news content without a link to its original source. CERN "link to its source"; LEIDEN "Cite your
// sources and provide the corresponding link if possible"; CALTECH "If you can't validate it, don't post it".
const checkSource: Check = (ctx, level) => {
  if (ctx.links.length > 0 || SOURCE_REFERENCE.test(ctx.submission.text)) return [];
  const cues = findCues(ctx.prose, CLAIM_CUES);
  const first = cues[0];
  if (first === undefined) return [];
  const what = list([...new Set(cues.map((c) => c.label))]);
  return [
    {
      rule: 'P-SOURCE',
      severity: level,
      ...atText(ctx, first),
      message: `The post states facts or figures (${what}: ${quote(first.text)}) without a link to where they come from. Add a link to the original source — the paper, report or press release.`,
      suggestion: 'Add a link to the original source (or its DOI).',
    },
  ];
};

// ——— P-HASHTAG-CASE (warn) ———
// Multi-word hashtags not in CamelCase, with the fix (hashtags.ts). CERN "first letter uppercase on every word of a
// hashtag". The EC's own sample post carries #euisnumber3.
const checkHashtagCase: Check = (ctx, level) =>
  hashtagIssues(ctx.prose, [...ctx.preset.names, ...ctx.directory.institution.split(/\s+/u).filter((w) => /^\p{Lu}/u.test(w))]).map((issue) => ({
    rule: 'P-HASHTAG-CASE',
    severity: level,
    ...atText(ctx, issue),
    suggestion: issue.suggestion,
    message: `The hashtag ${issue.tag} joins several words without capitals, so screen readers read it as one word. Write it ${issue.suggestion}.`,
  }));

// ——— P-INCLUSIVE (warn) ———
// Gendered terms where a neutral one exists, with the fix (lexicon.ts). CERN "using gender-neutral language".
const checkInclusive: Check = (ctx, level) => {
  const findings: Finding[] = [];
  for (const term of GENDERED_TERMS) {
    for (const m of ctx.prose.matchAll(globalOf(term.pattern))) {
      const suggestion = matchCase(term.neutral, m[0]);
      findings.push({
        rule: 'P-INCLUSIVE',
        severity: level,
        ...atText(ctx, { start: m.index, end: m.index + m[0].length }),
        suggestion,
        message: `${quote(m[0])} is gendered; use "${suggestion}" instead.`,
      });
    }
  }
  return findings.sort((a, b) => (a.span?.start ?? 0) - (b.span?.start ?? 0));
};

// ——— P-JARGON (info) ———
// Hard-to-read text for a wide audience: Flesch reading ease under the preset's threshold (readability.ts).
// CERN "Try to avoid scientific jargon when addressing a wide audience."
const checkJargon: Check = (ctx, level) => {
  const { readingEase, jargonMinWords } = ctx.preset.thresholds;
  // Counting syllables is the costly part: short posts are not scored at all.
  if (wordCount(ctx.submission.text) < jargonMinWords) return [];
  const r = readability(ctx.submission.text);
  if (r.words < jargonMinWords || r.score >= readingEase) return [];
  const words = r.hardWords.slice(0, 3);
  return [
    {
      rule: 'P-JARGON',
      severity: level,
      message:
        `The text is hard to read for a wide audience (Flesch reading ease ${Math.round(r.score)}; under ${readingEase} is best understood by university graduates). ` +
        `Shorter sentences (now ${Math.round(r.words / r.sentences)} words on average) and everyday words help${words.length > 0 ? `: explain or replace ${list(words.map((w) => `"${w}"`))}` : ''}.`,
      ...(words.length > 0 ? { suggestion: `Explain or replace: ${words.join(', ')}` } : {}),
    },
  ];
};

// ——— P-CORRECTION (info) ———
// A correction should reference the post it corrects. EC §4d "post a new tweet stating it is a correction of a
// previous one and delete the one with the error".
const checkCorrection: Check = (ctx, level) => {
  const { submission } = ctx;
  const opening = CORRECTION_OPENING.exec(submission.text);
  if (submission.format !== 'correction' && opening === null) return [];
  if (ctx.links.length > 0 || CORRECTED_POST_REFERENCE.test(ctx.prose)) return [];
  return [
    {
      rule: 'P-CORRECTION',
      severity: level,
      ...(opening !== null ? atText(ctx, { start: opening.index, end: opening.index + opening[0].length }) : {}),
      message: 'This is a correction, but it does not say which post it corrects. Link the post with the error, or name it ("our post of 3 May about …"), and delete or edit that post.',
      suggestion: 'Add a link to the post being corrected.',
    },
  ];
};

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
