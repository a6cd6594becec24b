import { credentialFields } from '../account-opening/credentials.js';
import { QUESTION_KEYS } from '../account-opening/questionnaire.js';
import type { QuestionKey } from '../model.js';
import { givesSecret, hasAwsKeyId } from '../checks/text/secrets.js';

// Reading an account-opening mail (README "By e-mail"): the body lines `Label: value` give the fields a webhook body
// would carry (a line that is neither a label line nor blank continues the previous label's value), each line that
// gives a secret is noted without its content, and the fields make the candidate webhook body. mail-opening.ts
// decides what to do with it. Pure.

/** Where a labelled value goes in the webhook body: its dotted path, as the body's validation problems name it. */
export type OpeningField =
  | 'unit'
  | 'platform'
  | 'handle'
  | 'admins'
  | 'group.visibility'
  | 'group.joinPolicy'
  | 'attestations.smmAdmin'
  | 'attestations.credentialStore'
  | 'attestations.commentPolicy'
  | `questionnaire.${QuestionKey}`;

/** `line`: one value on one line; `list`: addresses, on one line or more; `text`: an answer, as many lines as it takes. */
type Shape = 'line' | 'list' | 'text';

/** The label of each of CERN §3's questions in a mail. */
// biome-ignore format: packed word list, one line per group reads better than one word per line
export const QUESTION_LABELS: Readonly<Record<QuestionKey, string>> = {
  project: 'Project',
  platform: 'Why this platform',
  audience: 'Audience',
  existingChannel: 'Existing channel',
  communications: 'Communications',
  frequency: 'Frequency',
  resources: 'Resources',
  endOfLife: 'End of life',
  hashtagInstead: 'Hashtag instead',
  closedGroupInstead: 'Closed group instead',
  evaluation: 'Evaluation',
  readyToRetire: 'Ready to retire',
};

/** Every label of an opening mail, in the order the README lists them. Matched case-insensitively. */
// biome-ignore format: packed word list, one line per group reads better than one word per line
export const OPENING_LABELS: ReadonlyArray<{ readonly field: OpeningField; readonly label: string; readonly shape: Shape }> = [
  { field: 'unit', label: 'Unit', shape: 'line' },
  { field: 'platform', label: 'Platform', shape: 'line' },
  { field: 'handle', label: 'Handle', shape: 'line' },
  { field: 'admins', label: 'Admins', shape: 'list' },
  { field: 'group.visibility', label: 'Group', shape: 'line' },
  { field: 'group.joinPolicy', label: 'Join policy', shape: 'text' },
  { field: 'attestations.smmAdmin', label: 'SMM admin', shape: 'line' },
  { field: 'attestations.credentialStore', label: 'Credentials kept in', shape: 'line' },
  { field: 'attestations.commentPolicy', label: 'Comment policy', shape: 'line' },
  ...QUESTION_KEYS.map((key) => ({ field: `questionnaire.${key}` as const, label: QUESTION_LABELS[key], shape: 'text' as const })),
];

/** A label as compared: lower case, each run of spaces, '-' and '_' one space ("End-of-life" is "end of life"). */
function labelKey(label: string): string {
  return label
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/gu, ' ');
}

const BY_KEY = new Map(OPENING_LABELS.map((l) => [labelKey(l.label), l] as const));
const LABEL_OF = new Map(OPENING_LABELS.map((l) => [l.field, l.label] as const));

export function labelOf(field: OpeningField): string {
  return LABEL_OF.get(field) ?? field;
}

/** "yes"/"no" as people write them; undefined for anything else. */
export function yesNo(value: string): boolean | undefined {
  if (/^(yes|y|true|oui|ja)$/i.test(value.trim())) return true;
  if (/^(no|n|false|non|nein)$/i.test(value.trim())) return false;
  return undefined;
}

export interface OpeningValue {
  /** The value, trimmed; continuation lines joined with a line break (a blank line between them kept in answers). */
  readonly value: string;
  /** The body line (1-based) of its label. */
  readonly line: number;
  /** How many non-blank lines the value takes. */
  readonly lines: number;
  /** The label was given more than once (the values are joined). */
  readonly repeated: boolean;
}

