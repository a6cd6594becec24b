import { findDate } from '../../render/dates.js';

// P-PERSONAL-DATA detectors: e-mail addresses, phone numbers, dates of birth and identity numbers in a post.
// Each pattern is narrow on purpose: institutional posts are full of numbers — dates of events, years, DOIs,
// ISBNs, arXiv ids, prices, counts — and a warning on every one of them would teach approvers to ignore the rule.
// Where a format carries a check digit (IBAN, payment cards) the check digit is verified.

export type PersonalDataKind = 'email' | 'phone' | 'date-of-birth' | 'id-number';

export interface PersonalDataMatch {
  readonly kind: PersonalDataKind;
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** What it is, for the message: "an e-mail address", "an IBAN", … */
  readonly label: string;
}

export interface PersonalDataOptions {
  /** Year of the publish time: a date of birth more than a century before it is history, not personal data. */
  readonly referenceYear?: number | undefined;
}

// Functional mailboxes (press@, info@, jobs-physics@…) identify an office, not a person.
const ROLE_MAILBOX =
  /^(?:info|contact|contacts|press|media|news|newsroom|comms?|communications?|social|socialmedia|jobs?|careers?|recruit(?:ment|ing)?|hr|admissions?|office|secretariat|events?|webmaster|web|support|help|helpdesk|service-?desk|newsletter|alumni|outreach|visits?|visitors?|reception|library|no-?reply|enquir(?:y|ies)|inquir(?:y|ies)|feedback|ethics|privacy|dpo|data-?protection|security|registration|register|conference|workshops?|school|students?|international|membership|editors?|editorial|orders?|sales|bookings?|tickets?|admin|team|hello|general|facilities|it|ict|education|teachers?|training|postmaster|abuse)(?:[._+-][a-z0-9]+)*$/iu;

