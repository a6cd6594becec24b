import { describe, expect, it } from 'vitest';
import { SCANNER_INPUTS } from '../fixtures/scanner-inputs.js';
import {
  aligned,
  domainOf,
  organizationalDomain,
  parseAuthenticationResults,
  receiverResults,
  trustOf,
  type MailOrigin,
  type ReceiptEvidence,
} from '../../lambdas/core/mail/mail-auth.js';

// Whether a mail's From address is established (issue #11): DMARC PASS, or SPF or DKIM PASS aligned with the From
// domain (RFC 7489 §3.1, relaxed), as the receiving server's verdicts and its own Authentication-Results say.

const SES = 'amazonses.com';

/** A receipt: PASS everywhere unless changed, with SES's Authentication-Results header value `ar`. */
function receipt(ar: string | undefined, change: Partial<ReceiptEvidence> = {}): MailOrigin {
  return {
    kind: 'receipt',
    evidence: {
      authservId: SES,
      spf: 'PASS',
      dkim: 'PASS',
      dmarc: 'GRAY',
      spam: 'PASS',
      virus: 'PASS',
      envelopeFrom: 'ada@example.org',
      results: ar === undefined ? undefined : parseAuthenticationResults(ar),
      ...change,
    },
  };
}

describe('parseAuthenticationResults', () => {
  it("reads SES's header: the authserv-id, each method's result and its properties, comments left out", () => {
    // Act
    const ar = parseAuthenticationResults(
      'amazonses.com; spf=pass (spfCheck: domain of example.org designates 192.0.2.25 as permitted sender) smtp.mailfrom=ada@example.org; dkim=pass header.i=@example.org; dmarc=none header.from=example.org;',
    );

    // Assess
    expect(ar?.authservId).toBe('amazonses.com');
    expect(ar?.results.map((r) => [r.method, r.result, Object.fromEntries(r.props)])).toEqual([
      ['spf', 'pass', { 'smtp.mailfrom': 'ada@example.org' }],
      ['dkim', 'pass', { 'header.i': '@example.org' }],
      ['dmarc', 'none', { 'header.from': 'example.org' }],
    ]);
  });

  it('reads versions, quoted values, nested comments, spaces around "=" and several DKIM results', () => {
    // Act
    const ar = parseAuthenticationResults(
      'mx.example.net 1; dkim/1 = pass (good (nested) signature) header.d=Example.ORG header.s="sel;1"; dkim=fail reason="bad; signature" header.d=evil.example;\r\n\tspf=softfail smtp.mailfrom="a b"@example.org',
    );

    // Assess
    expect(ar?.authservId).toBe('mx.example.net');
    expect(ar?.results.map((r) => [r.method, r.result, r.props.get('header.d') ?? r.props.get('smtp.mailfrom')])).toEqual([
      ['dkim', 'pass', 'Example.ORG'],
      ['dkim', 'fail', 'evil.example'],
      ['spf', 'softfail', 'a b@example.org'],
    ]);
  });

  it('reads "none" as no results, and nothing as no header', () => {
    expect(parseAuthenticationResults('amazonses.com; none')?.results).toEqual([]);
    expect(parseAuthenticationResults('   ')).toBeUndefined();
  });

  it('reads no result from long, unbalanced input: comments, quotes and pairs never closed (timed by bench/checks.ts)', () => {
    expect(parseAuthenticationResults(SCANNER_INPUTS.authenticationResults())).toEqual({ authservId: 'x', results: [] });
  });
});

describe('receiverResults', () => {
  it('takes the topmost Authentication-Results when the receiver wrote it', () => {
    // Act
    const ar = receiverResults(
      [
        { name: 'Received', value: 'from mx' },
        { name: 'Authentication-Results', value: 'amazonses.com; dkim=pass header.d=evil.example' },
        { name: 'authentication-results', value: 'amazonses.com; dmarc=pass header.from=example.org' },
      ],
      SES,
    );

    // Assess
    expect(ar?.results.map((r) => r.method)).toEqual(['dkim']);
  });

  it("takes none when the topmost is someone else's, however many lower ones claim to be the receiver's", () => {
    // Act
    const ar = receiverResults(
      [
        { name: 'Authentication-Results', value: 'mx.evil.example; dkim=pass header.d=evil.example' },
        { name: 'Authentication-Results', value: 'amazonses.com; dmarc=pass header.from=example.org' },
      ],
      SES,
    );

    // Assess
    expect(ar).toBeUndefined();
  });
});

