import { describe, expect, it } from 'vitest';
import { QUESTION_KEYS } from '../../lambdas/core/account-opening/questionnaire.js';
import { OPENING_LABELS, QUESTION_LABELS, readOpening, splitAdmins } from '../../lambdas/core/mail/mail-opening-parse.js';

// Reading the labelled lines of an account-opening mail (README "By e-mail"); what is decided from them is in
// mail-opening.test.ts.

describe('readOpening: label lines', () => {
  it('reads each label case-insensitively, with its value trimmed', () => {
    // Prepare
    const lines = [
      'UNIT:  physics ',
      'platform:Bluesky',
      'hAnDlE: @physics.example.org',
      'smm ADMIN: yes',
      'credentials KEPT in: vault://x/y',
      'End-of-life: Archived.',
      'join_policy: Open to all.',
    ];

    // Act
    const { fields, secrets } = readOpening(lines);

    // Assess
    expect(secrets).toEqual([]);
    expect(Object.fromEntries([...fields].map(([f, v]) => [f, v.value]))).toEqual({
      unit: 'physics',
      platform: 'Bluesky',
      handle: '@physics.example.org',
      'attestations.smmAdmin': 'yes',
      'attestations.credentialStore': 'vault://x/y',
      'questionnaire.endOfLife': 'Archived.',
      'group.joinPolicy': 'Open to all.',
    });
    expect(fields.get('platform')?.line).toBe(2);
  });

  it('maps each question label to its question, "Why this platform" to questionnaire.platform', () => {
    // Prepare
    const lines = QUESTION_KEYS.map((k) => `${QUESTION_LABELS[k]}: answer to ${k}`);

    // Act
    const { fields } = readOpening(lines);

    // Assess
    for (const k of QUESTION_KEYS) expect(fields.get(`questionnaire.${k}`)?.value).toBe(`answer to ${k}`);
    expect(fields.get('questionnaire.platform')?.value).toBe('answer to platform');
    expect(fields.has('platform')).toBe(false);
    expect(QUESTION_LABELS).toEqual({
      project: 'Project',
      platform: 'Why this platform',
      audience: 'Audience',
      existingChannel: 'Existing channel',
      communications: 'Communications',
      frequency: 'Frequency',
      resources: 'Resources',
      endOfLife: 'End of life',
      hashtagInstead: 'Hashtag instead',
      closedGroupInstead: 'Closed group instead',
      evaluation: 'Evaluation',
      readyToRetire: 'Ready to retire',
    });
    expect(OPENING_LABELS.map((l) => l.label)).toEqual([
      'Unit',
      'Platform',
      'Handle',
      'Admins',
      'Group',
      'Join policy',
      'SMM admin',
      'Credentials kept in',
      'Comment policy',
      ...QUESTION_KEYS.map((k) => QUESTION_LABELS[k]),
    ]);
  });

  it('continues the previous label with each following line that is not a label line, keeping paragraphs', () => {
    // Prepare
    const lines = [
      'Project: The outreach programme:',
      '  public lectures and open days.',
      'Events: the summer school, every July.',
      '',
      'And lab news.',
      'Audience:',
      'Students and teachers.',
      'Frequency: Weekly',
    ];

    // Act
    const { fields } = readOpening(lines);

    // Assess
    expect(fields.get('questionnaire.project')).toEqual({
      value: 'The outreach programme:\npublic lectures and open days.\nEvents: the summer school, every July.\n\nAnd lab news.',
      line: 1,
      lines: 4,
      repeated: false,
    });
    expect(fields.get('questionnaire.audience')?.value).toBe('Students and teachers.');
    expect(fields.get('questionnaire.frequency')?.value).toBe('Weekly');
  });

  it('leaves out text before the first label', () => {
    // Act
    const { fields } = readOpening(['Hello comms team,', '', 'please open this account for us.', 'Unit: physics']);

    // Assess
    expect([...fields.keys()]).toEqual(['unit']);
    expect(fields.get('unit')?.line).toBe(4);
  });

  it('marks a label given twice, and joins an answer given twice as two paragraphs', () => {
    // Act
    const { fields } = readOpening(['Platform: bluesky', 'Audience: Students.', 'Platform: mastodon', 'Audience: Teachers', 'too.']);

    // Assess
    expect(fields.get('platform')).toMatchObject({ value: 'bluesky\nmastodon', repeated: true });
    expect(fields.get('questionnaire.audience')).toMatchObject({ value: 'Students.\n\nTeachers\ntoo.', repeated: true });
  });

  it('lists every line that gives a secret, by label and line, without its value', () => {
    // Prepare
    const lines = [
      'Hi, the pwd=sesame123 for now',
      'Unit: physics',
      'Password: hunter2',
      'PIN 4711: 0000',
      'Project: Outreach.',
      'Lab tours, and the token: abc123',
      'The API key: zz9',
      'Admin password = letmein',
      'Recovery codes: 1111 2222',
    ];

    // Act
    const { secrets, fields } = readOpening(lines);

    // Assess
    expect(secrets).toEqual([
      { line: 1, what: 'a line before the first label' },
      { line: 3, what: '"Password:"' },
      { line: 4, what: 'a line naming a password or another secret' },
      { line: 6, what: 'a line of the "Project:" answer', field: 'questionnaire.project' },
      { line: 7, what: '"The API key:"' },
      { line: 8, what: '"Admin password="' },
      { line: 9, what: '"Recovery codes:"' },
    ]);
    const said = JSON.stringify(secrets);
    for (const value of ['sesame123', 'hunter2', '4711', 'abc123', 'zz9', 'letmein', '1111']) expect(said).not.toContain(value);
    expect(fields.get('questionnaire.project')?.value).toBe('Outreach.');
  });

  it('does not take "Credentials kept in:" or a vault path for a secret', () => {
    // Act
    const { secrets } = readOpening([
      'Credentials kept in: vault://comms/social/physics-bluesky',
      'Resources: Ada; the passwords are in the vault.',
    ]);

    // Assess
    expect(secrets).toEqual([]);
  });
});

describe('splitAdmins', () => {
  it.each([
    ['commas', 'ada@example.org,bob@example.org'],
    ['commas and spaces', 'ada@example.org, bob@example.org'],
    ['semicolons', 'ada@example.org; bob@example.org'],
    ['spaces', 'ada@example.org bob@example.org'],
    ['lines', 'ada@example.org\nbob@example.org'],
    ['names with addresses', 'Ada Lovelace <ada@example.org>, Bob Noyce <bob@example.org>'],
    ['mailto links', 'mailto:ada@example.org mailto:bob@example.org'],
    ['a name with one of them', 'Ada Lovelace <ada@example.org>, bob@example.org'],
    ['names without commas', 'Ada Lovelace <ada@example.org> Bob Noyce <bob@example.org>'],
  ])('separates addresses by %s', (_name, value) => {
    // Act
    const admins = splitAdmins(value);

    // Assess
    expect(admins).toEqual(['ada@example.org', 'bob@example.org']);
  });
});
