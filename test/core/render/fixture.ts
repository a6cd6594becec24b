import type { Assignee, Finding, RequestRecord, Stage } from '../../../lambdas/core/model.js';

// The request, stages and findings the rendering tests share.

const FINDINGS: readonly Finding[] = [
  { rule: 'P-ALT-TEXT', severity: 'block', message: 'Image has no alt text.', where: 'media[0]' },
  { rule: 'P-CONFIDENTIAL', severity: 'block', message: 'Shortened links hide their target.' },
  { rule: 'P-PEOPLE-CONSENT', severity: 'attest', message: 'Confirm the people shown agreed.' },
  { rule: 'P-HASHTAG-CASE', severity: 'warn', message: 'Use CamelCase hashtags.' },
  { rule: 'P-JARGON', severity: 'info', message: 'The post is 120 characters long.' },
];

export const COMMS_STAGE: Stage = {
  stage: 'comms',
  status: 'pending',
  assignees: [{ id: 'carl', name: 'Carl Sagan', email: 'carl@example.org' }],
  timeoutSeconds: 259_200,
  deadline: '2030-01-04T09:00:00.000Z',
};

export const SUPERVISOR_DECIDED: Stage = {
  stage: 'supervisor',
  status: 'approved',
  assignees: [{ id: 'grace', name: 'Grace Hopper', email: 'grace@example.org' }],
  timeoutSeconds: 259_200,
  decidedBy: 'grace@example.org',
  decidedAt: '2030-01-01T10:00:00.000Z',
  decision: 'approve',
  comment: 'Looks good',
};

export function request(overrides: Partial<RequestRecord> = {}): RequestRecord {
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

export const APPROVER: Assignee = { id: 'carl', name: 'Carl Sagan', email: 'carl@example.org' };
export const REVIEW_URL = 'https://signoff.example.org/review/Zx9_abcdefghijklmnopqrstuvwxyz0123456789ABC';
export const DEADLINE = '2030-01-04T09:00:00.000Z';

/** The text between a heading and the next heading (or the end). */
export function sectionAfter(text: string, heading: string, headings: readonly string[]): string {
  const start = text.indexOf(heading);
  if (start < 0) return '';
  const rest = text.slice(start + heading.length);
  const ends = headings.map((h) => rest.indexOf(h)).filter((i) => i >= 0);
  return ends.length === 0 ? rest : rest.slice(0, Math.min(...ends));
}
