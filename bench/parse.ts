import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { auditEventItem, checkpointItem } from '../lambdas/adapters/items/audit-items.js';
import { accountItem } from '../lambdas/adapters/items/account-items.js';
import { requestItem } from '../lambdas/adapters/items/request-item.js';
import { parseItem } from '../lambdas/adapters/items/stored-item.js';
import type { Finding, RequestRecord, Stage } from '../lambdas/core/model.js';
import { startDynamo } from '../local/dynamo.js';
import { newLocalCredentials } from '../local/settings.js';

// `npx tsx bench/parse.ts` (part of `npm run bench`): what parsing stored items at the adapter boundary (issue #12)
// costs on every read, beside the un-parsed read in the same run.
//
//   in process  each kind of item parsed by its schema, against the cast that came before (a no-op): µs per item.
//   dynalite    a request read from the local store as the adapter read it before (GetCommand, cast) and as it reads
//               it now (GetCommand, then the schema), interleaved round by round so both see the same machine.
//
// Median and 99th percentile of rounds, in µs per item. Not part of `npm test`.

const ROUNDS = 60;
const WARMUP = 10;

function stats(samples: number[]): { median: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)] ?? NaN, p99: sorted[Math.ceil(sorted.length * 0.99) - 1] ?? NaN };
}

function line(label: string, samples: number[], extra = ''): void {
  const { median, p99 } = stats(samples);
  process.stdout.write(`${label.padEnd(52)} median ${median.toFixed(2).padStart(8)} µs   p99 ${p99.toFixed(2).padStart(8)} µs${extra}\n`);
}

/** µs per call of `fn`, one sample per round of `batch` calls, warm-up rounds dropped. */
async function sample(batch: number, fn: () => unknown): Promise<number[]> {
  const out: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    for (let i = 0; i < batch; i++) await fn();
    if (round >= WARMUP) out.push(((performance.now() - started) * 1000) / batch);
  }
  return out;
}

// ---- Items as the adapters store them -----------------------------------------------------------------------

const person = (id: string) => ({ id, name: `Person ${id}`, email: `${id}@example.org` });
const finding = (i: number): Finding => ({
  rule: 'P-JARGON',
  severity: i % 3 === 0 ? 'attest' : 'warn',
  message: `Explain the term number ${i} for a general audience`,
  where: `text[${i * 10}..${i * 10 + 8}]`,
  span: { start: i * 10, end: i * 10 + 8, text: 'jargon' },
  suggestion: 'a plain word',
  source: { policy: 'seeds/cern.md', section: '§2', quote: 'Write for a general audience.' },
  ...(i % 3 === 0 ? { attestation: { statement: 'I checked it', by: 'comms', satisfied: false } } : {}),
});
const stage = (name: Stage['stage'], decided: boolean): Stage => ({
  stage: name,
  status: decided ? 'approved' : 'pending',
  assignees: [person('grace'), person('alan')],
  timeoutSeconds: 172_800,
  deadline: '2026-12-07T10:00:00.000Z',
  openedAt: '2026-12-05T10:00:00.000Z',
  schedule: { remindSeconds: 86_400, deadlineSeconds: 172_800, secondDeadlineSeconds: 259_200, tooLate: false },
  phase: 'requested',
  delivered: 'requested',
  ...(decided
    ? {
        decision: 'approve',
        decidedBy: 'grace@example.org',
        deciderId: 'grace',
        decidedAt: '2026-12-05T11:00:00.000Z',
        comment: 'Fine',
        statements: [],
      }
    : {}),
});

/** A brand post mid-route: three stages, eight findings, two media items, 1,500 characters of text (~6 KB stored). */
const request: RequestRecord & { readonly waitTokens: Record<string, string>; readonly bodyHash: string; readonly idempotencyKey: string } =
  {
    requestId: 'req_BENCHBENCHBENCHBENCHBE',
    kind: 'brand-post',
    status: 'awaiting-approval',
    version: 1,
    submission: {
      kind: 'brand-post',
      submitter: 'ada@example.org',
      account: 'physics-x',
      title: 'Open day at the physics department',
      text: 'Join us on Saturday for the open day. '.repeat(40),
      format: 'post',
      publishAt: '2026-12-12T10:00:00Z',
      media: [
        { type: 'image', url: 'https://example.org/a.jpg', alt: 'The main hall', rights: 'own', showsPeople: true, declaredAs: 'photo' },
        { type: 'image', url: 'https://example.org/b.png', alt: 'A chart', rights: 'own', declaredAs: 'chart' },
      ],
      attestations: { peopleConsent: true, aiUsed: false },
    },
    contentHash: 'c'.repeat(64),
    receivedAt: '2026-12-05T09:00:00.000Z',
    channel: 'webhook',
    stages: [stage('supervisor', true), stage('comms', false), { ...stage('ethics', false), status: 'waiting' }],
    findings: Array.from({ length: 8 }, (_, i) => finding(i)),
    publication: { is: true, reasons: ['public account', 'announces an event'] },
    executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:signoff-approval:req_BENCHBENCHBENCHBENCHBE',
    waitTokens: { 1: 't'.repeat(400) },
    bodyHash: 'b'.repeat(64),
    idempotencyKey: 'msg_bench',
  };
