import { MAX_ADMINS } from '../account-opening/body.js';
import { checkAccountOpening } from '../account-opening/checks.js';
import { isBlocking } from '../checks/findings.js';
import { credentialFields, looksLikeSecret } from '../account-opening/credentials.js';
import { QUESTION_KEYS, QUESTIONS } from '../account-opening/questionnaire.js';
import type { CheckBudget } from '../checks/check-budget.js';
import type { Directory, Person } from '../request/directory.js';
import { ValidationError } from '../errors.js';
import type { AccountOpeningSubmission, Finding, QuestionKey, RegistryAccount } from '../model.js';
import { isPlatform, PLATFORMS } from '../rules/platforms.js';
import { loadPreset, type Preset } from '../rules/presets.js';
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
  type OpeningValue,
  type SecretLine,
} from './mail-opening-parse.js';

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

/** One thing for the sender to fix, and the label it is about (at most one list entry per label and kind of check). */
interface Hint {
  readonly field: OpeningField | undefined;
  readonly text: string;
}

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
    found.push({ line: store.line, what: 'the "Credentials kept in:" line gives a password or a login, not where they are kept', field: 'attestations.credentialStore' });
    reported.add('attestations.credentialStore');
  }
  for (const path of credentialFields(candidate)) {
    const field = OPENING_LABELS.find((l) => l.field === path)?.field;
    if (field !== undefined && reported.has(field)) continue;
    const line = field === undefined ? undefined : body.fields.get(field)?.line;
    if (field === 'attestations.credentialStore') found.push({ line, what: 'the "Credentials kept in:" line gives a password or a login, not where they are kept', field });
    else found.push({ line, what: field === undefined ? 'a field that names a secret' : `the "${labelOf(field)}:" line`, field });
  }
  return found;
}

interface HintContext {
  readonly fields: ReadonlyMap<OpeningField, OpeningValue>;
  readonly directory: Directory;
  readonly person: Person;
  readonly preset: Preset;
  readonly candidate: Record<string, unknown>;
}

/** What a field wants, for "Add a line …" and "The … line is empty". */
function wanted(field: OpeningField, c: HintContext): string {
  switch (field) {
    case 'unit': {
      const name = c.directory.unitName(c.person.unit);
      return `your unit's id as the directory spells it (yours: "Unit: ${c.person.unit}"${name === undefined ? '' : `, ${name}`}).`;
    }
    case 'platform':
      return `one of ${PLATFORMS.join(', ')}.`;
    case 'handle':
      return 'the name of the new account on the platform (e.g. "Handle: @physics.example.org").';
    case 'admins':
      return `at least ${c.preset.thresholds.minAdmins} administrators, by their institutional address${c.directory.domain === '' ? '' : ` (…@${c.directory.domain})`}, separated by commas.`;
    case 'group.visibility':
      return '"Group: public" (any registered member may join) or "Group: private" (the group managers moderate requests to join).';
    case 'group.joinPolicy':
      return 'how requests to join are decided, saying that none is refused on the grounds of profession, nationality, culture, age, generation, gender or individual preferences.';
    case 'attestations.smmAdmin':
      return `"SMM admin: yes", confirming that ${smmWho(c.directory)} will receive admin rights on the account.`;
    case 'attestations.credentialStore':
      return 'the place where the access details are kept (a reference such as a vault path, never the password itself).';
    case 'attestations.commentPolicy':
      return '"Comment policy: yes", once the comment policy and community guidelines for the account are written.';
    default: {
      const key = field.slice('questionnaire.'.length) as QuestionKey;
      return `answer "${QUESTIONS[key]}"`;
    }
  }
}

