import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { QUESTION_KEYS, QUESTIONS } from '../../lambdas/core/account-opening/questionnaire.js';
import { parseDirectory, withRegistry } from '../../lambdas/core/request/directory.js';
import { decideMail, type InboundMail, type MailDecision } from '../../lambdas/core/mail/mail.js';
import { OPENING_LABELS, QUESTION_LABELS } from '../../lambdas/core/mail/mail-opening-parse.js';
import type { AccountOpeningSubmission, QuestionKey, RegistryAccount } from '../../lambdas/core/model.js';

// Account openings by e-mail (README "By e-mail"): a mail to open@{domain} whose body lines `Label: value` give the
// fields of an account-opening request.

const file = parseDirectory(JSON.parse(readFileSync(new URL('../../config/directory.json', import.meta.url), 'utf8')) as unknown);
const seeded: readonly RegistryAccount[] = file.accounts.map((a) => ({
  ...a,
  smmAdmin: true,
  openedBy: 'directory',
  openedAt: '2026-01-01T00:00:00.000Z',
}));
const NOW = new Date('2026-11-20T10:00:00Z');
const VERIFIED = { drop: false, verified: true, basis: 'SPF PASS, DKIM PASS, DMARC PASS, spam PASS, virus PASS' };

const ANSWERS: Readonly<Record<QuestionKey, string>> = {
  project: 'The Physics Department outreach programme: public lectures, open days and lab news.',
  platform: 'Bluesky, where many physicists and science journalists moved.',
  audience: 'Students, teachers and the interested public in the region.',
  existingChannel: 'The institute account posts institution-wide news; department events get lost there.',
  communications: 'Event announcements, short lab stories with photos, links to our news articles.',
  frequency: 'Three times a week',
  resources: 'Ada Lovelace (20 %) and Bob Noyce (10 %).',
  endOfLife: 'Archived and handed back to the communications office when the programme ends.',
  hashtagInstead: 'No: a hashtag on the institute account would not give the department its own audience.',
  closedGroupInstead: 'No: the audience is the public, not a closed group.',
  evaluation: 'Followers, replies and visits to the open-day pages, reviewed every quarter.',
  readyToRetire: 'Yes: if it does not reach 500 followers in a year we retire it.',
};

/** The body of a complete opening, label by label; `leave` drops labels, `extra` adds lines at the end. */
function body(options: { leave?: readonly string[]; replace?: Readonly<Record<string, string>>; extra?: readonly string[] } = {}): string {
  const lines: Array<[string, string]> = [
    ['Unit', 'physics'],
    ['Platform', 'bluesky'],
    ['Handle', '@physics.example.org'],
    ['Admins', 'ada@example.org, bob@example.org'],
    ['SMM admin', 'yes'],
    ['Credentials kept in', 'vault://comms/social/physics-bluesky'],
    ['Comment policy', 'yes'],
    ...QUESTION_KEYS.map((k): [string, string] => [QUESTION_LABELS[k], ANSWERS[k]]),
  ];
  return [
    ...lines
      .filter(([label]) => !(options.leave ?? []).includes(label))
      .map(([label, value]) => `${label}: ${options.replace?.[label] ?? value}`),
    ...(options.extra ?? []),
  ].join('\n');
}

function mail(overrides: Partial<InboundMail> = {}): InboundMail {
  return {
    messageId: '<opening.0001@mail.example.org>',
    from: 'alan@example.org',
    fromProblem: undefined,
    recipients: ['open@example.org'],
    subject: 'Physics on Bluesky',
    text: body(),
    references: [],
    attachments: [],
    ...overrides,
  };
}

function decide(m: InboundMail, registry: readonly RegistryAccount[] = seeded): MailDecision {
  return decideMail(m, {
    directory: withRegistry(file, registry),
    registry,
    trust: VERIFIED,
    now: NOW,
    mediaBaseUrl: 'https://signoff.example.org/media',
  });
}

