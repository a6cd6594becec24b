import { createHash } from 'node:crypto';
import type { Directory, Person } from '../request/directory.js';
import type { CheckBudget } from '../checks/check-budget.js';
import { checkBrandPost } from '../checks/brand-post/checks.js';
import { isBlocking } from '../checks/findings.js';
import { ValidationError } from '../errors.js';
import { decideOpening } from './mail-opening.js';
import { yesNo } from './mail-opening-parse.js';
import type { BrandPostSubmission, RegistryAccount, Submission } from '../model.js';
import { hasAwsKeyId, hasKeyShapedSecret } from '../checks/text/secrets.js';
import { MAX_MEDIA_ITEMS, parseSubmission } from '../request/submission.js';

// Mail intake (DESIGN.md "Mail intake"): a mail from a directory member to submit+{accountId}@{domain}
// becomes a brand post, and one to open@{domain} a request to open an account (mail-opening.ts). This module
// decides what to do with one parsed mail; it sends, stores and audits nothing itself, so the SES path (AWS)
// and the SMTP path (local) share every rule.

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_IMAGES = MAX_MEDIA_ITEMS;

/** What the mail's transport says about its origin, for its From address (trustOf in mail-auth.ts). */
export interface Trust {
  /** Spam or virus: dropped without a reply. */
  readonly drop: boolean;
  /** DMARC PASS, or SPF or DKIM PASS aligned with the From domain (a receipt); a loopback connection (local). */
  readonly verified: boolean;
  readonly basis: string;
}

/** The parts of a parsed mail (mailparser's ParsedMail) that intake reads. */
export interface InboundMail {
  readonly messageId: string;
  /** The sender: the one address of the one From header; undefined when there is not exactly one (fromProblem). */
  readonly from: string | undefined;
  /** Why the From header does not name exactly one sender (mail-parse.ts fromProblem); undefined when it does. */
  readonly fromProblem: string | undefined;
  /** Envelope recipients (SMTP RCPT TO, SES receipt recipients): where the mail was actually delivered. */
  readonly recipients: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly references: readonly string[];
  readonly attachments: ReadonlyArray<{ readonly filename: string; readonly contentType: string; readonly content: Buffer }>;
  /** Why the body was not read (an HTML body past mail-parse.ts MAX_HTML_CHARS): the sender is told, nothing submitted. */
  readonly unreadBody?: string | undefined;
}

export interface MediaToStore {
  readonly key: string;
  readonly contentType: string;
  readonly content: Buffer;
}

export type MailDecision =
  /** Nothing is answered: spam, virus, or a sender who is not in the directory. */
  | { readonly action: 'drop'; readonly reason: string; readonly sender: string | undefined }
  /**
   * Nothing is answered, and the message is refused as malformed: its From header establishes no single sender.
   * A transport that can still refuse it (SMTP) answers with a permanent error.
   */
  | { readonly action: 'refuse'; readonly reason: string; readonly sender: undefined }
  /** The sender is answered, nothing is submitted. */
  | { readonly action: 'reply'; readonly reason: string; readonly sender: string; readonly reply: string }
  /** A brand post (with its images to store) or an account opening (no media). */
  | { readonly action: 'submit'; readonly submission: Submission; readonly media: readonly MediaToStore[]; readonly sender: string };

const PLUS_ADDRESS = /^submit\+([a-z0-9][a-z0-9._-]*)@(.+)$/i;
/** Account openings: open@ at any domain (on AWS, SES only receives the institution's). */
const OPEN_ADDRESS = /^open@[^@\s]+$/i;
const IMAGE_TYPES: Readonly<Record<string, string>> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp' };

/** Body conventions: `Alt: …` or `Alt 2: …`, `Consent: yes`, `AI: no`, `AI disclosed: yes`, `Publish: <ISO time>`, `Format: thread`. */
// The value is trimmed by its shape (from a non-space to a non-space), not by `\s*(.*?)\s*`, whose three parts share
// a run of spaces in every way — cubic in its length.
const CONVENTION = /^\s*(alt(?:\s+(\d+))?|consent|ai|ai disclosed|publish|format)\s*:\s*(?:(\S(?:.*\S)?)\s*)?$/i;

