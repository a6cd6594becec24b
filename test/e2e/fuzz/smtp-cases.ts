import type { Rng } from '../../../local/prng.js';
import type { SmtpConversation } from './smtp-wire.js';
import { INVALID_UTF8, ODD_PIECES, oddString } from './values.js';

// The SMTP side of the fuzz pass: mail as no mail client writes it — broken MIME, headers of megabytes, two
// thousand parts, attachments that are not what they say, senders nobody knows, encodings that do not decode,
// boundaries that never come — and conversations out of order. Each case names its family (a row of the table) and,
// where the answer is certain, that answer.

export interface SmtpCase {
  readonly family: string;
  readonly mutation: string;
  readonly conversation: SmtpConversation;
  /** The reply this case must get, when it is certain. */
  readonly expect?: number;
}

const MEMBER = 'ada@example.org';
const INTAKE = 'submit+physics-x@example.org';

// A small valid PNG (1×1 pixel).
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

let counter = 0;

/** A Message-ID of its own for each mail, from the seed. */
function messageId(rng: Rng): string {
  counter += 1;
  return `<fuzz-${rng.seed.toString(16)}-${counter}@client.example.org>`;
}

function mail(headers: ReadonlyArray<string | Buffer>, body: string | Buffer): Buffer {
  const head = Buffer.concat(headers.map((h) => Buffer.concat([Buffer.from(h), Buffer.from('\r\n')])));
  return Buffer.concat([head, Buffer.from('\r\n'), Buffer.isBuffer(body) ? body : Buffer.from(body.replace(/\r?\n/gu, '\r\n'))]);
}

function envelope(message: Buffer, from = MEMBER, to: readonly string[] = [INTAKE]): SmtpConversation {
  return { commands: ['EHLO client.example.org', `MAIL FROM:<${from}>`, ...to.map((r) => `RCPT TO:<${r}>`), 'DATA'], message };
}

/** Headers of a mail from a member to the intake address, with a subject and a Message-ID of its own. */
function baseHeaders(rng: Rng, subject: string): string[] {
  return [`From: ${MEMBER}`, `To: ${INTAKE}`, `Subject: ${subject}`, `Message-ID: ${messageId(rng)}`, 'MIME-Version: 1.0'];
}

const TEXT = 'Our lab opens today. https://example.org/lab\nAlt 1: The lab\nConsent: yes\nAI: no';

function multipart(boundary: string, parts: readonly string[], close = true): string {
  return `${parts.map((p) => `--${boundary}\r\n${p}`).join('\r\n')}\r\n${close ? `--${boundary}--\r\n` : ''}`;
}

const textPart = (text: string) => `Content-Type: text/plain; charset=utf-8\r\n\r\n${text}`;
const imagePart = (name: string, content = PNG, type = 'image/png') =>
  `Content-Type: ${type}; name="${name}"\r\nContent-Disposition: attachment; filename="${name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${content}`;

type Make = (rng: Rng) => { mutation: string; conversation: SmtpConversation; expect?: number };

