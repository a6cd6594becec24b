import { connect } from 'node:net';

// HTTP/1.1 written byte for byte onto a socket: what fetch and node:http refuse to send (a path with raw bytes or a
// lone `%`, a method of any name, a Content-Length that lies, a body trickled a byte at a time, header values in
// latin1) is exactly what a fuzz pass must send. Every request says `Connection: close`, so the server's answer ends
// when the socket does.

export interface WireRequest {
  readonly method: string;
  /** The request target as sent: not encoded, not checked. */
  readonly target: string | Buffer;
  /** Header lines in order; a Buffer value is sent as its bytes. Host and Connection are added unless given. */
  readonly headers?: ReadonlyArray<readonly [string, string | Buffer]>;
  readonly body?: Buffer;
  /** Sent as Content-Length instead of the body's length (a body that says it is longer than it is). */
  readonly contentLength?: number;
  /** No Content-Length (the body, if any, is sent as it is: a `Transfer-Encoding` header in `headers` frames it). */
  readonly noContentLength?: boolean;
  /**
   * Sends the body (or with `headers`, the whole request from its first line) `trickle.bytes` at a time,
   * `trickle.everyMs` apart, stopping once the server has answered.
   */
  readonly trickle?: { readonly bytes: number; readonly everyMs: number; readonly headers?: boolean };
}

export type WireResult =
  | { readonly kind: 'answered'; readonly status: number; readonly head: string; readonly body: Buffer; readonly ms: number }
  /** No answer within the client's time: the server holds the request (a hang). */
  | { readonly kind: 'hang'; readonly ms: number }
  /** The connection ended with no status line: refused, reset, or closed without an answer. */
  | { readonly kind: 'no-answer'; readonly reason: string; readonly ms: number };

function headBytes(port: number, r: WireRequest): Buffer {
  const given = new Set((r.headers ?? []).map(([name]) => name.toLowerCase()));
  const lines: Buffer[] = [Buffer.concat([Buffer.from(`${r.method} `, 'latin1'), Buffer.from(r.target), Buffer.from(' HTTP/1.1\r\n')])];
  if (!given.has('host')) lines.push(Buffer.from(`Host: 127.0.0.1:${port}\r\n`));
  if (!given.has('connection')) lines.push(Buffer.from('Connection: close\r\n'));
  for (const [name, value] of r.headers ?? [])
    lines.push(Buffer.concat([Buffer.from(`${name}: `, 'latin1'), Buffer.from(value), Buffer.from('\r\n')]));
  const body = r.body ?? Buffer.alloc(0);
  if (!r.noContentLength && !given.has('content-length') && (body.length > 0 || r.contentLength !== undefined || r.method === 'POST'))
    lines.push(Buffer.from(`Content-Length: ${r.contentLength ?? body.length}\r\n`));
  lines.push(Buffer.from('\r\n'));
  return Buffer.concat(lines);
}

/** The status line and headers once they have arrived, and how long the body is to be (Content-Length). */
function parseHead(data: Buffer): { status: number; head: string; bodyAt: number; length: number | undefined } | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const head = data.subarray(0, end).toString('latin1');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? Number.NaN);
  if (!Number.isInteger(status)) return undefined;
  const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
  return { status, head, bodyAt: end + 4, length: length === undefined ? undefined : Number(length) };
}

/** A chunked body's data (as far as it arrived). */
function dechunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const end = body.indexOf('\r\n', at);
    if (end === -1) break;
    const size = Number.parseInt(body.subarray(at, end).toString('latin1'), 16);
    if (!Number.isInteger(size) || size === 0) break;
    parts.push(body.subarray(end + 2, end + 2 + size));
    at = end + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** Sends one request and waits at most `timeoutMs` for the whole answer. Never rejects. */
export function sendWire(port: number, r: WireRequest, timeoutMs: number): Promise<WireResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let data = Buffer.alloc(0);
    let settled = false;
    let trickleTimer: NodeJS.Timeout | undefined;
    const finish = (result: WireResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(trickleTimer);
      socket.destroy();
      resolve(result);
    };
    const answered = (): WireResult | undefined => {
      const head = parseHead(data);
      if (head === undefined) return undefined;
      const body = data.subarray(head.bodyAt);
      return {
        kind: 'answered',
        status: head.status,
        head: head.head,
        body: /\r\ntransfer-encoding: *chunked/iu.test(head.head) ? dechunked(body) : body,
        ms: elapsed(),
      };
    };
    const timer = setTimeout(() => finish(answered() ?? { kind: 'hang', ms: elapsed() }), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const head = parseHead(data);
      // HEAD answers and bodyless statuses carry a Content-Length but no body: the close that follows ends them.
      if (head?.length !== undefined && r.method !== 'HEAD' && data.length - head.bodyAt >= head.length) {
        const result = answered();
        if (result !== undefined) finish(result);
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A server that answered and closed while the body was still being written resets the writer: still an answer.
      finish(answered() ?? { kind: 'no-answer', reason: error.code ?? error.message, ms: elapsed() });
    });
    socket.on('close', () => finish(answered() ?? { kind: 'no-answer', reason: 'closed without a status line', ms: elapsed() }));
    socket.on('connect', () => {
      const head = headBytes(port, r);
      const body = r.body ?? Buffer.alloc(0);
      if (r.trickle === undefined) {
        socket.write(head);
        if (body.length > 0) socket.write(body);
        return;
      }
      const { bytes, everyMs } = r.trickle;
      let slow = body;
      if (r.trickle.headers === true) slow = Buffer.concat([head, body]);
      else socket.write(head);
      let at = 0;
      const drip = (): void => {
        if (settled || parseHead(data) !== undefined || at >= slow.length) return;
        socket.write(slow.subarray(at, at + bytes));
        at += bytes;
        trickleTimer = setTimeout(drip, everyMs);
      };
      drip();
    });
  });
}
