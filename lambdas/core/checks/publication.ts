import type { BrandPostSubmission, PostFormat, PublicationClassification } from '../model.js';

// GOVERNANCE.md §4 — Publication classification (EC "PUBLICATIONS – SPECIAL RULES", Art. 17a):
//   "The main criteria to consider are the length, the text itself and the audience."
//   Publication: "Opinions which go beyond a short appreciation and amount to a structured stand-alone text."
//   Not a publication: "Short messages that consist merely of sharing pre-existing content";
//   "Opinions which consist of simply expressing a short appreciation … of a pre-existing content."
// A publication adds the ethics stage. The classifier is deterministic and explains itself: every
// reason starts with a stable criterion key (`format:`, `length:`, `structure:`, `stand-alone:`,
// `share:`, `short:`) followed by a sentence a communications officer can read.

export interface PublicationOptions {
  /** Characters (Unicode code points) above which a text counts as long original text. */
  readonly lengthThreshold: number;
}

export const DEFAULT_PUBLICATION_OPTIONS: PublicationOptions = { lengthThreshold: 1200 };

/** A text this short (or shorter) that carries a link is a "short message sharing pre-existing content". */
const SHORT_TEXT_LIMIT = 280;
/** Paragraphs needed for the text to count as structured. */
const MIN_PARAGRAPHS = 3;
/** Heading-like lines (without markdown) needed for the text to count as structured. */
const MIN_PLAIN_HEADINGS = 2;

const LONG_FORMATS: Readonly<Partial<Record<PostFormat, string>>> = {
  article: 'an article',
  blog: 'a blog post',
  thread: 'a thread',
};

