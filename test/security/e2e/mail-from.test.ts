import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestIdFor } from '../../../lambdas/core/ids.js';
import { API_TOKEN, Stack } from '../../e2e/stack.js';
import { message, sendRaw, uniqueMessageId } from './smtp.js';

// Issue #11, "a mail filed as someone it is not from": a mail whose From names a directory member next to a stranger
// — in a second From header, or as a second address of the one header — must not become the member's request.
// RFC 5322 §3.6 allows exactly one From header; DMARC evaluators refuse mail with several From addresses. Driven
// from outside through real SMTP (a raw socket: no mail library writes two From headers).

let stack: Stack;
beforeAll(async () => {
  stack = await Stack.start();
});
afterAll(async () => {
  await stack.dispose();
});

const MEMBER = 'ada@example.org';
const STRANGER = 'mallory@evil.example';
// Words of the mail that must never reach the audit trail of a refused mail.
const SUBJECT = 'Urgent repost of the rector statement';
const BODY = 'Please post the attached statement about the budget cuts right away. https://evil.example/statement';

async function requestStatus(requestId: string): Promise<number> {
  return (await fetch(`${stack.baseUrl}/v1/requests/${requestId}`, { headers: { authorization: `Bearer ${API_TOKEN}` } })).status;
}

describe('a mail whose From does not name exactly one sender', () => {
  it.each([
    ["two From headers, a stranger's then a member's", [`From: Mallory <${STRANGER}>`, `From: Ada Lovelace <${MEMBER}>`]],
    ['two From headers, the first written "From :"', [`From : ${STRANGER}`, `From: ${MEMBER}`]],
    ['one From header naming the member, then a stranger', [`From: Ada Lovelace <${MEMBER}>, Mallory <${STRANGER}>`]],
    ['one From header with two addresses and no comma', [`From: ${MEMBER} ${STRANGER}`]],
  ])('%s: is refused at SMTP, makes no request, answers nobody, and is audited without its content', async (_name, fromHeaders) => {
    // Prepare
    const messageId = uniqueMessageId('from');
    const subject = `${SUBJECT} ${messageId}`;
    const raw = message(
      [
        ...fromHeaders,
        'To: submit+physics-x@example.org',
        `Subject: ${subject}`,
        `Message-ID: ${messageId}`,
        'Date: Fri, 20 Nov 2026 09:17:27 +0000',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
      ],
      BODY,
    );
    const before = (await stack.outbox()).length;

    // Act
    const { reply } = await sendRaw({ port: stack.smtpPort, mailFrom: MEMBER, rcptTo: ['submit+physics-x@example.org'], message: raw });

    // Assess: a permanent refusal that names the rule, not a silent 250
    expect(reply.code, reply.text).toBeGreaterThanOrEqual(550);
    expect(reply.code).toBeLessThan(560);
    expect(reply.text).toMatch(/exactly one/i);
    // no request under the id the mail would have had
    const requestId = requestIdFor('mail', messageId);
    expect(await requestStatus(requestId)).toBe(404);
    // the refusal is audited, without the mail's subject or body, and attributed to no one
    const audit = await stack.audit(requestId);
    expect(audit.events.map((e) => e.type)).toEqual(['mail.rejected']);
    expect(audit.events[0]?.actor).toBe('unknown');
    expect(String(audit.events[0]?.data['reason'])).toMatch(/From/);
    const trail = JSON.stringify(audit.events);
    expect(trail).not.toContain(SUBJECT);
    expect(trail).not.toContain('budget cuts');
    // nobody is answered: the SMTP answer came after intake finished, so the outbox is final for this mail
    const after = await stack.outbox(before);
    expect(after.filter((m) => m.to.includes(MEMBER) || m.to.includes(STRANGER))).toEqual([]);
    expect(after.some((m) => m.subject.includes(messageId))).toBe(false);
  });

  it('still takes a mail with one From naming one member (the rule refuses nothing more)', async () => {
    // Prepare
    const messageId = uniqueMessageId('from-ok');
    const raw = message(
      [
        `From: "Lovelace, Ada" <${MEMBER}>`,
        'To: submit+physics-x@example.org',
        'Subject: Seminar on Thursday',
        `Message-ID: ${messageId}`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
      ],
      'Our weekly seminar: dark matter, explained. https://example.org/seminar',
    );

    // Act
    const { reply } = await sendRaw({ port: stack.smtpPort, mailFrom: MEMBER, rcptTo: ['submit+physics-x@example.org'], message: raw });

    // Assess
    expect(reply.code, reply.text).toBe(250);
    const status = await stack.status(requestIdFor('mail', messageId));
    expect(status.kind).toBe('brand-post');
  });
});
