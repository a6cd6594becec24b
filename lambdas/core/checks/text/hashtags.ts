import { HASHTAG_WORDS } from './hashtag-words.js';

// P-HASHTAG-CASE support: finds hashtags made of several words that are not written in CamelCase, and suggests
// the CamelCase spelling (CERN: "first letter uppercase on every word of a hashtag" — screen readers read
// #OpenDays as two words and #opendays as one unknown one).
//
// A hashtag is split into words by the most probable segmentation under a Zipf model of English word frequencies
// (the approach of wordninja): a word of frequency rank r costs log((r + 1) · log N). The segmenter only reports a
// hashtag when every part is a known word and the whole is not one, so an unknown name or term (#LHCb, #Zenodo,
// #astrobiology) is left alone rather than split into fragments.

/**
 * Words of institutional and scientific posting that the general frequency list ranks too low (or lacks), so that
 * #outreach or #hackathon stay one word. Each counts as if it were a common word.
 */
// biome-ignore format: packed word list, one line per group reads better than one word per line
const DOMAIN_WORDS = [
  'outreach', 'hackathon', 'webinar', 'webinars', 'livestream', 'livestreams', 'internship', 'internships', 'postdoc', 'postdocs',
  'colloquium', 'symposium', 'masterclass', 'masterclasses', 'teamwork', 'keynote', 'wellbeing', 'throwback', 'commencement',
  'superconductivity', 'superconducting', 'superconductor', 'superconductors', 'supercomputer', 'supercomputing', 'nanoscience',
  'astrobiology', 'astroparticle', 'astrophysicist', 'astrophysicists', 'cosmic', 'neutrino', 'neutrinos', 'antimatter', 'spacetime',
  'exoplanet', 'exoplanets', 'biodiversity', 'microbiome', 'nanotechnology', 'microbiology', 'neuroscience', 'bioinformatics',
  'datasets', 'dataset', 'metadata', 'cybersecurity', 'startup', 'startups', 'spinoff', 'spinoffs', 'alumni', 'alumnus',
  'alumna', 'fellowship', 'fellowships', 'scholarship', 'scholarships', 'newsletter', 'podcast', 'podcasts', 'selfie', 'infographic',
  'homecoming', 'graduation', 'lifelong', 'sustainability', 'healthcare', 'biomedical', 'milestone', 'milestones',
  'deadline', 'deadlines', 'timeline', 'workshop', 'workshops', 'breakthrough', 'breakthroughs', 'supernova', 'supernovae', 'cosmology',
  'photonics', 'particle', 'particles', 'collider', 'colliders', 'detector', 'detectors', 'accelerator', 'accelerators', 'telescope',
  'telescopes', 'spacecraft', 'rover', 'rovers', 'physics', 'physicist', 'physicists', 'quantum', 'climate', 'robotics', 'genomics',
];

/** Acronyms every preset recognises in suggestions; presets add their own (CERN, LHC, …). */
const COMMON_ACRONYMS = ['EU', 'UN', 'UK', 'USA', 'AI', 'PhD'];

const MAX_WORD_LENGTH = 24;
const SUFFIXES = ['s', 'es', 'ed', 'ing', 'er', 'ers', 'ly'];

interface Dictionary {
  readonly cost: ReadonlyMap<string, number>;
  /** The cost of a domain word or acronym: that of the 2,000th most frequent word. */
  readonly common: number;
}

let dictionary: Dictionary | undefined;

/** Built on first use: a cold start that meets no lower-case hashtag never pays for it. */
function words(): Dictionary {
  if (dictionary !== undefined) return dictionary;
  const list = HASHTAG_WORDS.split(' ');
  const logN = Math.log(list.length);
  const cost = new Map<string, number>();
  list.forEach((word, rank) => {
    if (!cost.has(word)) cost.set(word, Math.log((rank + 1) * logN));
  });
  // Domain words and acronyms count as a fairly common word (rank 2,000).
  const common = Math.log(2001 * logN);
  for (const word of [...DOMAIN_WORDS, ...COMMON_ACRONYMS.map((a) => a.toLowerCase())]) {
    cost.set(word, Math.min(cost.get(word) ?? Infinity, common));
  }
  dictionary = { cost, common };
  return dictionary;
}

function known(word: string, extra: ReadonlySet<string>): number | undefined {
  const d = words();
  return d.cost.get(word) ?? (extra.has(word) ? d.common : undefined);
}

