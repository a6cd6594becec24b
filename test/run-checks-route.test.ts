import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../lambdas/core/model.js';
import { outcomeMail } from '../lambdas/core/render/render.js';
import { startTestDynamo, type TestDynamo } from './adapters/local-dynamo.js';

// RunChecks (lambdas/run-checks.ts) over its real adapters and dynalite, when no approval route can be planned
// (GOVERNANCE.md §2): the request records why as a route failure — no finding under a rule id GOVERNANCE.md does not
// have — the audit trail says so, the submitter's mail gives the reason, and a new version starts without it.

/** The sample directory, with the director (who has no manager) a poster of physics-x. */
function directoryWithDoraPosting(): string {
  const file = JSON.parse(readFileSync(fileURLToPath(new URL('../config/directory.json', import.meta.url)), 'utf8')) as {
    accounts: Array<{ id: string; posters: string[] }>;
  };
  for (const account of file.accounts) if (account.id === 'physics-x') account.posters.push('dora');
  const path = join(mkdtempSync(join(tmpdir(), 'signoff-route-')), 'directory.json');
  writeFileSync(path, JSON.stringify(file));
  return path;
}

let dynamo: TestDynamo;
let requests: typeof import('../lambdas/adapters/requests.js');
let audit: import('../lambdas/adapters/audit.js').AuditTable;
let handler: typeof import('../lambdas/run-checks.js')['handler'];

beforeAll(async () => {
  dynamo = await startTestDynamo({
    REQUESTS_TABLE: 'signoff-requests',
    AUDIT_TABLE: 'signoff-audit',
    APPROVALS_TABLE: 'signoff-approvals',
    ACCOUNTS_TABLE: 'signoff-accounts',
    SIGNOFF_DIRECTORY: directoryWithDoraPosting(),
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  requests = await import('../lambdas/adapters/requests.js');
  audit = (await import('../lambdas/adapters/audit.js')).auditTable();
  ({ handler } = await import('../lambdas/run-checks.js'));
});

afterAll(async () => {
  await dynamo.close();
});

const context = {
  functionName: 'signoff-RunChecks',
  awsRequestId: 'test-request',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:signoff-RunChecks',
} as Context;

// A submitter the checks pass (in the directory, posting to a registered account) whom nobody supervises: the
// director has no manager.
const record: RequestRecord = {
  requestId: 'req_PLANROUTEFAILSAAAAAAAAAAA',
  kind: 'brand-post',
  status: 'checking',
  version: 1,
  submission: {
    kind: 'brand-post',
    submitter: 'dora@example.org',
    account: 'physics-x',
    title: 'Open day',
    text: 'Saturday.',
    format: 'post',
    media: [],
    attestations: {},
  },
  contentHash: 'h',
  receivedAt: '2026-12-05T09:00:00.000Z',
  channel: 'webhook',
  stages: [],
  findings: [{ rule: 'P-HASHTAG-CASE', severity: 'warn', message: 'Use CamelCase hashtags.' }],
};

describe('RunChecks without a valid route', () => {
  it('records the route failure and its reason beside the findings (not as one), and audits both', async () => {
    // Prepare
    await requests.createRequest(record);

    // Act
    const result = await handler({ requestId: record.requestId, version: 1 }, context);

    // Assess
    const stored = await requests.getRequest(record.requestId);
    const reason = 'Dora Director has no manager in the directory';
    expect(result).toEqual({ blocked: false, findingCount: stored?.findings.length, planned: false, stageCount: 0, step: null });
    expect(stored?.routeFailure).toEqual({ reason });
    expect(stored?.stages).toEqual([]);
    expect(stored?.findings.map((f) => f.message).join('\n')).not.toContain('no manager');
    const events = await audit.readAudit(record.requestId);
    expect(events.map((e) => e.type)).toEqual(['checks.completed', 'route.failed']);
    expect(events[0]?.data['findings']).toHaveLength(stored?.findings.length ?? -1);
    expect(events[1]?.data).toEqual({ version: 1, reason });
  });

  it('tells the submitter why in the outcome mail, and forgets it when a new version starts', async () => {
    // Prepare
    const ended = await requests.finishRequest(record.requestId, 'changes-requested');
    if (ended === undefined) throw new Error('the request was not stored');

    // Act
    const mail = outcomeMail('Example Lab', ended, 'changes-requested');
    const next = await requests.startNewVersion(
      ended,
      { ...record.submission, submitter: 'ada@example.org' },
      'h2',
      'key-2',
      new Date('2026-12-05T10:00:00.000Z'),
    );

    // Assess
    expect(mail.text).toContain(
      'Fix the following and submit a new version:\n  - No valid approval route: Dora Director has no manager in the directory.\n',
    );
    expect(next?.version).toBe(2);
    expect(next?.routeFailure).toBeUndefined();
  });
});
