import type { Finding, MediaDeclaration } from '../../model.js';
import { compilePattern, escapePattern } from '../text/patterns.js';
import { atMedia, describeAccount, mediaLabel, type Check } from './check-context.js';

// The media of a post (GOVERNANCE.md §5): what an item may be declared as, P-LOGO — the institution's logo only on
// its registered accounts — and P-ALT-TEXT — every image described, every video captioned. The statements about
// media (consent, rights) are in statements.ts; media that must never be posted (P-CONFIDENTIAL) in confidential.ts.

/** Media declared as one of these must never be posted (P-CONFIDENTIAL). */
export const CONFIDENTIAL_DECLARATIONS: ReadonlySet<MediaDeclaration> = new Set([
  'internal-document',
  'contract',
  'budget',
  'access-card',
  'credentials',
]);

/** How messages name each declaration. */
// biome-ignore format: packed word list, one line per group reads better than one word per line
export const DECLARATION_NAMES: Readonly<Record<MediaDeclaration, string>> = {
  photo: 'a photo',
  illustration: 'an illustration',
  chart: 'a chart',
  poster: 'a poster',
  screenshot: 'a screenshot',
  logo: 'a logo',
  'internal-document': 'an internal document',
  contract: 'a contract',
  budget: 'a budget',
  'access-card': 'an access card',
  credentials: 'a password or other credentials',
};

/** Every value of MediaItem.declaredAs (the record above names each once), for the webhook schema and mail intake. */
export const MEDIA_DECLARATIONS = Object.keys(DECLARATION_NAMES) as readonly MediaDeclaration[];

// ——— P-LOGO (block) ———
// The institution's logo in media for an account that is not a registered, active brand account. CERN §2 "The use
// of the CERN logo is legally protected. It is authorised for use only on approved institutional accounts";
// LEIDEN "Use only the Leiden University logo for brand accounts".
export const checkLogo: Check = (ctx, level) => {
  const { account, directory, preset } = ctx;
  if (account !== undefined && account.status === 'active') return [];
  const names = [directory.institution, ...preset.names].map(escapePattern);
  const described = compilePattern(
    'checks: the logo in a media description',
    `\\b(?:our|official|institutional|(?:${names.join('|')}))\\s+logo\\b`,
    'iu',
  );
  const target =
    account === undefined ? `"${ctx.submission.account}" is not a registered account` : `${describeAccount(account)} is ${account.status}`;
  const findings: Finding[] = [];
  ctx.submission.media.forEach((item, i) => {
    if (item.declaredAs !== 'logo' && !described.test(item.alt ?? '')) return;
    findings.push({
      rule: 'P-LOGO',
      severity: level,
      ...atMedia(i),
      message: `${mediaLabel(item, i)} shows the ${directory.institution} logo, and ${target}. The logo is legally protected and may only be used on registered, active institutional accounts: remove it, or post from such an account.`,
    });
  });
  return findings;
};

// ——— P-ALT-TEXT (block) ———
// "an image without alternative text, a video without captions". CERN accessibility: "Here are a few that we try
// to apply consistently: closed captions on videos, alternative text on pictures, …"
export const checkAltText: Check = (ctx, level) => {
  const findings: Finding[] = [];
  ctx.submission.media.forEach((item, i) => {
    const label = mediaLabel(item, i);
    if (item.type === 'image' && (item.alt === undefined || item.alt.trim().length === 0)) {
      findings.push({
        rule: 'P-ALT-TEXT',
        severity: level,
        ...atMedia(i),
        message:
          `${label} has no alternative text. ` +
          'Add a short description of what the image shows, so that people using screen readers can follow the post.',
      });
    }
    if (item.type === 'video' && item.captions !== true) {
      findings.push({
        rule: 'P-ALT-TEXT',
        severity: level,
        ...atMedia(i),
        message:
          `${label} has no closed captions. ` +
          'Add captions (burned into the video or as a subtitle file) and mark the video as captioned.',
      });
    }
  });
  return findings;
};
