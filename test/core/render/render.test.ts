import { describe, it, expect } from 'vitest';
import type { RequestRecord, Stage } from '../../../lambdas/core/model.js';
import { approvalMail, escapeHtml, outcomeMail, stageTitle } from '../../../lambdas/core/render/render.js';
import { reviewPage } from '../../../lambdas/core/render/review-page.js';
import { APPROVER, COMMS_STAGE, DEADLINE, REVIEW_URL, request, sectionAfter } from './fixture.js';

describe('escapeHtml', () => {
  it('escapes & < > " and \'', () => {
    // Prepare
    const value = `&<>"'`;

    // Act
    const escaped = escapeHtml(value);

    // Assess
    expect(escaped).toBe('&#38;&#60;&#62;&#34;&#39;');
  });

  it('leaves other characters, including non-ASCII, untouched', () => {
    // Prepare
    const value = 'Grüße, world! 😀 /\\ =';

    // Act
    const escaped = escapeHtml(value);

    // Assess
    expect(escaped).toBe(value);
  });

  it('escapes an already-escaped entity again rather than trusting it', () => {
    // Prepare
    const value = '&amp;';

    // Act
    const escaped = escapeHtml(value);

    // Assess
    expect(escaped).toBe('&#38;amp;');
  });
});

describe('stageTitle', () => {
  it('titles each stage', () => {
    // Prepare
    const stages = ['supervisor', 'comms', 'ethics'] as const;

    // Act
    const titles = stages.map((s) => stageTitle(s));

    // Assess
    expect(titles).toEqual(['Supervisor', 'Communications', 'Ethics']);
  });
});

