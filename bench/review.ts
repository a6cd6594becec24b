import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeExecutionCommand, type HistoryEvent, paginateGetExecutionHistory, SFNClient } from '@aws-sdk/client-sfn';
import { chromium } from 'playwright-core';
import { Stack, decide, reviewLink, samplePost, waitFor } from '../test/e2e/stack.js';

// `npm run bench` (part 3): the review page's weight and time to first paint in Chromium, beside the same bytes served
// as a static file from loopback and loaded the same way, in turn with it (issue #18: every figure beside a baseline);
// and how many history events the longest route (a publication: three stages) makes with one escalation.

const RUNS = 10;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function pageFigures(stack: Stack): Promise<void> {
  if (!existsSync('/usr/bin/chromium')) {
    process.stdout.write('review page: skipped, /usr/bin/chromium is not installed\n');
    return;
  }
  const res = await stack.submit(samplePost({ title: 'Page weight' }));
  if (res.status !== 202) throw new Error(`submit answered ${res.status}`);
  const link = reviewLink(await stack.mailTo('grace@example.org', 'Page weight'));
  const html = await (await fetch(link)).arrayBuffer();
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-quic'],
  });
  // The baseline: the page's own bytes from a server that does nothing else.
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(Buffer.from(html));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const staticUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const firstPaint = async (url: string): Promise<number> => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(url);
    // Functions, not strings: the page's CSP forbids eval. (`performance` types the same in Node and the page.)
    await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0);
    const at = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN);
    await page.close();
    return at;
  };
  const paints: number[] = [];
  const staticPaints: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      paints.push(await firstPaint(link));
      staticPaints.push(await firstPaint(staticUrl));
    }
  } finally {
    await browser.close();
    server.close();
  }
  const ms = median(paints);
  const baseline = median(staticPaints);
  process.stdout.write(
    `review page                                  ${html.byteLength} bytes (one request: no scripts, fonts or stylesheets); first contentful paint median ${ms.toFixed(0)} ms over ${RUNS} loads (${(ms / baseline).toFixed(2)}× the same bytes served as a static file, ${baseline.toFixed(0)} ms)\n`,
  );
}

async function historyFigures(stack: Stack): Promise<void> {
  // A thread is a publication: supervisor, comms and ethics. The supervisor lets it escalate; the deputy approves.
  const thread = ['Why we build detectors — a thread.', 'Part one.', 'Part two.'].join('\n---\n');
  const res = await stack.submit(samplePost({ title: 'Longest route', format: 'thread', text: thread, media: [] }));
  const { requestId } = (await res.json()) as { requestId: string };
  await decide(
    reviewLink(await stack.mailTo('alan@example.org', 'Escalated to you: approval needed (Supervisor): Longest route', 60_000)),
    'approve',
  );
  await decide(reviewLink(await stack.mailTo('carl@example.org', 'Longest route', 60_000)), 'approve');
  await decide(reviewLink(await stack.mailTo('eve@example.org', 'Longest route', 60_000)), 'approve');
  await stack.waitForStatus(requestId, 'approved', 60_000);
  const sfn = new SFNClient({ endpoint: stack.sfnEndpoint(), region: 'us-east-1', credentials: stack.awsCredentials() });
  const executionArn = `arn:aws:states:us-east-1:000000000000:execution:signoff-approval:${requestId}`;
  await waitFor('the execution to end', async () =>
    (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status === 'SUCCEEDED' ? true : undefined,
  );
  // A page at a time (100 events), as Step Functions serves it.
  const events: HistoryEvent[] = [];
  for await (const page of paginateGetExecutionHistory({ client: sfn }, { executionArn })) events.push(...(page.events ?? []));
  // The local engine logs state entered/exited; Step Functions adds, per task, scheduled/started/submitted/
  // succeeded (or timed out): about three more events for each task state entered.
  const entered = events.filter((e) => String(e.type).endsWith('StateEntered'));
  const tasks = entered.filter((e) => String(e.type) === 'TaskStateEntered');
  const awsEstimate = events.length + 3 * tasks.length + 2;
  process.stdout.write(
    `history of the longest route, one escalation  ${events.length} local events (${entered.length} states entered, ${tasks.length} tasks); on Step Functions about ${awsEstimate} (limit 25,000)\n`,
  );
}

const stack = await Stack.start({ POWERTOOLS_LOG_LEVEL: 'ERROR', SIGNOFF_TIME_SCALE: String(259_200 / 4) });
try {
  await pageFigures(stack);
  await historyFigures(stack);
} finally {
  await stack.dispose();
}