/** "Add a line …" for a label not given, "The … line is empty: …" for one given without a value. */
function missing(field: OpeningField, c: HintContext, after = ''): string {
  const label = labelOf(field);
  const what = wanted(field, c);
  // Yes/no statements and the group's visibility are asked for as the whole line to add.
  const whole = field === 'attestations.smmAdmin' || field === 'attestations.commentPolicy' || field === 'group.visibility';
  const text =
    c.fields.get(field) !== undefined
      ? `The "${label}:" line is empty: ${whole ? `give ${what}` : what}`
      : whole
        ? `Add a line ${what}`
        : field.startsWith('questionnaire.')
          ? `Add a line "${label}: …" to ${what}`
          : `Add a line "${label}: …": ${what}`;
  return after === '' ? text : `${text} ${after}`;
}

function smmWho(directory: Directory): string {
  const managers = directory.group('socialMediaManager').map((p) => p.name);
  return managers.length === 0 ? 'the social-media manager' : `the social-media manager (${managers.join(', ')})`;
}

/** The field a validation problem's path is about ("admins.2" → admins, "group" → group.visibility). */
function fieldOfPath(path: string): OpeningField | undefined {
  if (path.startsWith('admins')) return 'admins';
  if (path === 'group') return 'group.visibility';
  return OPENING_LABELS.find((l) => l.field === path)?.field;
}

/** A problem of the webhook body's validation, in the mail's labels. */
function problemHint(problem: string, c: HintContext): Hint {
  const at = problem.indexOf(': ');
  const path = at === -1 ? '' : problem.slice(0, at);
  const message = at === -1 ? problem : problem.slice(at + 2);
  if (path === 'title') return { field: undefined, text: `The subject line is the request's title: ${/<=(\d+)/u.exec(message)?.[1] ?? '200'} characters at most.` };
  const field = fieldOfPath(path);
  if (field === undefined) return { field: undefined, text: problem };
  const label = labelOf(field);
  const given = c.fields.get(field);
  const tooLong = /^Too big: expected string to have <=(\d+)/u.exec(message);
  if (given === undefined || given.value === '') {
    return { field, text: missing(field, c, field === 'group.visibility' && c.fields.has('group.joinPolicy') ? '("Join policy:" is for a group.)' : '') };
  }
  if (tooLong !== null) return { field, text: `The "${label}:" ${field.startsWith('questionnaire.') ? 'answer' : 'line'} is too long: ${tooLong[1] ?? ''} characters at most.` };
  switch (field) {
    case 'platform':
      return { field, text: `"Platform:" takes ${wanted(field, c)}` };
    case 'group.visibility':
      return { field, text: `"Group:" takes ${wanted(field, c)}` };
    case 'admins': {
      const index = /^admins\.(\d+)$/u.exec(path)?.[1];
      const admins = Array.isArray(c.candidate['admins']) ? (c.candidate['admins'] as unknown[]) : [];
      const token = index === undefined ? undefined : admins[Number(index)];
      if (typeof token === 'string') return { field, text: `"Admins:" ${JSON.stringify(token.length > 60 ? `${token.slice(0, 59)}…` : token)} is not an e-mail address; separate the addresses with commas.` };
      if (message.startsWith('Too big')) return { field, text: `"Admins:" names more than ${MAX_ADMINS} addresses: keep at most ${MAX_ADMINS}.` };
      return { field, text: `"Admins:" ${message}` };
    }
    case 'handle':
      return { field, text: `"Handle:" ${message}: choose another handle, or post to that account instead.` };
    default:
      return { field, text: `"${label}:" ${message}` };
  }
}