describe('approvalMail', () => {
  const mail = approvalMail({
    institution: 'Example Institute',
    request: request(),
    stage: COMMS_STAGE,
    approver: APPROVER,
    reviewUrl: REVIEW_URL,
    deadline: DEADLINE,
  });

  it('puts the stage title and the post title in the subject', () => {
    // Prepare: mail built above

    // Act
    const subject = mail.subject;

    // Assess
    expect(subject).toBe('Approval needed (Communications): Open day <b>2030</b>');
  });

  it('includes the review URL in both text and html', () => {
    // Prepare: mail built above

    // Act
    const { text, html } = mail;

    // Assess
    expect(text).toContain(REVIEW_URL);
    expect(html).toContain(`<a href="${REVIEW_URL}">`);
  });

  it('greets the approver by name and names the stage, in text and html', () => {
    // Prepare: mail built above

    // Act
    const { text, html } = mail;

    // Assess
    expect(text).toContain('Hello Carl Sagan,');
    expect(html).toContain('Hello Carl Sagan,');
    expect(text).toContain('communications approval');
    expect(html).toContain('communications approval');
  });

  it('states the deadline in text and html', () => {
    // Prepare: mail built above

    // Act
    const { text, html } = mail;

    // Assess
    expect(text).toContain(`Please decide by ${DEADLINE}.`);
    expect(html).toContain(`Please decide by ${DEADLINE}.`);
  });

  it('lists every finding in the text under its severity heading', () => {
    // Prepare
    const headings = ['Blocking:', 'Needs a statement:', 'Adds a review:', 'Warnings:', 'For information:', '\n\n'];

    // Act
    const blocking = sectionAfter(mail.text, 'Blocking:', headings);
    const attest = sectionAfter(mail.text, 'Needs a statement:', headings);
    const warn = sectionAfter(mail.text, 'Warnings:', headings);
    const info = sectionAfter(mail.text, 'For information:', headings);

    // Assess
    expect(blocking).toContain('[P-ALT-TEXT] Image has no alt text. (media[0])');
    expect(blocking).toContain('[P-CONFIDENTIAL]');
    expect(blocking).not.toContain('[P-PEOPLE-CONSENT]');
    expect(attest).toContain('[P-PEOPLE-CONSENT]');
    expect(warn).toContain('[P-HASHTAG-CASE]');
    expect(info).toContain('[P-JARGON]');
    expect(mail.text).not.toContain('Adds a review:');
  });

  it('lists every finding in the html under its severity heading', () => {
    // Prepare
    const headings = ['<h3>', '<h2>', '</main>'];

    // Act
    const blocking = sectionAfter(mail.html, '<h3>Blocking</h3>', headings);
    const attest = sectionAfter(mail.html, '<h3>Needs a statement</h3>', headings);
    const warn = sectionAfter(mail.html, '<h3>Warnings</h3>', headings);
    const info = sectionAfter(mail.html, '<h3>For information</h3>', headings);

    // Assess
    expect(blocking).toContain('<strong>P-ALT-TEXT</strong>');
    expect(blocking).toContain('<strong>P-CONFIDENTIAL</strong>');
    expect(blocking).not.toContain('P-PEOPLE-CONSENT');
    expect(attest).toContain('<strong>P-PEOPLE-CONSENT</strong>');
    expect(warn).toContain('<strong>P-HASHTAG-CASE</strong>');
    expect(info).toContain('<strong>P-JARGON</strong>');
    expect(mail.html).not.toContain('<h3>Adds a review</h3>');
  });

  it('orders the severity headings from blocking to information', () => {
    // Prepare
    const order = ['Blocking:', 'Needs a statement:', 'Warnings:', 'For information:'];

    // Act
    const positions = order.map((h) => mail.text.indexOf(h));

    // Assess
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('escapes HTML in the post text, title and media url of the html part', () => {
    // Prepare: the text contains <script>, the title <b>, the url &

    // Act
    const html = mail.html;

    // Assess
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; more');
    expect(html).not.toContain('<b>2030</b>');
    expect(html).toContain('Open day &#60;b&#62;2030&#60;/b&#62;');
    expect(html).toContain('https://cdn.example.org/a.jpg?x=1&#38;y=2');
  });

  it('keeps the post text verbatim in the plain-text part', () => {
    // Prepare: mail built above

    // Act
    const text = mail.text;

    // Assess
    expect(text).toContain('Join us! <script>alert("x")</script> & more');
  });

  it('never contains a task token', () => {
    // Prepare: mail built above

    // Act
    const { subject, text, html } = mail;

    // Assess
    expect(subject).not.toContain('taskToken');
    expect(text).not.toContain('taskToken');
    expect(html).not.toContain('taskToken');
  });

  it('says there is nothing to report when there are no findings', () => {
    // Prepare
    const quiet = request({ findings: [] });

    // Act
    const result = approvalMail({
      institution: 'Example Institute',
      request: quiet,
      stage: COMMS_STAGE,
      approver: APPROVER,
      reviewUrl: REVIEW_URL,
      deadline: DEADLINE,
    });

    // Assess
    expect(result.text).toContain('Checks: nothing to report.');
    expect(result.html).toContain('<p>Checks: nothing to report.</p>');
  });
});

describe('outcomeMail', () => {
  it('lists each blocking finding by rule id when changes are requested, and no other finding', () => {
    // Prepare
    const record = request();

    // Act
    const mail = outcomeMail('Example Institute', record, 'changes-requested');

    // Assess
    expect(mail.subject).toBe('Your request was returned for changes: Open day <b>2030</b>');
    expect(mail.text).toContain('Fix the following and submit a new version:');
    expect(mail.text).toContain('[P-ALT-TEXT] Image has no alt text. (media[0])');
    expect(mail.text).toContain('[P-CONFIDENTIAL] Shortened links hide their target.');
    expect(mail.text).not.toContain('[P-PEOPLE-CONSENT]');
    expect(mail.text).not.toContain('[P-HASHTAG-CASE]');
  });

  it('says why no approval route could be planned, after the blocking findings and without a rule id', () => {
    // Prepare: RunChecks found nobody to decide a stage (GOVERNANCE.md §2); the findings block nothing.
    const reason = 'nobody can decide the comms stage: its only members are the submitter or people who decide an earlier stage';
    const record = request({
      stages: [],
      findings: [{ rule: 'P-HASHTAG-CASE', severity: 'warn', message: 'Use CamelCase hashtags.' }],
      routeFailure: { reason },
    });

    // Act
    const mail = outcomeMail('Example Institute', record, 'changes-requested');

    // Assess
    expect(mail.text).toContain(`Fix the following and submit a new version:\n  - No valid approval route: ${reason}.\n\n`);
    expect(mail.text).not.toContain('[P-HASHTAG-CASE]');
    expect(mail.text).not.toContain('G-SEPARATION');
  });

  it('lists the decisions taken, with who, when and the comment', () => {
    // Prepare
    const record = request();

    // Act
    const mail = outcomeMail('Example Institute', record, 'changes-requested');

    // Assess
    expect(mail.text).toContain('Supervisor: approve by grace@example.org at 2030-01-01T10:00:00.000Z — "Looks good"');
    expect(mail.text).not.toContain('Communications:');
  });

  it('does not list findings for an approved request', () => {
    // Prepare
    const record = request();

    // Act
    const mail = outcomeMail('Example Institute', record, 'approved');

    // Assess
    expect(mail.subject).toBe('Your request was approved: Open day <b>2030</b>');
    expect(mail.text).not.toContain('Fix the following');
    expect(mail.text).not.toContain('[P-ALT-TEXT]');
  });

  it('explains an expiry', () => {
    // Prepare
    const record = request({ stages: [COMMS_STAGE] });

    // Act
    const mail = outcomeMail('Example Institute', record, 'expired');

    // Assess
    expect(mail.subject).toContain('expired without a decision');
    expect(mail.text).toContain('Nobody decided before the deadline');
    expect(mail.text).not.toContain('Decisions:');
  });

  it('escapes the text inside the html part', () => {
    // Prepare
    const record = request();

    // Act
    const mail = outcomeMail('Example Institute', record, 'rejected');

    // Assess
    expect(mail.html).not.toContain('<b>2030</b>');
    expect(mail.html).toContain('Open day &#60;b&#62;2030&#60;/b&#62;');
  });
});

describe('account openings in mails and on the review page', () => {
  const opening: RequestRecord = {
    ...request(),
    kind: 'account-opening',
    publication: undefined,
    findings: [],
    stages: [
      { ...COMMS_STAGE, stage: 'management' },
      { ...COMMS_STAGE, status: 'waiting' },
    ],
    submission: {
      kind: 'account-opening',
      submitter: 'alan@example.org',
      unit: 'physics',
      platform: 'bluesky',
      handle: '@physics.example.org',
      title: 'Open @physics.example.org on Bluesky',
      admins: ['ada@example.org', 'bob@example.org'],
      questionnaire: { project: 'Outreach <programme>', frequency: 'Weekly' },
      attestations: { smmAdmin: true, credentialStore: 'vault://physics' },
    },
  };

  it("shows every question, answered or not, the unit's existing accounts, and no override", () => {
    const html = reviewPage({
      institution: 'Example Institute',
      request: opening,
      stageIndex: 0,
      approver: APPROVER,
      deadline: DEADLINE,
      csrf: 'tok',
      state: { kind: 'open' },
      accounts: [
        {
          id: 'physics-bluesky-old',
          platform: 'bluesky',
          handle: '@old.example.org',
          unit: 'physics',
          posters: [],
          admins: [],
          status: 'active',
        },
        { id: 'physics-x', platform: 'x', handle: '@ExamplePhysics', unit: 'physics', posters: [], admins: [], status: 'active' },
      ],
    });
    expect(html).toContain('Management review');
    expect((html.match(/<li><strong>/g) ?? []).length).toBeGreaterThanOrEqual(12);
    expect(html).toContain('Outreach &#60;programme&#62;');
    expect((html.match(/<em>not answered<\/em>/g) ?? []).length).toBe(10);
    expect(html).toContain('<li>@old.example.org (physics-bluesky-old)</li>');
    expect(html).not.toContain('@ExamplePhysics');
    expect(html).not.toContain('Override the classification');
  });

  it('asks for the management approval of the opening by name in the mail', () => {
    const mail = approvalMail({
      institution: 'Example Institute',
      request: opening,
      stage: opening.stages[0] as Stage,
      approver: APPROVER,
      reviewUrl: REVIEW_URL,
      deadline: DEADLINE,
      unitName: 'Physics Department',
    });
    expect(mail.subject).toBe('Approval needed (Management): Open @physics.example.org on Bluesky');
    expect(mail.text).toContain(
      'alan@example.org asks for your management approval of opening @physics.example.org on Bluesky for Physics Department.',
    );
    expect(mail.text).toContain('Access details kept in: vault://physics');
  });
});
