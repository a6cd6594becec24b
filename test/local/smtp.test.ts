import type { AddressInfo } from 'node:net';
import type { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { SendInFlightError } from '../../lambdas/core/errors.js';
import { MAX_MIME_PARTS } from '../../lambdas/core/mail/mail-parse.js';
import type { MailOutcome } from '../../lambdas/use-cases/submit-mail.js';
import { createSmtpIntake } from '../../local/smtp.js';
import { message, sendRaw } from '../security/e2e/smtp.js';
import { converse } from '../e2e/fuzz/smtp-wire.js';

// The local SMTP stand-in's answers (issue #11): a mail refused as it stands gets a permanent 5xx, a failure of the
// store a temporary 451, and an envelope past the recipient bound 452 for the rest.

let server: SMTPServer | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = undefined;
});

async function listen(outcome: () => Promise<MailOutcome>): Promise<{ port: number; errors: unknown[] }> {
  const errors: unknown[] = [];
  server = createSmtpIntake(outcome, (error) => errors.push(error));
  const s = server;
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  return { port: (s.server.address() as AddressInfo).port, errors };
}

const MAIL = message(['From: ada@example.org', 'Subject: x', 'Message-ID: <smtp-unit@example.org>'], 'Hello.');

describe('createSmtpIntake', () => {
  it.each([
    ['too-many-parts', 552, `at most ${MAX_MIME_PARTS} MIME parts`],
    ['unparseable', 554, 'could not be parsed'],
    ['sender-not-established', 550, 'exactly one sender'],
  ] as const)('answers a %s refusal with a permanent %i', async (refusal, code, text) => {
    // Prepare
    const { port } = await listen(async () => ({ outcome: 'refused', refusal, reason: 'x' }));

    // Act
    const { reply } = await sendRaw({ port, mailFrom: 'ada@example.org', rcptTo: ['submit+physics-x@example.org'], message: MAIL });

    // Assess
    expect(reply.code).toBe(code);
    expect(reply.text).toContain(text);
  });

  it('answers 250 once the mail is handled, and 451 only when handling failed', async () => {
    // Prepare
    let fail = false;
    const { port, errors } = await listen(async () => {
      if (fail) throw new Error('the store did not answer');
      return { outcome: 'dropped', reason: 'x' };
    });

    // Act
    const ok = await sendRaw({ port, mailFrom: 'ada@example.org', rcptTo: ['submit+physics-x@example.org'], message: MAIL });
    fail = true;
    const failed = await sendRaw({ port, mailFrom: 'ada@example.org', rcptTo: ['submit+physics-x@example.org'], message: MAIL });

    // Assess
    expect(ok.reply.code).toBe(250);
    expect(failed.reply.code).toBe(451);
    expect(errors).toHaveLength(1);
  });

  it('answers a reply still on its way (an earlier delivery holds it) with a temporary 451, logged as no error (issue #13)', async () => {
    // Prepare
    const { port, errors } = await listen(async () => {
      throw new SendInFlightError('the reply to inbound mail h may still be on its way');
    });

    // Act
    const { reply } = await sendRaw({ port, mailFrom: 'ada@example.org', rcptTo: ['submit+physics-x@example.org'], message: MAIL });

    // Assess
    expect(reply.code).toBe(451);
    expect(reply.text).toContain('try again later');
    expect(errors).toEqual([]);
  });

  it('logs no intake error for a client that leaves in the middle of a message, and hands nothing on (issue #13)', async () => {
    // Prepare
    let handled = 0;
    const { port, errors } = await listen(async () => {
      handled++;
      return { outcome: 'dropped', reason: 'x' };
    });

    // Act: half a message, then the client hangs up; then a whole one
    const left = await converse(
      port,
      {
        commands: ['EHLO client.example.org', 'MAIL FROM:<ada@example.org>', 'RCPT TO:<submit+physics-x@example.org>', 'DATA'],
        message: Buffer.from(MAIL),
        cutAt: 30,
      },
      5_000,
    );
    const { reply } = await sendRaw({ port, mailFrom: 'ada@example.org', rcptTo: ['submit+physics-x@example.org'], message: MAIL });

    // Assess
    expect(left.kind).toBe('client-left');
    expect(reply.code).toBe(250);
    expect(handled).toBe(1);
    expect(errors).toEqual([]);
  });

  it('takes at most 50 recipients in one transaction', async () => {
    // Prepare
    const { port } = await listen(async () => ({ outcome: 'dropped', reason: 'x' }));
    const rcptTo = Array.from({ length: 51 }, (_, i) => `r${i}@example.org`);

    // Act
    const { reply } = await sendRaw({ port, mailFrom: 'ada@example.org', rcptTo, message: MAIL });

    // Assess
    expect(reply.code).toBe(452);
  });
});
