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

/**
 * A handle as Signoff compares it, the same everywhere (the registry's claims, the checks, account ids): trimmed,
 * lower case, without its leading '@'. Platforms treat handles case-insensitively.
 */
export function handleKey(handle: string): string {
  const h = handle.trim().toLowerCase();
  return h.startsWith('@') ? h.slice(1) : h;
}

/** A handle as messages show it: with its leading '@', otherwise as registered. */
export function atHandle(handle: string): string {
  return handle.startsWith('@') ? handle : `@${handle}`;
}
