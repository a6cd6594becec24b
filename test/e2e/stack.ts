import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACCESS_DENIED_LINE } from '../../local/iam/principals.js';
import { signedHeaders } from '../../local/webhook-client.js';
import type { OutboxMessage } from '../../local/outbox.js';

export { ACCESS_DENIED_LINE };

// Starts the real local stack (`bin/local.ts`) as a separate process and talks to it from outside,
// over HTTP, the way a client, an approver's browser or an auditor's script would.

const root = fileURLToPath(new URL('../../', import.meta.url));

export const WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
export const API_TOKEN = 'test-api-token-0123456789';

export type { OutboxMessage } from '../../local/outbox.js';

/**
 * Where a stack's fixed ports are chosen: below Linux's ephemeral range (32768–60999), from which the system gives
 * every `listen(0)` and every outgoing connection its port. A stack restarted after a crash listens again on its
 * ports; taken from the ephemeral range, one could meanwhile have gone to another stack's endpoint or to a client
 * connection (EADDRINUSE at the restart, seen once in the crash tests).
 */
const PORTS = { from: 20_000, to: 32_000 } as const;

/** Whether `port` can be listened on now, on loopback. */
function listenable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A loopback port free now, outside the ephemeral range (see PORTS). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = PORTS.from + Math.floor(Math.random() * (PORTS.to - PORTS.from));
    if (await listenable(port)) return port;
  }
  throw new Error(`no free port between ${PORTS.from} and ${PORTS.to} after 200 tries`);
}

/** The pause between two checks of a condition (not a wait for the condition itself). */
/** Messages asked for a page of /_local/outbox.json: its most (OUTBOX_JSON_LIMIT in local/gateway.ts). */
const OUTBOX_PAGE = 500;
const pollInterval = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Polls a condition until it holds (the workflow is asynchronous); fails with what it last saw. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await pollInterval(25);
  }
}

export class Stack {
  readonly baseUrl: string;
  #child: ChildProcess | undefined;
  #output = '';
  /** The output of the runs before the latest restart. */
  #earlierOutput = '';
  /** The refusals by IAM the test expects (a negative control), as `<function>: <action>`; dispose() fails on any other. */
  readonly #deniedExpected: string[] = [];

  private constructor(
    readonly port: number,
    readonly smtpPort: number,
    readonly dataDir: string,
    public env: Readonly<Record<string, string>>,
  ) {
    this.baseUrl = `http://127.0.0.1:${port}`;
  }

  static async start(env: Record<string, string> = {}): Promise<Stack> {
    const stack = new Stack(await freePort(), await freePort(), mkdtempSync(join(tmpdir(), 'signoff-e2e-')), env);
    await stack.#spawn();
    return stack;
  }

  async #spawn(): Promise<void> {
    // `node --import tsx` (not the tsx CLI, which runs the program in a grandchild) so that a signal
    // reaches the stack itself: SIGKILL must be a real crash of the process holding the data directory.
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
      cwd: root,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? root,
        PORT: String(this.port),
        SMTP_PORT: String(this.smtpPort),
        SIGNOFF_DATA_DIR: this.dataDir,
        SIGNOFF_WEBHOOK_SECRET: WEBHOOK_SECRET,
        SIGNOFF_API_TOKEN: API_TOKEN,
        POWERTOOLS_LOG_LEVEL: 'WARN',
        // Whether the stack syncs its writes (local/durable.ts): on unless the test run says otherwise.
        ...(process.env['SIGNOFF_LOCAL_FSYNC'] ? { SIGNOFF_LOCAL_FSYNC: process.env['SIGNOFF_LOCAL_FSYNC'] } : {}),
        // The bundle pass (vitest.config.ts): the deployed bundles instead of the sources.
        ...(process.env['SIGNOFF_LOCAL_BUNDLES'] ? { SIGNOFF_LOCAL_BUNDLES: process.env['SIGNOFF_LOCAL_BUNDLES'] } : {}),
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        this.#output += chunk.toString();
        if (this.#output.includes('Signoff is ready at')) resolve();
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (chunk: Buffer) => (this.#output += chunk.toString()));
      child.once('exit', (code) => reject(new Error(`stack exited (${code}) before it was ready:\n${this.#output}`)));
    });
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** The local engine's Step Functions API, as printed at start. */
  sfnEndpoint(): string {
    return this.#printed('Workflow API');
  }

