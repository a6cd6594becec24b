import { describe, expect, it } from 'vitest';
import {
  addressSigns,
  fromProblem,
  MAX_MESSAGE_ID_CHARS,
  MAX_MIME_PARTS,
  MAX_REFERENCES,
  MAX_HTML_CHARS,
  MAX_MIME_HEADER_BYTES,
  htmlText,
  readInboundMail,
  threadReferences,
  topHeaderFields,
} from '../../lambdas/core/mail/mail-parse.js';
import type { InboundMail } from '../../lambdas/core/mail/mail.js';
import { SCANNER_INPUTS } from '../fixtures/scanner-inputs.js';

// Raw MIME read by postal-mime within its bounds, and beside it: the header fields as written, and whether the
// From header names exactly one sender (issue #11).

const BOUNDARY = 'unit-boundary';

/** A multipart/mixed mail with a text body and `attachments` small attachments: attachments + 2 MIME parts. */
function multipart(attachments: number, headers: readonly string[] = ['From: ada@example.org', 'Message-ID: <parts@example.org>']): Buffer {
  const lines = [
    ...headers,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${BOUNDARY}"`,
    '',
    `--${BOUNDARY}`,
    'Content-Type: text/plain',
    '',
    'Slides attached.',
  ];
  for (let i = 0; i < attachments; i += 1)
    lines.push(`--${BOUNDARY}`, `Content-Type: text/plain; name="s${i}.txt"`, 'Content-Disposition: attachment', '', `slide ${i}`);
  lines.push(`--${BOUNDARY}--`, '');
  return Buffer.from(lines.join('\r\n'));
}

