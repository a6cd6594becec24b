import { checkAccountOpening } from '../account-opening/checks.js';
import { isBlocking } from '../checks/findings.js';
import { credentialFields, looksLikeSecret } from '../account-opening/credentials.js';
import { QUESTION_KEYS } from '../account-opening/questionnaire.js';
import type { CheckBudget } from '../checks/check-budget.js';
import type { Directory, Person } from '../request/directory.js';
import { ValidationError } from '../errors.js';
import type { AccountOpeningSubmission, QuestionKey, RegistryAccount } from '../model.js';
import { isPlatform } from '../rules/platforms.js';
import { loadPreset } from '../rules/presets.js';
import { givesSecret } from '../checks/text/secrets.js';
import { parseSubmission } from '../request/submission.js';
import {
  candidateOf,
  labelOf,
  OPENING_LABELS,
  readOpening,
  yesNo,
  type OpeningBody,
  type OpeningField,
  type SecretLine,
} from './mail-opening-parse.js';
import { findingHints, problemHint, type Hint, type HintContext } from './mail-opening-hints.js';

// Account openings by e-mail (README "By e-mail"): a mail from a directory member to open@{domain}. The subject is
// the title; body lines `Label: value` give the fields a webhook body would carry (a line that is neither a label
// line nor blank continues the previous label's value). The candidate body is validated by the webhook's own
// parseSubmission, and the blocking A- checks run at once, so the sender fixes everything in one round, by reply, in
// the mail's labels. A mail that gives a password or another secret is refused before anything else: nothing is
// submitted, and the reply names the lines to remove without repeating what they say.
//
// The mail is read by mail-opening-parse.ts. Pure: mail.ts hands over the body lines (quoted replies and signature
// already cut) and sends, stores nothing.

export interface OpeningMail {
  readonly sender: string;
  readonly person: Person;
  /** The subject without "Re:"/"Fwd:" prefixes: the request's title (the default title when empty). */
  readonly title: string;
  /** The body's lines, quoted replies and signature cut. */
  readonly lines: readonly string[];
}

export interface OpeningOptions {
  /** The directory with the registry's accounts. */
  readonly directory: Directory;
  readonly registry: readonly RegistryAccount[];
  readonly now: Date;
  /** The checks' time budget per rule (check-budget.ts), and who hears of an overrun. */
  readonly budget?: CheckBudget | undefined;
}

export type OpeningDecision =
  | { readonly action: 'reply'; readonly reason: string; readonly reply: string }
  | { readonly action: 'submit'; readonly submission: AccountOpeningSubmission };

function linesWord(n: number): string {
  return n === 1 ? '1 line' : `${n} lines`;
}

function credentialReply(secrets: readonly SecretLine[]): string {
  const where = (s: SecretLine): string => (s.line === undefined ? s.what : `line ${s.line}: ${s.what}`);
  return [
    'Nothing was submitted: Signoff never stores passwords or other credentials, and this mail gives one. Remove these lines:',
    ...secrets.map((s) => `  - ${where(s)}`),
    'Instead, say where the access details are kept, with a line "Credentials kept in: <vault path>" (a reference such as',
    'a vault path, never the secret itself), and send the request again. A password that was sent by e-mail is best changed.',
  ].join('\n');
}

/** The secrets of the mail: the body's lines, the subject, and what account-opening.ts finds in the candidate body. */
function secretsOf(mail: OpeningMail, body: OpeningBody, candidate: Record<string, unknown>): SecretLine[] {
  const found: SecretLine[] = givesSecret(mail.title) ? [{ line: undefined, what: 'the subject line' }] : [];
  found.push(...body.secrets);
  const reported = new Set(body.secrets.flatMap((s) => (s.field === undefined ? [] : [s.field])));
  // Every line of "Credentials kept in:", not only the one the request would keep: a login on the next line is one too.
  const store = body.fields.get('attestations.credentialStore');
  if (store !== undefined && !reported.has('attestations.credentialStore') && store.value.split('\n').some(looksLikeSecret)) {
    found.push({
      line: store.line,
      what: 'the "Credentials kept in:" line gives a password or a login, not where they are kept',
      field: 'attestations.credentialStore',
    });
    reported.add('attestations.credentialStore');
  }
  for (const path of credentialFields(candidate)) {
    const field = OPENING_LABELS.find((l) => l.field === path)?.field;
    if (field !== undefined && reported.has(field)) continue;
    const line = field === undefined ? undefined : body.fields.get(field)?.line;
    if (field === 'attestations.credentialStore')
      found.push({ line, what: 'the "Credentials kept in:" line gives a password or a login, not where they are kept', field });
    else found.push({ line, what: field === undefined ? 'a field that names a secret' : `the "${labelOf(field)}:" line`, field });
  }
  return found;
}

/**
 * The submission an opening mail carries, validated as parseSubmission validates a webhook body; otherwise the reply
 * that lists every line to add or fix — the body's problems and the blocking A- findings together (run on what could
 * be read, when the body is not yet valid), one entry per label and kind of problem. A mail giving a secret anywhere
 * gets only the refusal.
 */
