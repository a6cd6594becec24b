import type { Finding } from '../../model.js';
import { findDate, findTime, momentOf, nearestYear } from '../../render/dates.js';
import { CONFIDENTIAL_PICTURES, CONFIDENTIALITY_MARKERS, CREDENTIALS, EMBARGO_NOTES, findCues } from '../text/lexicon.js';
import { findPersonalData } from '../text/personal-data.js';
import { quote } from '../findings.js';
import { atMedia, atText, mediaLabel, type Check } from './check-context.js';
import { CONFIDENTIAL_DECLARATIONS, DECLARATION_NAMES } from './media.js';

// What must not be made public (GOVERNANCE.md §5): P-CONFIDENTIAL — marked, secret or internal material —,
// P-EMBARGO — news before its release date — and P-PERSONAL-DATA — people's contact and identity details.

function formatMoment(ms: number): string {
  return new Date(ms).toISOString().replace(/:00\.000Z$/u, 'Z');
}

// ——— P-CONFIDENTIAL (block) ———
// Confidentiality markers, credentials, and media declared (or described) as internal documents, contracts,
// budgets or access cards. CERN §1: "don't post a picture of your CERN access card or of internal documents such as
// contracts or project budgets"; EC §2b "Internal documents … can never be shared or referred to on social media";
// EC §4c's sample picture "PC password 12345"; LEIDEN "Respect confidentiality".
export const checkConfidential: Check = (ctx, level) => {
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
export const checkEmbargo: Check = (ctx, level) => {
  const note = findCues(ctx.prose, EMBARGO_NOTES)[0];
  if (note === undefined) return [];
  const base: Pick<Finding, 'rule' | 'span' | 'where'> = { rule: 'P-EMBARGO', ...atText(ctx, note) };
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
    time === undefined
      ? ' (no time is given, so it counts from 00:00 UTC that day)'
      : time.offsetMinutes === undefined
        ? ' (no time zone is given, so it is read as UTC)'
        : '';
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

// ——— P-PERSONAL-DATA (warn) ———
// E-mail addresses, phone numbers, dates of birth, identity numbers (personal-data.ts). CERN §1 "don't post
// personal identifiable information"; LEIDEN "Don't circulate personal information"; EC §4a.
export const checkPersonalData: Check = (ctx, level) => {
  const referenceYear = ctx.publishAt?.getUTCFullYear();
  const advice: Record<string, string> = {
    email: "Remove it, or use a functional address (press@, info@) instead of a person's.",
    phone: "Remove it, or give the switchboard or a functional number instead, with the person's permission.",
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
      message:
        `The description of ${mediaLabel(item, i)} contains ${m.label} (${quote(m.text)}); if the image shows it, crop or blur it. ${advice[m.kind] ?? ''}`.trim(),
    });
  });
  return findings;
};
