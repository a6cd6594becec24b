import { domainToASCII } from 'node:url';
import { getDomain } from 'tldts';
import type { HeaderField } from './mail-parse.js';
import type { Trust } from './mail.js';

// Whether an inbound mail's From address is established (DESIGN.md "Mail intake"). A receiving server's SPF and DKIM
// PASS say only that *some* domain vouched for the mail: the attacker's own, if they signed it themselves. What ties
// the mail to its From address is alignment (RFC 7489 §3.1): DMARC PASS, or an SPF or DKIM PASS for a domain with the
// same organizational domain as the From address's (relaxed alignment). Anything else is not verified.
//
// Pure: the receiving server's verdicts come in as plain data (lambdas/adapters/ses-receipt.ts maps SES's receipt
// event; the local SMTP stand-in computes the same with mailauth). No AWS import.

/** One result of an Authentication-Results header (RFC 8601): `dkim=pass header.d=example.org`. */
export interface AuthResult {
  /** Lower case, without a version (`dkim`, `spf`, `dmarc`). */
  readonly method: string;
  /** Lower case (`pass`, `fail`, `none`, …). */
  readonly result: string;
  /** Properties by `ptype.property`, lower-case names, values as written (`smtp.mailfrom`, `header.d`, `header.from`). */
  readonly props: ReadonlyMap<string, string>;
}

export interface AuthenticationResults {
  /** Lower case: who computed these results (`amazonses.com` on AWS). */
  readonly authservId: string;
  readonly results: readonly AuthResult[];
}

interface Token {
  readonly kind: 'word' | 'eq' | 'semi';
  readonly text: string;
}

