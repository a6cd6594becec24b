import { describe, expect, it } from 'vitest';
import type { ExportRecord } from '../../lambdas/core/audit/audit-export.js';
import { verifyExport } from '../../lambdas/core/audit/audit-verify.js';
import { actionSummary, buildEvidence, type EvidencePack } from '../../lambdas/core/audit/evidence.js';
import { evidenceHtml } from '../../lambdas/core/audit/evidence-page.js';
import type { Submission } from '../../lambdas/core/model.js';
import { at, HOUR, MemoryAudit, signer } from './audit-fixture.js';

// The evidence pack of one request, from its verified export: content as approved, decisions with person, time
// and channel, findings with their rules' sources, and the verification result.

const NAMES: Readonly<Record<string, string>> = {
  'ada@example.org': 'Ada Lovelace',
  'grace@example.org': 'Grace Hopper',
  'carl@example.org': 'Carl Sagan',
};

const post = (title: string, text: string): Submission => ({
  kind: 'brand-post',
  submitter: 'ada@example.org',
  account: 'physics-x',
  title,
  text,
  format: 'post',
  media: [{ type: 'image', url: 'https://example.org/a.jpg', alt: 'A detector' }],
  attestations: {},
});

/** A request sent back for changes, then approved in its second version. */
async function approvedRequest(): Promise<{ records: ExportRecord[]; pack: EvidencePack }> {
  const store = new MemoryAudit();
  const [v1, v2] = store.setContents('req_a', [
    post('Open day', 'Come <b>along</b>'),
    post('Open day <script>alert(1)</script>', 'Come along on Saturday'),
  ]);
  const hash1 = v1?.contentHash ?? '';
  const hash2 = v2?.contentHash ?? '';
  store.append(
    'req_a',
    'request.submitted',
    'ada@example.org',
    { account: 'physics-x', kind: 'brand-post', channel: 'webhook', version: 1, contentHash: hash1 },
    at(60_000),
  );
  store.append(
    'req_a',
    'checks.completed',
    'signoff',
    { version: 1, blocked: false, findings: [{ rule: 'P-SOURCE', severity: 'warn', message: 'No link to a source.' }] },
    at(2 * 60_000),
  );
  store.append(
    'req_a',
    'approval.requested',
    'signoff',
    { stage: 'supervisor', approver: 'grace@example.org', deadline: '2030-03-07T09:00:00.000Z', linkHash: '1'.repeat(64) },
    at(3 * 60_000),
  );
  store.append(
    'req_a',
    'decision.recorded',
    'grace@example.org',
    {
      stage: 'supervisor',
      stageIndex: 0,
      version: 1,
      decision: 'request-changes',
      comment: 'Add the day',
      channel: 'web',
      linkHash: '1'.repeat(64),
    },
    at(20 * 60_000),
  );
  store.append('req_a', 'request.outcome', 'signoff', { outcome: 'changes-requested', version: 1 }, at(21 * 60_000));
  store.append(
    'req_a',
    'request.version',
    'ada@example.org',
    { version: 2, contentHash: hash2, previousContentHash: hash1 },
    at(30 * 60_000),
  );
  store.append(
    'req_a',
    'decision.recorded',
    'grace@example.org',
    { stage: 'supervisor', stageIndex: 0, version: 2, decision: 'approve', comment: null, channel: 'web', linkHash: '2'.repeat(64) },
    at(HOUR + 5 * 60_000),
  );
  store.append(
    'req_a',
    'decision.recorded',
    'carl@example.org',
    { stage: 'comms', stageIndex: 1, version: 2, decision: 'approve', comment: null, channel: 'mail', linkHash: '3'.repeat(64) },
    at(HOUR + 9 * 60_000),
  );
  store.append('req_a', 'request.outcome', 'signoff', { outcome: 'approved', version: 2 }, at(HOUR + 10 * 60_000));
  await store.seal(at(2 * HOUR + 6 * 60_000));
  const records = await store.exportAll({ format: 'jsonl', requestId: 'req_a' }, at(2 * HOUR + 10 * 60_000));
  const verification = await verifyExport(
    records.map((record, i) => ({ n: i + 1, record })),
    signer,
  );
  const pack = buildEvidence({
    requestId: 'req_a',
    records,
    verification,
    institution: 'Example Institute',
    nameOf: (e) => NAMES[e],
    generatedAt: '2030-03-04T11:15:00.000Z',
  });
  return { records, pack };
}

