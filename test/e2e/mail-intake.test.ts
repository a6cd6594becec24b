import { createTransport, type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestIdFor } from '../../lambdas/core/ids.js';
import { Stack, decide, requestIdIn, reviewLink, waitFor } from './stack.js';

// Submitting by e-mail, through real SMTP to the running local stack (nodemailer is the sending client).

let stack: Stack;
let smtp: Transporter;
beforeAll(async () => {
  stack = await Stack.start();
  smtp = createTransport({ host: '127.0.0.1', port: stack.smtpPort, secure: false, ignoreTLS: true });
});
afterAll(async () => {
  smtp.close();
  await stack.dispose();
});

// A small valid PNG (1×1 pixel).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

let sequence = 0;
async function send(mail: {
  from?: string;
  to?: string;
  subject: string;
  text: string;
  attachments?: Array<{ filename: string; content: Buffer; contentType: string }>;
  messageId?: string;
}): Promise<string> {
  const messageId = mail.messageId ?? `<e2e-${Date.now()}-${sequence++}@example.org>`;
  await smtp.sendMail({
    from: mail.from ?? 'ada@example.org',
    to: mail.to ?? 'submit+physics-x@example.org',
    subject: mail.subject,
    text: mail.text,
    messageId,
    ...(mail.attachments ? { attachments: mail.attachments } : {}),
  });
  return messageId;
}

describe('a mail from a directory member to submit+account', () => {
  it('becomes a request: acknowledged in the thread, approvers asked, the image kept and linked', async () => {
    // Act
    const messageId = await send({
      subject: 'Open day by mail',
      text: [
        'Join us on Saturday for the Physics Open Day! #OpenDay https://example.org/open-day',
        'Alt 1: Visitors looking at a detector model',
        'Consent: yes',
        'AI: no',
        '',
        '-- ',
        'Ada Lovelace, Physics Department',
      ].join('\n'),
      attachments: [{ filename: 'open-day.png', content: PNG, contentType: 'image/png' }],
    });

    // Assess: the acknowledgement answers the mail in its thread
    const ack = await stack.mailTo('ada@example.org', 'Re: Open day by mail');
    expect(ack.headers['In-Reply-To']).toBe(messageId);
    expect(ack.headers['References']).toContain(messageId);
    const requestId = requestIdIn(ack.text);
    const status = await stack.status(requestId);
    expect(status.kind).toBe('brand-post');

    // the approver sees the post without the signature or the convention lines
    const approval = await stack.mailTo('grace@example.org', 'Open day by mail');
    expect(approval.text).toContain('Join us on Saturday for the Physics Open Day!');
    expect(approval.text).not.toContain('Ada Lovelace, Physics Department');
    expect(approval.text).not.toContain('Consent: yes');
    expect(approval.text).toContain('alt: Visitors looking at a detector model');
    const mediaUrl = /https?:\/\/\S+\/media\/[a-f0-9]{40}\.png/.exec(approval.text)?.[0];
    expect(mediaUrl).toBeDefined();
    const image = await fetch(mediaUrl ?? '');
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await image.arrayBuffer()).equals(PNG)).toBe(true);

    // and the outcome comes back in the same thread
    await decide(reviewLink(approval), 'reject', 'Please wait for the programme.');
    const outcome = await stack.mailTo('ada@example.org', 'rejected');
    expect(outcome.headers['In-Reply-To']).toBe(messageId);
  });

  it('takes a mail with only an HTML body: the post is its text, links with their address', async () => {
    // Act: as a mail client that writes HTML only sends it
    await smtp.sendMail({
      from: 'ada@example.org',
      to: 'submit+physics-x@example.org',
      subject: 'HTML only',
      html: '<p>Our <b>colloquium</b> is on Thursday: <a href="https://example.org/colloquium">the programme</a>.</p><p>Consent: yes</p>',
      messageId: `<e2e-html-${Date.now()}@example.org>`,
    });

    // Assess: acknowledged, and the approver reads the post's text with its link
    await stack.mailTo('ada@example.org', 'Re: HTML only');
    const approval = await stack.mailTo('grace@example.org', 'HTML only');
    expect(approval.text).toContain('Our colloquium is on Thursday: the programme [https://example.org/colloquium].');
    expect(approval.text).not.toContain('<b>');
  });

  it('makes one request when the same mail is delivered twice (same Message-ID)', async () => {
    const messageId = await send({
      subject: 'Delivered twice',
      text: 'A short note about the seminar series. https://example.org/seminars',
    });
    await stack.mailTo('ada@example.org', 'Re: Delivered twice');
    await send({ subject: 'Delivered twice', text: 'A short note about the seminar series. https://example.org/seminars', messageId });
    await stack.mailTo('grace@example.org', 'Delivered twice');

    // The redelivery is handled before SMTP answers, so once sendMail returned nothing more will come.
    const related = (await stack.outbox()).filter((m) => m.subject.includes('Delivered twice'));
    expect(related.filter((m) => m.to.includes('ada@example.org'))).toHaveLength(1);
    expect(related.filter((m) => m.to.includes('grace@example.org'))).toHaveLength(1);
  });
});