// An address starts where a run of its characters starts: the look-behind holds every character of the local part
// (with `%`), or a run like "0%0%0%…" would be rescanned from each of its letters — quadratic.
const EMAIL = /(?<![\w.%@+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}\b/gu;

// Phone numbers: an international prefix (+41, 0041), a US layout, or a number right after "tel", "phone", "call".
// Between the label and the number, each run of spaces has one place to go: `\s*(?:no\s*)?(?::\s*)?` rather than
// `\s*(?:no)?\s*:?\s*`, whose three `\s*` share a run between them in every way — cubic in its length ("call" and
// 2,000 spaces took 4.5 s; the intake's 20,000 characters, most of an hour).
const INTERNATIONAL_PHONE = /(?<![\w+./-])(?:\+|00)[1-9][\d ()./-]{6,22}\d(?![\w/]|[.,-]\d)/gu;
const US_PHONE = /(?<![\w./-])(?:\(\d{3}\)\s?|\d{3}[-.])\d{3}[-.]\d{4}(?![\w./-]|[.,]\d)/gu;
const LABELLED_PHONE =
  /\b(?:tel(?:ephone)?|phone|ph|mobile|mob|cell|fax|whats[Aa]pp|call(?:\s+us)?(?:\s+(?:at|on))?|text(?:\s+us)?(?:\s+(?:at|on))?)\.?\s*(?:(?:no\.?|number)\s*)?(?::\s*)?(\(?\+?\d[\d ()./-]{5,18}\d)(?![\w/]|[.,]\d)/giu;

// Dates of birth: a date with day and month right after "born", "date of birth", "DOB", "birthday:".
const BIRTH = /\b(?:born(?:\s+on)?|date\s+of\s+birth|birth\s*date|birthday\s*:)\s*[:,-]?\s*|\bD\.?O\.?B\.?\s*[:,-]?\s*/giu;

/** Characters read for the date after a birth label: the longest written date, with room to spare. */
const DATE_AFTER_LABEL = 200;

// Identity numbers with a recognisable layout.
const IBAN = /\b([A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?)\b/gu;
const CARD = /(?<![\w.-])(?:\d{4}[ -]?){3}\d{1,7}(?![\w.-])/gu;
const US_SSN = /(?<![\w.-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w.-])/gu;
const SWISS_AHV = /(?<![\w.])756\.\d{4}\.\d{4}\.\d{2}(?![\w.])/gu;
const UK_NINO = /\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/gu;
const LABELLED_ID =
  /\b(?:passport|id\s+card|identity\s+card|national\s+id|employee|staff|personnel|badge|student|matriculation|social\s+security|national\s+insurance|tax|licen[cs]e|ssn|AHV|AVS)\s*(?:no\.|nr\.|num\.|#|(?:no|nr|num|number|id)\b)\s*:?\s*(?=[A-Z0-9-]*\d{3})[A-Z0-9][A-Z0-9-]{4,17}\b/giu;

// What a number may be instead: the word in front of it says so. (Read on the 30 characters before a number only;
// each run of spaces has one place to go all the same.)
const NOT_PERSONAL_PREFIX =
  /\b(?:doi|isbn|issn|arxiv|pmid|pmcid|orcid|ror|grant|project|contract|ref|reference|report|order|invoice|tender|case|ticket|version|v|room|building|bldg|route|flight|item|article|no|nr)\.?\s*(?:(?:no\.?|number|#)\s*)?(?::\s*)?$/iu;
const ORCID = /^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$/u;

function digits(text: string): string {
  return text.replace(/\D/gu, '');
}

function luhn(number: string): boolean {
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let d = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function ibanValid(iban: string): boolean {
  const compact = iban.replace(/ /gu, '');
  if (compact.length < 15 || compact.length > 34) return false;
  const rearranged = `${compact.slice(4)}${compact.slice(0, 4)}`;
  let remainder = 0;
  for (const c of rearranged) {
    const value = /\d/u.test(c) ? c : String(c.charCodeAt(0) - 55);
    for (const d of value) remainder = (remainder * 10 + Number(d)) % 97;
  }
  return remainder === 1;
}

function prefixSaysNotPersonal(text: string, start: number): boolean {
  return NOT_PERSONAL_PREFIX.test(text.slice(Math.max(0, start - 30), start));
}

/** Blanks every URL (keeping offsets), so that a path or query string is never read as a number or an address. */
export function withoutLinks(text: string): string {
  return text.replace(/\b(?:https?:\/\/|www\.)[^\s<>"]+/giu, (url) => ' '.repeat(url.length));
}

/** Personal data in `text`, in order of position, without overlaps. */
export function findPersonalData(text: string, options: PersonalDataOptions = {}): PersonalDataMatch[] {
  const plain = withoutLinks(text);
  const found: PersonalDataMatch[] = [];
  const add = (kind: PersonalDataKind, start: number, value: string, label: string): void => {
    found.push({ kind, start, end: start + value.length, text: value, label });
  };

  for (const m of plain.matchAll(EMAIL)) {
    const local = m[0].slice(0, m[0].indexOf('@'));
    if (!ROLE_MAILBOX.test(local)) add('email', m.index, m[0], 'an e-mail address');
  }

  for (const pattern of [INTERNATIONAL_PHONE, US_PHONE]) {
    for (const m of plain.matchAll(pattern)) {
      const value = m[0].trim();
      const n = digits(value).length;
      if (n < 8 || n > 15 || ORCID.test(value) || prefixSaysNotPersonal(plain, m.index)) continue;
      add('phone', m.index, value, 'a phone number');
    }
  }
  for (const m of plain.matchAll(LABELLED_PHONE)) {
    const value = m[1] ?? '';
    const n = digits(value).length;
    const start = m.index + m[0].length - value.length;
    if (n < 7 || n > 15 || ORCID.test(value)) continue;
    add('phone', start, value, 'a phone number');
  }

  for (const m of plain.matchAll(BIRTH)) {
    const after = m.index + m[0].length;
    // The date must start right after the label, so only the next few words are read: reading the whole rest of
    // the text after each label ("DOB DOB DOB …") would be quadratic.
    const date = findDate(plain.slice(0, after + DATE_AFTER_LABEL), after);
    if (date === undefined || date.start !== after) continue;
    // A birth date of a historical figure ("Marie Curie, born 7 November 1867") is not personal data.
    if (date.year !== undefined && (date.year < 1900 || (options.referenceYear !== undefined && date.year < options.referenceYear - 100)))
      continue;
    add('date-of-birth', m.index, plain.slice(m.index, date.end), 'a date of birth');
  }

  for (const m of plain.matchAll(IBAN)) {
    if (ibanValid(m[0])) add('id-number', m.index, m[0], 'a bank account number (IBAN)');
  }
  for (const m of plain.matchAll(CARD)) {
    const n = digits(m[0]);
    if (n.length >= 13 && n.length <= 19 && /^[3-6]/u.test(n) && luhn(n) && !prefixSaysNotPersonal(plain, m.index)) {
      add('id-number', m.index, m[0], 'a payment card number');
    }
  }
  for (const m of plain.matchAll(US_SSN))
    if (!prefixSaysNotPersonal(plain, m.index)) add('id-number', m.index, m[0], 'a social security number');
  for (const m of plain.matchAll(SWISS_AHV)) add('id-number', m.index, m[0], 'a Swiss social security (AHV) number');
  for (const m of plain.matchAll(UK_NINO)) add('id-number', m.index, m[0], 'a UK National Insurance number');
  for (const m of plain.matchAll(LABELLED_ID)) {
    add('id-number', m.index, m[0].trimEnd(), `${/passport/iu.test(m[0]) ? 'a passport' : 'an identity'} number`);
  }

  // Keep the first of overlapping matches (an e-mail before a phone number inside it, …).
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: PersonalDataMatch[] = [];
  for (const match of found) {
    const last = kept[kept.length - 1];
    if (last !== undefined && match.start < last.end) continue;
    kept.push(match);
  }
  return kept;
}