/**
 * The message's lines up to its quoted replies and signature. Quoted replies: lines from "On … wrote:", an
 * Outlook "-----Original Message-----" or the first `>` line on. Signature: from a line "-- ".
 */
export function bodyLines(raw: string): string[] {
  const kept: string[] = [];
  for (const line of raw.replace(/\r\n/g, '\n').split('\n')) {
    if (line === '-- ' || line === '--') break;
    if (/^On .+ wrote:\s*$/.test(line) || /^-{2,}\s*Original Message\s*-{2,}/i.test(line) || /^>/.test(line)) break;
    kept.push(line);
  }
  return kept;
}

/**
 * The message text without quoted replies and signature (bodyLines), with convention lines taken out.
 */
export function readBody(raw: string): { text: string; conventions: Map<string, string>; alts: Map<number, string> } {
  const kept: string[] = [];
  const conventions = new Map<string, string>();
  const alts = new Map<number, string>();
  for (const line of bodyLines(raw)) {
    const m = CONVENTION.exec(line);
    if (m !== null) {
      const key = (m[1] ?? '').toLowerCase();
      const value = m[3] ?? '';
      if (key.startsWith('alt')) {
        // "Alt:" takes the first image without one; "Alt 2:" names its image and wins over an unnumbered line.
        let n = m[2] === undefined ? 1 : Number(m[2]);
        if (m[2] === undefined) while (alts.has(n)) n++;
        alts.set(n, value);
      } else conventions.set(key, value);
      continue;
    }
    kept.push(line);
  }
  return { text: kept.join('\n').trim(), conventions, alts };
}

export function mediaKey(content: Buffer, contentType: string): string {
  return `${createHash('sha256').update(content).digest('hex').slice(0, 40)}.${IMAGE_TYPES[contentType] ?? 'bin'}`;
}

function postersAccounts(directory: Directory, person: Person): string {
  const mine = directory.accounts.filter((a) => a.status === 'active' && a.posters.includes(person.id));
  return mine.length === 0
    ? 'You are not a poster of any registered account.'
    : `Your accounts: ${mine.map((a) => `submit+${a.id}@${directory.domain} (${a.handle})`).join(', ')}.`;
}

function openingAddress(directory: Directory): string {
  return `To ask for a new account, write to open@${directory.domain}.`;
}

/**
 * A reply's subject carries "Re:" (or AW:, SV:, Fwd:); the request's title does not. A subject is one line: the
 * whitespace a folded header keeps (a tab) and any control character an encoded word smuggled in become one space,
 * as a title must be a single line (issue #11).
 */
function titleOf(subject: string): string {
  return subject
    .replace(/[\s\p{Cc}]+/gu, ' ')
    .replace(/^(?:\s*(?:re|aw|sv|fwd?)\s*:\s*)+/i, '')
    .trim();
}

/** People write times to the minute ("2026-12-01T10:00Z"); the schema wants seconds. */
function withSeconds(time: string): string {
  return time.trim().replace(/^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(Z|[+-]\d{2}:\d{2})$/i, '$1:00$2');
}

/** Turns a problem from the webhook schema or a blocking check into something a mail sender can act on. */
function mailHint(problem: string, directory: Directory, person: Person): string {
  if (problem.startsWith('account: ')) return `${problem}. ${postersAccounts(directory, person)} ${openingAddress(directory)}`;
  if (problem.startsWith('title')) return 'Put the title of the post in the subject line.';
  if (problem.startsWith('text')) return 'Write the text of the post in the body of the mail.';
  if (problem.startsWith('publishAt')) return `${problem}. Add a line "Publish: 2026-12-01T10:00Z" with a future time, or leave it out.`;
  if (problem.startsWith('format')) return 'Use "Format: post", "thread", "article", "blog", "share" or "correction".';
  return problem;
}

