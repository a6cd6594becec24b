import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SCANNER_INPUTS } from '../fixtures/scanner-inputs.js';
import {
  MAX_JSON_DEPTH,
  codePointName,
  formEncodingProblem,
  isWholeSeconds,
  jsonNestedDeeperThan,
  lineBreakingCharacter,
} from '../../lambdas/core/request/limits.js';

// Issue #11: limits checked before the input is worked on.

/** Nesting depth by parsing and walking (the reference the scan must agree with). */
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
  return 1 + Math.max(0, ...children.map(depthOf));
}

describe('jsonNestedDeeperThan', () => {
  it('counts objects and arrays, not brackets inside strings or after escapes', () => {
    expect(jsonNestedDeeperThan('{"a":[{"b":1}]}', 3)).toBe(false);
    expect(jsonNestedDeeperThan('{"a":[{"b":1}]}', 2)).toBe(true);
    expect(jsonNestedDeeperThan(JSON.stringify({ text: '[[[[{{{{' }), 1)).toBe(false);
    expect(jsonNestedDeeperThan(JSON.stringify({ text: 'a \\" [[[[ \\\\', more: '"{{{{' }), 1)).toBe(false);
    expect(jsonNestedDeeperThan('', 0)).toBe(false);
  });

  it('agrees with a parse for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 10 }), (value, limit) => {
        expect(jsonNestedDeeperThan(JSON.stringify(value), limit)).toBe(depthOf(value) > limit);
      }),
      { numRuns: 500 },
    );
  });

  it('finds a 60,000-deep body, without recursion (timed by bench/checks.ts)', () => {
    // Act: the body of the issue, nested in the kind field; a recursive walk would exhaust the stack
    const deep = jsonNestedDeeperThan(SCANNER_INPUTS.nestedJson(), MAX_JSON_DEPTH);

    // Assess
    expect(deep).toBe(true);
  });
});

describe('lineBreakingCharacter', () => {
  it('finds line breaks and every control character, and nothing in ordinary text', () => {
    for (const ch of ['\n', '\r', '\t', '\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u009f', '\u2028', '\u2029']) {
      expect(lineBreakingCharacter(`Open${ch}day`), codePointName(ch)).toBe(ch);
    }
    expect(lineBreakingCharacter('Open day — 5 Dec, 10:00 😀 «Physik» ünd 日本')).toBeUndefined();
  });

  it('names a character by its code point', () => {
    expect(codePointName('\n')).toBe('U+000A');
    expect(codePointName('\u2028')).toBe('U+2028');
  });
});

describe('isWholeSeconds', () => {
  it('takes digits only', () => {
    expect(isWholeSeconds('1764928800')).toBe(true);
    for (const bad of ['', '123abc', '1764928800 ', ' 1764928800', '-1', '1e9', '17649288.5', '0x10', '１２３', '1'.repeat(13)])
      expect(isWholeSeconds(bad), bad).toBe(false);
  });
});

describe('formEncodingProblem (issue #13)', () => {
  it('takes a form as a browser posts it, whatever it says', () => {
    expect(formEncodingProblem('csrf=abc-_&decision=request-changes&comment=Caf%C3%A9+%F0%9F%98%80%0D%0Ameh')).toBeUndefined();
    expect(formEncodingProblem('')).toBeUndefined();
    expect(formEncodingProblem('a&&b=&=c&d=e=f')).toBeUndefined();
  });

  it('names a character sent as it is, which a browser would have percent-encoded', () => {
    expect(formEncodingProblem('comment=\ufffd')).toBe('the form holds U+FFFD as it is, where a browser sends it percent-encoded');
    expect(formEncodingProblem('comment=caf\u00e9')).toBe('the form holds U+00E9 as it is, where a browser sends it percent-encoded');
    expect(formEncodingProblem('comment=a\nb')).toBe('the form holds U+000A as it is, where a browser sends it percent-encoded');
  });

  it.each([['%FF'], ['%E0%A4%A'], ['%zz'], ['%'], ['%ED%A0%80']])('names the field whose value %s does not decode', (value) => {
    expect(formEncodingProblem(`csrf=x&comment=${value}`)).toBe('the form field "comment" is not valid percent-encoded UTF-8');
  });
});
