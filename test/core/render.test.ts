import { describe, it, expect } from 'vitest';
import type { Assignee, Finding, RequestRecord, Stage } from '../../lambdas/core/model.js';
import { approvalMail, escapeHtml, outcomeMail, reviewPage, stageTitle } from '../../lambdas/core/render/render.js';

const FINDINGS: readonly Finding[] = [
  { rule: 'alt-text-missing', severity: 'block', message: 'Image has no alt text.', where: 'media[0]' },
  { rule: 'link-shortener', severity: 'block', message: 'Shortened links hide their target.' },
  { rule: 'people-consent', severity: 'attest', message: 'Confirm the people shown agreed.' },
  { rule: 'hashtag-case', severity: 'warn', message: 'Use CamelCase hashtags.' },
  { rule: 'length-info', severity: 'info', message: 'The post is 120 characters long.' },
];

const COMMS_STAGE: Stage = {
  stage: 'comms',
  status: 'pending',
  assignees: [{ id: 'carl', name: 'Carl Sagan', email: 'carl@example.org' }],
  timeoutSeconds: 259_200,
  deadline: '2030-01-04T09:00:00.000Z',
};

const SUPERVISOR_DECIDED: Stage = {
  stage: 'supervisor',
  status: 'approved',
  assignees: [{ id: 'grace', name: 'Grace Hopper', email: 'grace@example.org' }],
  timeoutSeconds: 259_200,
  decidedBy: 'grace@example.org',
  decidedAt: '2030-01-01T10:00:00.000Z',
  decision: 'approve',
  comment: 'Looks good',
};

function request(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    requestId: 'req_ABCDEFGHIJKLMNOPQRSTUVWX',
    kind: 'brand-post',
    status: 'awaiting-approval',
    version: 2,
    submission: {
      kind: 'brand-post',
      submitter: 'ada@example.org',
      account: 'physics-x',
      title: 'Open day <b>2030</b>',
      text: 'Join us! <script>alert("x")</script> & more',
      format: 'post',
      publishAt: '2030-01-10T09:00:00Z',
      media: [{ type: 'image', url: 'https://cdn.example.org/a.jpg?x=1&y=2' }],
      attestations: {},
    },
    contentHash: 'a'.repeat(64),
    receivedAt: '2030-01-01T08:00:00.000Z',
    channel: 'webhook',
    stages: [SUPERVISOR_DECIDED, COMMS_STAGE],
    findings: FINDINGS,
    publication: { is: false, reasons: ['no research results'] },
    ...overrides,
  };
}

const APPROVER: Assignee = { id: 'carl', name: 'Carl Sagan', email: 'carl@example.org' };
const REVIEW_URL = 'https://signoff.example.org/review/Zx9_abcdefghijklmnopqrstuvwxyz0123456789ABC';
const DEADLINE = '2030-01-04T09:00:00.000Z';

