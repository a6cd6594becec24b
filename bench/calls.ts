import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { LOCAL_ACCOUNT, LOCAL_REGION, type FunctionFigures } from '../local/functions.js';
import { Stack, decide, reviewLink, samplePost, waitFor, type OutboxMessage } from '../test/e2e/stack.js';

// `npm run bench` (issue #18): what one brand post costs in calls to the services, counted by an SDK middleware
// preloaded into the stack (bench/call-counter.ts), never by the handlers. Requests go one at a time; each phase is
// the window from the client's action to the mail it leads to (or, for the last, to the outcome's audit event), and
// the calls of a phase are those that started inside it. The whole post (webhook to the outcome's audit event) also
// counts the Lambda invocations (the local runtime's, by function) and the state transitions of its execution (its
// `…StateEntered` events, which is what Step Functions bills): the figures docs/deploy.md's cost arithmetic uses.
// The calls of the bench's own reads (the request's status and audit events it polls) are left out of every figure.
// BENCH_CALLS_REQUESTS (20); BENCH_CALLS_TRACE=1 also lists the last post's calls in order, with their times and the
// use case's function that made each (a stack trace per call: the times are then not the ones to quote).

const REQUESTS = Number(process.env['BENCH_CALLS_REQUESTS'] ?? '20');

interface Call {
  readonly service: string;
  readonly operation: string;
  readonly table?: string;
  readonly site?: string;
  /** Made for the bench's own reads (bench/call-counter.ts): not part of what the post costs. */
  readonly observing?: boolean;
  readonly at: number;
  readonly ms: number;
  readonly ok: boolean;
}

