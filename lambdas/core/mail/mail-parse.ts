import { convert } from 'html-to-text';
import PostalMime, { addressParser, type Address, type Email } from 'postal-mime';
import type { InboundMail } from './mail.js';

// Raw MIME → InboundMail, shared by the SES path (AWS) and the SMTP path (local), with postal-mime (charsets decoded
// by the runtime's own TextDecoder, no tables of its own: docs/decisions.md §33). The From header fields are read from
// the raw bytes as well (fromProblem), because a parser forgives what a sender must not get away with.

/**
 * At most this many MIME parts, the message itself included. A brand post takes at most 10 images; a mail with a
 * text and an HTML body, a signature's inline logos and 10 attachments stays under 40. Past 100 no mail is a request;
 * the parser stops at the first part over it, so a mail with 20,000 parts costs what its first 101 cost.
 */
export const MAX_MIME_PARTS = 100;

/**
 * At most this many bytes of MIME headers, every part's together (the parser counts each line as at least 64 bytes).
 * A mail client's header block is a few KB; 1 MiB is the bound the raw reading of the top block keeps too.
 */
export const MAX_MIME_HEADER_BYTES = 1024 * 1024;

/** Message-IDs as mail clients compare them, in angle brackets (and as mailparser wrote them, before postal-mime). */
function messageIdFormat(value: string): string | undefined {
  const v = value.trim();
  if (v === '') return undefined;
  return `${v.startsWith('<') ? '' : '<'}${v}${v.endsWith('>') ? '' : '>'}`;
}

export interface HeaderField {
  /** The field name as written, without the white space an obsolete "From :" puts before the colon. */
  readonly name: string;
  /** The value, unfolded, as raw text (encoded words are not decoded). */
  readonly value: string;
}

/** The top header block is read up to this many bytes: the splitter refuses larger ones too. */
const MAX_HEADER_BLOCK_BYTES = 1024 * 1024;

/**
 * The message's top-level header fields, in order, unfolded. Linear: one pass over the header block, which ends at
 * the first empty line. A line without a colon is skipped (it is no field).
 */
