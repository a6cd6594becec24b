import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sesLocal from 'aws-ses-v2-local';
import * as z from 'zod/mini';
import { getStoreReadonly, type Email } from 'aws-ses-v2-local/dist/store.js';
import { parseStored, type SameShape } from '../lambdas/adapters/items/stored-item.js';
import { escapeHtml } from '../lambdas/core/render/render.js';
import { LOCAL_REGION } from './functions.js';
import { LineFile } from './line-file.js';
import { requireSigV4 } from './signed-endpoint.js';
import type { Principals } from './iam/principals.js';
import type { LocalCredentials } from './sigv4.js';

// aws-ses-v2-local answers the SES send actions on loopback and keeps mail in memory. We persist
// every message to <data>/outbox.jsonl, so the outbox (and "no e-mail sent twice") survives a restart, and then drop
// it from the package's store: the mail lives on disk only, read a page at a time (local/line-file.ts), so the
// process weighs no more after 10,000 mails than after 10, and starts no slower (issue #13).
// Only the SES v2 API is served, and only to requests signed (SigV4) with the local credentials: the package's own
// web page and store routes (/, /store, /clear-store, …) would hand every e-mail, review links included, to
// anyone on the machine. The gateway's /_local/outbox is where mail is read.

/** aws-ses-v2-local's own body limit. */
const MAX_REQUEST_BYTES = 25 * 1024 * 1024;
const isSesV2Api = (path: string): boolean => path.startsWith('/v2/email/');

/** A line of outbox.jsonl: an e-mail as aws-ses-v2-local keeps it (loose: what it keeps beyond its type goes back too). */
const storedEmail = z.looseObject({
  messageId: z.string(),
  from: z.string(),
  replyTo: z.array(z.string()),
  destination: z.looseObject({ to: z.array(z.string()), cc: z.array(z.string()), bcc: z.array(z.string()) }),
  subject: z.string(),
  body: z.looseObject({ html: z.optional(z.string()), text: z.optional(z.string()) }),
  attachments: z.array(z.looseObject({ content: z.string(), contentType: z.string(), filename: z.optional(z.string()), size: z.number() })),
  headers: z.optional(z.array(z.looseObject({ name: z.string(), value: z.string() }))),
  at: z.number(),
});

true satisfies SameShape<z.output<typeof storedEmail>, Email>;

export interface OutboxMessage {
  readonly id: string;
  /** Custom headers the sender set (In-Reply-To, References). */
  readonly headers: Readonly<Record<string, string>>;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly date: string;
}

/** The mail sent so far, read from disk. */
export interface Outbox {
  /** Messages sent so far. */
  readonly count: number;
  /** Messages from..from+limit-1 (0-based), oldest first. */
  page(from: number, limit: number): Promise<OutboxMessage[]>;
  /** The last `limit` messages, oldest first. */
  latest(limit: number): Promise<OutboxMessage[]>;
}

export interface LocalSes {
  readonly endpoint: string;
  readonly outbox: Outbox;
  close(): Promise<void>;
}

/** An e-mail as the outbox shows it. */
export function toMessage(e: Email): OutboxMessage {
  return {
    id: e.messageId,
    headers: Object.fromEntries((e.headers ?? []).map((h) => [h.name, h.value])),
    from: e.from,
    to: [...e.destination.to, ...e.destination.cc, ...e.destination.bcc],
    subject: e.subject,
    text: e.body.text ?? '',
    html: e.body.html ?? '',
    date: new Date(e.at * 1000).toISOString(),
  };
}