const FAMILIES: Readonly<Record<string, readonly Make[]>> = {
  'malformed MIME': [
    () => ({ mutation: 'no headers at all', conversation: envelope(Buffer.from('\r\nJust a body.\r\n')) }),
    () => ({ mutation: 'no blank line', conversation: envelope(Buffer.from(`From: ${MEMBER}\r\nSubject: x\r\nNo blank line here\r\n`)) }),
    (r) => ({
      mutation: 'a header without a colon',
      conversation: envelope(mail([...baseHeaders(r, 'No colon'), 'This is no header'], TEXT)),
    }),
    (r) => ({
      mutation: 'bare LF line ends',
      conversation: envelope(Buffer.from(mail(baseHeaders(r, 'Bare LF'), TEXT).toString('latin1').replace(/\r\n/gu, '\n'))),
    }),
    (r) => ({
      mutation: 'bare CR line ends',
      conversation: envelope(Buffer.from(mail(baseHeaders(r, 'Bare CR'), TEXT).toString('latin1').replace(/\r\n/gu, '\r'))),
    }),
    (r) => ({
      mutation: 'NUL bytes',
      conversation: envelope(mail([...baseHeaders(r, 'NUL\u0000here'), 'X-Nul: a\u0000b'], `Body\u0000with NUL ${TEXT}`)),
    }),
    (r) => ({
      mutation: '8-bit bytes in headers',
      conversation: envelope(mail([...baseHeaders(r, 'Eight bit'), Buffer.concat([Buffer.from('X-Bytes: '), ...INVALID_UTF8])], TEXT)),
    }),
    (r) => ({
      mutation: 'a continuation line first',
      conversation: envelope(mail([' folded first', ...baseHeaders(r, 'Folded first')], TEXT)),
    }),
    () => ({ mutation: 'an empty message', conversation: envelope(Buffer.alloc(0)) }),
    (r) => ({
      mutation: 'multipart without a boundary',
      conversation: envelope(mail([...baseHeaders(r, 'No boundary'), 'Content-Type: multipart/mixed'], TEXT)),
    }),
    (r) => ({
      mutation: 'a Content-Type of junk',
      conversation: envelope(
        mail(
          [
            ...baseHeaders(r, 'Junk type'),
            `Content-Type: ${r.pick(['/', ';;;', 'text/', '*/*', 'multipart/mixed; boundary', oddString(r).slice(0, 500)])}`,
          ],
          TEXT,
        ),
      ),
    }),
    (r) => ({
      mutation: 'a message/rfc822 of garbage',
      conversation: envelope(mail([...baseHeaders(r, 'Nested garbage'), 'Content-Type: message/rfc822'], r.string(2_000, 'ab:\r\n -='))),
    }),
    (r) => ({
      mutation: 'random bytes',
      conversation: envelope(Buffer.from(Array.from({ length: r.between(10, 20_000) }, () => r.int(256)))),
    }),
  ],
  'huge headers': [
    (r) => ({ mutation: 'a Subject of 100,000 characters', conversation: envelope(mail(baseHeaders(r, 'S'.repeat(100_000)), TEXT)) }),
    (r) => ({
      mutation: 'a Subject of 100,000 folded characters',
      conversation: envelope(mail(baseHeaders(r, Array.from({ length: 1_500 }, () => 'word '.repeat(13)).join('\r\n ')), TEXT)),
    }),
    (r) => ({
      mutation: '10,000 headers',
      conversation: envelope(mail([...baseHeaders(r, 'Many headers'), ...Array.from({ length: 10_000 }, (_, i) => `X-H${i}: ${i}`)], TEXT)),
    }),
    (r) => ({
      mutation: 'a header of 1.5 MiB',
      conversation: envelope(mail([...baseHeaders(r, 'Huge header'), `X-Huge: ${'h'.repeat(1_536 * 1024)}`], TEXT)),
      expect: 554,
    }),
    (r) => ({
      mutation: 'References of 5,000 ids',
      conversation: envelope(
        mail(
          [...baseHeaders(r, 'Long references'), `References: ${Array.from({ length: 5_000 }, (_, i) => `<r${i}@x.example>`).join(' ')}`],
          TEXT,
        ),
      ),
    }),
    (r) => ({
      mutation: 'In-Reply-To of 50,000 characters',
      conversation: envelope(mail([...baseHeaders(r, 'Long reply-to'), `In-Reply-To: <${'i'.repeat(50_000)}@x.example>`], TEXT)),
    }),
    (r) => ({
      mutation: 'References of 800 KB (20,000 ids)',
      conversation: envelope(
        mail(
          [
            ...baseHeaders(r, 'Huge references'),
            `References: ${Array.from({ length: 20_000 }, (_, i) => `<${String(i).padStart(30, 'r')}@x.example>`).join('\r\n ')}`,
          ],
          TEXT,
        ),
      ),
    }),
    () => ({
      mutation: 'a Message-ID of 600,000 characters',
      conversation: envelope(
        mail([`From: ${MEMBER}`, `To: ${INTAKE}`, 'Subject: Huge id', `Message-ID: <${'m'.repeat(600_000)}@x.example>`], TEXT),
      ),
    }),
    () => ({
      mutation: 'a Message-ID of 20,000 characters',
      conversation: envelope(
        mail([`From: ${MEMBER}`, `To: ${INTAKE}`, 'Subject: Long id', `Message-ID: <${'m'.repeat(20_000)}@x.example>`], TEXT),
      ),
    }),
    (r) => ({
      mutation: 'a From display name of 60,000 characters',
      conversation: envelope(
        mail([`From: "${'N'.repeat(60_000)}" <${MEMBER}>`, `To: ${INTAKE}`, 'Subject: Long name', `Message-ID: ${messageId(r)}`], TEXT),
      ),
    }),
    (r) => ({
      mutation: 'To of 3,000 addresses',
      conversation: envelope(
        mail([...baseHeaders(r, 'Many To'), `Cc: ${Array.from({ length: 3_000 }, (_, i) => `p${i}@example.org`).join(', ')}`], TEXT),
      ),
    }),
    (r) => ({
      mutation: 'a Subject of odd Unicode',
      conversation: envelope(mail(baseHeaders(r, `=?utf-8?B?${Buffer.from(oddString(r).slice(0, 3_000)).toString('base64')}?=`), TEXT)),
    }),
  ],
  'many parts': [
    (r) => ({
      mutation: '2,000 parts',
      conversation: envelope(
        mail(
          [...baseHeaders(r, '2,000 parts'), 'Content-Type: multipart/mixed; boundary="b"'],
          multipart(
            'b',
            Array.from({ length: 2_000 }, (_, i) => textPart(`part ${i}`)),
          ),
        ),
      ),
      expect: 552,
    }),
    (r) => ({
      mutation: '2,000 parts nested 2,000 deep',
      conversation: envelope(mail([...baseHeaders(r, 'Deep parts'), 'Content-Type: multipart/mixed; boundary="b0"'], nestedParts(2_000))),
      expect: 552,
    }),
    (r) => ({
      mutation: '2,000 parts without headers',
      conversation: envelope(
        mail(
          [...baseHeaders(r, 'Bare parts'), 'Content-Type: multipart/mixed; boundary="b"'],
          multipart(
            'b',
            Array.from({ length: 2_000 }, () => '\r\nx'),
          ),
        ),
      ),
      expect: 552,
    }),
    (r) => ({
      mutation: '2,000 empty parts',
      conversation: envelope(
        mail(
          [...baseHeaders(r, 'Empty parts'), 'Content-Type: multipart/mixed; boundary="b"'],
          multipart(
            'b',
            Array.from({ length: 2_000 }, () => ''),
          ),
        ),
      ),
      expect: 552,
    }),
    (r) => ({
      mutation: '99 parts',
      conversation: envelope(
        mail(
          [...baseHeaders(r, '99 parts'), 'Content-Type: multipart/mixed; boundary="b"'],
          multipart('b', [textPart(TEXT), ...Array.from({ length: 98 }, (_, i) => textPart(`part ${i}`))]),
        ),
      ),
    }),
    (r) => ({
      mutation: '101 parts',
      conversation: envelope(
        mail(
          [...baseHeaders(r, '101 parts'), 'Content-Type: multipart/mixed; boundary="b"'],
          multipart(
            'b',
            Array.from({ length: 101 }, (_, i) => textPart(`part ${i}`)),
          ),
        ),
      ),
      expect: 552,
    }),
  ],
  'odd attachments': [
    (r) => ({ mutation: 'an empty image', conversation: envelope(withAttachment(r, 'Empty image', imagePart('e.png', ''))) }),
    (r) => ({
      mutation: 'base64 that is not',
      conversation: envelope(withAttachment(r, 'Bad base64', imagePart('b.png', '!!!not base64!!!\r\n===='))),
    }),
    (r) => ({
      mutation: 'text said to be a PNG',
      conversation: envelope(withAttachment(r, 'Fake PNG', imagePart('f.png', Buffer.from('just text').toString('base64')))),
    }),
    (r) => ({
      mutation: 'a filename with ../',
      conversation: envelope(withAttachment(r, 'Traversal', imagePart('../../../etc/passwd.png'))),
    }),
    (r) => ({
      mutation: 'a filename of odd Unicode',
      conversation: envelope(withAttachment(r, 'Odd name', imagePart(`${r.pick(ODD_PIECES)}\u202egnp.exe`))),
    }),
    (r) => ({
      mutation: 'a filename of 10,000 characters',
      conversation: envelope(withAttachment(r, 'Long name', imagePart(`${'n'.repeat(10_000)}.png`))),
    }),
    (r) => ({
      mutation: 'a broken RFC 2231 filename',
      conversation: envelope(
        withAttachment(
          r,
          'RFC 2231',
          "Content-Type: image/png\r\nContent-Disposition: attachment; filename*=utf-8''%E0%A4%A%zz.png; filename*0*=x\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
            PNG,
        ),
      ),
    }),
    (r) => ({
      mutation: 'an executable',
      conversation: envelope(
        withAttachment(r, 'Executable', imagePart('run.exe', Buffer.from('MZ\u0090\u0000').toString('base64'), 'application/x-msdownload')),
      ),
    }),
    (r) => ({
      mutation: 'an SVG with a script',
      conversation: envelope(
        withAttachment(
          r,
          'SVG',
          imagePart(
            'a.svg',
            Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>').toString('base64'),
            'image/svg+xml',
          ),
        ),
      ),
    }),
    (r) => ({
      mutation: '12 images',
      conversation: envelope(
        mail(
          [...baseHeaders(r, '12 images'), 'Content-Type: multipart/mixed; boundary="b"'],
          multipart('b', [textPart(TEXT), ...Array.from({ length: 12 }, (_, i) => imagePart(`i${i}.png`))]),
        ),
      ),
    }),
    (r) => ({
      mutation: 'an attachment of 3 MiB',
      conversation: envelope(
        withAttachment(
          r,
          'Big',
          imagePart(
            'big.png',
            Buffer.alloc(3 * 1024 * 1024, 7)
              .toString('base64')
              .replace(/(.{76})/gu, '$1\r\n'),
          ),
        ),
      ),
    }),
    (r) => ({
      mutation: 'an unknown transfer encoding',
      conversation: envelope(
        withAttachment(
          r,
          'x-unknown',
          `Content-Type: image/png; name="u.png"\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 u.png\r\n!!!\r\nend`,
        ),
      ),
    }),
    (r) => ({
      mutation: 'a mail attached inside',
      conversation: envelope(
        withAttachment(r, 'Attached mail', `Content-Type: message/rfc822\r\n\r\n${mail(baseHeaders(r, 'Inner'), TEXT).toString('latin1')}`),
      ),
    }),
    (r) => ({
      mutation: 'a winmail.dat',
      conversation: envelope(
        withAttachment(
          r,
          'TNEF',
          imagePart('winmail.dat', Buffer.from([0x78, 0x9f, 0x3e, 0x22, 1, 2, 3]).toString('base64'), 'application/ms-tnef'),
        ),
      ),
    }),
  ],
  'unknown senders': [
    (r) => ({
      mutation: 'a stranger',
      conversation: envelope(
        mail([`From: mallory@elsewhere.example`, `To: ${INTAKE}`, 'Subject: Stranger', `Message-ID: ${messageId(r)}`], TEXT),
        'mallory@elsewhere.example',
      ),
    }),
    (r) => ({
      mutation: 'no From',
      conversation: envelope(mail([`To: ${INTAKE}`, 'Subject: No from', `Message-ID: ${messageId(r)}`], TEXT)),
      expect: 550,
    }),
    (r) => ({
      mutation: 'two From headers',
      conversation: envelope(
        mail(
          [`From: ${MEMBER}`, 'From: mallory@elsewhere.example', `To: ${INTAKE}`, 'Subject: Two from', `Message-ID: ${messageId(r)}`],
          TEXT,
        ),
      ),
      expect: 550,
    }),
    (r) => ({
      mutation: 'a From naming two',
      conversation: envelope(
        mail([`From: ${MEMBER}, mallory@elsewhere.example`, `To: ${INTAKE}`, 'Subject: Two in one', `Message-ID: ${messageId(r)}`], TEXT),
      ),
      expect: 550,
    }),
    (r) => ({
      mutation: 'a group as From',
      conversation: envelope(mail([`From: Friends: ${MEMBER};`, `To: ${INTAKE}`, 'Subject: Group', `Message-ID: ${messageId(r)}`], TEXT)),
    }),
    (r) => ({
      mutation: 'an encoded name holding an address',
      conversation: envelope(
        mail(
          [
            `From: =?utf-8?B?${Buffer.from('grace@example.org').toString('base64')}?= <mallory@elsewhere.example>`,
            `To: ${INTAKE}`,
            'Subject: Encoded',
            `Message-ID: ${messageId(r)}`,
          ],
          TEXT,
        ),
      ),
    }),
    (r) => ({ mutation: 'the null sender', conversation: envelope(mail(baseHeaders(r, 'Null sender'), TEXT), '') }),
    (r) => ({
      mutation: 'an IDN domain',
      conversation: envelope(mail([`From: ada@exämple.org`, `To: ${INTAKE}`, 'Subject: IDN', `Message-ID: ${messageId(r)}`], TEXT)),
    }),
    (r) => ({
      mutation: 'a Sender and a Reply-To',
      conversation: envelope(
        mail([...baseHeaders(r, 'Sender'), 'Sender: mallory@elsewhere.example', 'Reply-To: mallory@elsewhere.example'], TEXT),
      ),
    }),
    (r) => ({
      mutation: 'an unknown account',
      conversation: envelope(mail(baseHeaders(r, 'Unknown account'), TEXT), MEMBER, ['submit+nothing-here@example.org']),
    }),
    (r) => ({
      mutation: 'an odd recipient',
      conversation: envelope(mail(baseHeaders(r, 'Odd recipient'), TEXT), MEMBER, [
        r.pick(['submit+@example.org', 'submit+physics-x+x@example.org', `submit+${'x'.repeat(200)}@example.org`, 'open@example.org']),
      ]),
    }),
  ],
  'bad encodings': [
    (r) => ({
      mutation: 'an encoded word that does not decode',
      conversation: envelope(mail(baseHeaders(r, '=?utf-8?B?!!!?= =?utf-8?Q?=ZZ?= =?x-unknown?B?YQ==?='), TEXT)),
    }),
    (r) => ({
      mutation: 'an unknown charset',
      conversation: envelope(mail([...baseHeaders(r, 'Unknown charset'), 'Content-Type: text/plain; charset=x-no-such'], TEXT)),
    }),
    (r) => ({
      mutation: 'broken quoted-printable',
      conversation: envelope(
        mail(
          [...baseHeaders(r, 'Broken QP'), 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable'],
          `=ZZ=E0=A4=\n${TEXT}=`,
        ),
      ),
    }),
    (r) => ({
      mutation: 'base64 text of garbage',
      conversation: envelope(
        mail(
          [...baseHeaders(r, 'Base64 garbage'), 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64'],
          `${r.string(500, 'abc!@#$=\n')}`,
        ),
      ),
    }),
    (r) => ({
      mutation: 'UTF-16 said, bytes given',
      conversation: envelope(
        mail(
          [...baseHeaders(r, 'UTF-16'), 'Content-Type: text/plain; charset=utf-16'],
          Buffer.concat([Buffer.from([0xff, 0xfe, 0x00]), ...INVALID_UTF8]),
        ),
      ),
    }),
    (r) => ({
      mutation: '8-bit said to be 7-bit',
      conversation: envelope(
        mail(
          [...baseHeaders(r, 'Eight bit body'), 'Content-Type: text/plain; charset=us-ascii', 'Content-Transfer-Encoding: 7bit'],
          Buffer.concat([Buffer.from(TEXT), ...INVALID_UTF8]),
        ),
      ),
    }),
    (r) => ({
      mutation: 'UTF-7',
      conversation: envelope(
        mail([...baseHeaders(r, 'UTF-7'), 'Content-Type: text/plain; charset=utf-7'], `+ADw-script+AD4-alert(1)+ADw-/script+AD4- ${TEXT}`),
      ),
    }),
    (r) => ({
      mutation: 'ISO-2022-JP escapes',
      conversation: envelope(
        mail(
          [...baseHeaders(r, 'ISO-2022-JP'), 'Content-Type: text/plain; charset=iso-2022-jp'],
          Buffer.from('\u001b$B$3$s$K$A$O\u001b(B \u001b$B', 'latin1'),
        ),
      ),
    }),
    (r) => ({
      mutation: 'odd Unicode in the body',
      conversation: envelope(
        mail([...baseHeaders(r, 'Odd body'), 'Content-Type: text/plain; charset=utf-8'], `${oddString(r).slice(0, 50_000)}\n${TEXT}`),
      ),
    }),
  ],
  'broken boundaries': [
    (r) => ({
      mutation: 'a boundary never used',
      conversation: envelope(mail([...baseHeaders(r, 'Unused boundary'), 'Content-Type: multipart/mixed; boundary="never"'], TEXT)),
    }),
    (r) => ({
      mutation: 'a boundary never closed',
      conversation: envelope(
        mail(
          [...baseHeaders(r, 'Unclosed'), 'Content-Type: multipart/mixed; boundary="b"'],
          multipart('b', [textPart(TEXT), imagePart('a.png')], false),
        ),
      ),
    }),
    (r) => ({
      mutation: 'an empty boundary',
      conversation: envelope(
        mail([...baseHeaders(r, 'Empty boundary'), 'Content-Type: multipart/mixed; boundary=""'], multipart('', [textPart(TEXT)])),
      ),
    }),
    (r) => ({
      mutation: 'a boundary of 5,000 characters',
      conversation: envelope(
        mail(
          [...baseHeaders(r, 'Long boundary'), `Content-Type: multipart/mixed; boundary="${'b'.repeat(5_000)}"`],
          multipart('b'.repeat(5_000), [textPart(TEXT)]),
        ),
      ),
    }),
    (r) => ({
      mutation: 'the same boundary nested',
      conversation: envelope(
        mail(
          [...baseHeaders(r, 'Same boundary'), 'Content-Type: multipart/mixed; boundary="b"'],
          multipart('b', [`Content-Type: multipart/alternative; boundary="b"\r\n\r\n${multipart('b', [textPart(TEXT)])}`]),
        ),
      ),
    }),
    (r) => ({
      mutation: 'the closing delimiter first',
      conversation: envelope(
        mail(
          [...baseHeaders(r, 'Close first'), 'Content-Type: multipart/mixed; boundary="b"'],
          `--b--\r\n${multipart('b', [textPart(TEXT)])}`,
        ),
      ),
    }),
    (r) => ({
      mutation: 'a boundary of pattern characters',
      conversation: envelope(
        mail(
          [...baseHeaders(r, 'Pattern boundary'), 'Content-Type: multipart/mixed; boundary="(.*)+$[^]\\\\"'],
          multipart('(.*)+$[^]\\\\', [textPart(TEXT)]),
        ),
      ),
    }),
    (r) => ({
      mutation: 'a preamble only',
      conversation: envelope(
        mail(
          [...baseHeaders(r, 'Preamble'), 'Content-Type: multipart/mixed; boundary="b"'],
          `This is the preamble.\r\n${'-'.repeat(5_000)}\r\n`,
        ),
      ),
    }),
  ],
  protocol: [
    () => ({ mutation: 'a command of junk', conversation: { commands: ['EHLO client.example.org', 'XYZZY'] } }),
    () => ({ mutation: 'an EHLO of 10,000 characters', conversation: { commands: [`EHLO ${'h'.repeat(10_000)}`] } }),
    () => ({ mutation: 'RCPT before MAIL', conversation: { commands: ['EHLO client.example.org', `RCPT TO:<${INTAKE}>`] } }),
    () => ({ mutation: 'DATA without RCPT', conversation: { commands: ['EHLO client.example.org', `MAIL FROM:<${MEMBER}>`, 'DATA'] } }),
    () => ({
      mutation: '51 recipients',
      conversation: {
        commands: [
          'EHLO client.example.org',
          `MAIL FROM:<${MEMBER}>`,
          ...Array.from({ length: 51 }, (_, i) => `RCPT TO:<r${i}@example.org>`),
        ],
      },
      expect: 452,
    }),
    () => ({
      mutation: 'a SIZE too large',
      conversation: { commands: ['EHLO client.example.org', `MAIL FROM:<${MEMBER}> SIZE=999999999999`] },
    }),
    () => ({
      mutation: 'bytes that are not UTF-8 in MAIL FROM',
      conversation: {
        commands: ['EHLO client.example.org', Buffer.concat([Buffer.from('MAIL FROM:<'), ...INVALID_UTF8, Buffer.from('@example.org>')])],
      },
    }),
    () => ({ mutation: 'NUL in a command', conversation: { commands: ['EHLO client.example.org', `MAIL FROM:<ada\u0000@example.org>`] } }),
    () => ({ mutation: 'AUTH, which is off', conversation: { commands: ['EHLO client.example.org', 'AUTH PLAIN AGFkYQBw'] } }),
    () => ({ mutation: 'STARTTLS, which is off', conversation: { commands: ['EHLO client.example.org', 'STARTTLS'] } }),
    (r) => ({
      mutation: 'a message cut short by the client',
      conversation: { ...envelope(mail(baseHeaders(r, 'Cut short'), TEXT)), cutAt: 60 },
    }),
  ],
};

function withAttachment(rng: Rng, subject: string, part: string): Buffer {
  return mail([...baseHeaders(rng, subject), 'Content-Type: multipart/mixed; boundary="b"'], multipart('b', [textPart(TEXT), part]));
}

/** `depth` multiparts, each inside the one before. */
function nestedParts(depth: number): string {
  let inner = textPart('the innermost part');
  for (let i = depth - 1; i >= 1; i--) inner = `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n${multipart(`b${i}`, [inner])}`;
  return multipart('b0', [inner]);
}

/** Every family's cases once, then `extra` more drawn at random (a case drawn again is a new mail: a new Message-ID). */
export function smtpCases(rng: Rng, extra: number): SmtpCase[] {
  const all = Object.entries(FAMILIES).flatMap(([family, makes]) => makes.map((make) => ({ family, make })));
  const drawn = [...all, ...Array.from({ length: extra }, () => rng.pick(all))];
  return drawn.map(({ family, make }) => ({ family, ...make(rng) }));
}