export function topHeaderFields(raw: Buffer): HeaderField[] {
  const limit = Math.min(raw.length, MAX_HEADER_BLOCK_BYTES);
  const fields: Array<{ name: string; value: string }> = [];
  let start = 0;
  while (start < limit) {
    let end = raw.indexOf(0x0a, start);
    if (end === -1 || end > limit) end = limit;
    const lineEnd = end > start && raw[end - 1] === 0x0d ? end - 1 : end;
    const line = raw.toString('latin1', start, lineEnd);
    start = end + 1;
    if (line === '') break;
    const first = line.charCodeAt(0);
    if (first === 0x20 || first === 0x09) {
      const last = fields[fields.length - 1];
      if (last !== undefined) last.value += line;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.push({ name: line.slice(0, colon).trimEnd(), value: line.slice(colon + 1) });
  }
  return fields.map((f) => ({ name: f.name, value: f.value.trim() }));
}

/**
 * How many '@' a header value holds outside quoted strings and comments: the number of addresses it names, whatever
 * a lenient parser makes of it ("ada@example.org mallory@evil.example" is two, though a parser may read one address
 * with the other as part of its display name). Linear.
 */
export function addressSigns(value: string): number {
  let count = 0;
  let quoted = false;
  let depth = 0;
  for (let i = 0; i < value.length; i += 1) {
    const c = value[i];
    if (c === '\\' && (quoted || depth > 0)) i += 1;
    else if (quoted) quoted = c !== '"';
    else if (c === '(') depth += 1;
    else if (c === ')' && depth > 0) depth -= 1;
    else if (depth > 0) continue;
    else if (c === '"') quoted = true;
    else if (c === '@') count += 1;
  }
  return count;
}

function plural(n: number, one: string, more: string): string {
  return `${n} ${n === 1 ? one : more}`;
}

/**
 * Why the From header does not establish one sender, or undefined when it names exactly one address in exactly one
 * From header (RFC 5322 §3.6; DMARC evaluators refuse the rest). Both the raw fields and the parser's reading must
 * agree on one plain mailbox: a second header, a second address, a group, or no address at all is refused.
 */
export function fromProblem(fields: readonly HeaderField[], parsed: readonly Address[]): string | undefined {
  const from = fields.filter((f) => f.name.toLowerCase() === 'from');
  if (from.length !== 1) return from.length === 0 ? 'no From header' : plural(from.length, 'From header', 'From headers');
  const signs = addressSigns(from[0]?.value ?? '');
  if (signs !== 1)
    return signs === 0 ? 'the From header names no address' : `the From header names ${plural(signs, 'address', 'addresses')}`;
  const only = parsed[0];
  if (parsed.length !== 1 || only === undefined || only.group !== undefined || only.address === '')
    return 'the From header is not one plain address';
  return undefined;
}

/**
 * The longest Message-ID taken: a header line holds at most 998 characters (RFC 5322 §2.1.1) and a msg-id cannot be
 * folded, so a longer one is no id a mail client wrote. It is kept with the request (the thread of its replies), and
 * one of 600,000 characters made that item too large to store: a 451, so the sender retried for ever.
 */
export const MAX_MESSAGE_ID_CHARS = 998;

/**
 * References kept of a mail: the thread's first and its latest, which is how RFC 5322 §3.6.4 has long threads trimmed.
 * Each is looked up as a request of its own (a reply in a request's thread), and all are kept with the request: 5,000
 * took 9 s to look up, and 20,000 made the request too large to store (a 451).
 */
export const MAX_REFERENCES = 50;

/** A mail's references within MAX_REFERENCES, none longer than MAX_MESSAGE_ID_CHARS. */
export function threadReferences(references: readonly string[]): string[] {
  const ids = references.filter((r) => r.length <= MAX_MESSAGE_ID_CHARS);
  if (ids.length <= MAX_REFERENCES) return ids;
  return [...ids.slice(0, 1), ...ids.slice(ids.length - (MAX_REFERENCES - 1))];
}

/** Why a mail could not be read as a request's mail: over a bound, or not MIME the parser can read. */
export type Unread = 'parts' | 'headers' | 'malformed';

export type MimeReading =
  | { readonly outcome: 'read'; readonly mail: InboundMail }
  | {
      readonly outcome: 'unread';
      readonly why: Unread;
      /** The top header block's Message-ID (in angle brackets), if it has one within MAX_MESSAGE_ID_CHARS. */
      readonly messageId: string | undefined;
    };

/**
 * The codes postal-mime's errors carry for the bounds we set (PostalMimeError's `code`). Its nesting bound (256) is
 * never the first reached: nesting that deep takes more parts than MAX_MIME_PARTS.
 */
const BOUND_CODES: Readonly<Record<string, Unread>> = { EMAXPARTCOUNT: 'parts', EMAXHEADERSIZE: 'headers' };

function unreadOf(error: unknown): Unread {
  const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : '';
  return BOUND_CODES[code] ?? 'malformed';
}

/** The Message-ID of the top header block as written, for a mail that could not be parsed. */
function rawMessageId(fields: readonly HeaderField[]): string | undefined {
  const field = fields.find((f) => f.name.toLowerCase() === 'message-id');
  const id = field === undefined ? undefined : messageIdFormat(field.value);
  return id !== undefined && id.length <= MAX_MESSAGE_ID_CHARS ? id : undefined;
}

/** A References header's message ids, each in angle brackets, in order. */
function referencesOf(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value.split(/\s+/).flatMap((r) => messageIdFormat(r) ?? []);
}

/**
 * The longest HTML body read as a post's text, when a mail has no plain one (postal-mime renders HTML as text only
 * beside a plain part). Ten times a post's longest text, room for a mail client's markup; and a bound on the parse:
 * htmlparser2 is superlinear in unclosed elements (here 40,000 of them, 200,000 characters, parse in about 0.3 s, and
 * 200,000 in 6 s). A longer one is not cut, which would submit part of a post: its sender is asked for plain text.
 */
export const MAX_HTML_CHARS = 200_000;
/** Nesting past this is left out of the text rather than walked (html-to-text recurses). */
const MAX_HTML_DEPTH = 256;

/** An HTML body as the text of a post: links as "text [url]", list items and paragraphs on lines, no hard wraps. */
export function htmlText(html: string): string {
  return convert(html, { wordwrap: false, limits: { maxDepth: MAX_HTML_DEPTH } });
}

/** The text of a mail's body, or why it was not read. */
function bodyText(parsed: Email): { readonly text: string; readonly unreadBody?: string } {
  if (parsed.text !== undefined || parsed.html === undefined) return { text: parsed.text ?? '' };
  if (parsed.html.length > MAX_HTML_CHARS)
    return {
      text: '',
      unreadBody: `the mail has only an HTML body, of ${parsed.html.length.toLocaleString('en')} characters, more than the ${MAX_HTML_CHARS.toLocaleString('en')} read. Send the post as plain text.`,
    };
  return { text: htmlText(parsed.html) };
}

/**
 * The image types a post's media may have, by file extension: an attachment sent as `application/octet-stream` (as
 * some mail clients send images) is taken as the type its name gives, as mailparser took it.
 */
const IMAGE_EXTENSIONS: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
};