/** A blocking finding of the A- checks, as the line to add or fix. */
function findingHints(f: Finding, s: AccountOpeningSubmission, c: HintContext): Hint[] {
  const tag = `[${f.rule}]`;
  switch (f.rule) {
    case 'A-QUESTIONNAIRE':
    case 'A-END-OF-LIFE': {
      const key = f.where?.startsWith('questionnaire.') ? (f.where.slice('questionnaire.'.length) as QuestionKey) : undefined;
      if (key === undefined || !QUESTION_KEYS.includes(key)) break;
      const field = `questionnaire.${key}` as const;
      const answered = s.questionnaire[key] !== undefined;
      const help = f.suggestion === undefined ? '' : f.suggestion;
      if (!answered) return [{ field, text: `${tag} ${missing(field, c, help)}` }];
      return [
        {
          field,
          text:
            f.rule === 'A-END-OF-LIFE'
              ? `${tag} The "End of life:" answer does not say what will happen to the account when the project ends: commit to a plan. ${help}`
              : `${tag} The "${labelOf(field)}:" line does not answer "${QUESTIONS[key]}". ${help}`,
        },
      ];
    }
    case 'A-UNIT':
      return [{ field: 'unit', text: `${tag} "Unit:" ${JSON.stringify(s.unit)} is not listed in the ${c.directory.institution} directory. ${f.suggestion ?? `Give the unit's id as the directory spells it (yours: "Unit: ${c.person.unit}").`}` }];
    case 'A-ADMINS':
      return [{ field: 'admins', text: `${tag} On the "Admins:" line: ${f.message}` }];
    case 'A-SMM-ADMIN': {
      const hints: Hint[] = [];
      const { smmAdmin, credentialStore } = s.attestations;
      if (smmAdmin === false) {
        hints.push({ field: 'attestations.smmAdmin', text: `${tag} "SMM admin: no": ${smmWho(c.directory)} must receive admin rights on the new account, so that access is never lost. Change it to "SMM admin: yes".` });
      } else if (smmAdmin !== true) {
        hints.push({ field: 'attestations.smmAdmin', text: `${tag} ${missing('attestations.smmAdmin', c)}` });
      }
      if ((credentialStore?.trim() ?? '') === '') hints.push({ field: 'attestations.credentialStore', text: `${tag} ${missing('attestations.credentialStore', c)}` });
      return hints;
    }
    case 'A-COMMENT-POLICY':
      return [
        s.attestations.commentPolicy === false
          ? {
              field: 'attestations.commentPolicy',
              text: `${tag} "Comment policy: no": prepare the comment policy and community guidelines first (which comments are removed, when a user is blocked, who moderates and how fast), then send "Comment policy: yes".`,
            }
          : { field: 'attestations.commentPolicy', text: `${tag} ${missing('attestations.commentPolicy', c)}` },
      ];
    case 'A-GROUP-PRIVACY':
      if (f.where === 'group') return [{ field: 'group.visibility', text: `${tag} ${missing('group.visibility', c, 'A private group also needs a "Join policy: …" line.')}` }];
      if ((s.group?.joinPolicy ?? '') === '') return [{ field: 'group.joinPolicy', text: `${tag} The group is private: ${missing('group.joinPolicy', c)}` }];
      return [{ field: 'group.joinPolicy', text: `${tag} On the "Join policy:" line: ${f.message}${f.suggestion === undefined ? '' : ` For example: "${f.suggestion}"`}` }];
    default:
      break;
  }
  return [{ field: undefined, text: `${tag} ${f.message}` }];
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
    else if (v.lines > 1) local.push({ field: l.field, text: `"${l.label}:" takes one line: put what follows it under its own label, or leave it out.` });
  }
  for (const field of ['attestations.smmAdmin', 'attestations.commentPolicy'] as const) {
    const v = single(field);
    if (v !== undefined && v !== '' && yesNo(v) === undefined && !local.some((h) => h.field === field)) local.push({ field, text: `"${labelOf(field)}:" takes yes or no.` });
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
  const admins = Array.isArray(candidate['admins']) ? (candidate['admins'] as unknown[]).filter((a): a is string => typeof a === 'string').map((a) => a.toLowerCase()) : [];
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
    group: visibility === undefined ? undefined : { visibility, joinPolicy: str(group?.joinPolicy) === '' ? undefined : str(group?.joinPolicy) },
    questionnaire,
    attestations: {
      ...(typeof att['smmAdmin'] === 'boolean' ? { smmAdmin: att['smmAdmin'] } : {}),
      ...(store === '' ? {} : { credentialStore: store }),
      ...(typeof att['commentPolicy'] === 'boolean' ? { commentPolicy: att['commentPolicy'] } : {}),
    },
  };
}
