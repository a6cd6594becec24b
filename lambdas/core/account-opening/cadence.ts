// The posting frequency an answer plans (GOVERNANCE.md §6 A-CADENCE): "How regularly do you plan to communicate?"
// read as posts per week.

const COUNT_WORDS: Readonly<Record<string, number>> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  once: 1,
  twice: 2,
  thrice: 3,
  single: 1,
  couple: 2,
  few: 2,
  several: 3,
  multiple: 2,
  many: 4,
};

/** Every N units: "every other week", "every second month". */
const ORDINALS: Readonly<Record<string, number>> = { other: 2, second: 2, third: 3, fourth: 4, couple: 2, few: 2 };

const WEEK_FRACTIONS: Readonly<Record<string, number>> = {
  day: 7,
  days: 7,
  weekday: 5,
  weekdays: 5,
  workday: 5,
  workdays: 5,
  week: 1,
  weeks: 1,
  fortnight: 0.5,
  fortnights: 0.5,
  month: 12 / 52,
  months: 12 / 52,
  quarter: 4 / 52,
  quarters: 4 / 52,
  year: 1 / 52,
  years: 1 / 52,
};

/** Adverbs that are a rate on their own ("weekly"), or a period after a count ("3 posts weekly"). */
const RATE_WORDS: Readonly<Record<string, number>> = {
  daily: 7,
  weekdays: 5,
  weekly: 1,
  biweekly: 0.5,
  fortnightly: 0.5,
  semimonthly: 24 / 52,
  bimonthly: 6 / 52,
  monthly: 12 / 52,
  quarterly: 4 / 52,
  yearly: 1 / 52,
  annually: 1 / 52,
  weekend: 1,
  weekends: 1,
  mondays: 1,
  tuesdays: 1,
  wednesdays: 1,
  thursdays: 1,
  fridays: 1,
  saturdays: 1,
  sundays: 1,
};