const STATE_MACHINE_ARN = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:signoff-approval`;
const callsFile = join(mkdtempSync(join(tmpdir(), 'signoff-calls-')), 'calls.jsonl');

function callsBetween(from: number, to: number): Call[] {
  let text = '';
  try {
    text = readFileSync(callsFile, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Call)
    .filter((c) => c.at >= from && c.at < to && c.observing !== true);
}

const now = () => performance.timeOrigin + performance.now();

async function nextMail(stack: Stack, seen: number, to: string, subject: string): Promise<OutboxMessage> {
  return waitFor(
    `mail to ${to}`,
    async () => (await stack.outbox(seen)).find((m) => m.to.includes(to) && m.subject.includes(subject)),
    30_000,
  );
}

type Phase =
  | 'webhook → first approval e-mail'
  | 'approve → next approval e-mail'
  | 'approve → outcome mail and its audit event'
  | 'the whole post';
const phases = new Map<Phase, Call[][]>();
function record(phase: Phase, calls: Call[]): void {
  phases.set(phase, [...(phases.get(phase) ?? []), calls]);
}

const stack = await Stack.start({
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  NODE_OPTIONS: '--import ./bench/call-counter.ts',
  BENCH_CALLS_FILE: callsFile,
  ...(process.env['BENCH_CALLS_TRACE'] === '1' ? { BENCH_CALLS_SITES: '1' } : {}),
});
const sfn = new SFNClient({ endpoint: stack.sfnEndpoint(), region: LOCAL_REGION, credentials: stack.awsCredentials() });
const invocations = async (): Promise<Map<string, number>> => {
  const body = (await (await fetch(`${stack.baseUrl}/_local/functions.json`)).json()) as { functions: FunctionFigures[] };
  return new Map(body.functions.map((f) => [f.name, f.invocations]));
};
/** The `…StateEntered` events of the request's execution (its name starts with the request's id). */
async function transitions(requestId: string): Promise<number> {
  const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: STATE_MACHINE_ARN, maxResults: 1000 }));
  const execution = listed.executions?.find((e) => e.name?.startsWith(requestId));
  if (execution?.executionArn === undefined) throw new Error(`no execution for ${requestId}`);
  let entered = 0;
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn: execution.executionArn, nextToken, maxResults: 1000 }));
    entered += (page.events ?? []).filter((e) => e.type?.endsWith('StateEntered')).length;
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return entered;
}
const invoked: Map<string, number>[] = [];
const entered: number[] = [];
try {
  for (let i = 0; i < REQUESTS; i++) {
    const title = `Calls ${i}`;
    let seen = (await stack.outbox()).length;
    let from = now();
    const start = from;
    const invokedBefore = await invocations();
    const res = await stack.submit(samplePost({ title }));
    if (res.status !== 202) throw new Error(`submit answered ${res.status}: ${await res.text()}`);
    const { requestId } = (await res.json()) as { requestId: string };
    const first = await nextMail(stack, seen, 'grace@example.org', title);
    record('webhook → first approval e-mail', callsBetween(from, now()));
    seen = (await stack.outbox()).length;
    from = now();
    if ((await decide(reviewLink(first), 'approve')).status !== 200) throw new Error('first approval refused');
    const second = await nextMail(stack, seen, 'carl@example.org', title);
    record('approve → next approval e-mail', callsBetween(from, now()));
    from = now();
    if ((await decide(reviewLink(second), 'approve')).status !== 200) throw new Error('second approval refused');
    await waitFor(
      'the outcome audited',
      async () => ((await stack.audit(requestId)).events.filter((e) => e.type === 'notification.sent').length >= 2 ? true : undefined),
      30_000,
    );
    record('approve → outcome mail and its audit event', callsBetween(from, now()));
    await stack.waitForStatus(requestId, 'approved');
    record('the whole post', callsBetween(start, now()));
    const invokedAfter = await invocations();
    invoked.push(new Map([...invokedAfter].map(([name, n]) => [name, n - (invokedBefore.get(name) ?? 0)])));
    entered.push(await transitions(requestId));
  }
} finally {
  sfn.destroy();
  await stack.dispose();
}

process.stdout.write(
  `\ncalls to the services per brand post (median of ${REQUESTS}, by operation; local stack, sources)\n` +
    '(beside them: the least a webhook-to-mail path can make is 1 DynamoDB PutItem and 1 SES SendEmail, the local-stack\n' +
    " bench's baseline; issue #18 aims at 12 DynamoDB calls from the webhook to the first approval e-mail)\n",
);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
for (const [phase, runs] of phases) {
  const operations = new Set(runs.flatMap((calls) => calls.map((c) => `${c.service} ${c.operation}`)));
  const byOperation = [...operations]
    .map((op) => [op, median(runs.map((calls) => calls.filter((c) => `${c.service} ${c.operation}` === op).length))] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  const perService = (service: string) => median(runs.map((calls) => calls.filter((c) => c.service === service).length));
  process.stdout.write(
    `${phase}: DynamoDB ${perService('DynamoDB')}, SES ${perService('SESv2')}, Step Functions ${perService('SFN')}; ` +
      `${byOperation.map(([op, n]) => `${op} ${n}`).join(', ')}\n`,
  );
}
// The bench's own reads (waiting for the status and the audit events) are invocations too, but no client's post needs
// them: they are printed apart.
const OBSERVING = new Set(['request-status', 'request-audit']);
const perFunction = [...new Set(invoked.flatMap((m) => [...m.keys()]))]
  .map((name) => [name, median(invoked.map((m) => m.get(name) ?? 0))] as const)
  .filter(([, n]) => n > 0);
const list = (entries: (readonly [string, number])[]) => entries.map(([name, n]) => `${name} ${n}`).join(', ');
const posting = perFunction.filter(([name]) => !OBSERVING.has(name));
process.stdout.write(
  `the whole post: ${median(entered)} state transitions; ${posting.reduce((sum, [, n]) => sum + n, 0)} Lambda invocations ` +
    `(${list(posting)}), besides the bench's own reads (${list(perFunction.filter(([name]) => OBSERVING.has(name)))})\n`,
);
if (process.env['BENCH_CALLS_TRACE'] === '1') {
  for (const [phase, runs] of phases) {
    const calls = runs.at(-1) ?? [];
    process.stdout.write(`\n${phase}, the last request's calls in order:\n`);
    const start = calls[0]?.at ?? 0;
    for (const c of calls)
      process.stdout.write(
        `  +${(c.at - start).toFixed(1).padStart(7)} ms ${c.ms.toFixed(1).padStart(6)} ms ${c.service} ${c.operation} ${c.table ?? ''}${c.ok ? '' : ' (failed)'}${c.site === undefined ? '' : `  ← ${c.site}`}\n`,
      );
  }
}