describe('organizational domains and alignment', () => {
  it.each([
    ['example.org', 'example.org'],
    ['mail.example.org', 'example.org'],
    ['MAIL.Example.ORG.', 'example.org'],
    ['news.physics.example.co.uk', 'example.co.uk'],
    ['a.github.io', 'a.github.io'],
    ['co.uk', undefined],
    ['192.0.2.1', undefined],
    ['bücher.example', 'xn--bcher-kva.example'],
  ])('%s belongs to %s', (domain, org) => {
    expect(organizationalDomain(domain)).toBe(org);
  });

  it.each([
    ['example.org', 'example.org', true],
    ['bounces.example.org', 'example.org', true],
    ['example.org', 'lists.example.org', true],
    ['example.co.uk', 'other.co.uk', false],
    ['a.github.io', 'b.github.io', false],
    ['evil.example', 'example.org', false],
    ['example.org.evil.example', 'example.org', false],
    [undefined, 'example.org', false],
    ['co.uk', 'co.uk', false],
  ])('%s and %s align: %s', (a, b, expected) => {
    expect(aligned(a, b)).toBe(expected);
  });

  it('takes the domain of an address, of "@domain", and of a bracketed address', () => {
    expect([
      domainOf('ada@Example.org'),
      domainOf('@example.org'),
      domainOf('<ada@example.org>'),
      domainOf('ada'),
      domainOf(undefined),
    ]).toEqual(['example.org', 'example.org', 'example.org', undefined, undefined]);
  });
});