describe('mail that cannot be submitted', () => {
  it('answers a missing alt text with exactly the line to add, and creates no request', async () => {
    await send({
      subject: 'No alt',
      text: 'Our new lab opens today. https://example.org/lab',
      attachments: [{ filename: 'lab.png', content: PNG, contentType: 'image/png' }],
    });
    const reply = await stack.mailTo('ada@example.org', 'Re: No alt');
    expect(reply.text).toContain('Nothing was submitted');
    expect(reply.text).toContain('Alt 1:');
    expect(reply.text).toContain('lab.png');
    expect((await stack.outbox()).some((m) => m.subject.includes('No alt') && m.to.includes('grace@example.org'))).toBe(false);
  });

  it('asks for plain text when the only body is HTML past the bound, and creates no request', async () => {
    await smtp.sendMail({
      from: 'ada@example.org',
      to: 'submit+physics-x@example.org',
      subject: 'Heavy HTML',
      html: `<p>A post in heavy markup.</p>${'<span style="color:#123456"></span>'.repeat(6_000)}`,
      messageId: `<e2e-heavy-${Date.now()}@example.org>`,
    });
    const reply = await stack.mailTo('ada@example.org', 'Re: Heavy HTML');
    expect(reply.text).toContain('Nothing was submitted: the mail has only an HTML body');
    expect(reply.text).toContain('Send the post as plain text.');
    expect((await stack.outbox()).some((m) => m.subject.includes('Heavy HTML') && m.to.includes('grace@example.org'))).toBe(false);
  });

  it('tells the sender which address to use when no submit+account recipient is given', async () => {
    await send({ subject: 'Wrong address', text: 'Hello', to: 'comms@example.org' });
    const reply = await stack.mailTo('ada@example.org', 'Re: Wrong address');
    expect(reply.text).toContain('submit+physics-x@example.org');
  });

  it('names an account the sender cannot post to', async () => {
    await send({
      subject: 'Not my account',
      text: 'Short post with a link https://example.org/x',
      to: 'submit+institute-bluesky@example.org',
    });
    const reply = await stack.mailTo('ada@example.org', 'Re: Not my account');
    expect(reply.text).toContain('[P-ACCOUNT]');
  });

  it('drops mail from someone outside the directory: no request, no reply, and an audit record', async () => {
    const before = (await stack.outbox()).length;
    const messageId = await send({
      subject: 'From a stranger',
      text: 'Please post this. https://example.org',
      from: 'mallory@elsewhere.example',
    });
    // The SMTP answer came after intake finished: the outbox is already final for this mail.
    const after = await stack.outbox();
    expect(after.length).toBe(before);
    expect(after.some((m) => m.to.includes('mallory@elsewhere.example'))).toBe(false);
    const requestId = requestIdFor('mail', messageId);
    expect(
      (await fetch(`${stack.baseUrl}/v1/requests/${requestId}`, { headers: { authorization: 'Bearer test-api-token-0123456789' } })).status,
    ).toBe(404);
    const audit = await stack.audit(requestId);
    expect(audit.events.map((e) => e.type)).toEqual(['mail.rejected']);
    expect(audit.events[0]?.data['reason']).toBe('sender is not in the directory');
    expect(JSON.stringify(audit.events)).not.toContain('Please post this');
  });

  it('refuses more than ten images by reply', async () => {
    const attachments = Array.from({ length: 11 }, (_, i) => ({
      filename: `img${i}.png`,
      content: Buffer.concat([PNG, Buffer.from([i])]),
      contentType: 'image/png',
    }));
    await send({ subject: 'Too many images', text: 'Gallery https://example.org/gallery', attachments });
    const reply = await stack.mailTo('ada@example.org', 'Re: Too many images');
    expect(reply.text).toContain('at most 10 images');
  });

  it('refuses attachments over 10 MB by reply', async () => {
    const big = Buffer.alloc(11 * 1024 * 1024, 7);
    await send({
      subject: 'Too large',
      text: 'Video stills https://example.org',
      attachments: [{ filename: 'big.png', content: big, contentType: 'image/png' }],
    });
    const reply = await waitFor('the size reply', async () => (await stack.outbox()).find((m) => m.subject === 'Re: Too large'), 30_000);
    expect(reply.text).toContain('10 MB');
  });
});
