// Input limits every entry point enforces before it does any work with the input (issue #11). Each one answers a
// 4xx that names what is wrong, where without it the input reached code that failed with a 500: a deeply nested body
// overflowed the stack of the first recursive walk over it, a path parameter over DynamoDB's 2,048-byte key limit
// made the read itself fail, a malformed percent-encoding threw in the local gateway.

/** Deepest nesting of objects and arrays a JSON body may have. The deepest body Signoff takes today nests 3 levels. */
export const MAX_JSON_DEPTH = 32;

/** A path parameter is a key of a table: DynamoDB refuses a partition key over 2,048 bytes. */
export const MAX_PATH_PARAMETER_BYTES = 2_048;

/** The longest account id a brand post may name: intake reads the registry by that key (use-cases/registry-view.ts). */
export const MAX_ACCOUNT_ID_CHARS = 100;

/** An approver's comment (review page): sent to the submitter by e-mail and kept in the audit trail. */
export const MAX_COMMENT_CHARS = 5_000;

/** Why an approver's comment cannot be taken as it is (too long), naming the field; undefined when it can. */
export function commentProblem(comment: string): string | undefined {
  const chars = [...comment].length;
  if (chars <= MAX_COMMENT_CHARS) return undefined;
  return `comment: ${chars.toLocaleString('en')} characters is too long; the limit is ${MAX_COMMENT_CHARS.toLocaleString('en')}. Nothing was decided.`;
}

/**
 * The review page's form, URL-encoded: a 5,000-character comment of 4-byte characters is 60,000 bytes once
 * percent-encoded (12 bytes a character), plus the CSRF token, the decision and the statements' rule ids.
 */
export const MAX_FORM_BYTES = 64 * 1024;

/**
 * Why a form body is not URL-encoded UTF-8 as a browser posts one, or undefined when it is. A browser sends ASCII
 * only, every other character percent-encoded as UTF-8; URLSearchParams takes anything and repairs it silently (a byte
 * that is not UTF-8, raw or as `%FF`, becomes U+FFFD; `%zz` stays as it is), so a review form of mangled bytes
 * recorded a decision with a comment the approver never wrote (issue #13, found by the fuzz pass). Linear.
 */
export function formEncodingProblem(body: string): string | undefined {
  for (const ch of body) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x20 || c > 0x7e) return `the form holds ${codePointName(ch)} as it is, where a browser sends it percent-encoded`;
  }
  for (const pair of body.split('&')) {
    const [name = '', ...value] = pair.split('=');
    try {
      decodeURIComponent(name.replaceAll('+', ' '));
      decodeURIComponent(value.join('=').replaceAll('+', ' '));
    } catch {
      return `the form field ${JSON.stringify(name.slice(0, 40))} is not valid percent-encoded UTF-8`;
    }
  }
  return undefined;
}

/**
 * Whether `text` nests objects and arrays deeper than `limit`, by one pass over its characters (brackets inside
 * strings do not count). No recursion and no parse: it runs before JSON.parse and before anything walks the value,
 * so a 60,000-deep body costs one linear scan. Malformed JSON is left to the parser that follows.
 */
export function jsonNestedDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */)
        i++; // the escaped character, whatever it is, cannot end the string
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (depth > limit) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return false;
}

/**
 * The first character that has no place in a single-line field (a title, an account id, a handle): a control
 * character (C0 — CR and LF among them —, DEL, C1) or a Unicode line or paragraph separator. Such a character
 * in a title splits an e-mail subject, a log line or a CSV row; none of these fields has a use for one.
 */
export function lineBreakingCharacter(value: string): string | undefined {
  for (const ch of value) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029) return ch;
  }
  return undefined;
}

/** `U+000A` for a newline: how a problem names an invisible character. */
export function codePointName(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The message for a single-line field that holds a line break or another control character. */
export const SINGLE_LINE_MESSAGE = 'must be a single line: no line breaks, tabs or other control characters';

/** The webhook-timestamp header: whole seconds since 1970, digits only (Standard Webhooks). */
export function isWholeSeconds(value: string): boolean {
  if (value.length === 0 || value.length > 12) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}