function plain(headers: readonly string[], body = 'Hello.'): Buffer {
  return Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body}\r\n`);
}

/** The mail read, failing the test when it was not. */
async function read(raw: Buffer, recipients: readonly string[] = []): Promise<InboundMail> {
  const reading = await readInboundMail(raw, recipients);
  if (reading.outcome !== 'read') throw new Error(`not read: ${reading.why}`);
  return reading.mail;
}

/** A header block of `bytes` bytes in 1,000-byte lines. */
function padding(bytes: number): string[] {
  return Array.from({ length: Math.ceil(bytes / 1000) }, (_, i) => `X-Padding-${i}: ${'a'.repeat(980)}`);
}

describe('readInboundMail within its bounds', () => {
  it('allows exactly the limit of MIME parts, the message itself included, and refuses one part more', async () => {
    // Act: the message, its body and attachments up to the limit; then one attachment more
    const at = await readInboundMail(multipart(MAX_MIME_PARTS - 2), []);
    const over = await readInboundMail(multipart(MAX_MIME_PARTS - 1), []);

    // Assess
    expect(at.outcome === 'read' && at.mail.attachments.length).toBe(MAX_MIME_PARTS - 2);
    expect(over).toEqual({ outcome: 'unread', why: 'parts', messageId: '<parts@example.org>' });
  });

  it('gives an unread mail the Message-ID its raw header holds, in angle brackets, and none past the bound', async () => {
    // Act
    const loose = await readInboundMail(multipart(MAX_MIME_PARTS, ['From: ada@example.org', 'Message-ID:   parts@example.org ']), []);
    const long = await readInboundMail(multipart(MAX_MIME_PARTS, [`Message-ID: <${'m'.repeat(MAX_MESSAGE_ID_CHARS)}@x>`]), []);
    const none = await readInboundMail(multipart(MAX_MIME_PARTS, ['From: ada@example.org']), []);

    // Assess
    expect(loose).toEqual({ outcome: 'unread', why: 'parts', messageId: '<parts@example.org>' });
    expect(long).toEqual({ outcome: 'unread', why: 'parts', messageId: undefined });
    expect(none).toEqual({ outcome: 'unread', why: 'parts', messageId: undefined });
  });

  it('stops at the first part over the limit: what comes after it is never read', async () => {
    // Prepare: 20,000 parts, the last with 2 MiB of headers, which would be refused as such if the parser got there
    const tail = [
      `--${BOUNDARY}`,
      ...padding(2 * MAX_MIME_HEADER_BYTES),
      'Content-Type: text/plain',
      '',
      'never read',
      `--${BOUNDARY}--`,
      '',
    ];
    const huge = Buffer.concat([multipart(20_000).subarray(0, -`--${BOUNDARY}--\r\n`.length), Buffer.from(tail.join('\r\n'))]);
    const tailAlone = Buffer.concat([multipart(1).subarray(0, -`--${BOUNDARY}--\r\n`.length), Buffer.from(tail.join('\r\n'))]);

    // Act
    const reading = await readInboundMail(huge, []);
    const control = await readInboundMail(tailAlone, []);

    // Assess: refused for its parts; the same tail after one attachment is refused for its headers
    expect(reading).toMatchObject({ outcome: 'unread', why: 'parts' });
    expect(control).toMatchObject({ outcome: 'unread', why: 'headers' });
  });

  it('keeps an attached message as one attachment: its parts are not parsed and its text is not the body', async () => {
    // Prepare: mixed → (alternative → text, html), message/rfc822 holding more parts than the limit
    const forwarded = multipart(MAX_MIME_PARTS + 50, ['From: bob@example.org', 'Subject: fwd']).toString('latin1');
    const raw = plain(
      ['From: ada@example.org', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="outer"'],
      [
        '--outer',
        'Content-Type: multipart/alternative; boundary="inner"',
        '',
        '--inner',
        'Content-Type: text/plain',
        '',
        'Hi',
        '--inner',
        'Content-Type: text/html',
        '',
        '<p>Hi</p>',
        '--inner--',
        '--outer',
        'Content-Type: message/rfc822',
        '',
        forwarded,
        '--outer--',
      ].join('\r\n'),
    );

    // Act
    const mail = await read(raw);

    // Assess
    expect(mail.text.trim()).toBe('Hi');
    expect(mail.attachments.map((a) => a.contentType)).toEqual(['message/rfc822']);
  });

  it('takes an attachment sent as application/octet-stream as the image type its name gives, and nothing else', async () => {
    // Prepare
    const part = (name: string) => [
      '--m',
      `Content-Type: application/octet-stream; name="${name}"`,
      `Content-Disposition: attachment; filename="${name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      'iVBORw0KGgo=',
    ];
    const raw = plain(
      ['From: ada@example.org', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="m"'],
      [
        '--m',
        'Content-Type: text/plain',
        '',
        'Photos.',
        ...part('Hall.PNG'),
        ...part('crowd.jpeg'),
        ...part('data.bin'),
        ...part('noext'),
        '--m--',
      ].join('\r\n'),
    );

    // Act
    const mail = await read(raw);

    // Assess
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['Hall.PNG', 'image/png'],
      ['crowd.jpeg', 'image/jpeg'],
      ['data.bin', 'application/octet-stream'],
      ['noext', 'application/octet-stream'],
    ]);
  });

  it('reads a message marked inline as part of the body, as a forward inline is', async () => {
    // Prepare
    const raw = plain(
      ['From: ada@example.org', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="outer"'],
      [
        '--outer',
        'Content-Type: text/plain',
        '',
        'Please post this.',
        '--outer',
        'Content-Type: message/rfc822',
        'Content-Disposition: inline',
        '',
        'From: bob@example.org',
        'Subject: draft',
        '',
        'The draft post.',
        '--outer--',
      ].join('\r\n'),
    );

    // Act
    const mail = await read(raw);

    // Assess
    expect(mail.text).toContain('Please post this.');
    expect(mail.text).toContain('The draft post.');
    expect(mail.attachments).toEqual([]);
  });

  it('reads a mail that is no MIME at all, without a Message-ID', async () => {
    // Act
    const mail = await read(Buffer.from('just some bytes\r\nwithout headers'));

    // Assess
    expect(mail.messageId).toBe('');
    expect(mail.from).toBeUndefined();
  });

  it(`refuses MIME headers over ${MAX_MIME_HEADER_BYTES} bytes, every part's together`, async () => {
    // Act
    const top = await readInboundMail(plain(['From: ada@example.org', 'Message-ID: <big@example.org>', ...padding(1_100_000)]), []);
    const spread = await readInboundMail(
      Buffer.from(
        multipart(3, ['From: ada@example.org'])
          .toString('latin1')
          .replaceAll('Content-Disposition: attachment', padding(400_000).join('\r\n')),
        'latin1',
      ),
      [],
    );

    // Assess
    expect(top).toEqual({ outcome: 'unread', why: 'headers', messageId: '<big@example.org>' });
    expect(spread).toMatchObject({ outcome: 'unread', why: 'headers' });
  });

  it("decodes the charsets a mail names with the runtime's own decoders", async () => {
    // Prepare: ISO-8859-1, Shift_JIS and ISO-2022-JP bodies, and an encoded-word subject in windows-1252
    const body = (charset: string, bytes: Buffer) =>
      Buffer.concat([
        Buffer.from(
          ['From: ada@example.org', 'Subject: =?windows-1252?Q?Caf=E9?=', `Content-Type: text/plain; charset=${charset}`, '', ''].join(
            '\r\n',
          ),
        ),
        bytes,
      ]);

    // Act
    const latin = await read(body('iso-8859-1', Buffer.from('Caf\u00e9 cr\u00e8me', 'latin1')));
    const sjis = await read(body('shift_jis', Buffer.from([0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd])));
    const jis = await read(body('iso-2022-jp', Buffer.from('\u001b$B$3$s$K$A$O\u001b(B', 'latin1')));

    // Assess
    expect(latin.subject).toBe('Café');
    expect(latin.text.trim()).toBe('Café crème');
    expect(sjis.text.trim()).toBe('こんにちは');
    expect(jis.text.trim()).toBe('こんにちは');
  });
});

