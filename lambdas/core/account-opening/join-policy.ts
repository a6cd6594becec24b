import { wordsOf } from './answers.js';

// Reading an alumni group's join policy (GOVERNANCE.md §6 A-GROUP-PRIVACY): whether it states that no request is
// refused on the grounds ALUMNI names, and which of its sentences restrict membership on one of them.

export type Ground = 'profession' | 'nationality' | 'culture' | 'age' | 'generation' | 'gender' | 'individual preferences';

const GROUND_ORDER: readonly Ground[] = ['profession', 'nationality', 'culture', 'age', 'generation', 'gender', 'individual preferences'];

/** Words naming a ground: people ("physicists", "women") and the grounds themselves ("nationality", "age"). */
// biome-ignore format: packed word list, one line per group reads better than one word per line
const GROUND_WORDS: ReadonlyMap<string, Ground> = new Map<string, Ground>([
  ...['profession', 'professions', 'occupation', 'physicist', 'physicists', 'engineer', 'engineers', 'scientist', 'scientists', 'researcher',
    'researchers', 'technician', 'technicians', 'theorist', 'theorists', 'experimentalist', 'experimentalists', 'programmer', 'programmers',
    'developers', 'doctors', 'phds', 'postdocs', 'professors', 'academics', 'lawyers', 'teachers'].map((w) => [w, 'profession'] as const),
  ...['nationality', 'nationalities', 'nationals', 'citizen', 'citizens', 'citizenship', 'passport', 'passports', 'swiss', 'germans',
    'italians', 'british', 'americans', 'european', 'europeans', 'asians', 'africans', 'indians', 'russians', 'greeks', 'ukrainians',
    'israelis', 'iranians', 'brazilians', 'canadians', 'mexicans', 'foreigners', 'immigrants'].map((w) => [w, 'nationality'] as const),
  ...['culture', 'cultures', 'cultural', 'ethnic', 'ethnicity', 'ethnicities', 'race', 'races', 'racial', 'religion', 'religions', 'religious',
    'christians', 'muslims', 'jewish', 'jews', 'hindus', 'buddhists', 'catholics', 'protestants', 'speakers', 'speaking',
    'native'].map((w) => [w, 'culture'] as const),
  ...['age', 'ages', 'aged', 'old', 'older', 'elderly', 'retired', 'retirees', 'juniors', 'seniors', 'young', 'younger', 'youth'].map(
    (w) => [w, 'age'] as const,
  ),
  ...['generation', 'generations', 'generational', 'millennial', 'millennials', 'boomer', 'boomers', 'zoomers', 'genz'].map((w) => [w, 'generation'] as const),
  ...['gender', 'genders', 'men', 'man', 'women', 'woman', 'male', 'males', 'female', 'females', 'ladies', 'lady', 'gentlemen', 'boys',
    'girls', 'mothers', 'fathers', 'sex'].map((w) => [w, 'gender'] as const),
  ...['preference', 'preferences', 'orientation', 'gay', 'gays', 'lesbian', 'lesbians', 'heterosexual', 'heterosexuals', 'homosexual',
    'homosexuals', 'bisexual', 'lgbt', 'lgbtq', 'lgbtqia', 'queer', 'vegetarians', 'vegans', 'married', 'lifestyle'].map(
    (w) => [w, 'individual preferences'] as const,
  ),
]);

/** Two words naming a ground ("political views", "sexual orientation", "gen z"). */
// biome-ignore format: packed word list, one line per group reads better than one word per line
const GROUND_PAIRS: ReadonlyMap<string, Ground> = new Map<string, Ground>([
  ['political views', 'individual preferences'],
  ['political opinions', 'individual preferences'],
  ['political affiliation', 'individual preferences'],
  ['political party', 'individual preferences'],
  ['sexual orientation', 'individual preferences'],
  ['gen z', 'generation'],
  ['gen x', 'generation'],
  ['gen y', 'generation'],
]);