/** Words, '=' and ';' of a structured header value; comments dropped, quoted strings one word. Linear. */
function tokens(value: string): Token[] {
  const out: Token[] = [];
  let word = '';
  const flush = (): void => {
    if (word !== '') out.push({ kind: 'word', text: word });
    word = '';
  };
  for (let i = 0; i < value.length; i += 1) {
    const c = value[i] ?? '';
    if (c === '(') {
      // A comment, nested or not, is white space (RFC 5322 CFWS).
      flush();
      let depth = 1;
      for (i += 1; i < value.length && depth > 0; i += 1) {
        const d = value[i];
        if (d === '\\') i += 1;
        else if (d === '(') depth += 1;
        else if (d === ')') depth -= 1;
      }
      i -= 1;
    } else if (c === '"') {
      let quoted = '';
      for (i += 1; i < value.length && value[i] !== '"'; i += 1) {
        if (value[i] === '\\') i += 1;
        quoted += value[i] ?? '';
      }
      word += quoted;
    } else if (c === '=' || c === ';') {
      flush();
      out.push({ kind: c === '=' ? 'eq' : 'semi', text: c });
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\n') flush();
    else word += c;
  }
  flush();
  return out;
}

/** Parses one Authentication-Results value (RFC 8601 §2.2); undefined when it has no authserv-id. */
export function parseAuthenticationResults(value: string): AuthenticationResults | undefined {
  const segments: Token[][] = [[]];
  for (const t of tokens(value)) {
    if (t.kind === 'semi') segments.push([]);
    else segments[segments.length - 1]?.push(t);
  }
  const authservId = segments[0]?.[0];
  if (authservId?.kind !== 'word') return undefined;
  const results: AuthResult[] = [];
  for (const segment of segments.slice(1)) {
    const pairs: Array<[string, string]> = [];
    for (let i = 0; i + 2 < segment.length; i += 1) {
      const [k, eq, v] = [segment[i], segment[i + 1], segment[i + 2]];
      if (k?.kind === 'word' && eq?.kind === 'eq' && v?.kind === 'word') {
        pairs.push([k.text.toLowerCase(), v.text]);
        i += 2;
      }
    }
    const [method, ...props] = pairs;
    if (method === undefined) continue;
    results.push({ method: method[0].split('/')[0] ?? '', result: method[1].toLowerCase(), props: new Map(props) });
  }
  return { authservId: authservId.text.toLowerCase(), results };
}

/**
 * The receiving server's own results: the topmost Authentication-Results field, if its authserv-id is the server's.
 * Never one further down — those came with the mail, and anyone can write "amazonses.com; dmarc=pass" into theirs.
 */
export function receiverResults(fields: readonly HeaderField[], authservId: string): AuthenticationResults | undefined {
  const top = fields.find((f) => f.name.toLowerCase() === 'authentication-results');
  if (top === undefined) return undefined;
  const parsed = parseAuthenticationResults(top.value);
  return parsed?.authservId === authservId.toLowerCase() ? parsed : undefined;
}

/** A domain as compared: lower case, ASCII (IDNA), no trailing dot; undefined when it is not a domain name. */
export function normalDomain(domain: string | undefined): string | undefined {
  const d = domainToASCII((domain ?? '').trim().replace(/\.$/u, ''));
  return d === '' ? undefined : d.toLowerCase();
}

/** The domain of an address (`ada@example.org`, `@example.org`, `<ada@example.org>`); undefined without one. */
export function domainOf(address: string | undefined): string | undefined {
  const a = (address ?? '').trim().replace(/^<|>$/gu, '');
  const at = a.lastIndexOf('@');
  return at === -1 ? undefined : normalDomain(a.slice(at + 1));
}

/**
 * The organizational domain (RFC 7489 §3.2) by the Public Suffix List, its private section included: `a.github.io`
 * and `b.github.io` belong to different people, so they must not align. Undefined for a public suffix or an IP.
 */
export function organizationalDomain(domain: string | undefined): string | undefined {
  const d = normalDomain(domain);
  return d === undefined ? undefined : (getDomain(d, { allowPrivateDomains: true }) ?? undefined);
}

/** Relaxed alignment (RFC 7489 §3.1.1, §3.1.2): the same organizational domain. */
export function aligned(a: string | undefined, b: string | undefined): boolean {
  const x = organizationalDomain(a);
  return x !== undefined && x === organizationalDomain(b);
}

/** What a receiving server established about a mail, before its From header is read. */
export interface ReceiptEvidence {
  /** Whose Authentication-Results are taken (`amazonses.com`). */
  readonly authservId: string;
  /** The receipt's verdicts, upper case as SES writes them (`PASS`, `FAIL`, `GRAY`, `PROCESSING_FAILED`, `MISSING`). */
  readonly spf: string;
  readonly dkim: string;
  readonly dmarc: string;
  readonly spam: string;
  readonly virus: string;
  /** The envelope MAIL FROM: the identity SPF checked. */
  readonly envelopeFrom: string | undefined;
  /** The receiving server's own Authentication-Results (receiverResults), undefined when the top one is not its. */
  readonly results: AuthenticationResults | undefined;
}

/**
 * Where a mail comes from: a receipt with its evidence (SES on AWS; the local stand-in in its verifying mode), or a
 * loopback connection to the local SMTP stand-in, which its default policy trusts (README "By e-mail").
 */
export type MailOrigin = { readonly kind: 'loopback' } | { readonly kind: 'receipt'; readonly evidence: ReceiptEvidence };

export const LOOPBACK: MailOrigin = { kind: 'loopback' };

function passes(results: AuthenticationResults | undefined, method: string): AuthResult[] {
  return (results?.results ?? []).filter((r) => r.method === method && r.result === 'pass');
}

/**
 * The trust of a mail whose From address is `from` (undefined when the From header names no single address).
 * Verified only by DMARC PASS for the From domain, or by an SPF or DKIM PASS aligned with it — as the receiver's
 * verdicts and its own Authentication-Results both say; a DMARC FAIL (the domain's own, possibly strict, policy) is
 * never overridden. Spam or virus FAIL is dropped.
 */
export function trustOf(origin: MailOrigin, from: string | undefined): Trust {
  if (origin.kind === 'loopback') return { drop: false, verified: true, basis: 'local loopback connection' };
  const e = origin.evidence;
  const fromDomain = domainOf(from);
  const drop = e.spam === 'FAIL' || e.virus === 'FAIL';

  const dmarcFor = passes(e.results, 'dmarc').map((r) => normalDomain(r.props.get('header.from')));
  const dmarcPass = e.dmarc === 'PASS' && fromDomain !== undefined && dmarcFor.includes(fromDomain);

  // SPF's identity is the envelope sender; the receipt and the receiver's header must name the same domain.
  const spfDomains = passes(e.results, 'spf').map((r) => domainOf(r.props.get('smtp.mailfrom')));
  const envelope = domainOf(e.envelopeFrom);
  const spfDomain = spfDomains.find((d) => d !== undefined && d === envelope);
  const spfAligned = e.spf === 'PASS' && aligned(spfDomain, fromDomain);

  // DKIM's identity is each valid signature's d= (header.d; header.i's domain where only that is given).
  const dkimDomains = passes(e.results, 'dkim').map((r) => normalDomain(r.props.get('header.d')) ?? domainOf(r.props.get('header.i')));
  const dkimAligned = e.dkim === 'PASS' && dkimDomains.some((d) => aligned(d, fromDomain));

  const verified = e.dmarc !== 'FAIL' && (dmarcPass || spfAligned || dkimAligned);
  const note = (ok: boolean, domains: ReadonlyArray<string | undefined>): string => {
    const named = domains.filter((d): d is string => d !== undefined);
    return named.length === 0 ? '' : ` (${named.join(', ')}: ${ok ? 'aligned' : 'not aligned'})`;
  };
  const basis = [
    `SPF ${e.spf}${note(spfAligned, spfDomain === undefined ? [] : [spfDomain])}`,
    `DKIM ${e.dkim}${note(dkimAligned, dkimDomains)}`,
    `DMARC ${e.dmarc}`,
    `spam ${e.spam}`,
    `virus ${e.virus}`,
  ].join(', ');
  const context =
    e.results === undefined ? `; no Authentication-Results of ${e.authservId} on top` : `; From domain ${fromDomain ?? 'none'}`;
  return { drop, verified, basis: `${basis}${context}` };
}
