import { createTransport, type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestIdFor } from '../../../lambdas/core/ids.js';
import { QUESTION_LABELS } from '../../../lambdas/core/mail/mail-opening-parse.js';
import type { QuestionKey } from '../../../lambdas/core/model.js';
import { SAMPLE_ANSWERS, SAMPLE_OPENING } from '../../../local/samples.js';
import { API_TOKEN, Stack } from '../../e2e/stack.js';

// Issue #11, "credential detection misses": secrets written in ways the detector did not know — a sentence, a short
// or foreign label, a full-width colon, or a key with no label at all — went into the request and its approval mails.
// Each phrasing is sent as an account opening by webhook and by mail to open@; each must be refused, naming the field
// or line and never the secret, with nothing stored and nothing sent that mentions it. Phrasings that only talk about
// passwords must still go through.
//
// The key-shaped values are put together at run time, so that no token-like literal sits in the repository.

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

const alnum = (seed: string, length: number): string => seed.repeat(Math.ceil(length / seed.length)).slice(0, length);
const b64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

const AWS_KEY_ID = `${'AK'}IA${'Q3EGRIXB'}${'7TNPLZ5F'}`;
const AWS_SECRET = `wJalrXUtnFEMI/K7MDENG/${alnum('bPxRfiCY9kEq', 18)}`;
const GITHUB = `${'gh'}p_${alnum('R8kz2Lw9Qm4T', 36)}`;
const GITHUB_PAT = `${'github'}_pat_11${alnum('A7b3C9d2E5f8G1h4', 20)}_${alnum('Zx9Yw8Vu7Ts6Rq5Po4', 59)}`;
const SLACK = `${'xo'}xb-2814937${'05512'}-48219${'3376511'}-${alnum('aZ3kQ9mT2vX7', 24)}`;
const OPENAI = `${'s'}k-proj-${alnum('T3BlbkFJq9X2mZ7', 48)}`;
const JWT = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub: 'physics-bluesky', iat: 1_790_000_000 })}.${alnum('SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c', 43)}`;
const PEM_BODY = alnum('MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7', 64);
const PEM = `-----BEGIN ${'PRIVATE'} KEY-----\n${PEM_BODY}\n${PEM_BODY}\n-----END ${'PRIVATE'} KEY-----`;

/** Each phrasing: what is written in the "resources" answer, and the secret that must never come back. */
const PHRASINGS: ReadonlyArray<{ readonly name: string; readonly answer: string; readonly secrets: readonly string[] }> = [
  { name: 'a sentence: "The password is …"', answer: 'Ada runs it. The password is hunter2q1', secrets: ['hunter2q1'] },
  { name: 'a short label: "pw: …"', answer: 'Ada runs it, pw: Sesame-q2', secrets: ['Sesame-q2'] },
  { name: 'German: "Passwort: …"', answer: 'Ada betreut es. Passwort: Kennwort-q3', secrets: ['Kennwort-q3'] },
  { name: 'French: "mot de passe : …"', answer: 'Ada le gère, mot de passe : Motdepasse-q4', secrets: ['Motdepasse-q4'] },
  { name: 'Dutch: "wachtwoord: …"', answer: 'Ada beheert het, wachtwoord: Geheim-q5', secrets: ['Geheim-q5'] },
  { name: 'a full-width colon: "password：…"', answer: 'Ada runs it, password：Fullwidth-q6', secrets: ['Fullwidth-q6'] },
  { name: 'an AWS access-key pair', answer: `The scheduler uses ${AWS_KEY_ID} with ${AWS_SECRET}`, secrets: [AWS_SECRET] },
  { name: 'a GitHub token', answer: `Deploys use ${GITHUB}`, secrets: [GITHUB] },
  { name: 'a fine-grained GitHub token', answer: `Deploys use ${GITHUB_PAT}`, secrets: [GITHUB_PAT] },
  { name: 'a Slack token', answer: `The bot posts with ${SLACK}`, secrets: [SLACK] },
  { name: 'an sk- API key', answer: `Captions come from ${OPENAI}`, secrets: [OPENAI] },
  { name: 'a JWT', answer: `The scheduler session is ${JWT}`, secrets: [JWT] },
  { name: 'a PEM private key', answer: `The scheduler signs with\n${PEM}`, secrets: [PEM_BODY] },
];

async function requestStatus(requestId: string): Promise<number> {
  return (await fetch(`${stack.baseUrl}/v1/requests/${requestId}`, { headers: { authorization: `Bearer ${API_TOKEN}` } })).status;
}

async function outboxMentions(secrets: readonly string[]): Promise<boolean> {
  const all = JSON.stringify(await stack.outbox());
  return secrets.some((s) => all.includes(s) || all.includes(JSON.stringify(s).slice(1, -1)));
}

/** The opening mail's body: every field of the sample opening as "Label: value", with `resources` given here. */
function openingMail(handle: string, resources: string): string {
  const answers: Record<QuestionKey, string> = { ...SAMPLE_ANSWERS, resources };
  return [
    'Hello,',
    '',
    'Unit: physics',
    'Platform: bluesky',
    `Handle: ${handle}`,
    `Admins: ${SAMPLE_OPENING.admins.join(', ')}`,
    'SMM admin: yes',
    `Credentials kept in: ${SAMPLE_OPENING.attestations.credentialStore}`,
    'Comment policy: yes',
    ...(Object.keys(QUESTION_LABELS) as QuestionKey[]).map((key) => `${QUESTION_LABELS[key]}: ${answers[key]}`),
    '',
    '-- ',
    'Alan Turing',
  ].join('\n');
}

describe('an account opening by webhook that gives a secret', () => {
  it.each(PHRASINGS.map((p, i) => [p.name, p, i] as const))(
    '%s: 400 naming the field, never the secret; nothing stored or sent',
    async (_name, phrasing, i) => {
      // Prepare
      const webhookId = `msg_secret_phrasing_${i}`;
      const handle = `@secret-webhook-${i}.example.org`;
      const body = { ...SAMPLE_OPENING, handle, questionnaire: { ...SAMPLE_ANSWERS, resources: phrasing.answer } };

      // Act
      const res = await stack.submit(body, { id: webhookId });

      // Assess
      const text = await res.text();
      expect(res.status, text).toBe(400);
      expect(text).toContain('questionnaire.resources');
      for (const secret of phrasing.secrets) expect(text).not.toContain(secret);
      expect(await requestStatus(requestIdFor('webhook', webhookId))).toBe(404);
      expect(await outboxMentions([...phrasing.secrets, handle])).toBe(false);
    },
  );
});

describe('an account opening mailed to open@ that gives a secret', () => {
  it.each(PHRASINGS.map((p, i) => [p.name, p, i] as const))(
    '%s: a reply naming the line, never the secret; nothing stored',
    async (_name, phrasing, i) => {
      // Prepare
      const messageId = `<sec-secret-${Date.now()}-${i}@example.org>`;
      const subject = `Physics on Bluesky, secret case ${i}`;
      const handle = `@secret-mail-${i}.example.org`;

      // Act
      await smtp.sendMail({
        from: 'Alan Turing <alan@example.org>',
        to: 'open@example.org',
        subject,
        text: openingMail(handle, phrasing.answer),
        messageId,
      });

      // Assess: the reply names where the secret is (the "Resources:" answer, by line) without repeating it
      const reply = await stack.mailTo('alan@example.org', `Re: ${subject}`);
      expect(reply.text).toContain('Signoff never stores passwords or other credentials');
      expect(reply.text).toMatch(/line \d+: .*"Resources:"/u);
      for (const secret of phrasing.secrets) {
        expect(reply.text).not.toContain(secret);
        expect(reply.html).not.toContain(secret);
      }
      // no request, and no mail anywhere that mentions the secret or the handle it was for
      expect(await requestStatus(requestIdFor('mail', messageId))).toBe(404);
      expect(await outboxMentions([...phrasing.secrets, handle])).toBe(false);
    },
  );
});

describe('answers that only talk about passwords, PINs and tokens', () => {
  it('are taken, by webhook and by mail', async () => {
    // Prepare: words a secret detector could trip on, none of them a secret
    const resources =
      'Ada and Bob, after our PIN-code workshop; the password policy of the IT office applies. Two admins, each with a hardware token, as a token of appreciation for the IT team.';
    const webhookBody = { ...SAMPLE_OPENING, handle: '@benign-webhook.example.org', questionnaire: { ...SAMPLE_ANSWERS, resources } };
    const messageId = `<sec-benign-${Date.now()}@example.org>`;

    // Act
    const res = await stack.submit(webhookBody, { id: 'msg_benign_phrasing' });
    await smtp.sendMail({
      from: 'Alan Turing <alan@example.org>',
      to: 'open@example.org',
      subject: 'Physics on Bluesky, benign',
      text: openingMail('@benign-mail.example.org', resources),
      messageId,
    });

    // Assess: both become requests (the vault path in "Credentials kept in:" included)
    expect(res.status, await res.clone().text()).toBe(202);
    expect(await requestStatus(requestIdFor('webhook', 'msg_benign_phrasing'))).toBe(200);
    const ack = await stack.mailTo('alan@example.org', 'Re: Physics on Bluesky, benign');
    expect(ack.text).not.toContain('Nothing was submitted');
    expect(await requestStatus(requestIdFor('mail', messageId))).toBe(200);
  });
});
