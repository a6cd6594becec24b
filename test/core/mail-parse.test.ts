import { describe, expect, it } from 'vitest';
import {
  addressSigns,
  fromProblem,
  MAX_MESSAGE_ID_CHARS,
  MAX_MIME_PARTS,
  MAX_REFERENCES,
  mimeCensus,
  parseInboundMail,
  threadReferences,
  topHeaderFields,
} from '../../lambdas/core/mail/mail-parse.js';

// Raw MIME read before and beside mailparser: the count of parts, the header fields as written, and whether the
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

describe('mimeCensus', () => {
  it('counts every MIME part, the message itself included, and reads the Message-ID as mailparser writes it', async () => {
    // Act
    const census = await mimeCensus(multipart(3, ['From: ada@example.org', 'Message-ID:   parts@example.org ']));

    // Assess
    expect(census).toEqual({ parts: 5, exceeded: undefined, messageId: '<parts@example.org>' });
  });

  it('allows exactly the limit and refuses one part more', async () => {
    // Act: the message, its body and attachments up to the limit; then one attachment more
    const at = await mimeCensus(multipart(MAX_MIME_PARTS - 2));
    const over = await mimeCensus(multipart(MAX_MIME_PARTS - 1));

    // Assess
    expect(at).toMatchObject({ parts: MAX_MIME_PARTS, exceeded: undefined });
    expect(over).toMatchObject({ parts: MAX_MIME_PARTS + 1, exceeded: 'parts', messageId: '<parts@example.org>' });
  });

  it('stops at the first part over the limit: 20,000 parts cost about what 101 do', async () => {
    // Prepare
    const huge = multipart(20_000);

    // Act
    const started = performance.now();
    const census = await mimeCensus(huge);
    const elapsed = performance.now() - started;

    // Assess: it stopped counting, and well before a full parse (which takes seconds for this mail)
    expect(census).toMatchObject({ parts: MAX_MIME_PARTS + 1, exceeded: 'parts' });
    expect(elapsed).toBeLessThan(500);
  });

  it('counts parts nested in multiparts and attached messages', async () => {
    // Prepare: mixed → (alternative → text, html), message/rfc822 → text
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
        'From: bob@example.org',
        'Subject: fwd',
        '',
        'Forwarded',
        '--outer--',
      ].join('\r\n'),
    );

    // Act
    const census = await mimeCensus(raw);

    // Assess: mixed, alternative, text, html, and the attached message
    expect(census.parts).toBe(5);
    expect(census.exceeded).toBeUndefined();
  });

  it('counts a mail that is no MIME at all as one part, and one without a Message-ID as having none', async () => {
    // Act
    const census = await mimeCensus(Buffer.from('just some bytes\r\nwithout headers'));

    // Assess
    expect(census.exceeded).toBeUndefined();
    expect(census.messageId).toBeUndefined();
  });

  it('refuses a header block over the splitter bound (1 MiB)', async () => {
    // Act
    const census = await mimeCensus(plain(['From: ada@example.org', `X-Padding: ${'a'.repeat(1_100_000)}`]));

    // Assess
    expect(census.exceeded).toBe('header');
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

  it('stays linear on long, unbalanced input', () => {
    const started = performance.now();
    expect(addressSigns(`${'("'.repeat(200_000)}@`)).toBe(0);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('fromProblem and parseInboundMail', () => {
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
    const mail = await parseInboundMail(raw, ['submit+physics-x@example.org']);

    // Assess
    expect(mail.fromProblem).toBe(problem);
    expect(mail.from).toBe(from);
  });

  it('judges the raw fields and the parsed value together', () => {
    expect(
      fromProblem([{ name: 'From', value: 'ada@example.org' }], { value: [{ address: 'ada@example.org', name: '' }], html: '', text: '' }),
    ).toBeUndefined();
    expect(fromProblem([{ name: 'From', value: 'ada@example.org' }], undefined)).toBe('the From header is not one plain address');
  });
});

describe('the thread a mail names (issue #13, found by the fuzz pass)', () => {
  it('keeps the first and the latest 49 of 5,000 references, each a request looked up and kept with the request', async () => {
    // Prepare
    const references = Array.from({ length: 5_000 }, (_, i) => `<r${i}@example.org>`);

    // Act
    const mail = await parseInboundMail(
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
    const mail = await parseInboundMail(plain(['From: ada@example.org', `Message-ID: ${long}`, `References: <a@example.org> ${long}`]), []);

    // Assess
    expect(mail.messageId).toBe('');
    expect(mail.references).toEqual(['<a@example.org>']);
  });

  it('keeps a short thread as it is', () => {
    expect(threadReferences(['<a@x>', '<b@x>'])).toEqual(['<a@x>', '<b@x>']);
  });
});