/** Ground words that name people, so that "no women", "non-Europeans" restrict by themselves. */
// biome-ignore format: packed word list, one line per group reads better than one word per line
const PEOPLE_GROUND_WORDS: ReadonlySet<string> = new Set([
  'physicists', 'engineers', 'scientists', 'researchers', 'technicians', 'theorists', 'experimentalists', 'programmers', 'developers',
  'doctors', 'phds', 'postdocs', 'professors', 'academics', 'lawyers', 'teachers', 'citizens', 'nationals', 'swiss', 'germans',
  'italians', 'british', 'americans', 'europeans', 'asians', 'africans', 'indians', 'russians', 'greeks', 'ukrainians', 'israelis',
  'iranians', 'brazilians', 'canadians', 'mexicans', 'foreigners', 'immigrants', 'christians', 'muslims', 'jews', 'hindus', 'buddhists',
  'catholics', 'protestants', 'retirees', 'juniors', 'seniors', 'millennials', 'boomers', 'zoomers', 'men', 'women', 'males', 'females',
  'ladies', 'gentlemen', 'boys', 'girls', 'mothers', 'fathers', 'gays', 'lesbians', 'heterosexuals', 'homosexuals', 'vegetarians', 'vegans',
]);

/** Words that make a sentence restrict who may join ("only", "restricted to", "must be"), unless negated ("not limited to"). */
// biome-ignore format: packed word list, one line per group reads better than one word per line
const RESTRICTIVE: ReadonlySet<string> = new Set([
  'only', 'exclusively', 'solely', 'restricted', 'restrict', 'restricts', 'limited', 'limit', 'limits', 'reserved', 'require', 'requires',
  'required', 'reject', 'rejected', 'refuse', 'refused', 'exclude', 'excluded', 'excluding', 'except', 'barring', 'ineligible', 'must',
  'banned', 'ban', 'preferably', 'preferred',
]);

const NEGATIONS: ReadonlySet<string> = new Set(['not', 'never', 'no', 'cannot', 'cant', 'wont', 'dont', 'doesnt', 'arent', 'isnt', 'nor']);

/** After a negation, words that close the group to someone ("engineers are not admitted", "women may not join"). */
const ACCESS: ReadonlySet<string> = new Set([
  'admitted',
  'accepted',
  'allowed',
  'welcome',
  'eligible',
  'permitted',
  'join',
  'apply',
  'open',
  'invited',
]);

/** Where the words that follow name grounds that are NOT used ("regardless of age", "no discrimination on gender"). */
// biome-ignore format: packed word list, one line per group reads better than one word per line
const MASK_STARTERS: ReadonlySet<string> = new Set([
  'regardless', 'irrespective', 'irrespectively', 'independently', 'independent', 'whatever', 'discrimination', 'discriminate',
  'discriminating', 'discriminated', 'nondiscrimination', 'grounds', 'diversity', 'diverse',
]);

/** "of all ages", "any nationality", "every profession": the ground words after them are inclusive. */
const INCLUSIVE: ReadonlySet<string> = new Set(['all', 'any', 'every', 'various', 'different', 'mixed']);

const CLAUSE_BREAKS: ReadonlySet<string> = new Set(['but', 'however', 'except', 'although', 'though', 'yet', 'provided', 'unless']);

/** Words after which "under 35" is an age ("members under 35", "alumni over 60"). */
// biome-ignore format: packed word list, one line per group reads better than one word per line
const PEOPLE: ReadonlySet<string> = new Set([
  'members', 'member', 'alumni', 'alumnus', 'alumna', 'alumnae', 'people', 'persons', 'person', 'applicants', 'applicant', 'those',
  'anyone', 'users', 'user', 'participants', 'candidates', 'aged', 'age', 'everyone', 'somebody', 'someone',
]);

const AGE_COMPARISONS: ReadonlySet<string> = new Set(['under', 'over', 'below', 'above', 'beyond']);

/** Words after "under 35" that make it an age ("under 35 years", "under 35 may join", "under 35 only"). */
// biome-ignore format: packed word list, one line per group reads better than one word per line
const AGE_FOLLOWERS: ReadonlySet<string> = new Set([
  'years', 'year', 'yrs', 'y', 'only', 'may', 'can', 'are', 'is', 'will', 'welcome', 'allowed', 'accepted', 'admitted', 'and', 'or', 'please',
]);

function ageOf(token: string | undefined): number | undefined {
  if (token === undefined || !/^\d{1,3}s?$/u.test(token)) return undefined;
  return Number.parseInt(token, 10);
}

