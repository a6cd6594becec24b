import type { Account, Directory } from '../../request/directory.js';
import type { BrandPostSubmission, Finding, MediaItem, TextSpan } from '../../model.js';
import type { Match } from '../text/lexicon.js';
import { PLATFORM_NAMES, atHandle } from '../../rules/platforms.js';
import type { SeverityLevel } from '../../rules/catalogue.js';
import type { Preset } from '../../rules/presets.js';
import { quote } from '../findings.js';

// What every brand-post check (GOVERNANCE.md §5) reads, and how a finding points at the text or a media item.

export interface CheckContext {
  readonly submission: BrandPostSubmission;
  readonly directory: Directory;
  readonly preset: Preset;
  readonly account: Account | undefined;
  /** The text with every link blanked out (offsets kept): a URL's path is never read as prose. */
  readonly prose: string;
  readonly links: readonly string[];
  readonly publishAt: Date | undefined;
}

export type Check = (ctx: CheckContext, level: Exclude<SeverityLevel, 'off'>) => Finding[];

/** "@handle on Platform", as messages name an account. */
export function describeAccount(account: Account): string {
  return `${atHandle(account.handle)} on ${PLATFORM_NAMES[account.platform]}`;
}

/** "Image 2 (https://…)", as messages name a media item. */
export function mediaLabel(item: MediaItem, i: number): string {
  return `${item.type === 'image' ? 'Image' : 'Video'} ${i + 1} (${item.url})`;
}

function spanOf(ctx: CheckContext, match: Pick<Match, 'start' | 'end'>): TextSpan {
  return { start: match.start, end: match.end, text: ctx.submission.text.slice(match.start, match.end) };
}

/** The fields that point a finding at the text. */
export function atText(ctx: CheckContext, match: Pick<Match, 'start' | 'end'>): Pick<Finding, 'span' | 'where'> {
  const span = spanOf(ctx, match);
  return { span, where: quote(span.text) };
}

/** The fields that point a finding at a media item. */
export function atMedia(i: number): Pick<Finding, 'media' | 'where'> {
  return { media: i, where: `media[${i}]` };
}
