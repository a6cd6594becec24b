import { MAX_ADMINS } from '../account-opening/body.js';
import { QUESTION_KEYS, QUESTIONS } from '../account-opening/questionnaire.js';
import type { Directory, Person } from '../request/directory.js';
import type { AccountOpeningSubmission, Finding, QuestionKey } from '../model.js';
import { PLATFORMS } from '../rules/platforms.js';
import type { Preset } from '../rules/presets.js';
import { labelOf, OPENING_LABELS, type OpeningField, type OpeningValue } from './mail-opening-parse.js';

// The hints of an account-opening reply (mail-opening.ts): for each problem of the body and each blocking A- finding,
// what to add or fix, named by the mail's own labels.

/** One thing for the sender to fix, and the label it is about (at most one list entry per label and kind of check). */
export interface Hint {
  readonly field: OpeningField | undefined;
  readonly text: string;
}

export interface HintContext {
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
export function missing(field: OpeningField, c: HintContext, after = ''): string {
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
export function problemHint(problem: string, c: HintContext): Hint {
  const at = problem.indexOf(': ');
  const path = at === -1 ? '' : problem.slice(0, at);
  const message = at === -1 ? problem : problem.slice(at + 2);
  if (path === 'title')
    return {
      field: undefined,
      text: `The subject line is the request's title: ${/<=(\d+)/u.exec(message)?.[1] ?? '200'} characters at most.`,
    };
  const field = fieldOfPath(path);
  if (field === undefined) return { field: undefined, text: problem };
  const label = labelOf(field);
  const given = c.fields.get(field);
  const tooLong = /^Too big: expected string to have <=(\d+)/u.exec(message);
  if (given === undefined || given.value === '') {
    return {
      field,
      text: missing(field, c, field === 'group.visibility' && c.fields.has('group.joinPolicy') ? '("Join policy:" is for a group.)' : ''),
    };
  }
  if (tooLong !== null)
    return {
      field,
      text: `The "${label}:" ${field.startsWith('questionnaire.') ? 'answer' : 'line'} is too long: ${tooLong[1] ?? ''} characters at most.`,
    };
  switch (field) {
    case 'platform':
      return { field, text: `"Platform:" takes ${wanted(field, c)}` };
    case 'group.visibility':
      return { field, text: `"Group:" takes ${wanted(field, c)}` };
    case 'admins': {
      const index = /^admins\.(\d+)$/u.exec(path)?.[1];
      const admins = Array.isArray(c.candidate['admins']) ? (c.candidate['admins'] as unknown[]) : [];
      const token = index === undefined ? undefined : admins[Number(index)];
      if (typeof token === 'string')
        return {
          field,
          text: `"Admins:" ${JSON.stringify(token.length > 60 ? `${token.slice(0, 59)}…` : token)} is not an e-mail address; separate the addresses with commas.`,
        };
      if (message.startsWith('Too big'))
        return { field, text: `"Admins:" names more than ${MAX_ADMINS} addresses: keep at most ${MAX_ADMINS}.` };
      return { field, text: `"Admins:" ${message}` };
    }
    case 'handle':
      return { field, text: `"Handle:" ${message}: choose another handle, or post to that account instead.` };
    default:
      return { field, text: `"${label}:" ${message}` };
  }
}

/** A blocking finding of the A- checks, as the line to add or fix. */
export function findingHints(f: Finding, s: AccountOpeningSubmission, c: HintContext): Hint[] {
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
      return [
        {
          field: 'unit',
          text: `${tag} "Unit:" ${JSON.stringify(s.unit)} is not listed in the ${c.directory.institution} directory. ${f.suggestion ?? `Give the unit's id as the directory spells it (yours: "Unit: ${c.person.unit}").`}`,
        },
      ];
    case 'A-ADMINS':
      return [{ field: 'admins', text: `${tag} On the "Admins:" line: ${f.message}` }];
    case 'A-SMM-ADMIN': {
      const hints: Hint[] = [];
      const { smmAdmin, credentialStore } = s.attestations;
      if (smmAdmin === false) {
        hints.push({
          field: 'attestations.smmAdmin',
          text: `${tag} "SMM admin: no": ${smmWho(c.directory)} must receive admin rights on the new account, so that access is never lost. Change it to "SMM admin: yes".`,
        });
      } else if (smmAdmin !== true) {
        hints.push({ field: 'attestations.smmAdmin', text: `${tag} ${missing('attestations.smmAdmin', c)}` });
      }
      if ((credentialStore?.trim() ?? '') === '')
        hints.push({ field: 'attestations.credentialStore', text: `${tag} ${missing('attestations.credentialStore', c)}` });
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
      if (f.where === 'group')
        return [
          {
            field: 'group.visibility',
            text: `${tag} ${missing('group.visibility', c, 'A private group also needs a "Join policy: …" line.')}`,
          },
        ];
      if ((s.group?.joinPolicy ?? '') === '')
        return [{ field: 'group.joinPolicy', text: `${tag} The group is private: ${missing('group.joinPolicy', c)}` }];
      return [
        {
          field: 'group.joinPolicy',
          text: `${tag} On the "Join policy:" line: ${f.message}${f.suggestion === undefined ? '' : ` For example: "${f.suggestion}"`}`,
        },
      ];
    default:
      break;
  }
  return [{ field: undefined, text: `${tag} ${f.message}` }];
}
