import { describe, it, expect } from 'vitest';
import { checkBrandPost } from '../../../../lambdas/core/checks/brand-post/checks.js';
import { PLATFORM_TEXT_LIMITS, threadParts } from '../../../../lambdas/core/checks/brand-post/account.js';
import { isBlocking } from '../../../../lambdas/core/checks/findings.js';
import { directory, post, ofRule } from './fixture.js';

// The target account: P-ACCOUNT, P-PLATFORM-LIMIT and how a thread is split into parts (account.ts).

describe('PLATFORM_TEXT_LIMITS', () => {
  it('has the limits of every platform', () => {
    expect(PLATFORM_TEXT_LIMITS).toEqual({
      x: 280,
      bluesky: 300,
      mastodon: 500,
      threads: 500,
      linkedin: 3000,
      facebook: 63206,
      instagram: 2200,
      youtube: 5000,
      tiktok: 2200,
    });
  });
});

describe('P-ACCOUNT', () => {
  it('fires when the account is not in the directory, naming it', () => {
    const findings = ofRule(checkBrandPost(post({ account: 'acc-ghost' }), directory), 'P-ACCOUNT');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('block');
    expect(findings[0]?.message).toContain('"acc-ghost"');
    expect(findings[0]?.message).toContain('not a registered institutional account');
  });

  it('fires on a retired account, naming the status', () => {
    const findings = ofRule(checkBrandPost(post({ account: 'acc-old' }), directory), 'P-ACCOUNT');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain('@oldlab');
    expect(findings[0]?.message).toContain('is retired');
  });

  it('fires on a suspended account, naming the status', () => {
    const findings = ofRule(checkBrandPost(post({ account: 'acc-frozen' }), directory), 'P-ACCOUNT');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain('is suspended');
  });

  it('fires when the submitter is not in the directory, naming them', () => {
    const findings = ofRule(checkBrandPost(post({ submitter: 'mallory@elsewhere.com' }), directory), 'P-ACCOUNT');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain('mallory@elsewhere.com');
    expect(findings[0]?.message).toContain('not in the staff directory');
  });

  it('fires when the submitter is not a poster of the account', () => {
    const findings = ofRule(checkBrandPost(post({ submitter: 'grace@example.org' }), directory), 'P-ACCOUNT');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain('Grace Hopper');
    expect(findings[0]?.message).toContain('not a poster of @examplelab');
  });

  it('does not fire for a poster of an active account (e-mail case and spaces ignored)', () => {
    expect(ofRule(checkBrandPost(post({ submitter: ' Ada@Example.org ' }), directory), 'P-ACCOUNT')).toEqual([]);
  });

  it('does not prefix an @ twice', () => {
    const findings = ofRule(checkBrandPost(post({ account: 'acc-bsky', submitter: 'grace@example.org' }), directory), 'P-ACCOUNT');
    expect(findings[0]?.message).toContain('not a poster of @examplelab.bsky.social on Bluesky');
  });

  it('reports an unknown account and an unknown submitter together', () => {
    const findings = checkBrandPost(post({ account: 'acc-ghost', submitter: 'mallory@elsewhere.com' }), directory).filter(isBlocking);
    expect(findings.map((f) => f.rule)).toEqual(['P-ACCOUNT', 'P-ACCOUNT']);
  });

  it('reports a retired account and a non-poster together', () => {
    const findings = ofRule(checkBrandPost(post({ account: 'acc-old', submitter: 'alan@example.org' }), directory), 'P-ACCOUNT');
    expect(findings).toHaveLength(2);
    expect(findings[1]?.message).toContain('Alan Turing');
  });
});

