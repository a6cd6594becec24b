import type { Rng } from '../../../local/prng.js';

// The odd values a fuzz pass puts where a field, a header or a path parameter goes: strings no form would produce
// (lone surrogates, NUL, bidi controls, noncharacters, 100,000 characters), values of the wrong type, nesting deeper
// than any body Signoff takes, and bytes that are not UTF-8 at all.

/** Characters and short sequences that have broken text handling somewhere, each on its own. */
export const ODD_PIECES: readonly string[] = [
  '\ud800', // a lone high surrogate
  '\udfff', // a lone low surrogate
  '\udc00\ud800', // a pair in the wrong order
  '\u0000', // NUL
  '\u202e', // right-to-left override
  '\u2066', // left-to-right isolate
  '\u2069', // pop directional isolate
  '\u200f', // right-to-left mark
  '\u200b', // zero-width space
  '\u200d', // zero-width joiner
  '\ufeff', // byte order mark
  '\ufffe', // noncharacter
  '\uffff', // noncharacter
  '\ufffd', // replacement character
  '\u{10ffff}', // the last code point
  '\u{1f469}\u200d\u{1f52c}', // an emoji ZWJ sequence
  `e${'\u0301'.repeat(40)}`, // a letter under forty combining accents
  '\u2028', // line separator
  '\u2029', // paragraph separator
  '\u0085', // next line (C1)
  '\u001b[2J', // a terminal escape
  '\r\n',
  '\t',
  '\u3164', // Hangul filler, blank
  '\u0130', // dotted capital I (changes length when lowercased)
  'ß',
  'ﬃ',
  '𝕏',
  '%',
  '%zz',
  '%E0%A4%A',
  '<script>alert(1)</script>',
  '"',
  '\\',
  '$' + '{7*7}', // a template placeholder, as text
  '{{7*7}}',
  "'; DROP TABLE x; --",
  '=HYPERLINK("x")',
  '../../etc/passwd',
  'javascript:alert(1)',
  '#OpenDay',
  '@everyone',
  'https://example.org/',
];

/** A string of odd pieces: short, medium, or 100,000 characters (mostly plain, so that a body can still carry it). */
export function oddString(rng: Rng): string {
  const size = rng.pick(['one', 'short', 'short', 'medium', 'huge', 'huge-odd'] as const);
  if (size === 'one') return rng.pick(ODD_PIECES);
  if (size === 'huge') {
    // 100,000 characters within the 128 KiB body: plain letters with odd pieces scattered through.
    const parts: string[] = [];
    let length = 0;
    while (length < 100_000) {
      const piece = rng.chance(0.02) ? rng.pick(ODD_PIECES) : rng.string(rng.between(1, 80), 'abcdefghij klmnop ');
      parts.push(piece);
      length += piece.length;
    }
    return parts.join('').slice(0, 100_000);
  }
  if (size === 'huge-odd')
    return rng
      .pick(ODD_PIECES)
      .repeat(Math.ceil(100_000 / 4))
      .slice(0, 100_000);
  const count = size === 'short' ? rng.between(2, 8) : rng.between(50, 400);
  let out = '';
  for (let i = 0; i < count; i++) out += rng.chance(0.5) ? rng.pick(ODD_PIECES) : rng.string(rng.between(1, 10), 'abc xyz');
  return out;
}

/** A JSON value nested `depth` levels deep, arrays or objects. */
export function nested(depth: number, kind: 'array' | 'object'): unknown {
  let value: unknown = 0;
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { a: value };
  return value;
}

/** A value of some type a field does not expect (a string field gets a number, and so on). */
export function wrongValue(rng: Rng): unknown {
  return rng.pick<() => unknown>([
    () => 0,
    () => -1,
    () => 1.5,
    () => 1e308,
    () => -0,
    () => Number.MAX_SAFE_INTEGER + 2,
    () => true,
    () => false,
    () => null,
    () => [],
    () => ({}),
    () => [1, 'two', null],
    () => ({ $ne: null }),
    () => '',
    () => ' ',
    () => '0',
    () => 'true',
    () => 'null',
    () => '2026-02-30T25:61:00Z',
    () => nested(rng.between(2, 31), 'array'),
    () => nested(rng.between(33, 200), rng.pick(['array', 'object'] as const)),
    () => Array.from({ length: rng.pick([100, 5_000]) }, (_, i) => i),
    () => Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i])),
    () => oddString(rng),
  ])();
}

/** Byte sequences that are not UTF-8: a stray continuation byte, overlong forms, an encoded surrogate, a cut-off sequence. */
export const INVALID_UTF8: readonly Buffer[] = [
  Buffer.from([0xff]),
  Buffer.from([0x80]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xe0, 0xa4]),
  Buffer.from([0xf4, 0x90, 0x80, 0x80]),
  Buffer.from([0xfe, 0xfe, 0xff, 0xff]),
];

/** Percent-encodings that decode to nothing valid, or to something a path should not hold. */
export const BAD_PERCENT: readonly string[] = [
  '%E0%A4%A',
  '%',
  '%zz',
  '%%',
  '%E0%A4',
  '%ED%A0%80',
  '%C0%AF',
  '%FF',
  'a%',
  '%u0041',
  '%%32%35',
];

/** Percent-encodings that decode cleanly to odd text: NUL, a slash, bidi controls, an emoji, a noncharacter. */
export const ODD_PERCENT: readonly string[] = [
  '%00',
  '%2F',
  '%2E%2E',
  '%E2%80%AE',
  '%F0%9F%98%80',
  '%EF%BF%BF',
  '%20',
  '%0D%0A',
  '%22%3E%3C',
  '%25',
];