export function decideOpening(mail: OpeningMail, o: OpeningOptions): OpeningDecision {
  const body = readOpening(mail.lines);
  const fields = body.fields;
  const local: Hint[] = [];
  // A one-line field takes the first line; more lines, or the label twice, are reported rather than guessed at.
  const single = (field: OpeningField): string | undefined => {
    const v = fields.get(field);
    return v === undefined ? undefined : (v.value.split('\n')[0] ?? '');
  };
  const candidate = candidateOf(mail, fields, single);

  const secrets = secretsOf(mail, body, candidate);
  if (secrets.length > 0) {
    return { action: 'reply', reason: `credentials in the mail (${linesWord(secrets.length)})`, reply: credentialReply(secrets) };
  }

  const preset = loadPreset(o.directory.preset);
  const c: HintContext = { fields, directory: o.directory, person: mail.person, preset, candidate };
  for (const l of OPENING_LABELS) {
    const v = fields.get(l.field);
    if (v === undefined || l.shape !== 'line') continue;
    if (v.repeated) local.push({ field: l.field, text: `"${l.label}:" is given more than once: keep one line.` });
    else if (v.lines > 1)
      local.push({ field: l.field, text: `"${l.label}:" takes one line: put what follows it under its own label, or leave it out.` });
  }
  for (const field of ['attestations.smmAdmin', 'attestations.commentPolicy'] as const) {
    const v = single(field);
    if (v !== undefined && v !== '' && yesNo(v) === undefined && !local.some((h) => h.field === field))
      local.push({ field, text: `"${labelOf(field)}:" takes yes or no.` });
  }

  let submission: AccountOpeningSubmission | undefined;
  const problems: Hint[] = [];
  try {
    const parsed = parseSubmission(candidate, o.directory, o.now, o.registry);
    if (parsed.kind === 'account-opening') submission = parsed;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    problems.push(...error.problems.map((p) => problemHint(p, c)));
  }

  // The checks run on the submission, or, while the body is invalid, on what could be read of it: everything the
  // sender must fix comes in this one reply. Labels already answered for above are not answered twice.
  const checked = submission ?? provisional(mail, candidate);
  const findings = checkAccountOpening(checked, o.directory, o.registry, preset, o.budget).filter(isBlocking);
  const hints: Hint[] = [...local];
  const seen = (h: Hint, among: readonly Hint[]): boolean => h.field !== undefined && among.some((x) => x.field === h.field);
  for (const h of problems) if (!seen(h, local)) hints.push(h);
  const before = [...hints];
  for (const f of findings) for (const h of findingHints(f, checked, c)) if (!seen(h, before)) hints.push(h);

  if (hints.length > 0 || submission === undefined) {
    const list = hints.length > 0 ? hints : [{ field: undefined, text: 'The request could not be read.' }];
    return {
      action: 'reply',
      reason: `not submittable: ${list.length} problem(s)`,
      reply: [
        'Nothing was submitted yet. Please fix the following and send the mail again:',
        '',
        ...list.map((h) => `  - ${h.text}`),
        '',
        `Send the whole request again to open@${o.directory.domain}: the subject as its title, each field on a line of its own ("Label: value").`,
      ].join('\n'),
    };
  }
  return { action: 'submit', submission };
}

/** What the checks can see of a body that is not yet valid: its fields where they are well formed, blanks elsewhere. */
function provisional(mail: OpeningMail, candidate: Record<string, unknown>): AccountOpeningSubmission {
  const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
  const platform = str(candidate['platform']);
  const admins = Array.isArray(candidate['admins'])
    ? (candidate['admins'] as unknown[]).filter((a): a is string => typeof a === 'string').map((a) => a.toLowerCase())
    : [];
  const group = candidate['group'] as { visibility?: unknown; joinPolicy?: unknown } | undefined;
  const visibility = group?.visibility === 'public' || group?.visibility === 'private' ? group.visibility : undefined;
  const answers = (candidate['questionnaire'] ?? {}) as Record<string, unknown>;
  const questionnaire: Partial<Record<QuestionKey, string>> = {};
  for (const key of QUESTION_KEYS) {
    const a = str(answers[key]);
    if (a !== '') questionnaire[key] = a;
  }
  const att = (candidate['attestations'] ?? {}) as Record<string, unknown>;
  const store = str(att['credentialStore']);
  return {
    kind: 'account-opening',
    submitter: mail.sender,
    unit: str(candidate['unit']),
    platform: isPlatform(platform) ? platform : 'x',
    handle: str(candidate['handle']),
    title: mail.title,
    admins,
    group:
      visibility === undefined ? undefined : { visibility, joinPolicy: str(group?.joinPolicy) === '' ? undefined : str(group?.joinPolicy) },
    questionnaire,
    attestations: {
      ...(typeof att['smmAdmin'] === 'boolean' ? { smmAdmin: att['smmAdmin'] } : {}),
      ...(store === '' ? {} : { credentialStore: store }),
      ...(typeof att['commentPolicy'] === 'boolean' ? { commentPolicy: att['commentPolicy'] } : {}),
    },
  };
}
