import { describe, it, expect } from 'vitest';
import { checkBrandPost } from '../../../../lambdas/core/checks/brand-post/checks.js';
import { MEDIA_DECLARATIONS } from '../../../../lambdas/core/checks/brand-post/media.js';
import type { MediaItem } from '../../../../lambdas/core/model.js';
import { directory, post, ofRule, IMAGE_OK, VIDEO_OK } from './fixture.js';

// The media of a post: P-LOGO, P-ALT-TEXT and the declarations a media item may carry (media.ts).

describe('P-LOGO', () => {
  const logo: MediaItem = { type: 'image', url: 'https://cdn.example.org/logo.png', alt: 'Our logo', rights: 'own', declaredAs: 'logo' };

  it('blocks the logo on an account that is not active, naming the account', () => {
    const findings = ofRule(checkBrandPost(post({ account: 'acc-old', media: [logo] }), directory), 'P-LOGO');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'block', media: 0 });
    expect(findings[0]?.message).toContain('@oldlab on X is retired');
  });

  it('recognises the logo from its description', () => {
    const described: MediaItem = {
      type: 'image',
      url: 'https://cdn.example.org/l.png',
      alt: 'The Example Lab logo on blue',
      rights: 'own',
    };
    expect(ofRule(checkBrandPost(post({ account: 'acc-frozen', media: [described] }), directory), 'P-LOGO')).toHaveLength(1);
  });

  it('does not fire for a registered, active account', () => {
    expect(ofRule(checkBrandPost(post({ media: [logo] }), directory), 'P-LOGO')).toEqual([]);
  });

  it("does not take a partner's logo for the institution's", () => {
    const partner: MediaItem = {
      type: 'image',
      url: 'https://cdn.example.org/p.png',
      alt: 'The ESA logo',
      rights: 'licensed',
      credit: 'ESA',
    };
    expect(ofRule(checkBrandPost(post({ account: 'acc-old', media: [partner] }), directory), 'P-LOGO')).toEqual([]);
  });
});

describe('P-ALT-TEXT', () => {
  it('fires for an image without alt text, pointing at it', () => {
    const image: MediaItem = { type: 'image', url: 'https://cdn.example.org/b.jpg' };
    const findings = ofRule(checkBrandPost(post({ media: [IMAGE_OK, image] }), directory), 'P-ALT-TEXT');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.where).toBe('media[1]');
    expect(findings[0]?.severity).toBe('block');
    expect(findings[0]?.message).toContain('https://cdn.example.org/b.jpg');
    expect(findings[0]?.message).toContain('no alternative text');
  });

  it('fires for a blank alt text', () => {
    const image: MediaItem = { type: 'image', url: 'https://cdn.example.org/c.jpg', alt: '   ' };
    const findings = ofRule(checkBrandPost(post({ media: [image] }), directory), 'P-ALT-TEXT');
    expect(findings.map((f) => f.where)).toEqual(['media[0]']);
  });

  it('fires once per offending item', () => {
    const media: MediaItem[] = [
      { type: 'image', url: 'https://cdn.example.org/1.jpg', alt: '' },
      IMAGE_OK,
      { type: 'image', url: 'https://cdn.example.org/3.jpg' },
    ];
    const findings = ofRule(checkBrandPost(post({ media }), directory), 'P-ALT-TEXT');
    expect(findings.map((f) => f.where)).toEqual(['media[0]', 'media[2]']);
  });

  it('fires for a video without captions or with captions: false', () => {
    const media: MediaItem[] = [
      { type: 'video', url: 'https://cdn.example.org/v1.mp4' },
      { type: 'video', url: 'https://cdn.example.org/v2.mp4', captions: false },
    ];
    const findings = ofRule(checkBrandPost(post({ media }), directory), 'P-ALT-TEXT');
    expect(findings.map((f) => f.where)).toEqual(['media[0]', 'media[1]']);
    expect(findings[0]?.message).toContain('no closed captions');
  });

  it('does not ask a video for alt text nor an image for captions', () => {
    const media: MediaItem[] = [VIDEO_OK, { type: 'image', url: 'https://cdn.example.org/d.jpg', alt: 'A magnet', captions: false }];
    expect(ofRule(checkBrandPost(post({ media }), directory), 'P-ALT-TEXT')).toEqual([]);
  });
});

describe('MEDIA_DECLARATIONS', () => {
  it('lists every declaration a media item can carry, for the webhook schema', () => {
    expect(MEDIA_DECLARATIONS).toEqual([
      'photo',
      'illustration',
      'chart',
      'poster',
      'screenshot',
      'logo',
      'internal-document',
      'contract',
      'budget',
      'access-card',
      'credentials',
    ]);
  });
});