const account = {
  id: 'physics-x',
  platform: 'x',
  handle: '@ExamplePhysics',
  unit: 'physics',
  posters: ['ada'],
  admins: ['ada', 'bob'],
  status: 'active',
  smmAdmin: true,
  openedBy: 'directory',
  openedAt: '2026-01-01T00:00:00.000Z',
};
const event = {
  requestId: request.requestId,
  seq: 7,
  at: '2026-12-05T11:00:00.000Z',
  type: 'decision.recorded',
  actor: 'grace@example.org',
  data: {
    stage: 'supervisor',
    stageIndex: 0,
    version: 1,
    decision: 'approve',
    comment: null,
    statements: [],
    channel: 'web',
    linkHash: 'l'.repeat(64),
    contentHash: 'c'.repeat(64),
  },
  prevHash: 'p'.repeat(64),
  hash: 'h'.repeat(64),
  day: '2026-12-05',
  atKey: `2026-12-05T11:00:00.000Z#${request.requestId}#0000000007`,
  account: 'physics-x',
  prevAt: '2026-12-05T10:59:00.000Z',
};
const heads = Array.from({ length: 100 }, (_, i) => ({
  requestId: `req_${String(i).padStart(24, '0')}`,
  seq: i + 1,
  hash: 'h'.repeat(64),
  account: 'physics-x',
}));
const checkpoint = {
  requestId: 'checkpoint',
  seq: 493_000,
  kind: 'checkpoint',
  period: { from: '2026-03-30T16:00:00.000Z', to: '2026-03-30T17:00:00.000Z' },
  heads,
  previous: 'p'.repeat(64),
  at: '2026-03-30T17:05:00.000Z',
  hash: 'h'.repeat(64),
  signature: 's'.repeat(88),
  keyId: 'hmac:0123456789abcdef',
};

// ---- In process ------------------------------------------------------------------------------------------

process.stdout.write('in process: parsing one stored item (the cast before it cost nothing)\n');
const key = { requestId: request.requestId };
line('request (3 stages, 8 findings, ~6 KB)', await sample(2_000, () => parseItem(requestItem, request, 'bench', key)));
line('registry account', await sample(20_000, () => parseItem(accountItem, account, 'bench', { id: account.id })));
line('audit event (an export reads one per event)', await sample(20_000, () => parseItem(auditEventItem, event, 'bench', key)));
line('checkpoint with 100 heads', await sample(500, () => parseItem(checkpointItem, checkpoint, 'bench', key)));

// ---- Against dynalite ------------------------------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), 'signoff-bench-parse-'));
const credentials = newLocalCredentials();
const dynamo = await startDynamo(dir, credentials);
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials }), {
  marshallOptions: { removeUndefinedValues: true },
});
try {
  await doc.send(new PutCommand({ TableName: 'signoff-requests', Item: request }));
  const get = async () => (await doc.send(new GetCommand({ TableName: 'signoff-requests', Key: key, ConsistentRead: true }))).Item;
  const unparsed: number[] = [];
  const parsed: number[] = [];
  const BATCH = 50;
  for (let round = 0; round < ROUNDS; round++) {
    // Interleaved: a slow moment of the machine falls on both.
    const t0 = performance.now();
    for (let i = 0; i < BATCH; i++) await get();
    const t1 = performance.now();
    for (let i = 0; i < BATCH; i++) parseItem(requestItem, await get(), 'signoff-requests', key);
    const t2 = performance.now();
    if (round >= WARMUP) {
      unparsed.push(((t1 - t0) * 1000) / BATCH);
      parsed.push(((t2 - t1) * 1000) / BATCH);
    }
  }
  const base = stats(unparsed).median;
  const withParse = stats(parsed).median;
  process.stdout.write('dynalite: reading the request above (GetCommand, consistent), one read at a time\n');
  line('un-parsed (GetCommand, cast: the read before)', unparsed);
  line(
    'parsed (GetCommand, then the schema: the read now)',
    parsed,
    `   (+${(withParse - base).toFixed(1)} µs, ${(((withParse - base) / base) * 100).toFixed(1)} %)`,
  );
} finally {
  doc.destroy();
  await dynamo.close();
  rmSync(dir, { recursive: true, force: true });
}
