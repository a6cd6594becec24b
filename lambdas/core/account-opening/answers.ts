// Reading the questionnaire's answers: an answer's words, and whether it commits to nothing (A-END-OF-LIFE) or names
// nobody (A-CAPACITY). Word lists, not language models: linear in the answer, and the same answer always reads the same.

/**
 * An answer's words: lower case, apostrophes dropped ("don't" → dont), "n/a" → na, "no one" → noone; split at
 * everything that is not a letter or a digit. One pass of linear replacements.
 */
export function wordsOf(answer: string): string[] {
  return answer
    .toLowerCase()
    .replace(/['’‘`]/gu, '')
    .replace(/\bn\s?\/\s?a\b/gu, 'na')
    .replace(/\bno[\s-]one\b/gu, 'noone')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
}

export function hasContent(answer: string): boolean {
  return /[\p{L}\p{N}]/u.test(answer);
}

/** Whether every word of the answer, fillers left out, is one of `core` (and there is no other word). */
function saysOnly(answer: string, core: ReadonlySet<string>, fillers: ReadonlySet<string>): boolean {
  if (!hasContent(answer)) return true;
  return wordsOf(answer).every((w) => core.has(w) || fillers.has(w));
}

const FILLERS: ReadonlySet<string> = new Set([
  'a',
  'an',
  'the',
  'we',
  'i',
  'it',
  'is',
  'are',
  'will',
  'would',
  'shall',
  'to',
  'be',
  'been',
  'so',
  'far',
  'for',
  'now',
  'at',
  'this',
  'that',
  'moment',
  'stage',
  'point',
  'time',
  'currently',
  'still',
  'really',
  'honestly',
  'as',
  'of',
  'about',
  'exactly',
  'precisely',
  'yet',
  'there',
  'have',
  'has',
  'on',
  'in',
  'am',
  'ill',
  'well',
  'wed',
  'our',
  'my',
  'just',
]);

/** A non-committal answer to "what happens when the project ends?" (A-END-OF-LIFE). */
// biome-ignore format: packed word list, one line per group reads better than one word per line
const NON_COMMITTAL: ReadonlySet<string> = new Set([
  'tbd', 'tba', 'tbc', 'na', 'dont', 'do', 'does', 'not', 'know', 'known', 'sure', 'unsure', 'later', 'decide', 'decided', 'determined',
  'confirmed', 'defined', 'discussed', 'clarified', 'undecided', 'unknown', 'idea', 'no', 'plan', 'plans', 'planned', 'nothing', 'none',
  'see', 'maybe', 'perhaps', 'depends', 'applicable', 'clear', 'unclear', 'foreseen', 'thought', 'think', 'considered', 'open', 'question',
  'pending', 'undefined', 'dunno', 'idk', 'nope', 'eventually', 'someday', 'sometime', 'discuss', 'discussion', 'under',
]);

/** Words of an answer on human resources that name nobody (A-CAPACITY). */
// biome-ignore format: packed word list, one line per group reads better than one word per line
const NOBODY: ReadonlySet<string> = new Set([
  'nobody', 'noone', 'none', 'no', 'zero', '0', 'tbd', 'tba', 'tbc', 'na', 'not', 'nothing', 'unknown', 'unclear', 'undecided',
  'decided', 'determined', 'confirmed', 'defined', 'identified', 'known', 'nil',
]);

// biome-ignore format: packed word list, one line per group reads better than one word per line
const CAPACITY_FILLERS: ReadonlySet<string> = new Set([
  ...FILLERS, 'people', 'person', 'persons', 'staff', 'fte', 'ftes', 'member', 'members', 'dedicated', 'allocated', 'assigned', 'resources',
  'human', 'any', 'one', 'yet', 'hours', 'hour', 'time', 'budget', 'specific', 'particular', 'someone', 'somebody', 'allocation',
]);

export function isNonCommittal(answer: string): boolean {
  return saysOnly(answer, NON_COMMITTAL, FILLERS);
}

export function namesNobody(answer: string): boolean {
  return hasContent(answer) && saysOnly(answer, NOBODY, CAPACITY_FILLERS) && wordsOf(answer).some((w) => NOBODY.has(w));
}
