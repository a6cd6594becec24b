import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../bin/audit.js';
import { API_TOKEN, Stack, decide, reviewLink, samplePost, waitFor } from './stack.js';

// The compliance audit end to end: a request runs to approval on the real local stack, an auditor exports it over
// HTTP (page by page, with the auditor token), verifies the file with `npm run audit -- verify`, opens the CSV in a
// CSV parser, and builds the evidence pack with `npm run audit -- evidence`.

const AUDITOR_TOKEN = 'e2e-auditor-token-0123456789';
let stack: Stack;
let requestId: string;
const work = mkdtempSync(join(tmpdir(), 'signoff-e2e-audit-'));

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(args, { stdout, stderr, env: { SIGNOFF_DATA_DIR: stack.dataDir } });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** GET /v1/audit/export, following `Link: rel="next"` to the last page; the bodies joined are the file. */
async function exportOverHttp(
  query: Record<string, string>,
  token = AUDITOR_TOKEN,
): Promise<{ status: number; body: string; pages: number }> {
  let url: string | undefined = `${stack.baseUrl}/v1/audit/export?${new URLSearchParams(query).toString()}`;
  let body = '';
  let pages = 0;
  while (url !== undefined) {
    const res: Response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 200) return { status: res.status, body: await res.text(), pages };
    body += await res.text();
    pages++;
    url = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
  }
  return { status: 200, body, pages };
}

beforeAll(async () => {
  stack = await Stack.start({ SIGNOFF_AUDITOR_TOKEN: AUDITOR_TOKEN });
  const res = await stack.submit(samplePost({ title: 'Audited open day' }));
  expect(res.status).toBe(202);
  requestId = ((await res.json()) as { requestId: string }).requestId;
  expect((await decide(reviewLink(await stack.mailTo('grace@example.org', 'Audited open day')), 'approve')).status).toBe(200);
  expect((await decide(reviewLink(await stack.mailTo('carl@example.org', 'Audited open day')), 'approve')).status).toBe(200);
  await stack.waitForStatus(requestId, 'approved');
  // The outcome e-mail's audit event is the chain's last.
  await waitFor('the notification audit event', async () =>
    (await stack.audit(requestId)).events.some((e) => e.type === 'notification.sent') ? true : undefined,
  );
});

afterAll(async () => {
  await stack.dispose();
  rmSync(work, { recursive: true, force: true });
});

describe('GET /v1/audit/export', () => {
  it('refuses the API token: exports need the auditor token', async () => {
    // Prepare & Act
    const result = await exportOverHttp({ requestId, format: 'jsonl' }, API_TOKEN);

    // Assess
    expect(result.status).toBe(401);
  });

  it('exports the finished request, in pages, as a file that verifies', async () => {
    // Prepare
    const { status, body, pages } = await exportOverHttp({ requestId, format: 'jsonl', limit: '4' });
    const path = join(work, 'request.jsonl');
    writeFileSync(path, body);

    // Act
    const verified = await cli(['verify', path]);

    // Assess
    expect(status).toBe(200);
    expect(pages).toBeGreaterThan(1);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^OK: verified: \d+ events in 1 chain\(s\), every hash recomputed/);
    const kinds = body
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { kind: string }).kind);
    expect(kinds[0]).toBe('export');
    expect(kinds).toContain('content');
    expect(kinds[kinds.length - 1]).toBe('end');
  });

  it('exports CSV that a CSV parser opens with the expected header', async () => {
    // Prepare
    const { body } = await exportOverHttp({ requestId, format: 'csv', limit: '5' });

    // Act
    const rows = parse(body, { columns: true }) as Array<Record<string, string>>;
    const path = join(work, 'request.csv');
    writeFileSync(path, body);
    const verified = await cli(['verify', path]);

    // Assess
    expect(Object.keys(rows[0] ?? {})).toEqual(['requestId', 'seq', 'at', 'type', 'actor', 'data', 'prevHash', 'hash', 'kind']);
    const events = rows.filter((r) => r['kind'] === 'event');
    expect(events[0]).toMatchObject({ requestId, seq: '1', type: 'request.submitted', actor: 'ada@example.org' });
    expect(events.filter((r) => r['type'] === 'decision.recorded').map((r) => r['actor'])).toEqual([
      'grace@example.org',
      'carl@example.org',
    ]);
    expect(verified.code).toBe(0);
  });
});

describe('npm run audit -- evidence', () => {
  it("builds the pack over HTTP with the approvers' names and times", async () => {
    // Prepare
    const out = join(work, 'evidence');
    const decided = (await stack.audit(requestId)).events.filter((e) => e.type === 'decision.recorded') as ReadonlyArray<{ at?: string }>;
    const decidedAt = decided.map((e) => e.at);

    // Act
    const result = await cli(['evidence', requestId, '--url', stack.baseUrl, '--token', AUDITOR_TOKEN, '--out', out]);

    // Assess
    expect(result.code).toBe(0);
    const pack = JSON.parse(readFileSync(join(out, 'evidence.json'), 'utf8')) as {
      decisions: Array<{ name: string; by: string; at: string; channel: string }>;
      verification: { ok: boolean };
      versions: Array<{ approved: boolean; content: { title: string } }>;
    };
    expect(pack.verification.ok).toBe(true);
    expect(pack.decisions.map((d) => [d.name, d.by, d.at, d.channel])).toEqual([
      ['Grace Hopper', 'grace@example.org', decidedAt[0], 'web'],
      ['Carl Sagan', 'carl@example.org', decidedAt[1], 'web'],
    ]);
    expect(pack.versions).toMatchObject([{ approved: true, content: { title: 'Audited open day' } }]);
    const html = readFileSync(join(out, 'evidence.html'), 'utf8');
    expect(html).toContain('Grace Hopper &lt;grace@example.org&gt;');
    expect(html).toContain('Carl Sagan &lt;carl@example.org&gt;');
    expect(decidedAt[1]).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(html).toContain(`<td>${decidedAt[1] ?? ''}</td>`);
  });
});

