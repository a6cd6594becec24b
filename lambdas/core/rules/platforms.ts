import type { Platform } from '../model.js';

// The platforms an institutional account can be on, and their names as people write them. One list for the
// schemas, the checks, mails and pages.

export const PLATFORM_NAMES: Readonly<Record<Platform, string>> = {
  x: 'X',
  bluesky: 'Bluesky',
  mastodon: 'Mastodon',
  threads: 'Threads',
  linkedin: 'LinkedIn',
  facebook: 'Facebook',
  instagram: 'Instagram',
  youtube: 'YouTube',
  tiktok: 'TikTok',
};

/** Every platform, for `z.enum` and for validating a query parameter. */
export const PLATFORMS = Object.keys(PLATFORM_NAMES) as [Platform, ...Platform[]];

export function isPlatform(value: string): value is Platform {
  return Object.hasOwn(PLATFORM_NAMES, value);
}