/** The text between a heading and the next heading (or the end). */
function sectionAfter(text: string, heading: string, headings: readonly string[]): string {
  const start = text.indexOf(heading);
  if (start < 0) return '';
  const rest = text.slice(start + heading.length);
  const ends = headings.map((h) => rest.indexOf(h)).filter((i) => i >= 0);
  return ends.length === 0 ? rest : rest.slice(0, Math.min(...ends));
}

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

  it("greets the approver by name and names the stage, in text and html", () => {
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
    expect(blocking).toContain('[alt-text-missing] Image has no alt text. (media[0])');
    expect(blocking).toContain('[link-shortener]');
    expect(blocking).not.toContain('[people-consent]');
    expect(attest).toContain('[people-consent]');
    expect(warn).toContain('[hashtag-case]');
    expect(info).toContain('[length-info]');
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
    expect(blocking).toContain('<strong>alt-text-missing</strong>');
    expect(blocking).toContain('<strong>link-shortener</strong>');
    expect(blocking).not.toContain('people-consent');
    expect(attest).toContain('<strong>people-consent</strong>');
    expect(warn).toContain('<strong>hashtag-case</strong>');
    expect(info).toContain('<strong>length-info</strong>');
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
    const result = approvalMail({ institution: 'Example Institute', request: quiet, stage: COMMS_STAGE, approver: APPROVER, reviewUrl: REVIEW_URL, deadline: DEADLINE });

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
    expect(mail.text).toContain('[alt-text-missing] Image has no alt text. (media[0])');
    expect(mail.text).toContain('[link-shortener] Shortened links hide their target.');
    expect(mail.text).not.toContain('[people-consent]');
    expect(mail.text).not.toContain('[hashtag-case]');
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
    expect(mail.text).not.toContain('[alt-text-missing]');
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

describe('reviewPage', () => {
  /** The form that carries the decision buttons. */
  function decisionForm(html: string): string {
    return html.split('<form').find((f) => f.includes('name="decision"')) ?? '';
  }

  function page(state: Parameters<typeof reviewPage>[0]['state']): string {
    return reviewPage({
      institution: 'Example Institute',
      request: request(),
      stageIndex: 1,
      approver: APPROVER,
      csrf: 'csrf-token-for-the-form',
      deadline: DEADLINE,
      state,
    });
  }

  it('in state open has a post form with approve, reject and request-changes buttons', () => {
    // Prepare
    const state = { kind: 'open' } as const;

    // Act
    const html = page(state);

    // Assess: the decision form (a comms page also has the classification override's own form)
    expect(html).toContain('<form method="post">');
    const buttons = [...decisionForm(html).matchAll(/<button\b[^>]*>/g)].map((m) => m[0]);
    expect(buttons).toHaveLength(3);
    for (const button of buttons) expect(button).toContain('name="decision"');
    const values = buttons.map((b) => /value="([^"]*)"/.exec(b)?.[1]).sort();
    expect(values).toEqual(['approve', 'reject', 'request-changes']);
  });

  it('in state open has a comment textarea labelled by a matching label', () => {
    // Prepare
    const state = { kind: 'open' } as const;

    // Act
    const html = page(state);

    // Assess
    const textarea = /<textarea\b[^>]*>/.exec(decisionForm(html))?.[0] ?? '';
    expect(textarea).toContain('name="comment"');
    const id = /\bid="([^"]+)"/.exec(textarea)?.[1];
    expect(id).toBeDefined();
    expect(html).toContain(`<label for="${id ?? ''}">`);
    expect(html).toContain(`Decide by ${DEADLINE}.`);
  });

  it('in state open shows an error as an escaped alert', () => {
    // Prepare
    const state = { kind: 'open', error: 'A comment is <required>' } as const;

    // Act
    const html = page(state);

    // Assess
    expect(html).toContain('<p class="notice" role="alert">A comment is &#60;required&#62;</p>');
    expect(html).toContain('<form method="post">');
  });

  it('in state decided has no form and says who decided, what and when', () => {
    // Prepare
    const state = { kind: 'decided', by: 'cara@example.org', at: '2030-01-02T11:30:00.000Z', decision: 'approve', justNow: false } as const;

    // Act
    const html = page(state);

    // Assess
    expect(html).not.toContain('<form');
    expect(html).not.toContain('<button');
    expect(html).toContain('Already decided.');
    expect(html).toContain('(approve) by cara@example.org at 2030-01-02T11:30:00.000Z');
  });

  it('in state decided just now thanks the approver', () => {
    // Prepare
    const state = { kind: 'decided', by: 'carl@example.org', at: '2030-01-02T11:30:00.000Z', decision: 'reject', justNow: true } as const;

    // Act
    const html = page(state);

    // Assess
    expect(html).toContain('Thank you: your decision is recorded.');
    expect(html).not.toContain('<form');
  });

  it('in state closed shows the escaped reason and no form', () => {
    // Prepare
    const state = { kind: 'closed', reason: 'This stage expired & can no longer be decided.' } as const;

    // Act
    const html = page(state);

    // Assess
    expect(html).toContain('<p class="notice" role="status">This stage expired &#38; can no longer be decided.</p>');
    expect(html).not.toContain('<form');
    expect(html).not.toContain('<textarea');
  });

  it('shows the stage, the approver, the escaped post and earlier decisions', () => {
    // Prepare
    const state = { kind: 'open' } as const;

    // Act
    const html = page(state);

    // Assess
    expect(html).toContain('<h1>Communications review</h1>');
    expect(html).toContain('For Carl Sagan · Example Institute');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;');
    expect(html).toContain('Supervisor: approve by grace@example.org at 2030-01-01T10:00:00.000Z');
    expect(html).toContain('Supervisor (approved) → Communications (pending)');
    expect(html).not.toContain('taskToken');
  });
});

describe('reviewPage CSRF field', () => {
  it('embeds the link\'s CSRF token in the form, and nowhere when the stage is closed', () => {
    const open = reviewPage({ institution: 'Example Institute', request: request(), stageIndex: 1, approver: APPROVER, deadline: '2030-01-01T00:00:00Z', csrf: 'tok-123', state: { kind: 'open' } });
    const closed = reviewPage({ institution: 'Example Institute', request: request(), stageIndex: 1, approver: APPROVER, deadline: '2030-01-01T00:00:00Z', csrf: 'tok-123', state: { kind: 'closed', reason: 'Withdrawn.' } });
    expect(open).toContain('<input type="hidden" name="csrf" value="tok-123">');
    expect(closed).not.toContain('tok-123');
  });
});

