import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../bin/audit.js';
import { requestIdFor } from '../../../lambdas/core/ids.js';
import { Stack, waitFor } from '../../e2e/stack.js';

// Issue #11, CSV injection (OWASP): an outsider chooses the From of a mail, and a refused mail is audited with that
// address as its actor. Exported as CSV, the actor became a cell beginning with "=", which a spreadsheet runs as a
// formula. Driven from outside: the mail over SMTP, the export over HTTP with the auditor token, the check with
// `npm run audit -- verify` on the file as downloaded.

const AUDITOR_TOKEN = 'e2e-auditor-token-0123456789';
// Each a valid address (RFC 5322 atext: = + - ' | ! / are allowed unquoted), each beginning with a formula character.
const OUTSIDERS = ["=2+3+cmd|'/Ccalc'!A0@evil.example", '+1+1@evil.example', "-2+3+cmd|'/Ccalc'!A0@evil.example"];

let stack: Stack;
const work = mkdtempSync(join(tmpdir(), 'signoff-e2e-csv-'));

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

beforeAll(async () => {
  stack = await Stack.start({ SIGNOFF_AUDITOR_TOKEN: AUDITOR_TOKEN });
});
afterAll(async () => {
  await stack.dispose();
  rmSync(work, { recursive: true, force: true });
});

/** GET /v1/audit/export as CSV, following `Link: rel="next"`; the pages joined are the file. */
async function exportCsv(requestId: string): Promise<string> {
  let url: string | undefined = `${stack.baseUrl}/v1/audit/export?${new URLSearchParams({ requestId, format: 'csv' }).toString()}`;
  let body = '';
  while (url !== undefined) {
    const res: Response = await fetch(url, { headers: { authorization: `Bearer ${AUDITOR_TOKEN}` } });
    expect(res.status).toBe(200);
    body += await res.text();
    url = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
  }
  return body;
}

describe('an outsider whose address begins with a formula character', () => {
  it.each(OUTSIDERS)('%s: the CSV export has no cell a spreadsheet would run, and verifies', async (from) => {
    // Prepare: a mail from outside the directory is dropped and audited with its sender as the actor
    const messageId = `<csv-${Date.now()}-${Math.random().toString(36).slice(2)}@evil.example>`;
    const raw = [
      `From: ${from}`,
      'To: submit+physics-x@example.org',
      'Subject: Hello',
      `Message-ID: ${messageId}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Please post this.',
      '',
    ].join('\r\n');
    const smtp = createTransport({ host: '127.0.0.1', port: stack.smtpPort, secure: false, ignoreTLS: true });
    await smtp.sendMail({ envelope: { from: 'mallory@evil.example', to: ['submit+physics-x@example.org'] }, raw });
    smtp.close();
    const requestId = requestIdFor('mail', messageId);
    const audit = await waitFor('the refusal in the audit trail', () => stack.audit(requestId));
    expect(audit.events[0]).toMatchObject({ type: 'mail.rejected', actor: from.toLowerCase() });

    // Act
    const csv = await exportCsv(requestId);
    const path = join(work, `${requestId}.csv`);
    writeFileSync(path, csv);
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await main(['verify', path], { stdout, stderr, env: { SIGNOFF_DATA_DIR: stack.dataDir } });

    // Assess: no cell begins with = + - @ tab or CR; the actor is there behind a quote; the file verifies
    const rows = parse(csv, { relax_column_count: true }) as string[][];
    const risky = rows.flat().filter((cell) => /^[=+\-@\t\r]/u.test(cell));
    expect(risky).toEqual([]);
    expect(rows.flat()).toContain(`'${from.toLowerCase()}`);
    expect(code, `${stdout.text}${stderr.text}`).toBe(0);
  });
});