// biome-ignore format: packed word list, one line per group reads better than one word per line
const NON_DISCRIMINATION: readonly string[] = [
  'regardless of', 'irrespective of', 'independently of', 'independent of', 'no discrimination', 'without discrimination',
  'non discrimination', 'nondiscrimination', 'not discriminate', 'never discriminate', 'dont discriminate', 'not be discriminated',
  'not discriminated', 'whatever their', 'open to all', 'open to every', 'open to any', 'all are welcome', 'everyone is welcome',
  'all alumni are welcome', 'not refused', 'never refused', 'not be refused', 'never be refused', 'not refuse', 'never refuse',
  'not rejected on', 'never rejected', 'not be rejected on', 'on equal terms', 'without distinction',
];

/** Whether a join policy says that membership is not refused on any of the grounds (the ALUMNI rule). */
export function statesNonDiscrimination(policy: string): boolean {
  const padded = ` ${wordsOf(policy).join(' ')} `;
  return NON_DISCRIMINATION.some((p) => padded.includes(` ${p} `));
}

export interface Restriction {
  readonly grounds: readonly Ground[];
  readonly sentence: string;
}

/** The words of a sentence that are not inside a non-discrimination clause ("regardless of age …" until "but"). */
function unmaskedWords(words: readonly string[]): string[] {
  const open: string[] = [];
  let masked = false;
  words.forEach((w, k) => {
    if (CLAUSE_BREAKS.has(w)) masked = false;
    else if (MASK_STARTERS.has(w) || (INCLUSIVE.has(w) && (GROUND_WORDS.has(words[k + 1] ?? '') || words[k + 1] === 'kinds')))
      masked = true;
    if (!masked) open.push(w);
  });
  return open;
}

/** The sentences of a join policy that restrict membership on a ground, and which grounds. Linear in the policy. */
export function restrictions(policy: string): Restriction[] {
  const found: Restriction[] = [];
  for (const sentence of policy.split(/[.;:!?\n]+/u)) {
    const words = unmaskedWords(wordsOf(sentence));
    const negated = (k: number): boolean => NEGATIONS.has(words[k - 1] ?? '') || NEGATIONS.has(words[k - 2] ?? '');
    const restrictive = words.some(
      (w, k) =>
        (RESTRICTIVE.has(w) && !negated(k)) || (NEGATIONS.has(w) && (ACCESS.has(words[k + 1] ?? '') || ACCESS.has(words[k + 2] ?? ''))),
    );
    const grounds = new Set<Ground>();
    words.forEach((w, k) => {
      const prev = words[k - 1];
      const next = words[k + 1];
      const ground = GROUND_PAIRS.get(`${w} ${next ?? ''}`) ?? GROUND_WORDS.get(w);
      if (ground !== undefined && (restrictive || (PEOPLE_GROUND_WORDS.has(w) && (prev === 'no' || prev === 'non')))) {
        // "French speakers" is a language (culture), not a nationality.
        grounds.add(ground === 'nationality' && (next === 'speakers' || next === 'speaking') ? 'culture' : ground);
      }
      const after = words[k + 2];
      const isAgeCut =
        (AGE_COMPARISONS.has(w) &&
          (ageOf(next) ?? 999) < 120 &&
          !PEOPLE.has(after ?? '') &&
          (PEOPLE.has(prev ?? '') || PEOPLE_GROUND_WORDS.has(prev ?? '') || after === undefined || AGE_FOLLOWERS.has(after))) ||
        ((w === 'younger' || w === 'older') && next === 'than') ||
        (ageOf(w) !== undefined && (next === 'years' || next === 'year') && after === 'old') ||
        (ageOf(w) !== undefined && (next === 'and' || next === 'or') && AGE_COMPARISONS.has(after ?? '')) ||
        (ageOf(w) !== undefined && (next === 'and' || next === 'or') && (after === 'older' || after === 'younger'));
      if (isAgeCut) grounds.add('age');
    });
    if (grounds.size > 0) found.push({ grounds: GROUND_ORDER.filter((g) => grounds.has(g)), sentence: sentence.trim() });
  }
  return found;
}
