import { generateKeyPairSync } from 'node:crypto';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestIdFor } from '../../../lambdas/core/ids.js';
import { API_TOKEN, Stack } from '../../e2e/stack.js';
import { startDns, type TestDns } from './dns.js';

// Issue #11, "mail trust without alignment": SPF PASS and DKIM PASS with no DMARC verdict were taken as proof of the
// From address, though both can pass for the sender's own domain. Here the local stack runs its SMTP intake in the
// verifying mode (SIGNOFF_MAIL_AUTH=verify: SPF, DKIM and DMARC computed as SES receipt does, against a DNS server this
// test runs), and real DKIM-signed mail goes through real SMTP. example.org publishes SPF and a DKIM key but no DMARC
// record — the case where only alignment tells a spoofed From from a real one.

const SELECTOR = 'sel';

function rsaKey(): { privateKey: string; dnsKey: string } {
  // 1024 bits: mailauth's minimum, and a TXT answer that fits one UDP datagram.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    dnsKey: `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`,
  };
}

const evilKey = rsaKey();
const orgKey = rsaKey();

let dns: TestDns;
let stack: Stack;
beforeAll(async () => {
  dns = await startDns({
    'evil.example': 'v=spf1 ip4:127.0.0.1 -all',
    [`${SELECTOR}._domainkey.evil.example`]: evilKey.dnsKey,
    'example.org': 'v=spf1 ip4:127.0.0.1 -all',
    [`${SELECTOR}._domainkey.example.org`]: orgKey.dnsKey,
    'esp.example.net': 'v=spf1 ip4:127.0.0.1 -all',
  });
  stack = await Stack.start({ SIGNOFF_MAIL_AUTH: 'verify', SIGNOFF_DNS_SERVER: dns.server });
});
afterAll(async () => {
  await stack.dispose();
  await dns.close();
});

let sequence = 0;

/** Sends a mail From Ada to submit+physics-x@ with the envelope sender and DKIM domain given. */
async function send(o: {
  envelopeFrom: string;
  dkimDomain?: string;
  privateKey?: string;
  subject: string;
  headers?: Record<string, string>;
}): Promise<string> {
  const messageId = `<align-${Date.now()}-${sequence++}@client.example>`;
  const transport = createTransport({
    host: '127.0.0.1',
    port: stack.smtpPort,
    secure: false,
    ignoreTLS: true,
    name: 'mx.client.example',
    ...(o.dkimDomain === undefined ? {} : { dkim: { domainName: o.dkimDomain, keySelector: SELECTOR, privateKey: o.privateKey ?? '' } }),
  });
  try {
    await transport.sendMail({
      envelope: { from: o.envelopeFrom, to: ['submit+physics-x@example.org'] },
      from: 'Ada Lovelace <ada@example.org>',
      to: 'submit+physics-x@example.org',
      subject: o.subject,
      text: 'Our weekly seminar: dark matter, explained. https://example.org/seminar',
      messageId,
      ...(o.headers === undefined ? {} : { headers: o.headers }),
    });
  } finally {
    transport.close();
  }
  return messageId;
}

async function requestStatus(requestId: string): Promise<number> {
  return (await fetch(`${stack.baseUrl}/v1/requests/${requestId}`, { headers: { authorization: `Bearer ${API_TOKEN}` } })).status;
}

describe('the verifying mail intake', () => {
  it("does not take a mail From a member whose SPF and DKIM PASS are for the sender's own domain", async () => {
    // Act: the attacker's server, SPF-authorised for evil.example, DKIM-signing as evil.example, writes From: ada@
    const messageId = await send({
      envelopeFrom: 'bounce@evil.example',
      dkimDomain: 'evil.example',
      privateKey: evilKey.privateKey,
      subject: 'Unaligned seminar',
    });

    // Assess: no request; audited as unverified, with the domains that passed and that they do not align
    const requestId = requestIdFor('mail', messageId);
    expect(await requestStatus(requestId)).toBe(404);
    const audit = await stack.audit(requestId);
    expect(audit.events.map((e) => e.type)).toEqual(['mail.rejected']);
    expect(String(audit.events[0]?.data['reason'])).toMatch(
      /^unverified origin \(SPF PASS \(evil\.example: not aligned\), DKIM PASS \(evil\.example: not aligned\), DMARC GRAY/u,
    );
    // the approvers hear nothing; Ada is told a mail in her name was not taken
    expect((await stack.outbox()).some((m) => m.subject.includes('Unaligned seminar') && !m.to.includes('ada@example.org'))).toBe(false);
    expect((await stack.mailTo('ada@example.org', 'Re: Unaligned seminar')).text).toContain('could not verify');
  });

  it('takes no Authentication-Results from the mail itself', async () => {
    // Act: the same attack, with a forged "dmarc=pass" under the stand-in's own authserv-id
    const messageId = await send({
      envelopeFrom: 'bounce@evil.example',
      dkimDomain: 'evil.example',
      privateKey: evilKey.privateKey,
      subject: 'Forged results',
      headers: {
        'Authentication-Results':
          'signoff.local; spf=pass smtp.mailfrom=ada@example.org; dkim=pass header.d=example.org; dmarc=pass header.from=example.org',
      },
    });

    // Assess
    expect(await requestStatus(requestIdFor('mail', messageId))).toBe(404);
  });

  it('takes a mail whose DKIM PASS is for the From domain', async () => {
    // Act
    const messageId = await send({
      envelopeFrom: 'ada@example.org',
      dkimDomain: 'example.org',
      privateKey: orgKey.privateKey,
      subject: 'Aligned seminar',
    });

    // Assess
    expect((await stack.status(requestIdFor('mail', messageId))).kind).toBe('brand-post');
  });

  it("takes a mail sent through another provider when its DKIM PASS is the From domain's", async () => {
    // Act: SPF passes for the provider only; DKIM is signed by example.org
    const messageId = await send({
      envelopeFrom: 'bounce-7@esp.example.net',
      dkimDomain: 'example.org',
      privateKey: orgKey.privateKey,
      subject: 'Seminar via provider',
    });

    // Assess
    expect((await stack.status(requestIdFor('mail', messageId))).kind).toBe('brand-post');
  });

  it('takes a mail whose only PASS is SPF for the From domain', async () => {
    // Act
    const messageId = await send({ envelopeFrom: 'ada@example.org', subject: 'SPF-only seminar' });

    // Assess
    expect((await stack.status(requestIdFor('mail', messageId))).kind).toBe('brand-post');
  });
});
