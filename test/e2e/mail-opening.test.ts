import { createTransport, type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestIdFor } from '../../lambdas/core/ids.js';
import { API_TOKEN, Stack, decide, requestIdIn, reviewLink, waitFor } from './stack.js';

// Opening an account by e-mail (README "By e-mail"): through real SMTP to the running local stack, nodemailer
// as the sending client, alan@example.org (unit physics, manager grace) as the submitter.

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

const SIGNATURE = 'Sent from the lab bench, room 4.2';

/** The README's example opening, for the handle given; `replace` swaps whole lines by their label. */
function opening(handle: string, replace: Readonly<Record<string, string>> = {}): string {
  const lines: Array<[string, string]> = [
    ['Unit', 'physics'],
    ['Platform', 'bluesky'],
    ['Handle', handle],
    ['Admins', 'ada@example.org, bob@example.org'],
    ['SMM admin', 'yes'],
    ['Credentials kept in', 'vault://comms/social/physics-bluesky'],
    ['Comment policy', 'yes'],
    ['Project', 'The Physics Department outreach programme:\n  public lectures, open days and lab news.'],
    ['Why this platform', 'Bluesky, where many physicists and science journalists moved.'],
    ['Audience', 'Students, teachers and the interested public in the region.'],
    ['Existing channel', 'The institute account posts institution-wide news; department events get lost there.'],
    ['Communications', 'Event announcements, short lab stories with photos, links to our news articles.'],
    ['Frequency', 'Three times a week'],
    ['Resources', 'Ada Lovelace (20 %) and Bob Noyce (10 %).'],
    ['End of life', 'Archived and handed back to the communications office when the programme ends.'],
    ['Hashtag instead', 'No: a hashtag on the institute account would not give the department its own audience.'],
    ['Closed group instead', 'No: the audience is the public, not a closed group.'],
    ['Evaluation', 'Followers, replies and visits to the open-day pages, reviewed every quarter.'],
    ['Ready to retire', 'Yes: if it does not reach 500 followers in a year we retire it.'],
  ];
  return ['Hello,', '', ...lines.map(([label, value]) => replace[label] ?? `${label}: ${value}`), '', '-- ', SIGNATURE].join('\n');
}

let sequence = 0;
async function send(mail: { subject: string; text: string; inReplyTo?: string }): Promise<string> {
  const messageId = `<e2e-opening-${Date.now()}-${sequence++}@example.org>`;
  await smtp.sendMail({
    from: 'Alan Turing <alan@example.org>',
    to: 'open@example.org',
    subject: mail.subject,
    text: mail.text,
    messageId,
    ...(mail.inReplyTo === undefined ? {} : { inReplyTo: mail.inReplyTo, references: [mail.inReplyTo] }),
  });
  return messageId;
}

