import { flesch } from 'flesch';
import { syllable } from 'syllable';

// P-JARGON support: the Flesch reading ease of a post (`flesch`, with syllables counted by `syllable`; both
// maintained by the unified collective). 90–100 reads easily at eleven; 60–70 at fifteen; under 30 is best
// understood by university graduates. Links, mentions, hashtags and numbers are left out: they are not prose.

export interface Readability {
  /** Flesch reading ease; higher is easier. */
  readonly score: number;
  readonly words: number;
  readonly sentences: number;
  /** The longest words of three syllables or more, longest first, without repeats (at most five). */
  readonly hardWords: readonly string[];
}

// Every alternative is linear in the text: an address is only tried from the start of a token (a pattern free to
// start anywhere inside one long token rescans it from each position — quadratic).
const NOT_PROSE = /\b(?:https?:\/\/|www\.)\S+|[@#][\p{L}\p{N}_.@-]+|(?<!\S)[^\s@]+@[^\s@]+\.\S+/gu;
const WORD = /\p{L}+(?:['’-]\p{L}+)*/gu;
/** Longer than any dictionary word: counted by its vowel groups, since `syllable` is quadratic in a word's length. */
const LONGEST_WORD = 45;
const VOWEL_GROUP = /[aeiouyàáâäæèéêëìíîïòóôöøœùúûüÿ]+/giu;

function syllablesOf(word: string): number {
  if (word.length <= LONGEST_WORD) return syllable(word);
  return Math.max(1, word.match(VOWEL_GROUP)?.length ?? 0);
}

/** The words of prose in `text`, counted as `readability` counts them. */
export function wordCount(text: string): number {
  return text.replace(NOT_PROSE, ' ').match(WORD)?.length ?? 0;
}

export function readability(text: string): Readability {
  const prose = text.replace(NOT_PROSE, ' ');
  // A sentence ends at . ! ? … or a line break (list items and headings are sentences of their own).
  const sentences = prose
    // From the start of a run of end marks only: "!!!!…x" tried from each mark would be quadratic.
    .split(/(?<![.!?…])[.!?…]+(?=\s|$)|\n+/u)
    .filter((s) => /\p{L}/u.test(s));
  const words = prose.match(WORD) ?? [];
  let syllables = 0;
  const hard = new Map<string, number>();
  for (const word of words) {
    const count = syllablesOf(word);
    syllables += count;
    if (count >= 3) hard.set(word.toLowerCase(), count);
  }
  const score = flesch({ sentence: Math.max(1, sentences.length), word: words.length, syllable: syllables });
  const hardWords = [...hard.entries()]
    .sort((a, b) => b[1] - a[1] || b[0].length - a[0].length)
    .slice(0, 5)
    .map(([w]) => w);
  return { score: Number.isNaN(score) ? 100 : score, words: words.length, sentences: Math.max(1, sentences.length), hardWords };
}
