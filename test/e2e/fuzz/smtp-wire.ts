import { connect } from 'node:net';

// An SMTP client that sends exactly what it is given, line by line, and waits a bounded time for each reply: the
// fuzz pass's conversations include commands no library sends (a 10,000-character EHLO, NUL bytes, DATA before
// RCPT) and messages no library builds. test/security/e2e/smtp.ts speaks the same protocol without time bounds.

export interface SmtpConversation {
  /** Commands sent one at a time, each waiting for its reply; `DATA` is followed by `message` and the final dot. */
  readonly commands: ReadonlyArray<string | Buffer>;
  /** The message (headers, blank line, body), dot-stuffed and ended here. */
  readonly message?: Buffer;
  /** Ends the connection after sending this much of the message, without the final dot (a client that went away). */
  readonly cutAt?: number;
}

export type SmtpResult =
  /** The reply to the last thing sent (the end of DATA, or the first command refused with a 5xx or a 4xx). */
  | { readonly kind: 'answered'; readonly code: number; readonly text: string; readonly ms: number }
  | { readonly kind: 'hang'; readonly ms: number }
  | { readonly kind: 'no-answer'; readonly reason: string; readonly ms: number }
  /** The client went away mid-message, as the case asked (`cutAt`). */
  | { readonly kind: 'client-left'; readonly ms: number };

function dotStuffed(message: Buffer): Buffer {
  const text = message.toString('latin1').replace(/(^|\r\n)\./g, '$1..');
  return Buffer.from(text.endsWith('\r\n') ? text : `${text}\r\n`, 'latin1');
}

/** Runs one conversation; each reply must come within `timeoutMs`. Never rejects. */
export function converse(port: number, c: SmtpConversation, timeoutMs: number): Promise<SmtpResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let buffer = '';
    let lines: string[] = [];
    let waiting: ((reply: { code: number; text: string } | undefined) => void) | undefined;
    const replies: { code: number; text: string }[] = [];
    let closed = false;
    let settled = false;
    const finish = (result: SmtpResult) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(result);
    };
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      for (let end = buffer.indexOf('\r\n'); end !== -1; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        lines.push(line);
        if (line.length >= 4 && line[3] === '-') continue;
        const reply = { code: Number(line.slice(0, 3)), text: lines.map((l) => l.slice(4)).join('\n') };
        lines = [];
        if (waiting !== undefined) {
          const w = waiting;
          waiting = undefined;
          w(reply);
        } else replies.push(reply);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      waiting?.(undefined);
    });
    const next = (): Promise<{ code: number; text: string } | undefined | 'timeout'> => {
      const ready = replies.shift();
      if (ready !== undefined) return Promise.resolve(ready);
      if (closed) return Promise.resolve(undefined);
      return new Promise((done) => {
        const timer = setTimeout(() => {
          waiting = undefined;
          done('timeout');
        }, timeoutMs);
        waiting = (reply) => {
          clearTimeout(timer);
          done(reply);
        };
      });
    };
    const outcome = (reply: { code: number; text: string } | undefined | 'timeout'): SmtpResult =>
      reply === 'timeout'
        ? { kind: 'hang', ms: elapsed() }
        : reply === undefined
          ? { kind: 'no-answer', reason: 'the connection closed', ms: elapsed() }
          : { kind: 'answered', code: reply.code, text: reply.text, ms: elapsed() };
    void (async () => {
      const banner = await next();
      if (banner === 'timeout' || banner === undefined || banner.code !== 220) return finish(outcome(banner));
      let last: { code: number; text: string } | undefined | 'timeout' = banner;
      for (const command of c.commands) {
        socket.write(Buffer.concat([Buffer.from(command), Buffer.from('\r\n')]));
        last = await next();
        if (last === 'timeout' || last === undefined || last.code >= 400) return finish(outcome(last));
        const upper = Buffer.from(command).toString('latin1').toUpperCase();
        if (upper === 'DATA' && last.code === 354) {
          const data = dotStuffed(c.message ?? Buffer.alloc(0));
          if (c.cutAt !== undefined) {
            socket.write(data.subarray(0, c.cutAt));
            socket.end();
            // The server is left with half a message: its answer is that it goes on serving (checked afterwards).
            return finish({ kind: 'client-left', ms: elapsed() });
          }
          socket.write(data);
          socket.write('.\r\n');
          last = await next();
          if (last === 'timeout' || last === undefined) return finish(outcome(last));
          socket.write('QUIT\r\n');
          return finish(outcome(last));
        }
      }
      socket.write('QUIT\r\n');
      return finish(outcome(last));
    })();
  });
}
