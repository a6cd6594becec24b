import type { AccountOpeningSubmission, Finding, RegistryAccount, RequestRecord, Stage } from '../../lambdas/core/model.js';
import type { ApprovalLink } from '../../lambdas/adapters/approvals.js';

// Stored items with every field the code may write, for the tests of lambdas/adapters/items/: what a writer puts, the
// reader parses back unchanged; and the items a malformed-item test breaks one field of.

export const grace = { id: 'grace', name: 'Grace Hopper', email: 'grace@example.org' };
export const carl = { id: 'carl', name: 'Carl Sagan', email: 'carl@example.org' };

/** A finding with every optional field. */
export const fullFinding: Finding = {
  rule: 'P-HASHTAG-CASE',
  severity: 'attest',
  message: 'Write hashtags in CamelCase',
  where: 'text[10..19]',
  span: { start: 10, end: 19, text: '#openday' },
  media: 0,
  suggestion: '#OpenDay',
  source: { policy: 'seeds/cern.md', section: '§2', quote: 'Use CamelCase' },
  attestation: { statement: 'I checked the hashtags', by: 'comms', satisfied: false },
  stage: 'comms',
};

/** A stage with every optional field, decided. */
export const decidedStage: Stage = {
  stage: 'supervisor',
  status: 'approved',
  assignees: [grace],
  timeoutSeconds: 3600,
  deadline: '2026-12-05T11:00:00.000Z',
  openedAt: '2026-12-05T10:00:00.000Z',
  schedule: { remindSeconds: 1800, deadlineSeconds: 3600, secondDeadlineSeconds: 7200, tooLate: false },
  delivered: 'escalated',
  failedAsks: 1,
  phase: 'escalated',
  escalatedTo: [carl],
  escalatedAt: '2026-12-05T11:00:00.000Z',
  escalationDeadline: '2026-12-05T12:00:00.000Z',
  decidedBy: 'grace@example.org',
  deciderId: 'grace',
  decidedAt: '2026-12-05T10:30:00.000Z',
  decision: 'approve',
  comment: 'Fine',
  statements: [{ rule: 'P-POLITICAL', statement: 'I considered the reputational risk' }],
};

/** A brand post with every optional field of the record, its submission, its stages and findings. */
export const brandPostRecord: RequestRecord = {
  requestId: 'req_BRANDPOSTBRANDPOSTBRAND',
  kind: 'brand-post',
  status: 'awaiting-approval',
  version: 2,
  submission: {
    kind: 'brand-post',
    submitter: 'ada@example.org',
    account: 'physics-x',
    title: 'Open day',
    text: 'Join us on Saturday #openday',
    format: 'thread',
    publishAt: '2026-12-07T10:00:00Z',
    media: [
      {
        type: 'image',
        url: 'https://example.org/a.jpg',
        alt: 'A hall',
        captions: false,
        rights: 'own',
        credit: 'Ada',
        showsPeople: true,
        declaredAs: 'photo',
      },
    ],
    attestations: { peopleConsent: true, aiUsed: false, aiDisclosed: false },
  },
  contentHash: 'c'.repeat(64),
  receivedAt: '2026-12-05T09:00:00.000Z',
  channel: 'mail',
  stages: [decidedStage, { stage: 'comms', status: 'waiting', assignees: [carl], timeoutSeconds: 7200 }],
  findings: [fullFinding, { rule: 'P-JARGON', severity: 'info', message: 'One term to explain' }],
  publication: {
    is: true,
    reasons: ['public account'],
    override: { by: 'carl@example.org', at: '2026-12-05T10:40:00.000Z', reason: 'A notice', was: false },
  },
  executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:signoff:req',
  failure: {
    step: 'NotifySubmitter',
    error: 'MessageRejected',
    at: '2026-12-05T11:00:00.000Z',
    executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:signoff:req',
  },
  previousVersions: [
    {
      version: 1,
      submission: {
        kind: 'brand-post',
        submitter: 'ada@example.org',
        account: 'physics-x',
        title: 'Open day',
        text: 'Saturday',
        format: 'post',
        media: [],
        attestations: {},
      },
      contentHash: 'b'.repeat(64),
      outcome: 'changes-requested',
    },
  ],
  thread: { messageId: '<m1@example.org>', references: ['<m0@example.org>'] },
};

export const openingSubmission: AccountOpeningSubmission = {
  kind: 'account-opening',
  submitter: 'ada@example.org',
  unit: 'physics',
  platform: 'mastodon',
  handle: '@physics@example.social',
  title: 'Open @physics@example.social on mastodon',
  admins: ['ada@example.org', 'sam@example.org'],
  group: { visibility: 'private', joinPolicy: 'Alumni of the department, whatever their background' },
  questionnaire: { project: 'Outreach', frequency: 'weekly' },
  attestations: { smmAdmin: true, credentialStore: 'vault:/social/physics', commentPolicy: true },
};

/** An account opening, ended, with its registration. */
export const openingRecord: RequestRecord = {
  requestId: 'req_OPENINGOPENINGOPENINGOP',
  kind: 'account-opening',
  status: 'approved',
  version: 1,
  submission: openingSubmission,
  contentHash: 'd'.repeat(64),
  receivedAt: '2026-12-05T09:00:00.000Z',
  channel: 'webhook',
  stages: [{ ...decidedStage, stage: 'management' }],
  findings: [],
  outcome: 'approved',
  registration: { accountId: 'physics-mastodon-2', registered: false, reason: 'the handle is taken' },
};

export const link: ApprovalLink = {
  pk: `link#${'e'.repeat(64)}`,
  requestId: brandPostRecord.requestId,
  version: 2,
  stageIndex: 0,
  stage: 'supervisor',
  approver: grace,
  csrf: 'csrf-0123456789',
  createdAt: '2026-12-05T10:00:00.000Z',
};

export const account: RegistryAccount = {
  id: 'physics-mastodon-2',
  platform: 'mastodon',
  handle: '@physics@example.social',
  unit: 'physics',
  posters: ['ada'],
  admins: ['ada', 'sam'],
  status: 'active',
  smmAdmin: true,
  credentialStore: 'vault:/social/physics',
  openedBy: openingRecord.requestId,
  openedAt: '2026-12-05T12:00:00.000Z',
};
