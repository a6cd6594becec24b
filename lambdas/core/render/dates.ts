import { compilePattern } from '../checks/text/patterns.js';

// Dates and times as people write them in posts and press notes, for P-EMBARGO ("embargoed until 3 December 2026,
// 10:00 CET") and P-PERSONAL-DATA (dates of birth). English month names; ISO dates; day.month.year with dots.
// A slashed date is read only when it cannot be misread (03/12/2026 could be March or December): an ambiguous one
// is reported as such, never guessed.

const MONTHS: Readonly<Record<string, number>> = {
  january: 1,
  jan: 1,
  february: 2,
  feb: 2,
  march: 3,
  mar: 3,
  april: 4,
  apr: 4,
  may: 5,
  june: 6,
  jun: 6,
  july: 7,
  jul: 7,
  august: 8,
  aug: 8,
  september: 9,
  sep: 9,
  sept: 9,
  october: 10,
  oct: 10,
  november: 11,
  nov: 11,
  december: 12,
  dec: 12,
};
const MONTH =
  '(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\\.?';
const WEEKDAY = '(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\\s+(?:the\\s+)?)?';
const DAY = '(\\d{1,2})(?:st|nd|rd|th)?';

const DAY_MONTH = compilePattern('dates: day and month', `\\b${WEEKDAY}${DAY}\\s+(?:of\\s+)?${MONTH}(?:,?\\s+(\\d{4}))?(?![\\w-])`, 'iu');
const MONTH_DAY = compilePattern('dates: month and day', `\\b${WEEKDAY}${MONTH}\\s+${DAY}(?:,?\\s+(\\d{4}))?(?![\\w-])`, 'iu');
const ISO = /\b(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?(?![\w-])/u;
const NUMERIC = /(?<![\w./-])(\d{1,2})([./])(\d{1,2})\2(\d{4})(?![\w./-])/u;

/** Offsets in minutes from UTC of the zone abbreviations press notes use. */
const ZONES: Readonly<Record<string, number>> = {
  utc: 0,
  gmt: 0,
  z: 0,
  wet: 0,
  west: 60,
  bst: 60,
  cet: 60,
  cest: 120,
  met: 60,
  mest: 120,
  eet: 120,
  eest: 180,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
};
const TIME =
  /(?<![\w.:])(\d{1,2})(?:[:.h](\d{2}))?\s*(a\.?m\.?|p\.?m\.?)?(?:\s*\(?\s*(utc|gmt|west|wet|bst|cest|cet|mest|met|eest|eet|est|edt|cst|cdt|mst|mdt|pst|pdt)\s*([+-]\s*\d{1,2}(?::?\d{2})?)?\s*\)?)?(?![\w:])/giu;

export interface FoundDate {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly year?: number | undefined;
  readonly month: number;
  readonly day: number;
  /** Hours and minutes, and the zone's offset from UTC in minutes when one was written. */
  readonly time?: { readonly hour: number; readonly minute: number; readonly offsetMinutes?: number | undefined } | undefined;
  /** A slashed date both of whose first numbers could be the month. */
  readonly ambiguous?: boolean | undefined;
}

function valid(year: number | undefined, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(year ?? 2024, month, 0)).getUTCDate();
  return day <= days;
}

function offsetOf(sign: string): number {
  const m = /([+-])\s*(\d{1,2})(?::?(\d{2}))?/u.exec(sign);
  if (m === null) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? '0');
  return m[1] === '-' ? -minutes : minutes;
}

function isoOffset(zone: string | undefined): number | undefined {
  if (zone === undefined) return undefined;
  return zone === 'Z' ? 0 : offsetOf(zone);
}

