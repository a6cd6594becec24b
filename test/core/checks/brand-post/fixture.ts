import { checkBrandPost } from '../../../../lambdas/core/checks/brand-post/checks.js';
import { parseDirectory } from '../../../../lambdas/core/request/directory.js';
import type { BrandPostAttestations, BrandPostSubmission, Finding, MediaItem, PostFormat } from '../../../../lambdas/core/model.js';
import { loadPreset, parsePreset, type Preset } from '../../../../lambdas/core/rules/presets.js';

// The directory, posts and helpers the brand-post check tests share.

export function directoryFile(): Record<string, unknown> {
  return {
    institution: 'Example Lab',
    preset: 'default',
    domain: 'example.org',
    people: [
      { id: 'ada', name: 'Ada Lovelace', email: 'ada@example.org', unit: 'physics', manager: 'grace' },
      { id: 'grace', name: 'Grace Hopper', email: 'grace@example.org', unit: 'physics' },
      { id: 'alan', name: 'Alan Turing', email: 'alan@example.org', unit: 'comms' },
    ],
    groups: { comms: ['alan'], ethics: ['grace'], socialMediaManager: ['alan'], auditors: [] },
    units: [
      { id: 'physics', name: 'Physics Department' },
      { id: 'comms', name: 'Communications' },
    ],
    accounts: [
      { id: 'acc-x', platform: 'x', handle: 'examplelab', unit: 'physics', posters: ['ada'], admins: ['alan'], status: 'active' },
      {
        id: 'acc-bsky',
        platform: 'bluesky',
        handle: '@examplelab.bsky.social',
        unit: 'physics',
        posters: ['ada'],
        admins: ['alan'],
        status: 'active',
      },
      {
        id: 'acc-mastodon',
        platform: 'mastodon',
        handle: 'examplelab',
        unit: 'physics',
        posters: ['ada'],
        admins: ['alan'],
        status: 'active',
      },
      {
        id: 'acc-linkedin',
        platform: 'linkedin',
        handle: 'example-lab',
        unit: 'comms',
        posters: ['ada', 'alan'],
        admins: ['alan'],
        status: 'active',
      },
      { id: 'acc-old', platform: 'x', handle: 'oldlab', unit: 'physics', posters: ['ada'], admins: ['alan'], status: 'retired' },
      {
        id: 'acc-frozen',
        platform: 'facebook',
        handle: 'frozenlab',
        unit: 'physics',
        posters: ['ada'],
        admins: ['alan'],
        status: 'suspended',
      },
    ],
  };
}

export const directory = parseDirectory(directoryFile());

export interface PostOverrides {
  readonly submitter?: string;
  readonly account?: string;
  readonly text?: string;
  readonly format?: PostFormat;
  readonly media?: readonly MediaItem[];
  readonly attestations?: BrandPostAttestations;
  readonly publishAt?: string;
}

export function post(overrides: PostOverrides = {}): BrandPostSubmission {
  return {
    kind: 'brand-post',
    submitter: overrides.submitter ?? 'ada@example.org',
    account: overrides.account ?? 'acc-x',
    title: 'Test post',
    text: overrides.text ?? 'Visit our open days this weekend!',
    format: overrides.format ?? 'post',
    ...(overrides.publishAt !== undefined ? { publishAt: overrides.publishAt } : {}),
    media: overrides.media ?? [],
    attestations: overrides.attestations ?? { aiUsed: false },
  };
}

/** The findings of one rule for a text posted on the LinkedIn account (no length limit in the way). */
export function textFindings(rule: string, text: string, overrides: PostOverrides = {}, preset?: Preset): Finding[] {
  return ofRule(checkBrandPost(post({ account: 'acc-linkedin', text, ...overrides }), directory, preset), rule);
}

/** A preset like `default` with one rule's severity changed (validated like a file). */
export function withSeverity(rule: string, severity: string): Preset {
  const base = loadPreset('default');
  return parsePreset({ ...base, checks: { ...base.checks, [rule]: { ...base.checks[rule as keyof Preset['checks']], severity } } });
}

export function ofRule(findings: readonly Finding[], rule: string): Finding[] {
  return findings.filter((f) => f.rule === rule);
}

export const IMAGE_OK: MediaItem = {
  type: 'image',
  url: 'https://cdn.example.org/a.jpg',
  alt: 'Two physicists at the detector',
  rights: 'own',
};
export const VIDEO_OK: MediaItem = { type: 'video', url: 'https://cdn.example.org/v.mp4', captions: true, rights: 'own' };
