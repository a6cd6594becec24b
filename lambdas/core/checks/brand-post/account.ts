import type { Finding, Platform } from '../../model.js';
import { PLATFORM_NAMES } from '../../rules/platforms.js';
import { extractLinks } from '../publication.js';
import { describeAccount, type Check } from './check-context.js';

// The target account (GOVERNANCE.md §5): P-ACCOUNT — who may post to which account — and P-PLATFORM-LIMIT — how much
// text the account's platform takes, per post or per part of a thread.

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

function characters(n: number): string {
  return `${n} character${n === 1 ? '' : 's'}`;
}

// ——— P-ACCOUNT (block) ———
// "the target must be a registered, active institutional account and the submitter one of its posters".
// CERN §2: "Authorised institutional ('corporate') social media presences are limited to sectors, departments,
// units, experiments, and projects listed in the CERN Directory that have the express permission of the CERN
// Education, Communications and Outreach group to represent CERN."; LEIDEN brand accounts.
export const checkAccount: Check = (ctx, level) => {
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
    const blocks = text
      .split(/\n[ \t]*\n/u)
      .map((b) => b.trim())
      .filter((b) => b.length > 0);
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
export const checkPlatformLimit: Check = (ctx, level) => {
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