/** The first date in `text` (from `from` on), in any of the written forms. */
export function findDate(text: string, from = 0): FoundDate | undefined {
  const rest = text.slice(from);
  const candidates: FoundDate[] = [];
  const iso = ISO.exec(rest);
  if (iso !== null) {
    const [whole, y, mo, d, h, mi, zone] = iso;
    const year = Number(y);
    const month = Number(mo);
    const day = Number(d);
    if (valid(year, month, day)) {
      candidates.push({
        start: from + iso.index,
        end: from + iso.index + whole.length,
        text: whole,
        year,
        month,
        day,
        ...(h !== undefined ? { time: { hour: Number(h), minute: Number(mi), offsetMinutes: isoOffset(zone) } } : {}),
      });
    }
  }
  for (const pattern of [DAY_MONTH, MONTH_DAY]) {
    const m = pattern.exec(rest);
    if (m === null) continue;
    const dayFirst = pattern === DAY_MONTH;
    const day = Number(dayFirst ? m[1] : m[2]);
    const monthWord = (dayFirst ? m[2] : m[1]) ?? '';
    // "may" in lower case is the verb ("30 may apply"); the month is written May.
    if (monthWord === 'may') continue;
    const month = MONTHS[monthWord.toLowerCase()] ?? 0;
    const year = m[3] === undefined ? undefined : Number(m[3]);
    if (valid(year, month, day)) {
      candidates.push({ start: from + m.index, end: from + m.index + m[0].length, text: m[0], year, month, day });
    }
  }
  const numeric = NUMERIC.exec(rest);
  if (numeric !== null) {
    const [whole, a, separator, b, y] = numeric;
    const first = Number(a);
    const second = Number(b);
    const year = Number(y);
    // Dots are day.month.year everywhere they are used; a slash is read only when one number exceeds 12.
    const ambiguous = separator === '/' && first <= 12 && second <= 12 && first !== second;
    const [day, month] =
      separator === '.' || first > 12 || first === second ? [first, second] : second > 12 ? [second, first] : [first, second];
    if (valid(year, month, day)) {
      candidates.push({
        start: from + numeric.index,
        end: from + numeric.index + whole.length,
        text: whole,
        year,
        month,
        day,
        ...(ambiguous ? { ambiguous } : {}),
      });
    }
  }
  candidates.sort((x, y) => x.start - y.start || y.end - x.end);
  return candidates[0];
}

/** Every date in `text`, in order, without overlaps. */
export function findDates(text: string): FoundDate[] {
  const dates: FoundDate[] = [];
  let from = 0;
  for (;;) {
    const date = findDate(text, from);
    if (date === undefined) return dates;
    dates.push(date);
    from = date.end;
  }
}

export interface FoundTime {
  readonly start: number;
  readonly end: number;
  readonly hour: number;
  readonly minute: number;
  readonly offsetMinutes?: number | undefined;
}

/** The first time of day in `text` ("10:00", "14.30 CET", "9 am", "noon"): a bare number is not a time. */
export function findTime(text: string): FoundTime | undefined {
  for (const m of text.matchAll(TIME)) {
    const [whole, h, mi, meridiem, zone, shift] = m;
    if (mi === undefined && meridiem === undefined) continue;
    let hour = Number(h);
    const minute = Number(mi ?? '0');
    if (meridiem !== undefined) {
      if (hour < 1 || hour > 12) continue;
      const pm = meridiem.toLowerCase().startsWith('p');
      hour = (hour % 12) + (pm ? 12 : 0);
    }
    if (hour > 23 || minute > 59) continue;
    const offsetMinutes = zone === undefined ? undefined : (ZONES[zone.toLowerCase()] ?? 0) + (shift === undefined ? 0 : offsetOf(shift));
    return { start: m.index, end: m.index + whole.length, hour, minute, ...(offsetMinutes !== undefined ? { offsetMinutes } : {}) };
  }
  const noon = /\b(noon|midday|midnight)\b/iu.exec(text);
  if (noon !== null)
    return { start: noon.index, end: noon.index + noon[0].length, hour: noon[1]?.toLowerCase() === 'midnight' ? 0 : 12, minute: 0 };
  return undefined;
}

/**
 * The year a date without one most likely means: the one that puts it closest to the reference time
 * (a note "embargoed until 3 December" in a post for 20 November means this year's 3 December).
 */
export function nearestYear(month: number, day: number, reference: Date): number {
  const year = reference.getUTCFullYear();
  const distance = (y: number) => Math.abs(Date.UTC(y, month - 1, day) - reference.getTime());
  return [year - 1, year, year + 1].reduce((best, y) => (distance(y) < distance(best) ? y : best), year);
}

/** The moment a date (and time) denotes, in milliseconds since the epoch; UTC when no zone is given. */
export function momentOf(
  date: Pick<FoundDate, 'month' | 'day'>,
  year: number,
  time?: Pick<FoundTime, 'hour' | 'minute' | 'offsetMinutes'>,
): number {
  const offset = time?.offsetMinutes ?? 0;
  return Date.UTC(year, date.month - 1, date.day, time?.hour ?? 0, time?.minute ?? 0) - offset * 60_000;
}