export interface DecideOptions {
  /** The directory with the registry's accounts (withRegistry): the accounts that exist now. */
  readonly directory: Directory;
  /** The registry as it stands: an opening's handle must be free, and A-EXISTING looks at the unit's accounts. */
  readonly registry: readonly RegistryAccount[];
  readonly trust: Trust;
  readonly now: Date;
  /** Base of media links, e.g. `${PUBLIC_BASE_URL}/media`. */
  readonly mediaBaseUrl: string;
  /** The checks' time budget per rule (check-budget.ts), and who hears of an overrun. */
  readonly budget?: CheckBudget | undefined;
}

export function decideMail(mail: InboundMail, o: DecideOptions): MailDecision {
  if (o.trust.drop)
    return {
      action: 'drop',
      reason: `spam or virus verdict (${o.trust.basis})`,
      sender: mail.fromProblem === undefined ? mail.from?.trim().toLowerCase() : undefined,
    };
  // RFC 5322 §3.6: exactly one From header with exactly one address. Otherwise who sent it is not established, and
  // neither address is answered: the member named beside a stranger did not write it.
  if (mail.fromProblem !== undefined || mail.from === undefined)
    return { action: 'refuse', reason: `sender not established: ${mail.fromProblem ?? 'no From address'}`, sender: undefined };
  const sender = mail.from.trim().toLowerCase();
  const person = o.directory.personByEmail(sender);
  if (person === undefined) return { action: 'drop', reason: 'sender is not in the directory', sender };
  if (!o.trust.verified) {
    return {
      action: 'reply',
      reason: `unverified origin (${o.trust.basis})`,
      sender,
      reply:
        'We could not verify that this mail came from you (its SPF/DKIM/DMARC checks did not pass for the domain of its From address), so nothing was submitted. Send it again from your institutional mail account.',
    };
  }

  if (mail.unreadBody !== undefined)
    return { action: 'reply', reason: 'body not read', sender, reply: `Nothing was submitted: ${mail.unreadBody}` };

  // Envelope recipients only: a submit+ or open@ address in a Cc header proves nothing about where the mail was
  // delivered. The first intake address among them decides what the mail is.
  const recipient = mail.recipients.map((r) => r.trim()).find((r) => PLUS_ADDRESS.test(r) || OPEN_ADDRESS.test(r));
  if (recipient !== undefined && OPEN_ADDRESS.test(recipient)) {
    const opening = decideOpening({ sender, person, title: titleOf(mail.subject), lines: bodyLines(mail.text) }, o);
    return opening.action === 'submit' ? { action: 'submit', submission: opening.submission, media: [], sender } : { ...opening, sender };
  }
  const target = recipient === undefined ? null : PLUS_ADDRESS.exec(recipient);
  if (target === null) {
    return {
      action: 'reply',
      reason: 'no submit+account recipient',
      sender,
      reply: `Nothing was submitted: send the mail to submit+<account>@${o.directory.domain}, naming the account to post to. ${postersAccounts(o.directory, person)} ${openingAddress(o.directory)}`,
    };
  }
  const account = (target[1] ?? '').toLowerCase();

  // A key or a token pasted into a post (an account's API token, a private key) is never stored nor sent to approvers.
  // Labelled phrases are not looked for here: a post may well say "Forgot your password? …".
  const lines = bodyLines(mail.text);
  const awsKeyIdNearby = hasAwsKeyId(mail.subject) || lines.some((l) => hasAwsKeyId(l));
  const secretAt = [
    ...(hasKeyShapedSecret(mail.subject, awsKeyIdNearby) ? ['the subject line'] : []),
    ...lines.flatMap((l, i) => (hasKeyShapedSecret(l, awsKeyIdNearby) ? [`line ${i + 1} of the body`] : [])),
  ];
  if (secretAt.length > 0) {
    return {
      action: 'reply',
      reason: `credentials in the mail (${secretAt.length} line${secretAt.length === 1 ? '' : 's'})`,
      sender,
      reply: [
        'Nothing was submitted: Signoff never stores passwords, keys or tokens, and this mail gives one. Remove it from:',
        ...secretAt.map((w) => `  - ${w}`),
        'and send the post again. A key or token that was sent by e-mail is best revoked and replaced.',
      ].join('\n'),
    };
  }

  const images = mail.attachments.filter((a) => IMAGE_TYPES[a.contentType] !== undefined);
  const bytes = mail.attachments.reduce((n, a) => n + a.content.length, 0);
  if (bytes > MAX_ATTACHMENT_BYTES || images.length > MAX_IMAGES) {
    return {
      action: 'reply',
      reason: `attachments too large (${bytes} bytes, ${images.length} images)`,
      sender,
      reply: `Nothing was submitted: attachments may total at most 10 MB and hold at most ${MAX_IMAGES} images (this mail has ${(bytes / 1024 / 1024).toFixed(1)} MB and ${images.length} images). Send smaller or fewer images.`,
    };
  }

  const body = readBody(mail.text);
  const media = images.map((a) => ({ key: mediaKey(a.content, a.contentType), contentType: a.contentType, content: a.content }));
  const consent = body.conventions.has('consent') ? yesNo(body.conventions.get('consent') ?? '') : undefined;
  const aiUsed = body.conventions.has('ai') ? yesNo(body.conventions.get('ai') ?? '') : undefined;
  const aiDisclosed = body.conventions.has('ai disclosed') ? yesNo(body.conventions.get('ai disclosed') ?? '') : undefined;
  const problems: string[] = [];
  for (const [label, key] of [
    ['Consent', 'consent'],
    ['AI', 'ai'],
    ['AI disclosed', 'ai disclosed'],
  ] as const) {
    if (body.conventions.has(key) && yesNo(body.conventions.get(key) ?? '') === undefined)
      problems.push(`"${label}:" takes yes or no (got "${body.conventions.get(key)}").`);
  }
  const candidate = {
    kind: 'brand-post',
    submitter: sender,
    account,
    title: titleOf(mail.subject),
    text: body.text,
    format: body.conventions.get('format')?.toLowerCase() ?? 'post',
    ...(body.conventions.has('publish') ? { publishAt: withSeconds(body.conventions.get('publish') ?? '') } : {}),
    media: media.map((m, i) => ({
      type: 'image',
      url: `${o.mediaBaseUrl}/${m.key}`,
      ...(body.alts.get(i + 1) ? { alt: body.alts.get(i + 1) } : {}),
      rights: 'own',
      ...(consent !== undefined ? { showsPeople: true } : {}),
    })),
    attestations: {
      ...(consent !== undefined ? { peopleConsent: consent } : {}),
      ...(aiUsed !== undefined ? { aiUsed } : {}),
      ...(aiDisclosed !== undefined ? { aiDisclosed } : {}),
    },
  };

  let submission: BrandPostSubmission | undefined;
  try {
    // The candidate is a brand post; the directory given is already the registry's view of the accounts.
    const parsed = parseSubmission(candidate, o.directory, o.now, o.registry);
    if (parsed.kind === 'brand-post') submission = parsed;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    problems.push(...error.problems.map((p) => mailHint(p, o.directory, person)));
  }
  if (submission !== undefined) {
    // Blocking checks answered now, in the thread, with the mail conventions that fix them.
    for (const f of checkBrandPost(submission, o.directory, undefined, o.budget).filter(isBlocking)) {
      const index = f.where?.startsWith('media[') ? Number(/\d+/.exec(f.where)?.[0] ?? '0') + 1 : undefined;
      problems.push(
        f.rule === 'P-ALT-TEXT' && index !== undefined
          ? `[P-ALT-TEXT] Image ${index} (${images[index - 1]?.filename ?? 'attachment'}) has no alternative text: add a line "Alt ${index}: <what the image shows>".`
          : `[${f.rule}] ${f.message}`,
      );
    }
  }
  if (problems.length > 0 || submission === undefined) {
    return {
      action: 'reply',
      reason: `not submittable: ${problems.length} problem(s)`,
      sender,
      reply: ['Nothing was submitted yet. Please fix the following and send the mail again:', '', ...problems.map((p) => `  - ${p}`)].join(
        '\n',
      ),
    };
  }
  return { action: 'submit', submission, media, sender };
}
