import type { Transform } from 'node:stream';
import { Splitter, type SplitterChunk } from '@zone-eu/mailsplit';
import { simpleParser, type AddressObject } from 'mailparser';
import type { InboundMail } from './mail.js';

// Raw MIME → InboundMail, shared by the SES path (AWS) and the SMTP path (local). Two things are read from the raw
// bytes rather than from mailparser's result, because mailparser forgives what a sender must not get away with:
// the count of MIME parts (mimeCensus, before anything is parsed) and the From header fields (fromProblem).

/**
 * At most this many MIME parts, the message itself included. A brand post takes at most 10 images; a mail with a
 * text and an HTML body, a signature's inline logos and 10 attachments, even forwarded inside another mail, stays
 * under 40. Past 100 no mail is a request, and mailparser would decode every part before we could say so.
 */
export const MAX_MIME_PARTS = 100;

/** Slices fed to the MIME splitter: small enough that a mail over the limit is abandoned after little work. */
const CENSUS_SLICE_BYTES = 64 * 1024;

export interface MimeCensus {
  /** Parts seen, the message itself included; counting stops at the first one over the limit. */
  readonly parts: number;
  /** What is over a bound: more parts than the limit, or a header block over the splitter's (1 MiB). */
  readonly exceeded: 'parts' | 'header' | undefined;
  /** The message's Message-ID as mailparser would give it (in angle brackets), if the top header block has one. */
  readonly messageId: string | undefined;
}

/** Message-IDs as mailparser writes them, so a refused mail is audited under the id a parsed one would have. */
function messageIdFormat(value: string): string | undefined {
  const v = value.trim();
  if (v === '') return undefined;
  return `${v.startsWith('<') ? '' : '<'}${v}${v.endsWith('>') ? '' : '>'}`;
}

/**
 * Counts a message's MIME parts without decoding any of them (mailsplit, the splitter under mailparser, so both
 * see the same structure), and stops feeding it at the first part over the limit: a mail with 3,000 parts costs
 * what its first 101 cost. Resolves, never rejects for the message's shape: a malformed message is counted as far
 * as it goes, and what cannot be parsed is left to the parser.
 */
export function mimeCensus(raw: Buffer, limit: number = MAX_MIME_PARTS): Promise<MimeCensus> {
  return new Promise((resolve) => {
    // The splitter's own bound one above ours, so that our count decides; its EMAXLEN still ends a huge header block.
    const splitter = new Splitter({ maxChildNodes: limit + 1 });
    // It is a Transform; its typings declare only the 'data' event, which hides the inherited ones.
    const stream = splitter as unknown as Transform;
    let parts = 0;
    let messageId: string | undefined;
    let done = false;
    const finish = (exceeded: MimeCensus['exceeded']): void => {
      if (done) return;
      done = true;
      stream.destroy();
      resolve({ parts, exceeded, messageId });
    };
    splitter.on('data', (chunk: SplitterChunk) => {
      if (chunk.type !== 'node') return;
      parts += 1;
      if (parts === 1 && chunk.headers !== false) messageId = messageIdFormat(chunk.headers.getFirst('message-id'));
      if (parts > limit) finish('parts');
    });
    stream.on('end', () => finish(undefined));
    // EMAXLEN is the splitter's header bound (its part bound is above ours); anything else is left to the parser.
    stream.on('error', (error: Error & { code?: string }) => finish(error.code === 'EMAXLEN' ? 'header' : undefined));
    const feed = async (): Promise<void> => {
      for (let at = 0; at < raw.length && !done; at += CENSUS_SLICE_BYTES) {
        if (!stream.write(raw.subarray(at, at + CENSUS_SLICE_BYTES))) {
          await new Promise<void>((next) => {
            stream.once('drain', next);
            stream.once('close', next);
          });
        }
      }
      if (!done) stream.end();
    };
    void feed();
  });
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
 * a lenient parser makes of it ("ada@example.org mallory@evil.example" is two, though mailparser reads one address
 * with the other as its display name). Linear.
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
 * From header (RFC 5322 §3.6; DMARC evaluators refuse the rest). Both the raw fields and mailparser's reading must
 * agree on one plain mailbox: a second header, a second address, a group, or no address at all is refused.
 */
export function fromProblem(fields: readonly HeaderField[], parsed: AddressObject | AddressObject[] | undefined): string | undefined {
  const from = fields.filter((f) => f.name.toLowerCase() === 'from');
  if (from.length !== 1) return from.length === 0 ? 'no From header' : plural(from.length, 'From header', 'From headers');
  const signs = addressSigns(from[0]?.value ?? '');
  if (signs !== 1)
    return signs === 0 ? 'the From header names no address' : `the From header names ${plural(signs, 'address', 'addresses')}`;
  const list = parsed === undefined ? [] : Array.isArray(parsed) ? parsed : [parsed];
  const entries = list.flatMap((a) => a.value);
  const only = entries[0];
  if (entries.length !== 1 || only === undefined || only.group !== undefined || (only.address ?? '') === '')
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

/**
 * Parses raw MIME. Recipients are the envelope's (SMTP RCPT TO, SES receipt recipients): who the mail was
 * delivered to, which To and Cc headers do not prove. Throws on what mailparser cannot parse, including more parts
 * than MAX_MIME_PARTS (callers run mimeCensus first, so that does not come to this).
 */
export async function parseInboundMail(raw: Buffer, envelopeRecipients: readonly string[]): Promise<InboundMail> {
  // maxChildNodes is mailsplit's own bound, passed through by mailparser (its type does not list it).
  const options = { skipHtmlToText: false, skipTextToHtml: true, skipImageLinks: true, maxChildNodes: MAX_MIME_PARTS };
  const parsed = await simpleParser(raw, options);
  const references = parsed.references === undefined ? [] : Array.isArray(parsed.references) ? parsed.references : [parsed.references];
  const problem = fromProblem(topHeaderFields(raw), parsed.from);
  const address = parsed.from?.value[0]?.address;
  // A Message-ID past the bound is read as none: the mail is keyed by its bytes, as one without a Message-ID.
  const messageId = parsed.messageId ?? '';
  return {
    messageId: messageId.length <= MAX_MESSAGE_ID_CHARS ? messageId : '',
    from: problem === undefined ? address : undefined,
    fromProblem: problem,
    recipients: [...envelopeRecipients],
    subject: (parsed.subject ?? '').trim(),
    text: parsed.text ?? '',
    references: threadReferences(references),
    attachments: parsed.attachments.map((a) => ({ filename: a.filename ?? 'attachment', contentType: a.contentType, content: a.content })),
  };
}