/** A line that gives a secret: where it is, named without its content. */
export interface SecretLine {
  /** The body line (1-based); undefined for the subject. */
  readonly line: number | undefined;
  /** What the line is, in words for the reply: never the line's value. */
  readonly what: string;
  readonly field?: OpeningField | undefined;
}

export interface OpeningBody {
  readonly fields: ReadonlyMap<OpeningField, OpeningValue>;
  readonly secrets: readonly SecretLine[];
}

/** A line's label and value when the line starts with a known label and ':'. Linear: no regular expression backtracks. */
function knownLabel(
  line: string,
): { readonly field: OpeningField; readonly shape: Shape; readonly label: string; readonly value: string } | undefined {
  const colon = line.indexOf(':');
  if (colon <= 0 || colon > 60) return undefined;
  const label = line.slice(0, colon).trim();
  if (!/^[A-Za-z][A-Za-z _-]*$/u.test(label)) return undefined;
  const known = BY_KEY.get(labelKey(label));
  return known === undefined ? undefined : { ...known, value: line.slice(colon + 1).trim() };
}

/** Labels shown in a reply as the sender wrote them only when they are plain words (no digit, no sign: no secret). */
const SHOWABLE_LABEL = /^[A-Za-z][A-Za-z -]{0,29}$/u;

/**
 * The label of a line that names a secret ("Password:", "Admin PIN =", "Recovery codes:"), by account-opening/
 * credentials.ts's rule for a body's keys, or undefined. Only what comes before the first ':' or '=' is looked at.
 */
