import type { Finding } from '../../model.js';
import { hashtagIssues } from '../text/hashtags.js';
import { GENDERED_TERMS, globalOf } from '../text/lexicon.js';
import { findOffensive } from '../text/offensive.js';
import { readability, wordCount } from '../text/readability.js';
import { list, quote } from '../findings.js';
import { atMedia, atText, mediaLabel, type Check } from './check-context.js';

// The language of a post (GOVERNANCE.md §5): P-OFFENSIVE (block), and the wording the approvers see as warnings or
// notes — P-HASHTAG-CASE, P-INCLUSIVE, P-JARGON. The word lists and scores are in ../text/.

function matchCase(replacement: string, original: string): string {
  return /^\p{Lu}/u.test(original) ? replacement.charAt(0).toUpperCase() + replacement.slice(1) : replacement;
}

// ——— P-OFFENSIVE (block) ———
// Insults, obscenities, slurs (library `obscenity`, adjusted in offensive.ts). LEIDEN "Do not use discriminatory or
// racist language, personal insults or obscenities"; EC §2a "never use offensive language"; CERN "Avoid posting or
// encouraging offensive comments".
export const checkOffensive: Check = (ctx, level) => {
  const findings: Finding[] = findOffensive(ctx.prose).map((m) => ({
    rule: 'P-OFFENSIVE',
    severity: level,
    ...atText(ctx, m),
    message: `The text contains offensive language (${quote(m.text)}). Institutional posts may not use insults, obscenities or discriminatory language: rephrase it.`,
  }));
  ctx.submission.media.forEach((item, i) => {
    const m = findOffensive(item.alt ?? '')[0];
    if (m === undefined) return;
    findings.push({
      rule: 'P-OFFENSIVE',
      severity: level,
      ...atMedia(i),
      message: `The description of ${mediaLabel(item, i)} contains offensive language (${quote(m.text)}): rephrase it.`,
    });
  });
  return findings;
};

// ——— P-HASHTAG-CASE (warn) ———
// Multi-word hashtags not in CamelCase, with the fix (hashtags.ts). CERN "first letter uppercase on every word of a
// hashtag". The EC's own sample post carries #euisnumber3.
export const checkHashtagCase: Check = (ctx, level) =>
  hashtagIssues(ctx.prose, [...ctx.preset.names, ...ctx.directory.institution.split(/\s+/u).filter((w) => /^\p{Lu}/u.test(w))]).map(
    (issue) => ({
      rule: 'P-HASHTAG-CASE',
      severity: level,
      ...atText(ctx, issue),
      suggestion: issue.suggestion,
      message: `The hashtag ${issue.tag} joins several words without capitals, so screen readers read it as one word. Write it ${issue.suggestion}.`,
    }),
  );

// ——— P-INCLUSIVE (warn) ———
// Gendered terms where a neutral one exists, with the fix (lexicon.ts). CERN "using gender-neutral language".
export const checkInclusive: Check = (ctx, level) => {
  const findings: Finding[] = [];
  for (const term of GENDERED_TERMS) {
    for (const m of ctx.prose.matchAll(globalOf(term.pattern))) {
      const suggestion = matchCase(term.neutral, m[0]);
      findings.push({
        rule: 'P-INCLUSIVE',
        severity: level,
        ...atText(ctx, { start: m.index, end: m.index + m[0].length }),
        suggestion,
        message: `${quote(m[0])} is gendered; use "${suggestion}" instead.`,
      });
    }
  }
  return findings.sort((a, b) => (a.span?.start ?? 0) - (b.span?.start ?? 0));
};

// ——— P-JARGON (info) ———
// Hard-to-read text for a wide audience: Flesch reading ease under the preset's threshold (readability.ts).
// CERN "Try to avoid scientific jargon when addressing a wide audience."
export const checkJargon: Check = (ctx, level) => {
  const { readingEase, jargonMinWords } = ctx.preset.thresholds;
  // Counting syllables is the costly part: short posts are not scored at all.
  if (wordCount(ctx.submission.text) < jargonMinWords) return [];
  const r = readability(ctx.submission.text);
  if (r.words < jargonMinWords || r.score >= readingEase) return [];
  const words = r.hardWords.slice(0, 3);
  return [
    {
      rule: 'P-JARGON',
      severity: level,
      message:
        `The text is hard to read for a wide audience (Flesch reading ease ${Math.round(r.score)}; under ${readingEase} is best understood by university graduates). ` +
        `Shorter sentences (now ${Math.round(r.words / r.sentences)} words on average) and everyday words help${words.length > 0 ? `: explain or replace ${list(words.map((w) => `"${w}"`))}` : ''}.`,
      ...(words.length > 0 ? { suggestion: `Explain or replace: ${words.join(', ')}` } : {}),
    },
  ];
};