describe('trustOf', () => {
  it('trusts a loopback connection, by the local policy', () => {
    expect(trustOf({ kind: 'loopback' }, 'ada@example.org')).toEqual({ drop: false, verified: true, basis: 'local loopback connection' });
  });

  it.each([
    [
      'DMARC PASS for the From domain',
      'amazonses.com; spf=fail smtp.mailfrom=x@evil.example; dkim=fail header.d=evil.example; dmarc=pass header.from=example.org',
      { dmarc: 'PASS', spf: 'FAIL', dkim: 'FAIL', envelopeFrom: 'x@evil.example' },
    ],
    [
      'SPF PASS for the From domain, DKIM none, DMARC GRAY',
      'amazonses.com; spf=pass smtp.mailfrom=ada@example.org; dkim=none; dmarc=none header.from=example.org',
      { dkim: 'GRAY' },
    ],
    [
      'SPF PASS for a subdomain (relaxed)',
      'amazonses.com; spf=pass smtp.mailfrom=b@bounce.example.org; dmarc=none header.from=example.org',
      { dkim: 'GRAY', envelopeFrom: 'b@bounce.example.org' },
    ],
    [
      'DKIM PASS for the From domain, SPF for an ESP',
      'amazonses.com; spf=pass smtp.mailfrom=b@esp.example.net; dkim=pass header.d=example.org; dmarc=none header.from=example.org',
      { envelopeFrom: 'b@esp.example.net' },
    ],
    [
      'DKIM PASS aligned by header.i',
      'amazonses.com; spf=fail smtp.mailfrom=b@esp.example.net; dkim=pass header.i=@news.example.org; dmarc=none header.from=example.org',
      { spf: 'FAIL', envelopeFrom: 'b@esp.example.net' },
    ],
  ])('verifies %s', (_name, ar, change) => {
    expect(trustOf(receipt(ar, change), 'ada@example.org').verified).toBe(true);
  });

  it.each([
    [
      "SPF and DKIM PASS for the sender's own domain, DMARC GRAY (the finding)",
      'amazonses.com; spf=pass smtp.mailfrom=m@evil.example; dkim=pass header.d=evil.example; dmarc=none header.from=example.org',
      { envelopeFrom: 'm@evil.example' },
    ],
    [
      "SPF and DKIM PASS for the sender's own domain, DMARC missing",
      'amazonses.com; spf=pass smtp.mailfrom=m@evil.example; dkim=pass header.d=evil.example',
      { envelopeFrom: 'm@evil.example', dmarc: 'MISSING' },
    ],
    [
      "an aligned SPF PASS vetoed by the domain's DMARC FAIL (a strict policy)",
      'amazonses.com; spf=pass smtp.mailfrom=b@bounce.example.org; dmarc=fail header.from=example.org',
      { envelopeFrom: 'b@bounce.example.org', dkim: 'GRAY', dmarc: 'FAIL' },
    ],
    [
      'DMARC PASS for another From domain than the one read (a parser differential)',
      'amazonses.com; dmarc=pass header.from=evil.example',
      { dmarc: 'PASS', spf: 'FAIL', dkim: 'FAIL' },
    ],
    [
      "DMARC PASS in the verdicts but not in SES's header",
      'amazonses.com; spf=fail smtp.mailfrom=m@evil.example; dmarc=fail header.from=example.org',
      { dmarc: 'PASS', spf: 'FAIL', dkim: 'FAIL' },
    ],
    [
      'an aligned SPF PASS in the header but FAIL in the verdicts',
      'amazonses.com; spf=pass smtp.mailfrom=ada@example.org; dmarc=none header.from=example.org',
      { spf: 'FAIL', dkim: 'FAIL' },
    ],
    [
      'an SPF PASS whose smtp.mailfrom is not the envelope sender',
      'amazonses.com; spf=pass smtp.mailfrom=ada@example.org; dmarc=none header.from=example.org',
      { envelopeFrom: 'm@evil.example', dkim: 'FAIL' },
    ],
    [
      'a DKIM PASS for a look-alike domain',
      'amazonses.com; spf=fail smtp.mailfrom=m@evil.example; dkim=pass header.d=example.org.evil.example; dmarc=none header.from=example.org',
      { spf: 'FAIL', envelopeFrom: 'm@evil.example' },
    ],
    [
      'a DKIM PASS for another customer of the same private suffix',
      'amazonses.com; spf=fail smtp.mailfrom=m@evil.example; dkim=pass header.d=mallory.github.io; dmarc=none header.from=ada.github.io',
      { spf: 'FAIL', envelopeFrom: 'm@evil.example' },
    ],
    ['no Authentication-Results of SES at all', undefined, { dmarc: 'PASS' }],
  ])('does not verify %s', (_name, ar, change) => {
    const from = _name.includes('private suffix') ? 'ada@ada.github.io' : 'ada@example.org';
    expect(trustOf(receipt(ar, change), from).verified).toBe(false);
  });

  it('verifies nothing without a From address', () => {
    expect(trustOf(receipt('amazonses.com; dmarc=pass header.from=example.org', { dmarc: 'PASS' }), undefined).verified).toBe(false);
  });

  it('drops spam and virus FAIL, and says why in its basis without any content', () => {
    // Act
    const trust = trustOf(
      receipt('amazonses.com; spf=pass smtp.mailfrom=m@evil.example; dkim=pass header.d=evil.example; dmarc=none header.from=example.org', {
        envelopeFrom: 'm@evil.example',
        spam: 'FAIL',
      }),
      'ada@example.org',
    );

    // Assess
    expect(trust.drop).toBe(true);
    expect(trust.basis).toBe(
      'SPF PASS (evil.example: not aligned), DKIM PASS (evil.example: not aligned), DMARC GRAY, spam FAIL, virus PASS; From domain example.org',
    );
  });

  it("says when the receiver's own header was not on top", () => {
    expect(trustOf(receipt(undefined), 'ada@example.org').basis).toBe(
      'SPF PASS, DKIM PASS, DMARC GRAY, spam PASS, virus PASS; no Authentication-Results of amazonses.com on top',
    );
  });
});