describe('evidence for an account opening and for statements made', () => {
  /** Submits the review page's form with the fields given, as a browser would. */
  async function post(link: string, fields: Array<[string, string]>): Promise<number> {
    const page = await (await fetch(link)).text();
    const csrf = /name="csrf" value="([^"]*)"/.exec(page)?.[1] ?? '';
    const res = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams([['csrf', csrf], ...fields]).toString(),
    });
    return res.status;
  }

  it('verifies an opening sent back for a missing answer, with its answers and the finding', async () => {
    // Prepare: an opening whose "frequency" answer is missing, so the checks send it back
    const res = await stack.submit({
      kind: 'account-opening',
      submitter: 'alan@example.org',
      unit: 'physics',
      platform: 'instagram',
      handle: '@physics.pictures',
      admins: ['ada@example.org', 'bob@example.org'],
      questionnaire: Object.fromEntries(
        [
          'project',
          'platform',
          'audience',
          'existingChannel',
          'communications',
          'resources',
          'endOfLife',
          'hashtagInstead',
          'closedGroupInstead',
          'evaluation',
          'readyToRetire',
        ].map((k) => [k, `Our answer on ${k}, in full.`]),
      ),
      attestations: { smmAdmin: true, credentialStore: 'vault://physics/instagram', commentPolicy: true },
    });
    expect(res.status).toBe(202);
    const openingId = ((await res.json()) as { requestId: string }).requestId;
    await stack.waitForStatus(openingId, 'changes-requested');
    const out = join(work, 'evidence-opening');

    // Act
    const result = await cli(['evidence', openingId, '--url', stack.baseUrl, '--token', AUDITOR_TOKEN, '--out', out]);

    // Assess
    expect(result.code).toBe(0);
    const pack = JSON.parse(readFileSync(join(out, 'evidence.json'), 'utf8')) as {
      verification: { ok: boolean };
      request: { kind: string; account: string };
      findings: Array<{ rule: string }>;
      versions: Array<{ content: { questionnaire: Record<string, string> } }>;
    };
    expect(pack.verification.ok).toBe(true);
    expect(pack.request).toMatchObject({ kind: 'account-opening', account: 'physics-instagram-physics-pictures' });
    expect(pack.findings.map((f) => f.rule)).toContain('A-QUESTIONNAIRE');
    expect(pack.versions[0]?.content.questionnaire['endOfLife']).toBe('Our answer on endOfLife, in full.');
    const html = readFileSync(join(out, 'evidence.html'), 'utf8');
    expect(html).toContain('<caption>Questionnaire</caption>');
    expect(html).toContain('@physics.pictures');
  });

  it('shows the statement comms made with the approval', async () => {
    // Prepare: a post naming a third party; comms approves with the reputational check stated
    const res = await stack.submit(
      samplePost({
        title: 'Sponsor thanks, audited',
        text: 'Thank you @AcmeDetectors for the detector on loan! https://acme-detectors.com/outreach',
      }),
    );
    const id = ((await res.json()) as { requestId: string }).requestId;
    expect((await decide(reviewLink(await stack.mailTo('grace@example.org', 'Sponsor thanks, audited')), 'approve')).status).toBe(200);
    expect(
      await post(reviewLink(await stack.mailTo('carl@example.org', 'Sponsor thanks, audited')), [
        ['statement', 'P-ENDORSEMENT'],
        ['decision', 'approve'],
      ]),
    ).toBe(200);
    await stack.waitForStatus(id, 'approved');
    await waitFor('the notification audit event', async () =>
      (await stack.audit(id)).events.some((e) => e.type === 'notification.sent') ? true : undefined,
    );
    const out = join(work, 'evidence-statement');

    // Act
    const result = await cli(['evidence', id, '--url', stack.baseUrl, '--token', AUDITOR_TOKEN, '--out', out]);

    // Assess
    expect(result.code).toBe(0);
    const pack = JSON.parse(readFileSync(join(out, 'evidence.json'), 'utf8')) as {
      verification: { ok: boolean };
      decisions: Array<{ by: string; statements: string[] }>;
    };
    expect(pack.verification.ok).toBe(true);
    expect(pack.decisions.find((d) => d.by === 'carl@example.org')?.statements).toEqual([
      expect.stringMatching(/^P-ENDORSEMENT: Reputational check done/) as unknown,
    ]);
    expect(readFileSync(join(out, 'evidence.html'), 'utf8')).toContain('Statements made');
  });
});
