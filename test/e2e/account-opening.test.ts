import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestIdFor } from '../../lambdas/core/ids.js';
import { SAMPLE_ANSWERS, SAMPLE_OPENING } from '../../local/samples.js';
import { API_TOKEN, Stack, decide, reviewLink, samplePost, waitFor } from './stack.js';

// Account openings end to end on the running local stack (GOVERNANCE.md §6): management → comms, the registry,
// a brand post to the new account, and the openings the checks send back.

const ANSWERS = SAMPLE_ANSWERS;

function opening(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...SAMPLE_OPENING, ...overrides };
}

interface AccountBody {
  readonly id: string;
  readonly platform: string;
  readonly handle: string;
  readonly unit: string;
  readonly status: string;
  readonly openedBy: string;
  readonly smmAdmin: boolean;
  readonly credentialStore: string | null;
  readonly admins: ReadonlyArray<{ id: string; email: string }>;
}

async function accounts(stack: Stack): Promise<AccountBody[]> {
  const res = await fetch(`${stack.baseUrl}/v1/accounts`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { accounts: AccountBody[] }).accounts;
}

async function submitted(stack: Stack, body: Record<string, unknown>): Promise<string> {
  const res = await stack.submit(body);
  expect(res.status, await res.clone().text()).toBe(202);
  return ((await res.json()) as { requestId: string }).requestId;
}

describe('account openings on the default preset', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start();
  });
  afterAll(async () => {
    await stack.dispose();
  });

  it('is approved by management then comms, enters the registry, and takes a brand post', async () => {
    // Prepare
    const requestId = await submitted(stack, opening());

    // Act: management (the submitter's manager) approves; the review page shows the questionnaire and the unit's accounts
    const managementMail = await stack.mailTo('grace@example.org', 'Open @physics.example.org');
    expect(managementMail.subject).toContain('Management');
    expect(managementMail.text).toContain('opening @physics.example.org on Bluesky for Physics Department');
    const page = await (await fetch(reviewLink(managementMail))).text();
    expect(page).toContain('What is foreseen for the social media accounts when the project ends?');
    expect(page).toContain(ANSWERS.endOfLife);
    expect(page).toContain("The unit's existing accounts on Bluesky");
    expect((await decide(reviewLink(managementMail), 'approve')).status).toBe(200);
    const commsMail = await stack.mailTo('carl@example.org', 'Open @physics.example.org');
    expect((await decide(reviewLink(commsMail), 'approve')).status).toBe(200);

    // Assess: approved and registered under the id the audit names; admins and the social-media manager told
    const final = await stack.waitForStatus(requestId, 'approved');
    expect(final.stages.map((s) => [s.stage, s.status, s.decidedBy])).toEqual([
      ['management', 'approved', 'grace@example.org'],
      ['comms', 'approved', 'carl@example.org'],
    ]);
    const accountId = 'physics-bluesky-physics-example-org';
    // The decision that approves is recorded first; the registry entry follows in the workflow's next task.
    const registration = await waitFor(
      'the registration',
      async () => ((await stack.status(requestId)) as unknown as { registration: unknown }).registration ?? undefined,
    );
    expect(registration).toEqual({ accountId, registered: true });
    const registered = await stack.mailTo('ada@example.org', 'Registered: @physics.example.org');
    expect(registered.to).toEqual(expect.arrayContaining(['ada@example.org', 'bob@example.org', 'sam@example.org']));
    expect(registered.text).toContain(`submit+${accountId}@example.org`);
    expect(registered.text).not.toMatch(/password\s*[:=]/i);
    const entry = (await accounts(stack)).find((a) => a.id === accountId);
    expect(entry).toMatchObject({
      platform: 'bluesky',
      handle: '@physics.example.org',
      unit: 'physics',
      status: 'active',
      openedBy: requestId,
      smmAdmin: true,
      credentialStore: 'vault://comms/social/physics-bluesky',
    });
    expect(entry?.admins.map((a) => a.email)).toEqual(['ada@example.org', 'bob@example.org']);
    const outcome = await stack.mailTo('alan@example.org', 'Your request was approved: Open @physics.example.org');
    expect(outcome.text).toContain(`The account is now in the registry as ${accountId}`);
    const audit = await stack.audit(requestId);
    expect(audit.verification.ok).toBe(true);
    expect(audit.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['request.submitted', 'checks.completed', 'decision.recorded', 'account.registered', 'request.outcome']),
    );

    // Act: a brand post to the new account
    const postId = await submitted(
      stack,
      samplePost({
        account: accountId,
        title: 'First post on the new account',
        text: 'Our new account is live! Follow us for lab stories and open days. https://example.org/physics',
      }),
    );

    // Assess: it passes the account check and reaches its supervisor
    await stack.mailTo('grace@example.org', 'First post on the new account');
    const post = await stack.status(postId);
    expect(post.status).toBe('awaiting-approval');
    expect(post.findings.map((f) => f.rule)).not.toContain('P-ACCOUNT');
  });

  it('sends back an opening with one admin (A-ADMINS) and registers nothing', async () => {
    const requestId = await submitted(stack, opening({ handle: '@one-admin.example.org', admins: ['ada@example.org'] }));
    const final = await stack.waitForStatus(requestId, 'changes-requested');
    const admins = final.findings.filter((f) => f.rule === 'A-ADMINS');
    expect(admins).toHaveLength(1);
    expect(admins[0]?.severity).toBe('block');
    const mail = await stack.mailTo('alan@example.org', 'returned for changes');
    expect(mail.text).toContain('A-ADMINS');
    expect((await accounts(stack)).some((a) => a.handle === '@one-admin.example.org')).toBe(false);
    // Nobody was asked to approve it.
    expect((await stack.outbox()).some((m) => m.subject.includes('Approval needed') && m.text.includes('@one-admin.example.org'))).toBe(
      false,
    );
  });

  it('names each unanswered question', async () => {
    const { endOfLife: _e, evaluation: _v, hashtagInstead: _h, ...partial } = ANSWERS;
    const requestId = await submitted(stack, opening({ handle: '@partial.example.org', questionnaire: partial }));
    const final = await stack.waitForStatus(requestId, 'changes-requested');
    const named = final.findings.filter((f) => f.rule === 'A-QUESTIONNAIRE' || f.rule === 'A-END-OF-LIFE').map((f) => f.message);
    expect(named).toHaveLength(3);
    expect(named.join('\n')).toMatch(/end/i);
    expect(named.some((m) => /hashtag/i.test(m))).toBe(true);
    expect(named.some((m) => /evaluat|impact/i.test(m))).toBe(true);
  });

  it('refuses a body with a password field, and stores nothing', async () => {
    // Prepare
    const webhookId = 'msg_password_field_1';

    // Act
    const res = await stack.submit(
      opening({ handle: '@secret.example.org', attestations: { smmAdmin: true, credentialStore: 'vault://x', password: 'hunter2' } }),
      { id: webhookId },
    );

    // Assess: 400 naming the field; no request under the id this delivery would have had; no mail; no registry entry
    expect(res.status).toBe(400);
    const body = (await res.json()) as { problems?: string[]; error?: string };
    expect(JSON.stringify(body)).toContain('attestations.password');
    expect(JSON.stringify(body)).not.toContain('hunter2');
    const status = await fetch(`${stack.baseUrl}/v1/requests/${requestIdFor('webhook', webhookId)}`, {
      headers: { authorization: `Bearer ${API_TOKEN}` },
    });
    expect(status.status).toBe(404);
    expect((await stack.outbox()).some((m) => m.text.includes('@secret.example.org') || m.text.includes('hunter2'))).toBe(false);
    expect((await accounts(stack)).some((a) => a.handle === '@secret.example.org')).toBe(false);
  });
});