describe('an account opening mailed to open@', () => {
  it('is acknowledged in its thread and reaches the management approver', async () => {
    // Act
    const messageId = await send({ subject: 'Physics on Bluesky by mail', text: opening('@physics.example.org') });

    // Assess: the acknowledgement answers the mail in its thread
    const ack = await stack.mailTo('alan@example.org', 'Re: Physics on Bluesky by mail');
    expect(ack.headers['In-Reply-To']).toBe(messageId);
    expect(ack.headers['References']).toContain(messageId);
    const requestId = requestIdIn(ack.text);
    expect(requestId).toBe(requestIdFor('mail', messageId));
    expect(ack.text).toContain("your unit's management");
    const status = await stack.status(requestId);
    expect(status.kind).toBe('account-opening');

    // the submitter's manager is asked first, and sees the answers without the greeting or the signature
    const approval = await stack.mailTo('grace@example.org', 'Physics on Bluesky by mail');
    expect(approval.subject).toContain('Management');
    expect(approval.text).toContain('opening @physics.example.org on Bluesky for Physics Department');
    const page = await (await fetch(reviewLink(approval))).text();
    expect(page).toContain('public lectures, open days and lab news');
    expect(page).toContain('vault://comms/social/physics-bluesky');
    expect(page).not.toContain(SIGNATURE);
    const management = await stack.waitForStatus(requestId, 'awaiting-approval');
    expect(management.stages[0]).toMatchObject({ stage: 'management', status: 'pending', assignees: ['grace@example.org'] });
  });

  it('takes a reply in the thread, after changes were requested, as the next version', async () => {
    // Prepare: an opening returned for changes by management
    const original = await send({ subject: 'Physics news on Bluesky', text: opening('@physics-news.example.org') });
    await decide(
      reviewLink(await stack.mailTo('grace@example.org', 'Physics news on Bluesky')),
      'request-changes',
      'Who answers replies at weekends?',
    );
    const outcome = await stack.mailTo('alan@example.org', 'returned for changes');
    expect(outcome.headers['In-Reply-To']).toBe(original);

    // Act: the whole request again, in the thread, to open@
    await send({
      subject: 'Re: Physics news on Bluesky',
      text: `${opening('@physics-news.example.org', { Resources: 'Resources: Ada Lovelace (20 %), Bob Noyce (10 %); Sam covers weekends.' })}\n\nOn Monday, Signoff wrote:\n> Who answers replies at weekends?`,
      inReplyTo: original,
    });

    // Assess
    const v2 = await waitFor('the version 2 approval mail', async () =>
      (await stack.outbox()).find(
        (m) => m.to.includes('grace@example.org') && m.subject.includes('Physics news on Bluesky') && m.text.includes('version 2'),
      ),
    );
    expect(v2.text).toContain('Sam covers weekends.');
    const requestId = requestIdFor('mail', original);
    expect((await stack.status(requestId)).version).toBe(2);
    expect((await stack.audit(requestId)).events.map((e) => e.type)).toContain('request.version');
  });
});

describe('an opening mail that gives a password', () => {
  it('gets the refusal in its thread; no request is made and no approver hears of it', async () => {
    // Prepare
    const secret = 'Sesame-8127-open';
    const subject = 'Bluesky account with its password';

    // Act
    const messageId = await send({
      subject,
      text: opening('@physics-pw.example.org', { 'Comment policy': `Comment policy: yes\nPassword: ${secret}` }),
    });

    // Assess: the reply names the line, not the password
    const reply = await stack.mailTo('alan@example.org', `Re: ${subject}`);
    expect(reply.headers['In-Reply-To']).toBe(messageId);
    expect(reply.text).toContain('Signoff never stores passwords or other credentials');
    expect(reply.text).toContain('line 10: "Password:"');
    expect(reply.text).toContain('Credentials kept in: <vault path>');
    // SMTP answered after intake finished: the outbox is final for this mail
    const outbox = await stack.outbox();
    expect(outbox.filter((m) => m.subject.includes(subject))).toEqual([reply]);
    expect(outbox.some((m) => m.text.includes(secret) || m.html.includes(secret))).toBe(false);
    const requestId = requestIdFor('mail', messageId);
    expect((await fetch(`${stack.baseUrl}/v1/requests/${requestId}`, { headers: { authorization: `Bearer ${API_TOKEN}` } })).status).toBe(
      404,
    );
    const audit = await stack.audit(requestId);
    expect(audit.events.map((e) => e.type)).toEqual(['mail.rejected']);
    expect(audit.events[0]?.data['reason']).toBe('credentials in the mail (1 line)');
    expect(JSON.stringify(audit.events)).not.toContain(secret);
  });

  it('answers missing answers with the lines to add, and makes no request', async () => {
    // Act
    const messageId = await send({
      subject: 'Bluesky, half filled in',
      text: opening('@physics-half.example.org', { Audience: '', 'End of life': '' }),
    });

    // Assess
    const reply = await stack.mailTo('alan@example.org', 'Re: Bluesky, half filled in');
    expect(reply.text).toContain('Nothing was submitted yet.');
    expect(reply.text).toContain('Add a line "Audience: …"');
    expect(reply.text).toContain('Add a line "End of life: …"');
    expect((await stack.outbox()).some((m) => m.to.includes('grace@example.org') && m.subject.includes('half filled in'))).toBe(false);
    expect(
      (
        await fetch(`${stack.baseUrl}/v1/requests/${requestIdFor('mail', messageId)}`, {
          headers: { authorization: `Bearer ${API_TOKEN}` },
        })
      ).status,
    ).toBe(404);
  });
});