const DAY_NAMES: ReadonlySet<string> = new Set(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']);

/** Words between a count and its period: "3 (new) posts (or stories) a week", "1 to 2 times per month". */
// biome-ignore format: packed word list, one line per group reads better than one word per line
const BETWEEN: ReadonlySet<string> = new Set([
  'times', 'time', 'x', 'posts', 'post', 'tweets', 'tweet', 'updates', 'update', 'stories', 'story', 'videos', 'video', 'reels', 'reel',
  'items', 'item', 'messages', 'message', 'articles', 'article', 'new', 'or', 'to', 'of', 'and', 'more', 'pieces', 'content', 'publications',
  'short', 'longer', 'threads', 'thread', 'photos', 'pictures',
]);

const CONNECTORS: ReadonlySet<string> = new Set(['a', 'an', 'per', 'each', 'every', 'in', 'the']);

// biome-ignore format: packed word list, one line per group reads better than one word per line
const OCCASIONAL: ReadonlySet<string> = new Set([
  'occasionally', 'occasional', 'rarely', 'seldom', 'sporadically', 'sporadic', 'irregularly', 'irregular', 'whenever', 'adhoc',
  'infrequently', 'infrequent', 'sometimes',
]);

const OCCASIONAL_PHRASES: readonly string[] = [
  'from time to time',
  'now and then',
  'now and again',
  'once in a while',
  'ad hoc',
  'as needed',
  'as and when',
  'as required',
  'on demand',
];

/** After "when"/"if": "when there is news", "if needed", "when something happens". */
const OCCASION_OBJECTS: ReadonlySet<string> = new Set([
  'news',
  'needed',
  'necessary',
  'relevant',
  'something',
  'required',
  'appropriate',
  'happens',
  'events',
  'possible',
]);

function numberOf(token: string | undefined): number | undefined {
  if (token === undefined) return undefined;
  if (/^\d+(?:\.\d+)?$/u.test(token)) return Number(token);
  return COUNT_WORDS[token];
}

/** The period at tokens[j] in posts per week ("week" → 1, "working day" → 5), and how many tokens it takes. */
function periodAt(tokens: readonly string[], j: number): { readonly perWeek: number; readonly length: number } | undefined {
  const t = tokens[j];
  if (t === undefined) return undefined;
  if ((t === 'working' || t === 'work' || t === 'business' || t === 'school') && (tokens[j + 1] === 'day' || tokens[j + 1] === 'days'))
    return { perWeek: 5, length: 2 };
  const fraction = WEEK_FRACTIONS[t] ?? RATE_WORDS[t];
  if (fraction !== undefined) return { perWeek: fraction, length: 1 };
  if (DAY_NAMES.has(t)) return { perWeek: 1, length: 1 };
  return undefined;
}

/** Tokens for the frequency parser: lower case, "3x" → 3 x, "3/week" → 3 per week, "bi-weekly" → biweekly. */
function frequencyTokens(answer: string): string[] {
  const tokens: string[] = [];
  const raw = answer
    .toLowerCase()
    .replace(/['’]/gu, '')
    .replace(/\b(bi|semi)[\s-]+(weekly|monthly)\b/gu, '$1$2')
    .replace(/\//gu, ' per ')
    .split(/[^a-z0-9.]+/u);
  for (const part of raw) {
    let start = 0;
    let end = part.length;
    while (part[start] === '.') start += 1;
    while (end > start && part[end - 1] === '.') end -= 1;
    const token = part.slice(start, end);
    if (token === '') continue;
    const split = /^(\d+(?:\.\d+)?)([a-z]+)$/u.exec(token);
    if (split?.[1] !== undefined && split[2] !== undefined) {
      tokens.push(split[1]);
      if (split[2] !== 's') tokens.push(split[2]);
    } else {
      tokens.push(token);
    }
  }
  return tokens;
}

/** Words that say an answer's rates are alternatives or phases ("daily during the run, monthly otherwise"). */
// biome-ignore format: packed word list, one line per group reads better than one word per line
const PHASES: ReadonlySet<string> = new Set([
  'during', 'otherwise', 'then', 'after', 'afterwards', 'outside', 'until', 'before', 'except', 'between', 'or', 'mostly', 'usually',
  'normally', 'sometimes', 'later', 'initially', 'first', 'start', 'starting', 'peak', 'busy', 'quiet', 'when', 'while',
]);

/**
 * The posting rate an answer to "How regularly do you plan to communicate?" plans, in posts per week: "daily" 7,
 * "weekdays" 5, "3 times a week" 3, "twice a month" ≈0.46, "every other week" 0.5, "quarterly" ≈0.08; "occasionally",
 * "when there is news" 0 (no regular posting). A range ("1–2 a month", "once or twice a week") counts by its lower
 * end. Several rates add up ("Mondays and Thursdays", "weekly, plus a monthly summary") unless the answer gives them as
 * alternatives or phases ("daily during the run, monthly otherwise": the lowest counts). `undefined` when no rate is
 * found. One pass over the answer's words.
 */
export function postsPerWeek(answer: string): number | undefined {
  const tokens = frequencyTokens(answer);
  const rates: number[] = [];
  const free: string[] = [];
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i] ?? '';
    const count = numberOf(token);
    // A year ("from 2027, monthly") is not a count.
    if (count !== undefined && !(count >= 1900 && count <= 2100)) {
      let j = i + 1;
      while (j < tokens.length && j <= i + 5 && (BETWEEN.has(tokens[j] ?? '') || numberOf(tokens[j]) !== undefined)) j += 1;
      let connectors = 0;
      while (connectors < 2 && CONNECTORS.has(tokens[j] ?? '')) {
        j += 1;
        connectors += 1;
      }
      const every = numberOf(tokens[j]) ?? ORDINALS[tokens[j] ?? ''];
      const period = periodAt(tokens, every === undefined ? j : j + 1);
      if (period !== undefined) {
        rates.push((count * period.perWeek) / (every ?? 1));
        i = j + (every === undefined ? 0 : 1) + period.length;
        continue;
      }
    }
    if (token === 'every' || token === 'each') {
      const every = numberOf(tokens[i + 1]) ?? ORDINALS[tokens[i + 1] ?? ''];
      const period = periodAt(tokens, every === undefined ? i + 1 : i + 2);
      if (period !== undefined) {
        rates.push(period.perWeek / (every ?? 1));
        i += 1 + (every === undefined ? 0 : 1) + period.length;
        continue;
      }
    }
    const rate = RATE_WORDS[token];
    if (rate !== undefined) rates.push(rate);
    else free.push(token);
    i += 1;
  }
  if (rates.length > 0) return free.some((t) => PHASES.has(t)) ? Math.min(...rates) : rates.reduce((a, b) => a + b, 0);
  const padded = ` ${tokens.join(' ')} `;
  const occasional =
    tokens.some((t) => OCCASIONAL.has(t)) ||
    OCCASIONAL_PHRASES.some((p) => padded.includes(` ${p} `)) ||
    tokens.some((t, k) => (t === 'when' || t === 'if') && tokens.slice(k + 1, k + 5).some((u) => OCCASION_OBJECTS.has(u)));
  return occasional ? 0 : undefined;
}

export function describeRate(rate: number): string {
  if (rate === 0) return 'no regular posting';
  const round = (n: number): string => String(Math.round(n * 10) / 10);
  if (rate >= 1) return `about ${round(rate)} posts a week`;
  return `about one post every ${round(1 / rate)} weeks`;
}
