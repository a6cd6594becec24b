import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../bin/audit.js';
import { chainEvent, indexAttributesOf, type AuditEvent, type Json } from '../../lambdas/core/audit/audit-chain.js';
import { csvText, type ExportRecord } from '../../lambdas/core/audit/audit-export.js';
import { contentHashOf } from '../../lambdas/core/ids.js';
import type { Submission } from '../../lambdas/core/model.js';
import { localAuditSecrets } from '../../local/audit-secrets.js';
import { startDynamo } from '../../local/dynamo.js';
import { newLocalCredentials } from '../../local/settings.js';
import { NOW, sampleStore, TEST_KEY, toJsonl } from '../core/audit-fixture.js';

// `npm run audit`: verify's verdict and exit status for each kind of tampering (in-process), and export,
// checkpoint and evidence against a local store (each in its own process, as an operator runs them).

const root = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'signoff-audit-cli-'));
let lines: string[];
let records: ExportRecord[];

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(args, { stdout, stderr, env: { SIGNOFF_DATA_DIR: join(work, 'no-data-dir') } });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

function file(name: string, content: string): string {
  const path = join(work, name);
  writeFileSync(path, content);
  return path;
}

beforeAll(async () => {
  records = await (await sampleStore()).exportAll({ format: 'jsonl' }, NOW);
  lines = toJsonl(records);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('audit verify', () => {
  it('exits 0 and says OK for an untouched export, JSON lines or CSV', async () => {
    // Prepare
    const jsonl = file('ok.jsonl', `${lines.join('\n')}\n`);
    const csv = file('ok.csv', csvText(records, true));

    // Act
    const results = [await run(['verify', jsonl, '--key', TEST_KEY]), await run(['verify', csv, '--key', TEST_KEY])];

    // Assess
    for (const r of results) {
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(
        /^OK: verified: 8 events in 3 chain\(s\), every hash recomputed; 3 checkpoint\(s\) \(3 signature\(s\) valid\)/,
      );
    }
  });

  it.each([
    [
      'a flipped byte',
      (l: string[]) => l.map((x, i) => (i === 4 ? x.replace('"reject"', '"rejecu"') : x)),
      'record 5 (req_b seq 2): hash does not match the event content',
    ],
    ['a deleted record', (l: string[]) => l.filter((_x, i) => i !== 6), 'record 8 (req_a seq 4): expected seq 3, found 4'],
    [
      'an inserted record',
      (l: string[]) => [...l.slice(0, 4), l[3] ?? '', ...l.slice(4)],
      'record 5 (req_a seq 2): expected seq 3, found 2',
    ],
    [
      'reordered records',
      (l: string[]) => [l[0] ?? '', l[3] ?? '', l[2] ?? '', l[1] ?? '', ...l.slice(4)],
      'record 2 (req_a seq 2): the chain starts at seq 2: seq 1 is missing',
    ],
    [
      'a missing checkpoint',
      (l: string[]) => l.filter((_x, i) => i !== 9),
      'record 10 (req_c seq 2): missing checkpoint for the hour from 2030-03-04T10:00:00.000Z',
    ],
  ])('exits 1 and names the first bad record for %s', async (_kind, tamper, named) => {
    // Prepare
    const path = file('tampered.jsonl', `${tamper(lines).join('\n')}\n`);

    // Act
    const result = await run(['verify', path, '--key', TEST_KEY]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`FAILED at ${named}`);
  });

  it('exits 1 when it cannot check the signatures, and 0 when told not to', async () => {
    // Prepare
    const path = file('unsigned-check.jsonl', `${lines.join('\n')}\n`);

    // Act
    const withoutKey = await run(['verify', path]);
    const skipping = await run(['verify', path, '--no-signatures']);

    // Assess
    expect(withoutKey.code).toBe(1);
    expect(withoutKey.stderr).toContain('3 checkpoint signature(s) could not be checked: no key for them');
    expect(skipping.code).toBe(0);
  });

  it('prints the whole report as JSON when asked', async () => {
    // Prepare
    const path = file('json.jsonl', `${lines.join('\n')}\n`);

    // Act
    const result = await run(['verify', path, '--key', TEST_KEY, '--json']);

    // Assess
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, events: 8, checkpoints: 3, signatures: { valid: 3, unchecked: 0 } });
  });

  it('exits 2 with the usage for a missing file or an unknown command', async () => {
    // Prepare & Act
    const missing = await run(['verify', join(work, 'nope.jsonl')]);
    const unknown = await run(['frobnicate']);

    // Assess
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no file');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('usage: npm run audit -- <command>');
  });
});