/** Reads a line of outbox.jsonl back: JSON of an e-mail's shape, or an error naming the file and the line. */
export function outboxLineParser(file: string): (text: string, line: number) => Email {
  return (text, line) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new Error(`file ${file}, line ${line}: not JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    return parseStored(storedEmail, value, `file ${file}`, `line ${line}`);
  };
}

/**
 * outbox.jsonl with its index (outbox.jsonl.idx): a start reads the index's end and parses only the lines appended
 * after it (after a crash, or all of them once for a file without an index), so one of the wrong shape fails at start,
 * named, and a start costs the same after 100,000 mails as after 10.
 */
export function openOutboxFile(file: string): Promise<LineFile<Email>> {
  return LineFile.open(file, outboxLineParser(file), { validate: true });
}

export async function startSes(dataDir: string, credentials: LocalCredentials, principals?: Principals): Promise<LocalSes> {
  const file = await openOutboxFile(join(dataDir, 'outbox.jsonl'));
  const cut = await file.dropPartialTail();
  if (cut > 0)
    process.stderr.write(
      `outbox.jsonl ended in a line cut short (${cut} bytes, a write a crash interrupted, never acknowledged): removed\n`,
    );
  // The package's store holds a mail from the send until the response: persisted, it leaves the store (nothing else
  // reads it: its /store and /get-emlContent routes are refused below).
  const persistNew = () => {
    const pending = getStoreReadonly().emails;
    for (let next = pending[0]; next !== undefined; next = pending[0]) {
      file.append(JSON.stringify(next));
      pending.shift();
    }
  };
  // aws-ses-v2-local is CommonJS with a default export: under Node's ESM interop it arrives as `.default`; vitest's
  // interop hands over the function itself.
  const start: typeof sesLocal.default = typeof sesLocal === 'function' ? sesLocal : sesLocal.default;
  const server: Server = await start({ host: '127.0.0.1', port: 0 });
  // Persist before the response reaches the sender: once SES said "sent", the mail is on disk.
  server.prependListener('request', (_req, res) => {
    const end = res.end.bind(res);
    res.end = ((...args: Parameters<typeof res.end>) => {
      persistNew();
      return end(...args);
    }) as typeof res.end;
  });
  requireSigV4(server, {
    credentials,
    principals,
    region: LOCAL_REGION,
    service: 'ses',
    protocol: 'rest-json',
    maxBodyBytes: MAX_REQUEST_BYTES,
    servesPath: isSesV2Api,
    outsideApi: 'Only the SES v2 API (/v2/email/…) is served here; read the mail Signoff sent at /_local/outbox of the Signoff API.',
  });
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    outbox: {
      get count() {
        return file.count;
      },
      page: async (from, limit) => (await file.page(from, limit)).map(toMessage),
      latest: async (limit) => (await file.latest(limit)).map(toMessage),
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Messages the HTML page shows: the latest ones (all of them are in /_local/outbox.json, a page at a time). */
export const OUTBOX_PAGE_MESSAGES = 100;

/** The outbox page: `latest` (the last messages, oldest first) shown newest first, of `total` sent. */
export function outboxPage(latest: readonly OutboxMessage[], total: number): string {
  const rows = [...latest]
    .reverse()
    .map(
      (
        m,
      ) => `<article><h2>${escapeHtml(m.subject)}</h2><p><small>${escapeHtml(m.date)} · from ${escapeHtml(m.from)} · to ${escapeHtml(m.to.join(', '))}</small></p>
<pre style="white-space:pre-wrap">${escapeHtml(m.text).replace(/(https?:\/\/[^\s<]+)/g, '<a href="$1">$1</a>')}</pre></article><hr>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Signoff local outbox</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:0 auto;padding:1rem}</style></head>
<body><main><h1>Local outbox</h1><p>${summary(latest.length, total)} Every e-mail Signoff sends locally lands here (JSON: <a href="/_local/outbox.json">/_local/outbox.json</a>).</p>${rows || '<p>No mail yet.</p>'}</main></body></html>`;
}

function summary(shown: number, total: number): string {
  if (shown === total) return `${total} message(s), newest first.`;
  return `${total} message(s); the latest ${shown} are shown here, newest first (the rest: <a href="/_local/outbox.json?from=0">/_local/outbox.json?from=0</a>, a page at a time).`;
}