function contentTypeOf(mimeType: string, filename: string | null): string {
  if (mimeType !== 'application/octet-stream' || filename === null) return mimeType;
  const dot = filename.lastIndexOf('.');
  return (dot === -1 ? undefined : IMAGE_EXTENSIONS[filename.slice(dot + 1).toLowerCase()]) ?? mimeType;
}

/** An attachment's bytes (the parser gives an ArrayBuffer with the 'arraybuffer' encoding), without a copy. */
function bytesOf(content: ArrayBuffer | Uint8Array | string): Buffer {
  if (typeof content === 'string') return Buffer.from(content, 'utf8');
  return content instanceof ArrayBuffer ? Buffer.from(content) : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
}

/**
 * Reads raw MIME within the bounds above. Recipients are the envelope's (SMTP RCPT TO, SES receipt recipients):
 * who the mail was delivered to, which To and Cc headers do not prove. Never throws for the message's shape: a mail
 * over a bound or one the parser cannot read comes back unread, with why and the Message-ID its raw header gives
 * (the same bytes fail the same way every time, so it is refused, not retried).
 */
export async function readInboundMail(raw: Buffer, envelopeRecipients: readonly string[]): Promise<MimeReading> {
  const fields = topHeaderFields(raw);
  let parsed: Email;
  try {
    parsed = await PostalMime.parse(raw, {
      maxPartCount: MAX_MIME_PARTS,
      maxHeadersSize: MAX_MIME_HEADER_BYTES,
      // An attached message (message/rfc822) is an attachment, its parts not parsed, unless it is marked inline: then
      // its text is part of the body, as a forward inline is (mailparser read both so).
      rfc822Attachments: true,
      attachmentEncoding: 'arraybuffer',
    });
  } catch (error) {
    return { outcome: 'unread', why: unreadOf(error), messageId: rawMessageId(fields) };
  }
  const fromField = parsed.headers.find((h) => h.key === 'from');
  const from = fromField === undefined ? [] : addressParser(fromField.value);
  const problem = fromProblem(fields, from);
  // A Message-ID past the bound is read as none: the mail is keyed by its bytes, as one without a Message-ID.
  const messageId = messageIdFormat(parsed.messageId ?? '') ?? '';
  return {
    outcome: 'read',
    mail: {
      messageId: messageId.length <= MAX_MESSAGE_ID_CHARS ? messageId : '',
      from: problem === undefined ? from[0]?.address : undefined,
      fromProblem: problem,
      recipients: [...envelopeRecipients],
      subject: (parsed.subject ?? '').trim(),
      ...bodyText(parsed),
      references: threadReferences(referencesOf(parsed.references)),
      attachments: parsed.attachments.map((a) => ({
        filename: a.filename ?? 'attachment',
        contentType: contentTypeOf(a.mimeType, a.filename),
        content: bytesOf(a.content),
      })),
    },
  };
}
