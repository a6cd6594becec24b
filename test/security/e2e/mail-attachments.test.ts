import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestIdFor } from '../../../lambdas/core/ids.js';
import { API_TOKEN, Stack } from '../../e2e/stack.js';
import { message, sendRaw, uniqueMessageId } from './smtp.js';

// Issue #11, "attachment count": a mail with thousands of MIME parts got SMTP 451, a temporary failure, so the
// sending server retried it for days. It must get a permanent 5xx naming the limit, be audited without its content,
// and leave the stack answering. Driven from outside through real SMTP.

let stack: Stack;
beforeAll(async () => {
  stack = await Stack.start();
});
afterAll(async () => {
  await stack.dispose();
});

const MEMBER = 'ada@example.org';
const BOUNDARY = 'sec-boundary-7f3a';

/** A multipart/mixed mail from a directory member with `parts` small text attachments after its body. */
function manyParts(messageId: string, subject: string, parts: number): string {
  const body = [
    `--${BOUNDARY}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'The slides of the seminar, one file a slide. https://example.org/seminar',
  ];
  for (let i = 0; i < parts; i += 1) {
    body.push(
      `--${BOUNDARY}`,
      `Content-Type: text/plain; name="slide-${i}.txt"`,
      `Content-Disposition: attachment; filename="slide-${i}.txt"`,
      '',
      `Slide ${i}: dark matter, explained.`,
    );
  }
  body.push(`--${BOUNDARY}--`, '');
  return message(
    [
      `From: Ada Lovelace <${MEMBER}>`,
      'To: submit+physics-x@example.org',
      `Subject: ${subject}`,
      `Message-ID: ${messageId}`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${BOUNDARY}"`,
    ],
    body.join('\r\n'),
  );
}

describe('a mail with thousands of MIME parts', () => {
  it('gets a permanent 5xx naming the limit, makes no request, is audited without content, and the stack still answers', async () => {
    // Prepare
    const messageId = uniqueMessageId('parts');
    const subject = `Seminar slides ${messageId}`;
    const before = (await stack.outbox()).length;

    // Act
    const { reply } = await sendRaw({
      port: stack.smtpPort,
      mailFrom: MEMBER,
      rcptTo: ['submit+physics-x@example.org'],
      message: manyParts(messageId, subject, 3_000),
    });

    // Assess: permanent (5xx, so the sending server gives up and bounces), and the text names the limit
    expect(reply.code, reply.text).toBeGreaterThanOrEqual(550);
    expect(reply.code).toBeLessThan(560);
    expect(reply.text).toMatch(/at most \d+ MIME parts/i);
    // no request, no mail back (the sending server's bounce tells the sender)
    const requestId = requestIdFor('mail', messageId);
    const status = await fetch(`${stack.baseUrl}/v1/requests/${requestId}`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
    expect(status.status).toBe(404);
    expect((await stack.outbox(before)).some((m) => m.subject.includes(messageId))).toBe(false);
    // audited, without the subject or any part's content
    const audit = await stack.audit(requestId);
    expect(audit.events.map((e) => e.type)).toEqual(['mail.rejected']);
    expect(String(audit.events[0]?.data['reason'])).toMatch(/MIME parts/);
    const trail = JSON.stringify(audit.events);
    expect(trail).not.toContain('Seminar slides');
    expect(trail).not.toContain('dark matter');

    // and the stack still takes an ordinary mail right after
    const nextId = uniqueMessageId('parts-after');
    const next = await sendRaw({
      port: stack.smtpPort,
      mailFrom: MEMBER,
      rcptTo: ['submit+physics-x@example.org'],
      message: manyParts(nextId, 'Two slides', 2),
    });
    expect(next.reply.code, next.reply.text).toBe(250);
    expect((await stack.status(requestIdFor('mail', nextId))).kind).toBe('brand-post');
  });
});
