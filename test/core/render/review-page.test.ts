import { describe, it, expect } from 'vitest';
import type { Finding, RequestRecord, Stage } from '../../../lambdas/core/model.js';
import { approvalMail } from '../../../lambdas/core/render/render.js';
import { reviewPage } from '../../../lambdas/core/render/review-page.js';
import { APPROVER, COMMS_STAGE, DEADLINE, REVIEW_URL, SUPERVISOR_DECIDED, request } from './fixture.js';

// The approver's review page (lambdas/core/render/review-page.ts).

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
  it("embeds the link's CSRF token in the form, and nowhere when the stage is closed", () => {
    const open = reviewPage({
      institution: 'Example Institute',
      request: request(),
      stageIndex: 1,
      approver: APPROVER,
      deadline: '2030-01-01T00:00:00Z',
      csrf: 'tok-123',
      state: { kind: 'open' },
    });
    const closed = reviewPage({
      institution: 'Example Institute',
      request: request(),
      stageIndex: 1,
      approver: APPROVER,
      deadline: '2030-01-01T00:00:00Z',
      csrf: 'tok-123',
      state: { kind: 'closed', reason: 'Withdrawn.' },
    });
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
  const render = (
    stageIndex: number,
    overrides: Partial<RequestRecord> = {},
    state: Parameters<typeof reviewPage>[0]['state'] = { kind: 'open' },
  ) =>
    reviewPage({
      institution: 'Example Institute',
      request: request({ findings: [endorsement], ...overrides }),
      stageIndex,
      approver: APPROVER,
      deadline: DEADLINE,
      csrf: 'tok',
      state,
    });

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
    const html = reviewPage({
      institution: 'Example Institute',
      request: supervisorOpen,
      stageIndex: 0,
      approver: APPROVER,
      deadline: DEADLINE,
      csrf: 'tok',
      state: { kind: 'open' },
    });
    expect(html).not.toContain('name="statement"');
    expect(html).not.toContain('Override the classification');
  });

  it('offers comms the override with a required reason, and shows an override made', () => {
    expect(render(1)).toContain('<input type="hidden" name="action" value="classify"><input type="hidden" name="publication" value="yes">');
    expect(render(1)).toContain('name="reason" rows="3" required');
    const overridden = render(1, {
      publication: {
        is: true,
        reasons: ['classified as a publication by carl@example.org: policy statement'],
        override: { by: 'carl@example.org', at: '2030-01-02T00:00:00.000Z', reason: 'policy <statement>', was: false },
      },
    });
    expect(overridden).toContain(
      'Classification overridden by carl@example.org at 2030-01-02T00:00:00.000Z (the classifier said no): “policy &#60;statement&#62;”',
    );
    expect(overridden).toContain('name="publication" value="no"');
  });

  it('shows statements made with earlier decisions, and lists them in the approval mail', () => {
    const decided: Stage = {
      ...SUPERVISOR_DECIDED,
      stage: 'comms',
      statements: [{ rule: 'P-ENDORSEMENT', statement: 'Reputational check done.' }],
    };
    const ethics: Stage = { ...COMMS_STAGE, stage: 'ethics' };
    const html = reviewPage({
      institution: 'Example Institute',
      request: request({ stages: [SUPERVISOR_DECIDED, decided, ethics] }),
      stageIndex: 2,
      approver: APPROVER,
      deadline: DEADLINE,
      csrf: 'tok',
      state: { kind: 'open' },
    });
    expect(html).toContain('(stated: [P-ENDORSEMENT] Reputational check done.)');
    const mail = approvalMail({
      institution: 'Example Institute',
      request: request({ findings: [endorsement] }),
      stage: COMMS_STAGE,
      approver: APPROVER,
      reviewUrl: REVIEW_URL,
      deadline: DEADLINE,
    });
    expect(mail.text).toContain(
      'To approve, you will be asked to state:\n  - [P-ENDORSEMENT] Reputational check done: Acme is not in conflict with our values.',
    );
  });
});