describe('the text of a mail with only an HTML body', () => {
  const html = [
    '<html><body><p>Seminar on <b>Thursday</b> at 10:00, in the main auditorium, with coffee before and a visit of the hall after it.</p>',
    '<p>Details: <a href="https://example.org/seminar/1">the seminar page</a></p>',
    '<ul><li>Room 4</li><li>Coffee &amp; tea</li></ul>',
    '<p>Alt 1: A photo of the hall<br>Consent: yes</p></body></html>',
  ].join('');

  it('is read from the HTML: links with their address, list items and the convention lines on lines of their own, no wrapping', async () => {
    // Act
    const mail = await read(plain(['From: ada@example.org', 'Content-Type: text/html; charset=utf-8'], html));

    // Assess
    expect(mail.text.split('\n')).toEqual([
      'Seminar on Thursday at 10:00, in the main auditorium, with coffee before and a visit of the hall after it.',
      '',
      'Details: the seminar page [https://example.org/seminar/1]',
      '',
      ' * Room 4',
      ' * Coffee & tea',
      '',
      'Alt 1: A photo of the hall',
      'Consent: yes',
    ]);
  });

  it('is read from the HTML beside attachments, and the plain body is taken when there is one', async () => {
    // Prepare
    const parts = (withPlain: boolean) =>
      plain(
        ['From: ada@example.org', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="m"'],
        [
          '--m',
          'Content-Type: multipart/alternative; boundary="a"',
          '',
          ...(withPlain ? ['--a', 'Content-Type: text/plain', '', 'The plain body.'] : []),
          '--a',
          'Content-Type: text/html; charset=utf-8',
          '',
          html,
          '--a--',
          '--m',
          'Content-Type: image/png; name="hall.png"',
          'Content-Transfer-Encoding: base64',
          '',
          'iVBORw0KGgo=',
          '--m--',
        ].join('\r\n'),
      );

    // Act
    const htmlOnly = await read(parts(false));
    const both = await read(parts(true));

    // Assess
    expect(htmlOnly.text).toContain('Details: the seminar page [https://example.org/seminar/1]');
    expect(htmlOnly.attachments.map((a) => a.filename)).toEqual(['hall.png']);
    expect(both.text.trim()).toBe('The plain body.');
  });

  it(`does not read an HTML body over ${MAX_HTML_CHARS} characters: the sender is told, nothing is cut`, async () => {
    // Prepare: a post's worth of text in markup just past the bound, and just within it (the body keeps its line end)
    const body = (chars: number) => `<p>${'word '.repeat(40)}</p>${'<span></span>'.repeat(Math.ceil(chars / 13))}`.slice(0, chars);

    // Act
    const over = await read(plain(['From: ada@example.org', 'Content-Type: text/html; charset=utf-8'], body(MAX_HTML_CHARS + 1)));
    const within = await read(plain(['From: ada@example.org', 'Content-Type: text/html; charset=utf-8'], body(MAX_HTML_CHARS - 2)));

    // Assess
    expect(over.text).toBe('');
    expect(over.unreadBody).toContain('Send the post as plain text');
    expect(within.unreadBody).toBeUndefined();
    expect(within.text).toContain('word word');
  });

  it('leaves out nesting too deep to walk, and reads what follows it', () => {
    // Act: 30,000 nested elements (the walk recurses)
    const text = htmlText(`${'<div>'.repeat(30_000)}deep${'</div>'.repeat(30_000)}<p>after</p>`);

    // Assess
    expect(text).not.toContain('deep');
    expect(text).toContain('after');
  });
});

describe('topHeaderFields', () => {
  it('gives the top header fields in order, unfolded, with the name as written before the colon', () => {
    // Act
    const fields = topHeaderFields(
      plain(
        [
          'Authentication-Results: amazonses.com;',
          '\tspf=pass smtp.mailfrom=ada@example.org',
          'From : mallory@evil.example',
          'FROM: ada@example.org',
          'no colon here',
          'Subject: x',
        ],
        'From: body@example.org',
      ),
    );

    // Assess
    expect(fields).toEqual([
      { name: 'Authentication-Results', value: 'amazonses.com;\tspf=pass smtp.mailfrom=ada@example.org' },
      { name: 'From', value: 'mallory@evil.example' },
      { name: 'FROM', value: 'ada@example.org' },
      { name: 'Subject', value: 'x' },
    ]);
  });

  it('reads bare LF line ends too, and stops at the first empty line', () => {
    // Act
    const fields = topHeaderFields(Buffer.from('From: ada@example.org\nSubject: a\n\nFrom: b@example.org\n'));

    // Assess
    expect(fields.map((f) => f.name)).toEqual(['From', 'Subject']);
  });
});

describe('addressSigns', () => {
  it.each([
    ['ada@example.org', 1],
    ['Ada Lovelace <ada@example.org>', 1],
    ['"ada@example.org" <ada@example.org>', 1],
    ['"Lovelace, Ada (ada@example.org)" <ada@example.org>', 1],
    ['ada@example.org (sent for mallory@evil.example)', 1],
    ['"quoted \\" @ sign" <ada@example.org>', 1],
    ['ada@example.org, mallory@evil.example', 2],
    ['ada@example.org mallory@evil.example', 2],
    ['ada@example.org <mallory@evil.example>', 2],
    ['<ada@example.org> <mallory@evil.example>', 2],
    ['=?utf-8?q?ada=40example=2Eorg?=', 0],
    ['', 0],
  ])('counts %j as %i', (value, expected) => {
    expect(addressSigns(value)).toBe(expected);
  });

  it('counts no address in long, unbalanced input: an @ inside comments and quotes never closed (timed by bench/checks.ts)', () => {
    expect(addressSigns(SCANNER_INPUTS.addressSigns())).toBe(0);
  });
});

describe('fromProblem and readInboundMail', () => {
  it.each([
    ['one address', ['From: Ada Lovelace <ada@example.org>'], undefined, 'ada@example.org'],
    ['a quoted display name with a comma', ['From: "Lovelace, Ada" <ada@example.org>'], undefined, 'ada@example.org'],
    [
      "two From headers, a stranger's then a member's",
      ['From: mallory@evil.example', 'From: ada@example.org'],
      '2 From headers',
      undefined,
    ],
    ['two From headers in other cases', ['FROM: mallory@evil.example', 'from: ada@example.org'], '2 From headers', undefined],
    ['an obsolete "From :" beside a "From:"', ['From : mallory@evil.example', 'From: ada@example.org'], '2 From headers', undefined],
    ['two addresses with a comma', ['From: ada@example.org, mallory@evil.example'], 'the From header names 2 addresses', undefined],
    [
      'two addresses folded over two lines',
      ['From: ada@example.org,', ' mallory@evil.example'],
      'the From header names 2 addresses',
      undefined,
    ],
    ['two addresses without a comma', ['From: ada@example.org mallory@evil.example'], 'the From header names 2 addresses', undefined],
    ['a group of one', ['From: team: ada@example.org;'], 'the From header is not one plain address', undefined],
    ['an address only in an encoded word', ['From: =?utf-8?q?ada=40example=2Eorg?='], 'the From header names no address', undefined],
    ['no From header', ['Sender: ada@example.org'], 'no From header', undefined],
  ])('%s', async (_name, headers, problem, from) => {
    // Prepare
    const raw = plain([...headers, 'To: submit+physics-x@example.org', 'Subject: Hello', 'Message-ID: <from@example.org>']);

    // Act
    const mail = await read(raw, ['submit+physics-x@example.org']);

    // Assess
    expect(mail.fromProblem).toBe(problem);
    expect(mail.from).toBe(from);
  });

  it('judges the raw fields and the parsed value together', () => {
    expect(fromProblem([{ name: 'From', value: 'ada@example.org' }], [{ address: 'ada@example.org', name: '' }])).toBeUndefined();
    expect(fromProblem([{ name: 'From', value: 'ada@example.org' }], [])).toBe('the From header is not one plain address');
    expect(fromProblem([{ name: 'From', value: 'ada@example.org' }], [{ name: 'team', group: [] }])).toBe(
      'the From header is not one plain address',
    );
  });
});

describe('the thread a mail names (issue #13, found by the fuzz pass)', () => {
  it('keeps the first and the latest 49 of 5,000 references, each a request looked up and kept with the request', async () => {
    // Prepare
    const references = Array.from({ length: 5_000 }, (_, i) => `<r${i}@example.org>`);

    // Act
    const mail = await read(
      plain(['From: ada@example.org', 'Message-ID: <long-thread@example.org>', `References: ${references.join('\r\n ')}`]),
      [],
    );

    // Assess
    expect(MAX_REFERENCES).toBe(50);
    expect(mail.references).toEqual([references[0], ...references.slice(-49)]);
  });

  it(`reads a Message-ID over ${MAX_MESSAGE_ID_CHARS} characters as none, and leaves out references as long`, async () => {
    // Prepare
    const long = `<${'m'.repeat(MAX_MESSAGE_ID_CHARS)}@example.org>`;

    // Act
    const mail = await read(plain(['From: ada@example.org', `Message-ID: ${long}`, `References: <a@example.org> ${long}`]), []);

    // Assess
    expect(mail.messageId).toBe('');
    expect(mail.references).toEqual(['<a@example.org>']);
  });

  it('keeps a short thread as it is', () => {
    expect(threadReferences(['<a@x>', '<b@x>'])).toEqual(['<a@x>', '<b@x>']);
  });
});
