import { describe, expect, it } from 'vitest';
import type { Finding, RequestRecord } from '../../lambdas/core/model.js';
import {
  classificationChange,
  commentMissing,
  currentDeadline,
  isDecision,
  missingStatementsProblem,
  separationProblem,
  stageViewOf,
  statementsOf,
  type ReviewSeat,
} from '../../lambdas/core/request/review.js';
import { brandPost, directory } from '../use-cases/memory-ports.js';

// The rules of a decision on a review page (lambdas/core/request/review.ts): where the stage stands, separation of
// duties, what a decision carries, the statements approving makes, and what an override of the classification needs.

const grace: ReviewSeat = { version: 1, stageIndex: 0, stage: 'supervisor', approver: { id: 'grace', email: 'grace@example.org' } };
const carl: ReviewSeat = { version: 1, stageIndex: 1, stage: 'comms', approver: { id: 'carl', email: 'carl@example.org' } };

function decided(record: RequestRecord, by: { id: string; email: string }): RequestRecord {
  return {
    ...record,
    stages: record.stages.map((s, i) =>
      i === 0
        ? { ...s, status: 'approved', decision: 'approve', decidedBy: by.email, deciderId: by.id, decidedAt: '2026-12-05T11:00:00.000Z' }
        : s,
    ),
  };
}

describe('stageViewOf', () => {
  it('is open while the stage is pending', () => {
    expect(stageViewOf(brandPost(), grace)).toEqual({ kind: 'open' });
  });

  it('closes for a withdrawn request, an older version, an expired stage, and a stage not yet open', () => {
    // Prepare
    const expired = brandPost();
    const views = [
      stageViewOf(brandPost({ status: 'withdrawn', outcome: 'withdrawn' }), grace),
      stageViewOf(brandPost({ version: 2 }), grace),
      stageViewOf({ ...expired, stages: expired.stages.map((s, i) => (i === 0 ? { ...s, status: 'expired' } : s)) }, grace),
      stageViewOf(brandPost(), carl),
    ];

    // Assess
    expect(views.map((v) => v.kind)).toEqual(['closed', 'closed', 'closed', 'closed']);
    expect(views[1]).toMatchObject({ reason: expect.stringContaining('version 1; the request is now at version 2') });
    expect(views[2]).toMatchObject({ reason: expect.stringContaining('2026-12-08T09:00:00.000Z without a decision') });
  });

  it('closes a pending stage of a request whose workflow failed, saying where and that nothing was approved (issue #13)', () => {
    // Prepare
    const failure = { step: 'AdvanceStage', error: 'ValidationException', at: '2026-12-05T11:00:00.000Z', executionArn: 'arn:x' } as const;

    // Act
    const view = stageViewOf(brandPost({ status: 'failed', failure }), grace);

    // Assess
    expect(view).toEqual({
      kind: 'closed',
      reason: expect.stringMatching(/workflow failed at AdvanceStage \(ValidationException\).*Nothing was approved/),
    });
  });

  it('says who decided a decided stage', () => {
    expect(stageViewOf(decided(brandPost(), grace.approver), grace)).toEqual({
      kind: 'decided',
      decision: 'approve',
      by: 'grace@example.org',
      at: '2026-12-05T11:00:00.000Z',
      justNow: false,
    });
  });
});

describe('currentDeadline', () => {
  it('is the escalation deadline once the stage was escalated', () => {
    const record = brandPost();
    const escalated = {
      ...record,
      stages: record.stages.map((s, i) => (i === 0 ? { ...s, escalationDeadline: '2026-12-09T09:00:00.000Z' } : s)),
    };
    expect([currentDeadline(record, 0), currentDeadline(escalated, 0), currentDeadline(record, 5)]).toEqual([
      '2026-12-08T09:00:00.000Z',
      '2026-12-09T09:00:00.000Z',
      '',
    ]);
  });
});

describe('separationProblem', () => {
  it('refuses the submitter, by directory id whatever the spelling of the address', () => {
    const own = brandPost({ submission: { ...brandPost().submission, submitter: ' Grace@Example.org ' } });
    expect(separationProblem(own, grace, directory)).toBe('You submitted this request, so you cannot decide on it.');
  });

  it('refuses a second stage to one who decided another', () => {
    expect(separationProblem(decided(brandPost(), { id: 'carl', email: 'carl@example.org' }), carl, directory)).toContain(
      'You already decided the supervisor stage',
    );
  });

  it('lets anyone else decide', () => {
    expect(separationProblem(decided(brandPost(), grace.approver), carl, directory)).toBeUndefined();
  });
});

describe('a decision', () => {
  it('is one of approve, reject and request changes', () => {
    expect(['approve', 'reject', 'request-changes', 'maybe', null].map(isDecision)).toEqual([true, true, true, false, false]);
  });

  it('to reject or request changes says why', () => {
    expect([
      commentMissing('approve', ''),
      commentMissing('reject', ''),
      commentMissing('request-changes', ''),
      commentMissing('reject', 'Off-brand.'),
    ]).toEqual([
      undefined,
      'A rejection needs a reason in the comment.',
      'Requesting changes needs a comment saying what to change.',
      undefined,
    ]);
  });

  it('to approve makes the statements the findings ask of the stage', () => {
    // Prepare
    const findings: Finding[] = [
      {
        rule: 'P-ENDORSEMENT',
        severity: 'attest',
        message: 'm',
        attestation: { statement: 'I checked the partner.', by: 'comms', satisfied: false },
      },
      {
        rule: 'P-SENSITIVE-MATTER',
        severity: 'attest',
        message: 'm',
        attestation: { statement: 'Not ours.', by: 'ethics', satisfied: false },
      },
    ];

    // Act
    const approving = statementsOf('approve', findings, 'comms', []);
    const ticked = statementsOf('approve', findings, 'comms', ['P-ENDORSEMENT']);
    const rejecting = statementsOf('reject', findings, 'comms', []);

    // Assess
    expect(approving.missing).toEqual([{ rule: 'P-ENDORSEMENT', statement: 'I checked the partner.' }]);
    expect(ticked).toEqual({ asked: [{ rule: 'P-ENDORSEMENT', statement: 'I checked the partner.' }], missing: [] });
    expect(rejecting).toEqual({ asked: [], missing: [] });
    expect(missingStatementsProblem(approving.missing)).toBe(
      'To approve, make this statement (tick it), or request changes: P-ENDORSEMENT — I checked the partner.',
    );
  });
});

describe('classificationChange', () => {
  const classified = brandPost({ publication: { is: false, reasons: ['no publication criterion'] } });

  it('is for a communications approver of a classified post, to the other value, with a short reason', () => {
    expect(classificationChange(classified, carl, 'yes', '  A press release.  ')).toEqual({
      ok: true,
      current: classified.publication,
      to: true,
      reason: 'A press release.',
    });
    expect(classificationChange(classified, grace, 'yes', 'r')).toMatchObject({ ok: false, status: 403 });
    expect(classificationChange(classified, carl, 'perhaps', 'r')).toMatchObject({ ok: false, status: 400 });
    expect(classificationChange(classified, carl, 'yes', ' ')).toMatchObject({ ok: false, status: 400 });
    expect(classificationChange(classified, carl, 'yes', 'r'.repeat(1001))).toMatchObject({ ok: false, status: 400 });
    expect(classificationChange(classified, carl, 'no', 'r')).toMatchObject({ ok: false, status: 409 });
  });
});