describe('buildEvidence', () => {
  it("lists every decision with the person's name, time and channel", async () => {
    // Prepare & Act
    const { pack } = await approvedRequest();

    // Assess
    expect(pack.decisions.map((d) => [d.name, d.by, d.at, d.decision, d.channel, d.version])).toEqual([
      ['Grace Hopper', 'grace@example.org', '2030-03-04T09:20:00.000Z', 'request-changes', 'web', 1],
      ['Grace Hopper', 'grace@example.org', '2030-03-04T10:05:00.000Z', 'approve', 'web', 2],
      ['Carl Sagan', 'carl@example.org', '2030-03-04T10:09:00.000Z', 'approve', 'mail', 2],
    ]);
    expect(pack.decisions[0]?.comment).toBe('Add the day');
    expect(pack.decisions[2]?.linkHash).toBe('3'.repeat(64));
  });

  it("gives each version's content and marks the one approved", async () => {
    // Prepare & Act
    const { pack } = await approvedRequest();

    // Assess
    expect(pack.versions.map((v) => [v.version, v.outcome, v.approved, v.content?.['text']])).toEqual([
      [1, 'changes-requested', false, 'Come <b>along</b>'],
      [2, 'approved', true, 'Come along on Saturday'],
    ]);
    expect(pack.request).toMatchObject({
      submitter: 'ada@example.org',
      submitterName: 'Ada Lovelace',
      channel: 'webhook',
      outcome: 'approved',
      outcomeAt: '2030-03-04T10:10:00.000Z',
    });
  });

  it("gives each finding its rule id and the rule's source", async () => {
    // Prepare & Act
    const { pack } = await approvedRequest();

    // Assess
    expect(pack.findings).toEqual([
      {
        version: 1,
        rule: 'P-SOURCE',
        severity: 'warn',
        message: 'No link to a source.',
        what: 'factual or news content without a link to its original source',
        source: 'CERN "link to its source"; LEIDEN "Cite your sources"; CALTECH "If you can\'t validate it, don\'t post it"',
      },
    ]);
  });

  it('carries the verification result', async () => {
    // Prepare & Act
    const { pack } = await approvedRequest();

    // Assess
    expect(pack.verification).toMatchObject({ ok: true, events: 9, checkpoints: 2, signaturesValid: 2, unsealedEvents: 0 });
    expect(pack.verification.summary).toMatch(/^verified: 9 events in 1 chain\(s\), every hash recomputed/);
  });
});

describe('buildEvidence of a request whose workflow failed', () => {
  it('lists workflow.failed among the actions, saying at which step and with which error (issue #13)', async () => {
    // Prepare
    const store = new MemoryAudit();
    const [v1] = store.setContents('req_f', [post('Open day', 'Come along')]);
    store.append(
      'req_f',
      'request.submitted',
      'ada@example.org',
      { account: 'physics-x', kind: 'brand-post', channel: 'webhook', version: 1, contentHash: v1?.contentHash ?? '' },
      at(60_000),
    );
    store.append(
      'req_f',
      'workflow.failed',
      'signoff',
      { executionArn: 'arn:x', version: 1, step: 'RunChecks', error: 'ValidationException' },
      at(2 * 60_000),
    );
    const records = await store.exportAll({ format: 'jsonl', requestId: 'req_f' }, at(HOUR));
    const verification = await verifyExport(
      records.map((record, i) => ({ n: i + 1, record })),
      signer,
    );

    // Act
    const pack = buildEvidence({
      requestId: 'req_f',
      records,
      verification,
      institution: 'Example Institute',
      nameOf: (e) => NAMES[e],
      generatedAt: '2030-03-04T11:15:00.000Z',
    });

    // Assess
    expect(pack.actions.map((a) => [a.type, actionSummary(a)])).toEqual([
      ['workflow.failed', 'the workflow failed at RunChecks (ValidationException)'],
    ]);
    expect(evidenceHtml(pack)).toContain('the workflow failed at RunChecks (ValidationException)');
  });
});

describe('evidenceHtml', () => {
  it('prints approver names, times, channels and rule sources, and escapes the content', async () => {
    // Prepare
    const { pack } = await approvedRequest();

    // Act
    const html = evidenceHtml(pack);

    // Assess
    expect(html).toContain('Grace Hopper &lt;grace@example.org&gt;');
    expect(html).toContain('Carl Sagan &lt;carl@example.org&gt;');
    expect(html).toContain('<td>2030-03-04T10:09:00.000Z</td>');
    expect(html).toContain('<td>mail</td>');
    expect(html).toContain('Version 2 — the content as approved');
    expect(html).toContain('CERN &#34;link to its source&#34;');
    expect(html).toContain('Verification: passed');
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('Come &#60;b&#62;along&#60;/b&#62;');
  });

  it('says so prominently when verification failed', async () => {
    // Prepare
    const { records } = await approvedRequest();
    const tampered = records.map((r) => (r.kind === 'event' && r.seq === 7 ? { ...r, actor: 'mallory@example.org' } : r));
    const verification = await verifyExport(
      tampered.map((record, i) => ({ n: i + 1, record })),
      signer,
    );

    // Act
    const html = evidenceHtml(
      buildEvidence({
        requestId: 'req_a',
        records: tampered,
        verification,
        institution: 'X',
        nameOf: () => undefined,
        generatedAt: '2030-03-04T11:15:00.000Z',
      }),
    );

    // Assess
    expect(html).toContain('<div class="failed"><strong>Verification: FAILED</strong>');
    expect(html).toContain('(req_a seq 7): hash does not match the event content');
  });
});