const URL_PATTERN = /\b(?:https?:\/\/|www\.)[^\s<>"]+/giu;
// Only from the start of a run of punctuation: from each of its characters, a run not at the end is rescanned — quadratic.
const URL_TRAILING_PUNCTUATION = /(?<![.,;:!?'")\]}>…])[.,;:!?'")\]}>…]+$/u;

/** The links in a text, in order, without trailing sentence punctuation. */
export function extractLinks(text: string): string[] {
  const links: string[] = [];
  for (const match of text.matchAll(URL_PATTERN)) {
    const link = match[0].replace(URL_TRAILING_PUNCTUATION, '');
    if (link.length > 0) links.push(link);
  }
  return links;
}

/** Length in Unicode code points (what people and most platforms call "characters"). */
function codePoints(text: string): number {
  return [...text].length;
}

const SEPARATOR_LINE = /^\s*(?:-{3,}|\*{3,}|_{3,})\s*$/u;
const MARKDOWN_HEADING = /^\s{0,3}#{1,6}\s+\S/u;
const BOLD_HEADING = /^\s*(?:\*\*[^*]+\*\*|__[^_]+__)\s*(?::\s*)?$/u;
const LIST_ITEM = /^\s*(?:[-*•+]\s|\d+[.)]\s|\d+\s*\/\s*\d*)/u;

/** Blocks of text separated by blank lines, without thread separators (`---`). */
function paragraphs(text: string): string[][] {
  return text
    .split(/\n[ \t]*\n/u)
    .map((block) =>
      block
        .split('\n')
        .map((line) => line.trimEnd())
        .filter((line) => line.trim().length > 0 && !SEPARATOR_LINE.test(line)),
    )
    .filter((lines) => lines.length > 0);
}

/** A short line that reads like a title: capitalised, few words, no closing punctuation, no link. */
function looksLikeTitle(line: string): boolean {
  const trimmed = line.trim();
  if (trimmed.length === 0 || codePoints(trimmed) > 60) return false;
  if (!/^[\p{Lu}\p{N}]/u.test(trimmed)) return false;
  if (/[.!?,;:…]$/u.test(trimmed)) return false;
  if (LIST_ITEM.test(trimmed)) return false;
  if (extractLinks(trimmed).length > 0) return false;
  const words = trimmed.split(/\s+/u).length;
  return words <= 8;
}

/** Heading lines: markdown `#` headings, bold-only lines, or (at least two) title-like lines above a body. */
function headings(blocks: readonly (readonly string[])[]): string[] {
  const explicit: string[] = [];
  const plain: string[] = [];
  blocks.forEach((lines, b) => {
    for (const line of lines) {
      if (MARKDOWN_HEADING.test(line) || BOLD_HEADING.test(line)) explicit.push(line.trim());
    }
    const first = lines[0];
    if (first === undefined || MARKDOWN_HEADING.test(first) || BOLD_HEADING.test(first)) return;
    // A title-like first line counts when a body follows it, in the same block or the next one.
    const hasBody = lines.length > 1 || b < blocks.length - 1;
    if (hasBody && looksLikeTitle(first)) plain.push(first.trim());
  });
  if (explicit.length > 0) return explicit;
  return plain.length >= MIN_PLAIN_HEADINGS ? plain : [];
}

function quoteList(items: readonly string[]): string {
  const shown = items.slice(0, 3).map((h) => `"${h.replace(/^#+\s*|[*_]/gu, '').trim()}"`);
  return items.length > 3 ? `${shown.join(', ')}, …` : shown.join(', ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Decides whether a brand post is a "publication" in the sense of EC Art. 17a (GOVERNANCE.md §4).
 * A publication when: the declared format is article/blog/thread; or the text is longer than the
 * threshold; or it is structured (several paragraphs or headings) and stands alone (no link).
 * Otherwise not, and the reasons say why (a share, a short text with a link, no structure, …).
 */
export function classifyPublication(
  submission: BrandPostSubmission,
  options: PublicationOptions = DEFAULT_PUBLICATION_OPTIONS,
): PublicationClassification {
  const text = submission.text.trim();
  const length = codePoints(text);
  const threshold = options.lengthThreshold;
  const links = extractLinks(text);
  const firstLink = links[0];
  const blocks = paragraphs(text);
  const headingLines = headings(blocks);
  const manyParagraphs = blocks.length >= MIN_PARAGRAPHS;
  const structured = manyParagraphs || headingLines.length > 0;

  const structureReasons: string[] = [];
  if (manyParagraphs) structureReasons.push(`structure: ${blocks.length} paragraphs`);
  if (headingLines.length > 0) structureReasons.push(`structure: headings (${quoteList(headingLines)})`);

  // Publication criteria, in a fixed order.
  const reasons: string[] = [];
  const longFormat = LONG_FORMATS[submission.format];
  if (longFormat !== undefined) reasons.push(`format: declared as ${longFormat}`);
  if (length > threshold) reasons.push(`length: ${length} characters, over the ${threshold}-character threshold`);
  if (structured && firstLink === undefined) reasons.push(...structureReasons);
  if (reasons.length > 0) {
    if (firstLink === undefined) reasons.push('stand-alone: no link to pre-existing content');
    return { is: true, reasons };
  }

  // Not a publication: say why, criterion by criterion.
  const short = length <= SHORT_TEXT_LIMIT;
  if (submission.format === 'share') reasons.push('format: declared as a share of pre-existing content');
  if (firstLink !== undefined) {
    reasons.push(`share: ${short ? 'short text sharing' : 'text sharing'} pre-existing content (${firstLink})`);
  }
  if (short) {
    reasons.push(`short: ${length} characters${firstLink !== undefined ? ' with a link to pre-existing content' : ''}`);
  } else {
    reasons.push(`length: ${length} characters, within the ${threshold}-character threshold`);
  }
  if (structured) {
    reasons.push(
      `structure: ${structureReasons.map((r) => r.slice('structure: '.length)).join(' and ')}, but it shares pre-existing content rather than standing alone`,
    );
  } else {
    reasons.push(`structure: ${plural(blocks.length, 'paragraph')} and no headings, not a structured stand-alone text`);
  }
  return { is: false, reasons };
}