describe('account openings under the cern-alumni preset', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start({ SIGNOFF_DIRECTORY: fileURLToPath(new URL('../fixtures/alumni-directory.json', import.meta.url)) });
  });
  afterAll(async () => {
    await stack.dispose();
  });

  const group = {
    kind: 'account-opening',
    submitter: 'gil@alumni.example.org',
    unit: 'alumni-geneva',
    platform: 'linkedin',
    handle: 'CERN Alumni Geneva',
    questionnaire: ANSWERS,
    group: {
      visibility: 'private',
      joinPolicy:
        'Managers admit CERN alumni regardless of profession, nationality, culture, age, generation, gender or individual preferences.',
    },
    attestations: { smmAdmin: true, credentialStore: 'vault://oar/linkedin/geneva', commentPolicy: true },
  };

  it('blocks a group with four managers (A-ADMINS)', async () => {
    const requestId = await submitted(stack, {
      ...group,
      admins: ['gil@alumni.example.org', 'gia@alumni.example.org', 'gus@alumni.example.org', 'gwen@alumni.example.org'],
    });
    const final = await stack.waitForStatus(requestId, 'changes-requested');
    const admins = final.findings.filter((f) => f.rule === 'A-ADMINS');
    expect(admins.map((f) => f.severity)).toEqual(['block']);
    expect(admins[0]?.message).toMatch(/three|3/);
  });

  it('routes a group with three managers to the unit head, then the Office of Alumni Relations', async () => {
    const requestId = await submitted(stack, {
      ...group,
      handle: 'CERN Alumni Geneva (three)',
      admins: ['gil@alumni.example.org', 'gia@alumni.example.org', 'gus@alumni.example.org'],
    });
    const management = await stack.mailTo('hana@alumni.example.org', 'CERN Alumni Geneva (three)');
    expect((await decide(reviewLink(management), 'approve')).status).toBe(200);
    const oar = await waitFor('a mail to the Office of Alumni Relations', async () =>
      (await stack.outbox()).find(
        (m) =>
          m.subject.includes('CERN Alumni Geneva (three)') &&
          m.subject.includes('Communications') &&
          (m.to.includes('olga@alumni.example.org') || m.to.includes('omar@alumni.example.org')),
      ),
    );
    expect((await decide(reviewLink(oar), 'approve')).status).toBe(200);
    const final = await stack.waitForStatus(requestId, 'approved');
    expect(final.stages.map((s) => s.stage)).toEqual(['management', 'comms']);
  });
});