function openingOf(decision: MailDecision): AccountOpeningSubmission {
  if (decision.action !== 'submit') throw new Error(`expected a submit, got ${decision.action}: ${JSON.stringify(decision)}`);
  if (decision.submission.kind !== 'account-opening') throw new Error(`expected an account opening, got ${decision.submission.kind}`);
  return decision.submission;
}

function replyOf(decision: MailDecision): string {
  if (decision.action !== 'reply') throw new Error(`expected a reply, got ${decision.action}: ${JSON.stringify(decision)}`);
  return decision.reply;
}

function reasonOf(decision: MailDecision): string {
  return decision.action === 'submit' ? '' : decision.reason;
}

describe('decideMail: a complete opening to open@', () => {
  it('is submitted as the account opening a webhook would carry', () => {
    // Act
    const decision = decide(mail({ text: `Hello,\n\nplease open this account.\n\n${body()}\n\n-- \nAlan Turing\nPhysics Department` }));

    // Assess
    expect(decision.action).toBe('submit');
    expect(decision.action === 'submit' ? decision.media : undefined).toEqual([]);
    expect(openingOf(decision)).toEqual({
      kind: 'account-opening',
      submitter: 'alan@example.org',
      unit: 'physics',
      platform: 'bluesky',
      handle: '@physics.example.org',
      title: 'Physics on Bluesky',
      admins: ['ada@example.org', 'bob@example.org'],
      group: undefined,
      questionnaire: ANSWERS,
      attestations: { smmAdmin: true, credentialStore: 'vault://comms/social/physics-bluesky', commentPolicy: true },
    });
  });

  it('takes a multi-line answer whole, and admins on several lines', () => {
    // Prepare
    const text = body({
      replace: {
        Project: 'The outreach programme:\npublic lectures,\n\nand open days.',
        Admins: 'Ada Lovelace <ada@example.org>;\n  Bob Noyce <bob@example.org>',
      },
    });

    // Act
    const submission = openingOf(decide(mail({ text })));

    // Assess
    expect(submission.questionnaire.project).toBe('The outreach programme:\npublic lectures,\n\nand open days.');
    expect(submission.admins).toEqual(['ada@example.org', 'bob@example.org']);
  });

  it('takes the title from the subject without "Re:"/"Fwd:", and the default title when the subject is empty', () => {
    // Act
    const replied = openingOf(decide(mail({ subject: 'Re: Fwd: Physics on Bluesky' })));
    const untitled = openingOf(decide(mail({ subject: '' })));

    // Assess
    expect(replied.title).toBe('Physics on Bluesky');
    expect(untitled.title).toBe('Open @physics.example.org on Bluesky');
  });

  it('reads a group and its join policy', () => {
    // Prepare
    const text = body({
      extra: [
        'Group: Private',
        'Join policy: The managers check that the person is a registered alumnus.',
        'Requests to join are accepted regardless of profession, nationality, culture, age, generation, gender or individual preferences.',
      ],
    });

    // Act
    const submission = openingOf(decide(mail({ text })));

    // Assess
    expect(submission.group).toEqual({
      visibility: 'private',
      joinPolicy:
        'The managers check that the person is a registered alumnus.\nRequests to join are accepted regardless of profession, nationality, culture, age, generation, gender or individual preferences.',
    });
  });

  it('answers open@ at any domain, in any case, among other envelope recipients; not an open@ address in a header only', () => {
    // Act
    const elsewhere = decide(mail({ recipients: ['comms@example.org', 'Open@Signoff.Example.NET'] }));
    const headerOnly = decide(mail({ recipients: ['comms@example.org'] }));

    // Assess
    expect(openingOf(elsewhere).handle).toBe('@physics.example.org');
    expect(replyOf(headerOnly)).toContain('send the mail to submit+<account>@example.org');
  });

  it('ignores attachments', () => {
    // Prepare
    const png = { filename: 'logo.png', contentType: 'image/png', content: Buffer.from('not really a png') };

    // Act
    const decision = decide(mail({ attachments: [png] }));

    // Assess
    expect(openingOf(decision).kind).toBe('account-opening');
    expect(decision.action === 'submit' ? decision.media : undefined).toEqual([]);
  });
});