function secretLabel(line: string): string | undefined {
  const colon = line.indexOf(':');
  const equals = line.indexOf('=');
  const end = colon === -1 ? equals : equals === -1 ? colon : Math.min(colon, equals);
  if (end <= 0 || end > 60) return undefined;
  const label = line.slice(0, end).trim();
  if (label === '' || !/^[\p{L}\p{N}][\p{L}\p{N} _.'’/-]*$/u.test(label)) return undefined;
  if (credentialFields({ [label]: '' }).length === 0) return undefined;
  return SHOWABLE_LABEL.test(label) ? `"${label}${line[end] ?? ':'}"` : 'a line naming a password or another secret';
}

interface Building {
  parts: string[];
  line: number;
  repeated: boolean;
  /** A blank line came since the last part. */
  gap: boolean;
  readonly shape: Shape;
}

/**
 * Reads the labelled lines of an opening mail's body (quoted replies and signature already cut). Text before the
 * first label (a greeting) is not part of any value. Each line that gives a secret — a label naming one, a value with
 * a labelled secret ("… password: …", "the password is …"), or a key-shaped value (a token, a private key, an AWS
 * key pair; secrets.ts) — is listed in `secrets`, wherever it is.
 */
export function readOpening(lines: readonly string[]): OpeningBody {
  // An AWS key id on one line makes a 40-character secret on another the pair's second half.
  const awsKeyIdNearby = lines.some((l) => hasAwsKeyId(l));
  const building = new Map<OpeningField, Building>();
  const secrets: SecretLine[] = [];
  let current: { readonly field: OpeningField; readonly label: string } | undefined;
  lines.forEach((raw, i) => {
    const n = i + 1;
    const line = raw.trim();
    if (line === '') {
      const b = current === undefined ? undefined : building.get(current.field);
      if (b !== undefined) b.gap = true;
      return;
    }
    const known = knownLabel(line);
    if (known !== undefined) {
      current = { field: known.field, label: known.label };
      if (givesSecret(known.value, awsKeyIdNearby))
        secrets.push({ line: n, what: `the "${labelOf(known.field)}:" line`, field: known.field });
      const b = building.get(known.field);
      if (b === undefined)
        building.set(known.field, {
          parts: known.value === '' ? [] : [known.value],
          line: n,
          repeated: false,
          gap: false,
          shape: known.shape,
        });
      else {
        // Given again: its value continues the first, as a paragraph of its own in an answer.
        b.repeated = true;
        b.gap = known.value === '';
        const last = b.parts.length - 1;
        if (known.value !== '' && b.shape === 'text' && last >= 0) b.parts[last] = `${b.parts[last] ?? ''}\n`;
        if (known.value !== '') b.parts.push(known.value);
      }
      return;
    }
    const named = secretLabel(line);
    if (named !== undefined) {
      secrets.push({ line: n, what: named });
      return;
    }
    if (givesSecret(line, awsKeyIdNearby)) {
      secrets.push(
        current === undefined
          ? { line: n, what: 'a line before the first label' }
          : { line: n, what: `a line of the "${labelOf(current.field)}:" answer`, field: current.field },
      );
      return;
    }
    if (current === undefined) return;
    const b = building.get(current.field);
    if (b === undefined) return;
    const last = b.parts.length - 1;
    if (b.shape === 'text' && b.gap && last >= 0) b.parts[last] = `${b.parts[last] ?? ''}\n`;
    b.parts.push(line);
    b.gap = false;
  });
  const fields = new Map<OpeningField, OpeningValue>();
  for (const [field, b] of building)
    fields.set(field, { value: b.parts.join('\n'), line: b.line, lines: b.parts.length, repeated: b.repeated });
  return { fields, secrets };
}

/**
 * The administrators' addresses of an "Admins:" value: separated by commas, semicolons, spaces or line breaks.
 * Written "Name <address>", the address in angle brackets is taken and the name left out.
 */
export function splitAdmins(value: string): string[] {
  return value
    .split(/[,;\n]+/u)
    .flatMap((entry) => {
      const bracketed = [...entry.matchAll(/<([^<>\s]+)>/gu)].map((m) => m[1] ?? '');
      return bracketed.length > 0 ? bracketed : entry.split(/\s+/u);
    })
    .map((a) => a.replace(/^mailto:/iu, ''))
    .filter((a) => a !== '');
}

/** The webhook body the mail stands for: only what it gives, so the schema names everything missing. */
export function candidateOf(
  mail: { readonly sender: string; readonly title: string },
  fields: ReadonlyMap<OpeningField, OpeningValue>,
  single: (f: OpeningField) => string | undefined,
): Record<string, unknown> {
  const value = (f: OpeningField): string | undefined => fields.get(f)?.value;
  const questionnaire: Record<string, string> = {};
  for (const key of QUESTION_KEYS) {
    const answer = value(`questionnaire.${key}`);
    if (answer !== undefined) questionnaire[key] = answer;
  }
  const visibility = single('group.visibility');
  const joinPolicy = value('group.joinPolicy');
  const smmAdmin = single('attestations.smmAdmin');
  const commentPolicy = single('attestations.commentPolicy');
  const credentialStore = single('attestations.credentialStore');
  const unit = single('unit');
  const platform = single('platform');
  const handle = single('handle');
  const admins = value('admins');
  return {
    kind: 'account-opening',
    submitter: mail.sender,
    ...(mail.title === '' ? {} : { title: mail.title }),
    ...(unit === undefined ? {} : { unit }),
    ...(platform === undefined ? {} : { platform: platform.toLowerCase() }),
    ...(handle === undefined ? {} : { handle }),
    ...(admins === undefined ? {} : { admins: splitAdmins(admins) }),
    ...(visibility === undefined && joinPolicy === undefined
      ? {}
      : {
          group: {
            ...(visibility === undefined ? {} : { visibility: visibility.toLowerCase() }),
            ...(joinPolicy === undefined ? {} : { joinPolicy }),
          },
        }),
    questionnaire,
    attestations: {
      ...(smmAdmin === undefined || yesNo(smmAdmin) === undefined ? {} : { smmAdmin: yesNo(smmAdmin) }),
      ...(credentialStore === undefined ? {} : { credentialStore }),
      ...(commentPolicy === undefined || yesNo(commentPolicy) === undefined ? {} : { commentPolicy: yesNo(commentPolicy) }),
    },
  };
}