describe('P-PLATFORM-LIMIT', () => {
  it('passes exactly 280 characters on X', () => {
    expect(ofRule(checkBrandPost(post({ text: 'a'.repeat(280) }), directory), 'P-PLATFORM-LIMIT')).toEqual([]);
  });

  it('fails 281 characters on X, with both numbers', () => {
    const findings = ofRule(checkBrandPost(post({ text: 'a'.repeat(281) }), directory), 'P-PLATFORM-LIMIT');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.severity).toBe('block');
    expect(findings[0]?.message).toContain('281 characters');
    expect(findings[0]?.message).toContain('X allows 280');
    expect(findings[0]?.where).toBeUndefined();
  });

  it('counts Unicode code points, not UTF-16 units', () => {
    // 280 emoji are 560 UTF-16 units.
    expect(ofRule(checkBrandPost(post({ text: '🔭'.repeat(280) }), directory), 'P-PLATFORM-LIMIT')).toEqual([]);
    expect(ofRule(checkBrandPost(post({ text: '🔭'.repeat(281) }), directory), 'P-PLATFORM-LIMIT')).toHaveLength(1);
  });

  it('counts a link as 23 characters on X', () => {
    const link = `https://home.cern/news/${'x'.repeat(80)}`; // 103 characters, counted as 23
    const fits = `${'a'.repeat(256)} ${link}`; // 256 + 1 + 23 = 280
    expect(ofRule(checkBrandPost(post({ text: fits }), directory), 'P-PLATFORM-LIMIT')).toEqual([]);
    const over = `${'a'.repeat(257)} ${link}`; // 281
    const findings = ofRule(checkBrandPost(post({ text: over }), directory), 'P-PLATFORM-LIMIT');
    expect(findings[0]?.message).toContain('281 characters');
    expect(findings[0]?.message).toContain('every link as 23 characters');
  });

  it('counts a short link as 23 characters on X too', () => {
    const text = `${'a'.repeat(258)} https://a.io`; // 258 + 1 + 23 = 282
    const findings = ofRule(checkBrandPost(post({ text }), directory), 'P-PLATFORM-LIMIT');
    expect(findings[0]?.message).toContain('282 characters');
  });

  it('counts links at their real length on other platforms', () => {
    const link = `https://home.cern/${'x'.repeat(82)}`; // 100 characters
    const text = `${'a'.repeat(200)} ${link}`; // 301 on Bluesky
    const findings = ofRule(checkBrandPost(post({ account: 'acc-bsky', text }), directory), 'P-PLATFORM-LIMIT');
    expect(findings[0]?.message).toContain('301 characters');
    expect(findings[0]?.message).toContain('Bluesky allows 300');
  });

  it('uses the limit of the account platform', () => {
    const text = 'a'.repeat(500);
    expect(ofRule(checkBrandPost(post({ account: 'acc-mastodon', text }), directory), 'P-PLATFORM-LIMIT')).toEqual([]);
    expect(ofRule(checkBrandPost(post({ account: 'acc-linkedin', text: 'a'.repeat(3001) }), directory), 'P-PLATFORM-LIMIT')).toHaveLength(
      1,
    );
    expect(ofRule(checkBrandPost(post({ account: 'acc-linkedin', text: 'a'.repeat(3000) }), directory), 'P-PLATFORM-LIMIT')).toEqual([]);
  });

  it('is skipped when the account is unknown', () => {
    const findings = checkBrandPost(post({ account: 'acc-ghost', text: 'a'.repeat(100_000) }), directory);
    expect(ofRule(findings, 'P-PLATFORM-LIMIT')).toEqual([]);
    expect(ofRule(findings, 'P-ACCOUNT')).toHaveLength(1);
  });

  it('passes a thread whose parts are each under the limit', () => {
    const text = ['a'.repeat(280), 'b'.repeat(280), 'c'.repeat(100)].join('\n---\n');
    expect([...text].length).toBeGreaterThan(280);
    expect(ofRule(checkBrandPost(post({ text, format: 'thread' }), directory), 'P-PLATFORM-LIMIT')).toEqual([]);
  });

  it('flags the thread part that is too long', () => {
    const text = ['a'.repeat(100), 'b'.repeat(290), 'c'.repeat(100)].join('\n\n---\n\n');
    const findings = ofRule(checkBrandPost(post({ text, format: 'thread' }), directory), 'P-PLATFORM-LIMIT');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.where).toBe('part 2');
    expect(findings[0]?.message).toContain('Part 2 of the thread is 290 characters');
    expect(findings[0]?.message).toContain('by 10 characters');
  });

  it('splits a thread on numbered parts', () => {
    const text = [`1/ ${'a'.repeat(270)}`, `2/ ${'b'.repeat(290)}`, `3/ ${'c'.repeat(50)}`].join('\n\n');
    const findings = ofRule(checkBrandPost(post({ text, format: 'thread' }), directory), 'P-PLATFORM-LIMIT');
    expect(findings.map((f) => f.where)).toEqual(['part 2']);
  });

  it('checks a thread without separators as a whole', () => {
    const findings = ofRule(checkBrandPost(post({ text: 'a'.repeat(300), format: 'thread' }), directory), 'P-PLATFORM-LIMIT');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.where).toBeUndefined();
    expect(findings[0]?.message).toContain('lines containing only ---');
  });

  it('does not split a non-thread post on ---', () => {
    const text = ['a'.repeat(200), 'b'.repeat(200)].join('\n---\n');
    expect(ofRule(checkBrandPost(post({ text }), directory), 'P-PLATFORM-LIMIT')).toHaveLength(1);
  });
});

describe('threadParts', () => {
  it('splits on lines containing only ---', () => {
    expect(threadParts('one\n---\ntwo\n  ---  \nthree\n---\n')).toEqual(['one', 'two', 'three']);
  });

  it('keeps --- inside a line', () => {
    expect(threadParts('a --- b')).toEqual(['a --- b']);
  });

  it('splits on numbered parts and keeps unnumbered blocks with the part above', () => {
    expect(threadParts('Intro\n\n1/ first\n\nmore of first\n\n2/5 second')).toEqual(['Intro', '1/ first\n\nmore of first', '2/5 second']);
  });

  it('does not split on a single numbered block', () => {
    expect(threadParts('1/ only\n\nrest')).toEqual(['1/ only\n\nrest']);
  });
});