describe('decideMail: an opening that cannot be submitted yet', () => {
  it('names the label of each missing answer, with its question', () => {
    // Prepare
    const left = ['Audience', 'End of life', 'Why this platform'];

    // Act
    const reply = replyOf(decide(mail({ text: body({ leave: left }) })));

    // Assess
    expect(reply).toContain('Nothing was submitted yet.');
    expect(reply).toContain(`  - [A-QUESTIONNAIRE] Add a line "Audience: …" to answer "${QUESTIONS.audience}"`);
    expect(reply).toContain(`  - [A-QUESTIONNAIRE] Add a line "Why this platform: …" to answer "${QUESTIONS.platform}"`);
    expect(reply).toContain(`  - [A-END-OF-LIFE] Add a line "End of life: …" to answer "${QUESTIONS.endOfLife}"`);
    expect(reply.match(/^ {2}- /gmu)).toHaveLength(3);
    expect(reply).toContain('open@example.org');
  });

  it('asks for every field a body needs when the mail has none of them', () => {
    // Act
    const decision = decide(mail({ text: 'Hello, we would like a Bluesky account.' }));
    const reply = replyOf(decision);

    // Assess
    for (const label of ['Unit', 'Platform', 'Handle', 'Admins', 'Credentials kept in', ...QUESTION_KEYS.map((k) => QUESTION_LABELS[k])]) {
      expect(reply).toContain(`Add a line "${label}: …"`);
    }
    expect(reply).toContain('Add a line "SMM admin: yes"');
    expect(reply).toContain('Add a line "Comment policy: yes"');
    expect(reply).toContain('yours: "Unit: physics"');
    expect(reasonOf(decision)).toBe('not submittable: 19 problem(s)');
  });

  it("lists the body's problems and the blocking checks in one reply", () => {
    // Prepare: an unknown platform, a bad address, an unsure end of life, no comment policy
    const text = body({
      replace: { Platform: 'twitter', Admins: 'ada@example.org, bob', 'End of life': 'tbd' },
      leave: ['Comment policy'],
    });

    // Act
    const reply = replyOf(decide(mail({ text })));

    // Assess
    expect(reply).toContain('"Platform:" takes one of x, bluesky, mastodon');
    expect(reply).toContain('"Admins:" "bob" is not an e-mail address');
    expect(reply).toContain('[A-END-OF-LIFE] The "End of life:" answer does not say what will happen to the account when the project ends');
    expect(reply).toContain('[A-COMMENT-POLICY] Add a line "Comment policy: yes"');
    expect(reply).not.toContain('[A-ADMINS]');
    expect(reply).not.toContain('questionnaire.');
    expect(reply).not.toContain('attestations.');
  });

  it('asks for a second administrator, on the "Admins:" line', () => {
    // Act
    const reply = replyOf(decide(mail({ text: body({ replace: { Admins: 'ada@example.org' } }) })));

    // Assess
    expect(reply).toContain('[A-ADMINS] On the "Admins:" line: Only one administrator is named (ada@example.org)');
  });

  it('takes yes or no for the statements, and says "SMM admin: no" is not enough', () => {
    // Act
    const maybe = replyOf(decide(mail({ text: body({ replace: { 'SMM admin': 'maybe' } }) })));
    const no = replyOf(decide(mail({ text: body({ replace: { 'SMM admin': 'no', 'Comment policy': 'no' } }) })));

    // Assess
    expect(maybe).toContain('  - "SMM admin:" takes yes or no.');
    expect(maybe).not.toContain('[A-SMM-ADMIN]');
    expect(no).toContain('[A-SMM-ADMIN] "SMM admin: no": the social-media manager (Sam Manager) must receive admin rights');
    expect(no).toContain('[A-COMMENT-POLICY] "Comment policy: no"');
  });

  it('refuses a one-line field that runs on, or is given twice', () => {
    // Act
    const runOn = replyOf(decide(mail({ text: body({ replace: { Handle: '@physics.example.org\nThanks a lot' } }) })));
    const twice = replyOf(decide(mail({ text: body({ extra: ['Platform: mastodon'] }) })));

    // Assess
    expect(runOn).toContain('"Handle:" takes one line');
    expect(twice).toContain('"Platform:" is given more than once: keep one line.');
  });

  it('names a handle the registry already has, including an account opened since the directory file', () => {
    // Prepare: an account registered by an approved opening, not in the file
    const opened: RegistryAccount = {
      id: 'physics-bluesky-physics-example-org',
      platform: 'bluesky',
      handle: '@physics.example.org',
      unit: 'physics',
      posters: ['ada'],
      admins: ['ada', 'bob'],
      status: 'active',
      smmAdmin: true,
      credentialStore: 'vault://x',
      openedBy: 'req_AAAAAAAAAAAAAAAAAAAAAAAA',
      openedAt: '2026-11-01T00:00:00.000Z',
    };

    // Act
    const reply = replyOf(decide(mail(), [...seeded, opened]));

    // Assess
    expect(reply).toContain(
      '"Handle:" "@physics.example.org" is already registered on Bluesky as the account "physics-bluesky-physics-example-org"',
    );
  });

  it("names a unit the directory does not list, with the sender's own", () => {
    // Act
    const reply = replyOf(decide(mail({ text: body({ replace: { Unit: 'astro' } }) })));

    // Assess
    expect(reply).toContain('[A-UNIT] "Unit:" "astro" is not listed in the Example Institute directory.');
    expect(reply).toContain('"Unit: physics"');
  });

  it('asks a private group for its join policy', () => {
    // Act
    const reply = replyOf(decide(mail({ text: body({ extra: ['Group: private'] }) })));

    // Assess
    expect(reply).toContain('[A-GROUP-PRIVACY] The group is private: Add a line "Join policy: …"');
  });
});