describe('statements and the classification override on the review page', () => {
  const endorsement: Finding = {
    rule: 'P-ENDORSEMENT',
    severity: 'attest',
    message: 'The post names a third party.',
    attestation: { statement: 'Reputational check done: Acme is not in conflict with our values.', by: 'comms', satisfied: false },
  };
  const render = (stageIndex: number, overrides: Partial<RequestRecord> = {}, state: Parameters<typeof reviewPage>[0]['state'] = { kind: 'open' }) =>
    reviewPage({ institution: 'Example Institute', request: request({ findings: [endorsement], ...overrides }), stageIndex, approver: APPROVER, deadline: DEADLINE, csrf: 'tok', state });

  it('asks the comms approver for the statement as a labelled checkbox inside the decision form', () => {
    const html = render(1);
    const form = html.split('<form').find((f) => f.includes('name="decision"')) ?? '';
    expect(form).toContain('<input type="checkbox" id="statement-0" name="statement" value="P-ENDORSEMENT">');
    expect(form).toContain('<label for="statement-0"><strong>P-ENDORSEMENT</strong> Reputational check done');
  });

  it('keeps the ticks after a refused POST', () => {
    expect(render(1, {}, { kind: 'open', ticked: ['P-ENDORSEMENT'] })).toContain('value="P-ENDORSEMENT" checked>');
  });

  it('asks nothing of a stage the statement is not for', () => {
    const supervisorOpen = request({ findings: [endorsement], stages: [{ ...COMMS_STAGE, stage: 'supervisor' }, COMMS_STAGE] });
    const html = reviewPage({ institution: 'Example Institute', request: supervisorOpen, stageIndex: 0, approver: APPROVER, deadline: DEADLINE, csrf: 'tok', state: { kind: 'open' } });
    expect(html).not.toContain('name="statement"');
    expect(html).not.toContain('Override the classification');
  });

  it('offers comms the override with a required reason, and shows an override made', () => {
    expect(render(1)).toContain('<input type="hidden" name="action" value="classify"><input type="hidden" name="publication" value="yes">');
    expect(render(1)).toContain('name="reason" rows="3" required');
    const overridden = render(1, { publication: { is: true, reasons: ['classified as a publication by carl@example.org: policy statement'], override: { by: 'carl@example.org', at: '2030-01-02T00:00:00.000Z', reason: 'policy <statement>', was: false } } });
    expect(overridden).toContain('Classification overridden by carl@example.org at 2030-01-02T00:00:00.000Z (the classifier said no): “policy &#60;statement&#62;”');
    expect(overridden).toContain('name="publication" value="no"');
  });

  it('shows statements made with earlier decisions, and lists them in the approval mail', () => {
    const decided = { ...SUPERVISOR_DECIDED, stage: 'comms' as const, statements: [{ rule: 'P-ENDORSEMENT', statement: 'Reputational check done.' }] };
    const ethics: Stage = { ...COMMS_STAGE, stage: 'ethics' };
    const html = reviewPage({ institution: 'Example Institute', request: request({ stages: [SUPERVISOR_DECIDED, decided, ethics] }), stageIndex: 2, approver: APPROVER, deadline: DEADLINE, csrf: 'tok', state: { kind: 'open' } });
    expect(html).toContain('(stated: [P-ENDORSEMENT] Reputational check done.)');
    const mail = approvalMail({ institution: 'Example Institute', request: request({ findings: [endorsement] }), stage: COMMS_STAGE, approver: APPROVER, reviewUrl: REVIEW_URL, deadline: DEADLINE });
    expect(mail.text).toContain('To approve, you will be asked to state:\n  - [P-ENDORSEMENT] Reputational check done: Acme is not in conflict with our values.');
  });
});

describe('account openings in mails and on the review page', () => {
  const opening: RequestRecord = {
    ...request(),
    kind: 'account-opening',
    publication: undefined,
    findings: [],
    stages: [{ ...COMMS_STAGE, stage: 'management' }, { ...COMMS_STAGE, status: 'waiting' }],
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

  it('shows every question, answered or not, the unit\'s existing accounts, and no override', () => {
    const html = reviewPage({
      institution: 'Example Institute',
      request: opening,
      stageIndex: 0,
      approver: APPROVER,
      deadline: DEADLINE,
      csrf: 'tok',
      state: { kind: 'open' },
      accounts: [
        { id: 'physics-bluesky-old', platform: 'bluesky', handle: '@old.example.org', unit: 'physics', posters: [], admins: [], status: 'active' },
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
    const mail = approvalMail({ institution: 'Example Institute', request: opening, stage: opening.stages[0] as Stage, approver: APPROVER, reviewUrl: REVIEW_URL, deadline: DEADLINE, unitName: 'Physics Department' });
    expect(mail.subject).toBe('Approval needed (Management): Open @physics.example.org on Bluesky');
    expect(mail.text).toContain('alan@example.org asks for your management approval of opening @physics.example.org on Bluesky for Physics Department.');
    expect(mail.text).toContain('Access details kept in: vault://physics');
  });
});
