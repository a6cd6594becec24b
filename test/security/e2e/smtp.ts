import { connect, type Socket } from 'node:net';

// A bare SMTP client over a `net` socket, for what a well-behaved library will not send: two From headers, a From
// naming two people, thousands of MIME parts. It speaks just enough SMTP (EHLO, MAIL, RCPT, DATA, QUIT) and returns
// the server's answer to the end of DATA, so a test can tell 250 from a temporary 4xx or a permanent 5xx.

export interface SmtpReply {
  readonly code: number;
  readonly text: string;
}

export interface RawSend {
  readonly port: number;
  readonly mailFrom: string;
  readonly rcptTo: readonly string[];
  /** The message: headers, a blank line, the body; lines end in CRLF. Dot-stuffed here. */
  readonly message: string | Buffer;
}

export interface RawResult {
  /** The answer to the end of DATA (or to the first command refused before it). */
  readonly reply: SmtpReply;
  /** Milliseconds from the last byte of DATA to that answer. */
  readonly answeredInMs: number;
}

/** Reads whole SMTP replies (multi-line ones end with "code SP"), one at a time. */
class ReplyReader {
  #buffer = '';
  #lines: string[] = [];
  #waiting: Array<(reply: SmtpReply) => void> = [];
  #replies: SmtpReply[] = [];

  constructor(socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.#buffer += chunk.toString('utf8');
      for (;;) {
        const end = this.#buffer.indexOf('\r\n');
        if (end === -1) break;
        const line = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        this.#lines.push(line);
        if (line.length >= 4 && line[3] === '-') continue;
        const reply = { code: Number(line.slice(0, 3)), text: this.#lines.map((l) => l.slice(4)).join('\n') };
        this.#lines = [];
        const next = this.#waiting.shift();
        if (next === undefined) this.#replies.push(reply);
        else next(reply);
      }
    });
  }

  next(): Promise<SmtpReply> {
    const ready = this.#replies.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
}

function dotStuffed(message: string | Buffer): Buffer {
  const text = Buffer.isBuffer(message) ? message.toString('latin1') : message;
  const stuffed = text.replace(/(^|\r\n)\./g, '$1..');
  return Buffer.from(stuffed.endsWith('\r\n') ? stuffed : `${stuffed}\r\n`, 'latin1');
}

/** Sends one message; resolves with the answer to its DATA (or the first refusal). */
export async function sendRaw(o: RawSend): Promise<RawResult> {
  const socket = connect({ host: '127.0.0.1', port: o.port });
  const replies = new ReplyReader(socket);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const say = async (line: string): Promise<SmtpReply> => {
    socket.write(`${line}\r\n`);
    return replies.next();
  };
  try {
    const banner = await replies.next();
    if (banner.code !== 220) return { reply: banner, answeredInMs: 0 };
    for (const command of ['EHLO client.example.org', `MAIL FROM:<${o.mailFrom}>`, ...o.rcptTo.map((r) => `RCPT TO:<${r}>`), 'DATA']) {
      const reply = await say(command);
      if (reply.code >= 400) return { reply, answeredInMs: 0 };
    }
    const data = dotStuffed(o.message);
    await new Promise<void>((resolve, reject) => socket.write(data, (error) => (error ? reject(error) : resolve())));
    const started = performance.now();
    const reply = await say('.');
    const answeredInMs = performance.now() - started;
    await say('QUIT');
    return { reply, answeredInMs };
  } finally {
    socket.end();
    await closed;
  }
}

let counter = 0;

/** A Message-ID no other test uses. */
export function uniqueMessageId(tag: string): string {
  counter += 1;
  return `<sec-${tag}-${Date.now()}-${counter}@client.example.org>`;
}

/** Joins header lines and a body into a message with CRLF line ends. */
export function message(headers: readonly string[], body: string): string {
  return `${headers.join('\r\n')}\r\n\r\n${body.replace(/\r?\n/g, '\r\n')}\r\n`;
}