describe('decideMail: an opening that gives a credential', () => {
  const SECRET = 'Tr0ub4dor&3';

  it('submits nothing and names the "Password:" line without its value', () => {
    // Prepare
    const text = body({ extra: [`Password: ${SECRET}`, '', '-- ', 'Alan'] });

    // Act
    const decision = decide(mail({ text }));

    // Assess
    expect(decision.action).toBe('reply');
    const reply = replyOf(decision);
    expect(reply).toContain('Signoff never stores passwords or other credentials');
    expect(reply).toContain(`line ${QUESTION_KEYS.length + 8}: "Password:"`);
    expect(reply).toContain('"Credentials kept in: <vault path>"');
    expect(reply).not.toContain(SECRET);
    expect(reasonOf(decision)).toBe('credentials in the mail (1 line)');
  });

  it.each([
    ['a PIN line', `PIN: ${SECRET}`, '"PIN:"'],
    ['a token given with "="', `Token = ${SECRET}`, '"Token="'],
    ['a labelled secret inside an answer', `Resources: Ada; the account password: ${SECRET}`, 'the "Resources:" line'],
    [
      'a labelled secret on a continuation line',
      `Evaluation: Followers, monthly.\nShared login, pwd: ${SECRET}`,
      'a line of the "Evaluation:" answer',
    ],
    [
      'a login for the credential store',
      `Credentials kept in: physics:${SECRET}`,
      'the "Credentials kept in:" line gives a password or a login',
    ],
    [
      'a login on the line after the credential store',
      `Credentials kept in: the team vault\nphysics:${SECRET}`,
      'the "Credentials kept in:" line gives a password or a login',
    ],
  ])('refuses %s, naming it without the value', (_name, line, named) => {
    // Prepare
    const label = line.slice(0, line.search(/[:=]/u)).trim();
    const known = OPENING_LABELS.some((l) => l.label === label);
    const text = known ? body({ leave: [label], extra: [line] }) : body({ extra: [line] });

    // Act
    const decision = decide(mail({ text }));

    // Assess
    const reply = replyOf(decision);
    expect(reply).toContain(named);
    expect(reply).not.toContain(SECRET);
    expect(reasonOf(decision)).not.toContain(SECRET);
    expect(reply).not.toContain('Nothing was submitted yet.');
  });

  it('refuses a secret in the subject line', () => {
    // Act
    const reply = replyOf(decide(mail({ subject: `Bluesky, password: ${SECRET}` })));

    // Assess
    expect(reply).toContain('  - the subject line');
    expect(reply).not.toContain(SECRET);
  });

  it('lists only the credentials, not the other problems, and each line once', () => {
    // Act
    const reply = replyOf(decide(mail({ text: `Unit: physics\nProject: Outreach, password: ${SECRET}\nand lab tours, token: ${SECRET}` })));

    // Assess
    expect(reply.match(/^ {2}- /gmu)).toHaveLength(2);
    expect(reply).toContain('line 2: the "Project:" line');
    expect(reply).toContain('line 3: a line of the "Project:" answer');
    expect(reply).not.toContain('Add a line');
  });
});