describe('audit export, checkpoint and evidence on a local store', () => {
  const dataDir = join(work, 'data');
  const requestId = 'req_clitest';
  const decidedAt = new Date(Date.now() - 5 * 3_600_000);

  function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'bin/audit.ts', ...args], {
        cwd: root,
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: process.env['HOME'] ?? root,
          POWERTOOLS_LOG_LEVEL: 'SILENT',
          AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.once('error', reject);
      child.once('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  }

  beforeAll(async () => {
    // A finished request in a stopped stack's data directory: stored as the runtime stores it.
    localAuditSecrets(dataDir, {});
    // Credentials of this run only: the data directory has none (as one from before they existed), and the CLI copes.
    const credentials = newLocalCredentials();
    const dynamo = await startDynamo(dataDir, credentials);
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials }));
    const submission: Submission = {
      kind: 'brand-post',
      submitter: 'ada@example.org',
      account: 'physics-x',
      title: 'Open day',
      text: 'Join us on Saturday. https://example.org/open-day',
      format: 'post',
      media: [],
      attestations: {},
    };
    const contentHash = contentHashOf(submission);
    await doc.send(
      new PutCommand({
        TableName: 'signoff-requests',
        Item: {
          requestId,
          kind: 'brand-post',
          status: 'approved',
          version: 1,
          submission,
          contentHash,
          receivedAt: decidedAt.toISOString(),
          channel: 'webhook',
          stages: [],
          findings: [],
        },
      }),
    );
    let previous: AuditEvent | undefined;
    const append = async (type: string, actor: string, data: { readonly [key: string]: Json }, minutes: number) => {
      const event = chainEvent(previous, {
        requestId,
        at: new Date(decidedAt.getTime() + minutes * 60_000).toISOString(),
        type,
        actor,
        data,
      });
      await doc.send(
        new PutCommand({
          TableName: 'signoff-audit',
          Item: { ...event, ...indexAttributesOf(event), account: 'physics-x', ...(previous ? { prevAt: previous.at } : {}) },
        }),
      );
      previous = event;
    };
    await append(
      'request.submitted',
      'ada@example.org',
      { account: 'physics-x', kind: 'brand-post', channel: 'webhook', version: 1, contentHash },
      0,
    );
    await append(
      'decision.recorded',
      'grace@example.org',
      { stage: 'supervisor', decision: 'approve', channel: 'web', linkHash: 'a'.repeat(64), version: 1, comment: null },
      1,
    );
    await append(
      'decision.recorded',
      'carl@example.org',
      { stage: 'comms', decision: 'approve', channel: 'web', linkHash: 'b'.repeat(64), version: 1, comment: null },
      2,
    );
    await append('request.outcome', 'signoff', { outcome: 'approved', version: 1 }, 3);
    doc.destroy();
    await dynamo.close();
  }, 60_000);

  it('seals the ended hours, exports a CSV that parses with its header, and verifies it', async () => {
    // Prepare
    const out = join(work, 'store.csv');

    // Act
    const sealed = await cli(['checkpoint', '--data-dir', dataDir]);
    const exported = await cli(['export', '--data-dir', dataDir, '--out', out]);
    const verified = await cli(['verify', out, '--data-dir', dataDir]);

    // Assess
    expect(sealed.code).toBe(0);
    expect(sealed.stdout).toMatch(/^wrote [1-9]\d* checkpoint\(s\)/);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toMatch(/exported 4 events and [1-9]\d* checkpoints to /);
    const rows = parse(readFileSync(out, 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(rows[0] ?? {})).toEqual(['requestId', 'seq', 'at', 'type', 'actor', 'data', 'prevHash', 'hash', 'kind']);
    expect(rows.filter((r) => r['kind'] === 'event').map((r) => r['type'])).toEqual([
      'request.submitted',
      'decision.recorded',
      'decision.recorded',
      'request.outcome',
    ]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^OK: verified: 4 events in 1 chain\(s\)/);
  }, 60_000);

  it("writes an evidence pack with the approvers' names and decision times", async () => {
    // Prepare
    const out = join(work, 'evidence');

    // Act
    const result = await cli(['evidence', requestId, '--data-dir', dataDir, '--out', out]);

    // Assess
    expect(result.code).toBe(0);
    const html = readFileSync(join(out, 'evidence.html'), 'utf8');
    const pack = JSON.parse(readFileSync(join(out, 'evidence.json'), 'utf8')) as {
      decisions: Array<{ name: string; at: string; channel: string }>;
      versions: Array<{ approved: boolean; content: { title: string } }>;
    };
    const minute = (n: number) => new Date(decidedAt.getTime() + n * 60_000).toISOString();
    expect(pack.decisions.map((d) => [d.name, d.at, d.channel])).toEqual([
      ['Grace Hopper', minute(1), 'web'],
      ['Carl Sagan', minute(2), 'web'],
    ]);
    expect(pack.versions).toMatchObject([{ approved: true, content: { title: 'Open day' } }]);
    expect(html).toContain('Grace Hopper &lt;grace@example.org&gt;');
    expect(html).toContain(minute(2));
    expect(readFileSync(join(out, 'audit.csv'), 'utf8').split('\n')[0]).toBe('requestId,seq,at,type,actor,data,prevHash,hash,kind');
  }, 60_000);
});
