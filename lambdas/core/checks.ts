import type { Account, Directory } from './directory.js';
import type { BrandPostSubmission, Finding, Platform } from './model.js';
import { extractLinks } from './publication.js';

// Checks on a brand post (GOVERNANCE.md §5). Each finding carries the stable rule id of the table in
// §5, a severity, and a message for the submitter that says what is wrong and how to fix it.
// Rules implemented so far: P-ACCOUNT, P-ALT-TEXT, P-PLATFORM-LIMIT (in that order).

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

const PLATFORM_NAMES: Readonly<Record<Platform, string>> = {
  x: 'X',
  bluesky: 'Bluesky',
  mastodon: 'Mastodon',
  threads: 'Threads',
  linkedin: 'LinkedIn',
  facebook: 'Facebook',
  instagram: 'Instagram',
  youtube: 'YouTube',
  tiktok: 'TikTok',
};

/** X shortens every link to a t.co address and counts it as this many characters. */
const X_LINK_LENGTH = 23;

export function checkBrandPost(submission: BrandPostSubmission, directory: Directory): Finding[] {
  const account = directory.account(submission.account);
  return [
    ...checkAccount(submission, directory, account),
    ...checkAltText(submission),
    ...checkPlatformLimit(submission, account),
  ];
}

function handleOf(account: Account): string {
  return account.handle.startsWith('@') ? account.handle : `@${account.handle}`;
}

function describeAccount(account: Account): string {
  return `${handleOf(account)} on ${PLATFORM_NAMES[account.platform]}`;
}

function characters(n: number): string {
  return `${n} character${n === 1 ? '' : 's'}`;
}

// P-ACCOUNT (block) — "the target must be a registered, active institutional account and the
// submitter one of its posters". CERN §2: "Authorised institutional ('corporate') social media
// presences are limited to sectors, departments, units, experiments, and projects listed in the
// CERN Directory that have the express permission of the CERN Education, Communications and
// Outreach group to represent CERN."; LEIDEN brand accounts.
function checkAccount(submission: BrandPostSubmission, directory: Directory, account: Account | undefined): Finding[] {
  const findings: Finding[] = [];
  const block = (message: string): void => {
    findings.push({ rule: 'P-ACCOUNT', severity: 'block', message });
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
}

// P-ALT-TEXT (block) — "an image without alternative text, a video without captions".
// CERN accessibility: "Here are a few that we try to apply consistently: closed captions on videos,
// alternative text on pictures, …"
function checkAltText(submission: BrandPostSubmission): Finding[] {
  const findings: Finding[] = [];
  submission.media.forEach((item, i) => {
    const where = `media[${i}]`;
    const label = `${item.type === 'image' ? 'Image' : 'Video'} ${i + 1} (${item.url})`;
    if (item.type === 'image' && (item.alt === undefined || item.alt.trim().length === 0)) {
      findings.push({
        rule: 'P-ALT-TEXT',
        severity: 'block',
        where,
        message:
          `${label} has no alternative text. ` +
          'Add a short description of what the image shows, so that people using screen readers can follow the post.',
      });
    }
    if (item.type === 'video' && item.captions !== true) {
      findings.push({
        rule: 'P-ALT-TEXT',
        severity: 'block',
        where,
        message:
          `${label} has no closed captions. ` +
          'Add captions (burned into the video or as a subtitle file) and mark the video as captioned.',
      });
    }
  });
  return findings;
}

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

// P-PLATFORM-LIMIT (block) — "text longer than the target platform allows"; source: platform rules
// (users expect it). Skipped when the account is unknown: P-ACCOUNT already blocks the post.
function checkPlatformLimit(submission: BrandPostSubmission, account: Account | undefined): Finding[] {
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
          severity: 'block',
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
      severity: 'block',
      message:
        `The text is ${characters(length)}${linkNote}; ${name} allows ${limit} per post. ` +
        `Shorten it by ${characters(length - limit)}, ${thread}.`,
    },
  ];
}