describe('decideMail: an opening that gives a secret the old detector missed (issue #11)', () => {
  const alnum = (seed: string, length: number): string => seed.repeat(Math.ceil(length / seed.length)).slice(0, length);
  const AWS_KEY_ID = `${'AK'}IA${'Q3EGRIXB7TNPLZ5F'}`;
  const AWS_SECRET = `wJalrXUtnFEMI/K7MDENG/${alnum('bPxRfiCY9kEq', 18)}`;
  const GITHUB = `${'gh'}p_${alnum('R8kz2Lw9Qm4T', 36)}`;

  it.each([
    [
      'a sentence on a continuation line',
      'Resources: Ada runs it.\nThe password is Hunter2-q1',
      'Hunter2-q1',
      'a line of the "Resources:" answer',
    ],
    ['"pw:" in an answer', 'Resources: Ada runs it, pw: Sesame-q2', 'Sesame-q2', 'the "Resources:" line'],
    ['a "Passwort:" line', 'Passwort: Kennwort-q3', 'Kennwort-q3', '"Passwort:"'],
    ['"mot de passe :" in an answer', 'Resources: Ada le gère, mot de passe : Soleil-q4', 'Soleil-q4', 'the "Resources:" line'],
    ['a "Wachtwoord:" line', 'Wachtwoord: Zomer-q5', 'Zomer-q5', '"Wachtwoord:"'],
    ['a full-width colon', 'Resources: Ada runs it, password：Fullwidth-q6', 'Fullwidth-q6', 'the "Resources:" line'],
    [
      'an AWS key pair over two lines',
      `Resources: The scheduler uses ${AWS_KEY_ID}\nwith ${AWS_SECRET}`,
      AWS_SECRET,
      'a line of the "Resources:" answer',
    ],
    ['a GitHub token', `Resources: Deploys use ${GITHUB}`, GITHUB, 'the "Resources:" line'],
  ])('refuses %s, naming the line without the value', (_name, lines, secret, named) => {
    // Prepare
    const text = body({ leave: lines.startsWith('Resources:') ? ['Resources'] : [], extra: [lines] });

    // Act
    const decision = decide(mail({ text }));

    // Assess
    const reply = replyOf(decision);
    expect(reply).toContain('Signoff never stores passwords or other credentials');
    expect(reply).toContain(named);
    expect(reply).not.toContain(secret);
    expect(reasonOf(decision)).not.toContain(secret);
  });

  it('takes an opening that only talks about passwords, PINs and tokens', () => {
    // Prepare
    const text = body({
      replace: { Resources: 'Ada and Bob, after our PIN-code workshop; the password policy applies; a token of appreciation for IT.' },
    });

    // Act
    const decision = decide(mail({ text }));

    // Assess
    expect(decision.action).toBe('submit');
  });
});
