import { DataSet, RegExpMatcher, englishDataset, englishRecommendedTransformers, pattern } from 'obscenity';

// P-OFFENSIVE support: obscenities, slurs and insults, found by `obscenity` (its English data set and its
// recommended transformers, which see through l33t spelling, repeated letters and inserted symbols).
//
// Adjusted for institutional and scientific posts. Removed: words that are clinical, legal or scientific
// vocabulary before they are insults (sex, anus, vagina, penis, semen, orgasm, ejaculate, masturbate, incest, rape,
// bestiality, scat, hooker — "scat samples" in ecology, the Hooker telescope, "sex differences" in biology, a university's sexual-violence
// support). Whitelisted: established terms that contain a listed word (summa cum laude, shiitake, flame retardant,
// retarded potential, great tit, Wankel engine, Penistone, Moby Dick). Added: common personal insults, which the
// policies name ("personal insults", LEIDEN) and the data set lacks.

const CLINICAL_OR_SCIENTIFIC = new Set([
  'sex',
  'anal',
  'anus',
  'vagina',
  'penis',
  'semen',
  'orgasm',
  'ejaculate',
  'masturbate',
  'incest',
  'rape',
  'bestiality',
  'scat',
  'hooker',
]);

// biome-ignore format: packed word list, one line per group reads better than one word per line
const WHITELIST = [
  'cum laude', 'magna cum laude', 'summa cum laude', 'cumming', 'cummings', 'shiitake', 'retardant', 'retardants', 'retardation',
  'retarded potential', 'retarded potentials', 'retarded time', 'retarded green', 'great tit', 'blue tit', 'coal tit', 'marsh tit',
  'willow tit', 'crested tit', 'long-tailed tit', 'titmouse', 'wankel', 'penistone', 'moby dick', 'philip k. dick', 'dick fosbury',
  'rio negro', 'fagus', 'fagaceae', 'cockroach', 'hancock', 'babcock', 'shitake', 'pussy willow', 'spastic paraplegia',
];

interface Metadata {
  readonly originalWord: string;
}

const dataset = new DataSet<Metadata>()
  .addAll(englishDataset)
  .removePhrasesIf((phrase) => CLINICAL_OR_SCIENTIFIC.has(phrase.metadata?.originalWord ?? ''))
  .addPhrase((phrase) => phrase.setMetadata({ originalWord: 'idiot' }).addPattern(pattern`|idiot`))
  .addPhrase((phrase) => phrase.setMetadata({ originalWord: 'moron' }).addPattern(pattern`|moron`))
  .addPhrase((phrase) => phrase.setMetadata({ originalWord: 'imbecile' }).addPattern(pattern`|imbecile`))
  .addPhrase((phrase) => phrase.setMetadata({ originalWord: 'cretin' }).addPattern(pattern`|cretin`));

const built = dataset.build();
const matcher = new RegExpMatcher({
  ...built,
  whitelistedTerms: [...(built.whitelistedTerms ?? []), ...WHITELIST],
  ...englishRecommendedTransformers,
});

export interface OffensiveMatch {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** The listed word the match stands for ("fuck" for "f*ck"). */
  readonly word: string;
}

/** Offensive words in `text`, in order of position. */
export function findOffensive(text: string): OffensiveMatch[] {
  // Several patterns of one phrase can match the same word ("sh1t"): keep one match per position.
  const seen = new Set<string>();
  const matches = matcher.getAllMatches(text, true).filter((m) => {
    const key = `${m.startIndex}:${m.endIndex}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return matches.map((match) => {
    const { phraseMetadata } = dataset.getPayloadWithPhraseMetadata(match);
    // obscenity reports inclusive end indices.
    const end = match.endIndex + 1;
    return {
      start: match.startIndex,
      end,
      text: text.slice(match.startIndex, end),
      word: phraseMetadata?.originalWord ?? text.slice(match.startIndex, end),
    };
  });
}