  /** The local DynamoDB (dynalite), as printed at start. */
  dynamoEndpoint(): string {
    return this.#printed('DynamoDB');
  }

  /** The local SES v2 API (aws-ses-v2-local), as printed at start. */
  sesEndpoint(): string {
    return this.#printed('SES');
  }

  #printed(label: string): string {
    const line = this.#output.split('\n').find((l) => l.trimStart().startsWith(`${label} `));
    const url = line?.trim().slice(label.length).trim().split(' ')[0];
    if (url === undefined || !url.startsWith('http://127.0.0.1:')) throw new Error(`the stack did not print its ${label} endpoint`);
    return url;
  }

  /**
   * The AWS credentials the local endpoints accept, read from the data directory as its operator (or anyone who can
   * read it) would.
   */
  awsCredentials(): { accessKeyId: string; secretAccessKey: string } {
    const stored = JSON.parse(readFileSync(join(this.dataDir, 'secrets.json'), 'utf8')) as {
      awsAccessKeyId?: unknown;
      awsSecretAccessKey?: unknown;
    };
    if (typeof stored.awsAccessKeyId !== 'string' || typeof stored.awsSecretAccessKey !== 'string')
      throw new Error(`no local AWS credentials in ${this.dataDir}/secrets.json`);
    return { accessKeyId: stored.awsAccessKeyId, secretAccessKey: stored.awsSecretAccessKey };
  }

  get output(): string {
    return this.#output;
  }

  /** Ends the process: SIGKILL is a crash (nothing flushed, nothing cleaned up), SIGTERM a normal stop. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
    this.#child = undefined;
  }

  /** Stops the process (if it still runs) and starts it again on the same data directory, with `env` if given. */
  async restart(signal: NodeJS.Signals = 'SIGKILL', env?: Readonly<Record<string, string>>): Promise<void> {
    await this.stop(signal);
    if (env !== undefined) this.env = env;
    this.#earlierOutput += this.#output;
    this.#output = '';
    await this.#spawn();
  }

  /** Marks the refusal of `action` to `signoff-<fn>` as what the test is about, so dispose() does not fail on it. */
  expectAccessDenied(fn: string, action: string): void {
    this.#deniedExpected.push(`${fn}: ${action}`);
  }

  /** The exit code of the process once it has ended by itself (null: ended by a signal). */
  async exited(timeoutMs = 20_000): Promise<number | null> {
    const child = this.#child;
    if (child === undefined) throw new Error('the stack is not running');
    const code = await waitFor(
      'the stack to exit',
      async () => ((child.exitCode ?? child.signalCode) !== null ? child : undefined),
      timeoutMs,
    );
    this.#child = undefined;
    return code.exitCode;
  }

  /**
   * Stops the stack and removes its data. Fails if IAM refused a function's call (the bundles mode judges each
   * function by its role's synthesised policy, issue #19) and the test did not expect it: a grant the deployment
   * lacks, found here rather than on the first deploy.
   */
  async dispose(): Promise<void> {
    await this.stop('SIGTERM');
    rmSync(this.dataDir, { recursive: true, force: true });
    const expected = (line: string) =>
      this.#deniedExpected.some((e) => {
        const [fn, action] = e.split(': ');
        return line.startsWith(`${ACCESS_DENIED_LINE}signoff-${fn}: `) && line.includes(`not authorized to perform: ${action} on`);
      });
    const denied = `${this.#earlierOutput}${this.#output}`
      .split('\n')
      .filter((line) => line.startsWith(ACCESS_DENIED_LINE) && !expected(line));
    if (denied.length > 0) throw new Error(`IAM refused ${denied.length} call(s) of the functions:\n${denied.join('\n')}`);
  }

  /** The mail sent from message `from` on (0-based), read a page at a time as /_local/outbox.json serves it. */
  async outbox(from = 0): Promise<OutboxMessage[]> {
    const messages: OutboxMessage[] = [];
    for (;;) {
      const res = await fetch(`${this.baseUrl}/_local/outbox.json?from=${from + messages.length}&limit=${OUTBOX_PAGE}`);
      const page = (await res.json()) as OutboxMessage[];
      messages.push(...page);
      if (page.length < OUTBOX_PAGE) return messages;
    }
  }

  /** Waits until the outbox holds a message matching `match`, and returns it. */
  async mailTo(recipient: string, subjectPart: string, timeoutMs?: number): Promise<OutboxMessage> {
    return waitFor(
      `mail to ${recipient} about "${subjectPart}"`,
      async () => (await this.outbox()).find((m) => m.to.includes(recipient) && m.subject.includes(subjectPart)),
      timeoutMs,
    );
  }

  async submit(body: unknown, options: { id?: string; timestamp?: Date; secret?: string; raw?: string } = {}): Promise<Response> {
    const raw = options.raw ?? JSON.stringify(body);
    return this.signedPost('/v1/requests', raw, options);
  }

  /** POSTs a body signed per Standard Webhooks, as the submitting system would. */
  async signedPost(path: string, raw: string, options: { id?: string; timestamp?: Date; secret?: string } = {}): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: signedHeaders(options.secret ?? WEBHOOK_SECRET, raw, options.id, options.timestamp),
      body: raw,
    });
  }

  async status(requestId: string): Promise<RequestStatusBody> {
    const res = await fetch(`${this.baseUrl}/v1/requests/${requestId}`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
    if (!res.ok) throw new Error(`status ${res.status}: ${await res.text()}`);
    return (await res.json()) as RequestStatusBody;
  }

  async waitForStatus(requestId: string, status: string, timeoutMs?: number): Promise<RequestStatusBody> {
    return waitFor(
      `request ${requestId} to be ${status}`,
      async () => {
        const s = await this.status(requestId);
        return s.status === status ? s : undefined;
      },
      timeoutMs,
    );
  }

  async audit(requestId: string): Promise<AuditBody> {
    const res = await fetch(`${this.baseUrl}/v1/requests/${requestId}/audit`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
    if (!res.ok) throw new Error(`audit ${res.status}: ${await res.text()}`);
    return (await res.json()) as AuditBody;
  }
}

export interface RequestStatusBody {
  readonly requestId: string;
  readonly kind: string;
  readonly status: string;
  readonly version: number;
  readonly stages: ReadonlyArray<{
    stage: string;
    status: string;
    assignees: string[];
    decidedBy: string | null;
    decidedAt: string | null;
    decision: string | null;
    comment: string | null;
  }>;
  readonly findings: ReadonlyArray<{ rule: string; severity: string; message: string }>;
  readonly publication: { is: boolean; reasons: string[] } | null;
  /** The workflow step that failed after its retries, if one did (issue #13). */
  readonly failure: { step: string; error: string; at: string } | null;
}

export interface AuditBody {
  readonly events: ReadonlyArray<{
    seq: number;
    type: string;
    actor: string;
    data: Record<string, unknown>;
    hash: string;
    prevHash: string;
  }>;
  readonly verification: { ok: boolean };
}

/** The request id an acknowledgement or reply names ("request req_…"). */
export function requestIdIn(text: string): string {
  const id = /request (req_[A-Za-z0-9]{24})/.exec(text)?.[1];
  if (id === undefined) throw new Error(`no request id in: ${text}`);
  return id;
}

/** The review link in an approval e-mail. */
export function reviewLink(mail: OutboxMessage): string {
  const match = /https?:\/\/\S+\/approvals\/[A-Za-z0-9_-]{43}/.exec(mail.text);
  if (match === null) throw new Error(`no review link in mail "${mail.subject}"`);
  return match[0];
}

/** Decides as a browser would: open the review page, then submit its form (with the page's CSRF token). */
export async function decide(link: string, decision: string, comment = ''): Promise<{ status: number; html: string }> {
  const page = await (await fetch(link)).text();
  const csrf = /name="csrf" value="([^"]*)"/.exec(page)?.[1] ?? '';
  const res = await fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf, decision, comment }).toString(),
  });
  return { status: res.status, html: await res.text() };
}

export function samplePost(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'brand-post',
    submitter: 'ada@example.org',
    account: 'physics-x',
    title: 'Open day',
    text: 'Join us on Saturday for the Physics Open Day: lab tours and talks for all ages. #OpenDay https://example.org/open-day',
    format: 'post',
    publishAt: new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString(),
    media: [
      {
        type: 'image',
        url: 'https://example.org/media/open-day.jpg',
        alt: 'Visitors at a detector model',
        rights: 'own',
        showsPeople: true,
      },
    ],
    attestations: { peopleConsent: true, aiUsed: false },
    ...overrides,
  };
}