/** A word, or an inflection of one ("neutrinos", "measured"): such a run is one word, not two. */
function isOneWord(run: string, extra: ReadonlySet<string>): boolean {
  if (known(run, extra) !== undefined) return true;
  return SUFFIXES.some((s) => run.length > s.length + 2 && run.endsWith(s) && known(run.slice(0, -s.length), extra) !== undefined);
}

/**
 * The most probable split of a run of lower-case letters into known words, or undefined when some part would be
 * an unknown fragment.
 */
export function segmentWords(run: string, extraWords: ReadonlySet<string> = new Set()): string[] | undefined {
  const n = run.length;
  const best: number[] = [0];
  const from: number[] = [0];
  for (let i = 1; i <= n; i++) {
    let cost = Infinity;
    let start = -1;
    for (let k = Math.max(0, i - MAX_WORD_LENGTH); k < i; k++) {
      const previous = best[k] ?? Infinity;
      if (previous === Infinity) continue;
      const c = known(run.slice(k, i), extraWords);
      if (c === undefined) continue;
      if (previous + c < cost) {
        cost = previous + c;
        start = k;
      }
    }
    best.push(cost);
    from.push(start);
  }
  if ((best[n] ?? Infinity) === Infinity) return undefined;
  const parts: string[] = [];
  for (let i = n; i > 0; i = from[i] ?? 0) parts.unshift(run.slice(from[i] ?? 0, i));
  return parts;
}

export interface HashtagIssue {
  /** The hashtag as written, with its `#`. */
  readonly tag: string;
  readonly start: number;
  readonly end: number;
  /** The hashtag in CamelCase. */
  readonly suggestion: string;
}

// A hashtag: `#` not inside a word, a URL fragment or an HTML entity, then letters, digits and underscores.
const HASHTAG = /(?<![\p{L}\p{N}_&/#])#([\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)/gu;

/**
 * Hashtags of two or more words where some word does not start with a capital, each with its CamelCase spelling.
 * Hashtags in other scripts or with accented letters are left alone (the word list is English).
 */
export function hashtagIssues(text: string, acronyms: readonly string[] = []): HashtagIssue[] {
  const display = new Map<string, string>();
  for (const a of [...COMMON_ACRONYMS, ...acronyms]) display.set(a.toLowerCase(), a);
  const extra = new Set(display.keys());
  const issues: HashtagIssue[] = [];
  for (const match of text.matchAll(HASHTAG)) {
    const body = match[1] ?? '';
    if (!/^[A-Za-z0-9_]+$/.test(body) || !/[a-z]/.test(body)) continue;
    const lower = body.toLowerCase();
    // Letter runs are segmented; digits and underscores already separate words.
    const pieces: Array<{ readonly text: string; readonly at: number; readonly word: boolean }> = [];
    let ok = true;
    let words = 0;
    for (const run of lower.matchAll(/[a-z]+|[0-9]+|_+/g)) {
      const at = run.index;
      if (!/^[a-z]/.test(run[0])) {
        pieces.push({ text: run[0], at, word: false });
        continue;
      }
      const parts = isOneWord(run[0], extra) ? [run[0]] : segmentWords(run[0], extra);
      if (parts === undefined) {
        ok = false;
        break;
      }
      let offset = at;
      for (const part of parts) {
        pieces.push({ text: part, at: offset, word: true });
        offset += part.length;
        words += 1;
      }
    }
    if (!ok || words < 2) continue;
    const wordPieces = pieces.filter((p) => p.word);
    // Single letters other than "a" and "I" are fragments of a name, not words: leave such a hashtag alone.
    if (wordPieces.some((p) => p.text.length === 1 && p.text !== 'a' && p.text !== 'i')) continue;
    const camel = wordPieces.every((p) => /[A-Z]/.test(body[p.at] ?? ''));
    if (camel) continue;
    const suggestion = pieces
      .map((p) => {
        if (!p.word) return p.text;
        const acronym = display.get(p.text);
        if (acronym !== undefined) return acronym;
        // Keep capitals the author wrote inside a word; capitalise its first letter.
        const written = body.slice(p.at, p.at + p.text.length);
        return written.charAt(0).toUpperCase() + written.slice(1);
      })
      .join('');
    const start = match.index;
    issues.push({ tag: match[0], start, end: start + match[0].length, suggestion: `#${suggestion}` });
  }
  return issues;
}
