import { CLAIM_CUES, CORRECTED_POST_REFERENCE, CORRECTION_OPENING, SOURCE_REFERENCE, findCues } from '../text/lexicon.js';
import { list, quote } from '../findings.js';
import { atText, type Check } from './check-context.js';

// What a post refers to (GOVERNANCE.md §5): P-SOURCE — facts and figures link to where they come from — and
// P-CORRECTION — a correction names the post it corrects.

// ——— P-SOURCE (warn) ———
// Factual or news content without a link to its original source. CERN "link to its source"; LEIDEN "Cite your
// sources and provide the corresponding link if possible"; CALTECH "If you can't validate it, don't post it".
export const checkSource: Check = (ctx, level) => {
  if (ctx.links.length > 0 || SOURCE_REFERENCE.test(ctx.submission.text)) return [];
  const cues = findCues(ctx.prose, CLAIM_CUES);
  const first = cues[0];
  if (first === undefined) return [];
  const what = list([...new Set(cues.map((c) => c.label))]);
  return [
    {
      rule: 'P-SOURCE',
      severity: level,
      ...atText(ctx, first),
      message: `The post states facts or figures (${what}: ${quote(first.text)}) without a link to where they come from. Add a link to the original source — the paper, report or press release.`,
      suggestion: 'Add a link to the original source (or its DOI).',
    },
  ];
};

// ——— P-CORRECTION (info) ———
// A correction should reference the post it corrects. EC §4d "post a new tweet stating it is a correction of a
// previous one and delete the one with the error".
export const checkCorrection: Check = (ctx, level) => {
  const { submission } = ctx;
  const opening = CORRECTION_OPENING.exec(submission.text);
  if (submission.format !== 'correction' && opening === null) return [];
  if (ctx.links.length > 0 || CORRECTED_POST_REFERENCE.test(ctx.prose)) return [];
  return [
    {
      rule: 'P-CORRECTION',
      severity: level,
      ...(opening !== null ? atText(ctx, { start: opening.index, end: opening.index + opening[0].length }) : {}),
      message:
        'This is a correction, but it does not say which post it corrects. Link the post with the error, or name it ("our post of 3 May about …"), and delete or edit that post.',
      suggestion: 'Add a link to the post being corrected.',
    },
  ];
};
