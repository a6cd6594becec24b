import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { clearStore, getStoreReadonly } from 'aws-ses-v2-local/dist/store.js';
import { afterAll, describe, expect, it } from 'vitest';
import { StoredItemError } from '../../lambdas/adapters/items/stored-item.js';
import { localAuditSecrets, readAuditSecrets } from '../../local/audit-secrets.js';
import { LOCAL_REGION } from '../../local/functions.js';
import { startSes } from '../../local/outbox.js';
import { loadSettings, newLocalCredentials, readSecrets, secretsFileOf } from '../../local/settings.js';
import { Journal, type JournalEntry } from '../../local/workflow/journal.js';

// What the local runtime keeps in its data directory is parsed when read back (issue #12): what it wrote reads back
// unchanged, and a file or line of the wrong shape is a StoredItemError naming the file, the line and the field.

const work = mkdtempSync(join(tmpdir(), 'signoff-stored-files-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function refusal(act: () => unknown): StoredItemError {
  try {
    act();
  } catch (error) {
    if (error instanceof StoredItemError) return error;
    throw error;
  }
  throw new Error('expected a StoredItemError');
}

describe('secrets.json', () => {
  it('reads back what loadSettings keeps, and refuses a secret that is not a string', () => {
    // Prepare
    const dir = join(work, 'secrets');
    const settings = loadSettings({ SIGNOFF_DATA_DIR: dir, PORT: '3999', SMTP_PORT: '3998' });
    const bad = join(work, 'bad-secrets');
    mkdirSync(bad);
    writeFileSync(secretsFileOf(bad), JSON.stringify({ webhookSecret: 'whsec_x', apiToken: 12345 }));

    // Act
    const stored = readSecrets(dir);
    const error = refusal(() => readSecrets(bad));

    // Assess
    expect(stored).toEqual({
      webhookSecret: settings.webhookSecret,
      apiToken: settings.apiToken,
      tokenSecret: settings.tokenSecret,
      awsAccessKeyId: settings.credentials.accessKeyId,
      awsSecretAccessKey: settings.credentials.secretAccessKey,
    });
    expect([error.store, error.key, error.fields]).toEqual([`file ${secretsFileOf(bad)}`, '(the whole file)', ['apiToken']]);
  });
});

describe('audit-secrets.json', () => {
  it('reads back what it keeps; a value that is not a string is absent (made anew), a file that is no object is refused', () => {
    // Prepare
    const dir = join(work, 'audit');
    const kept = localAuditSecrets(dir, {});
    const odd = join(work, 'audit-odd');
    mkdirSync(odd);
    writeFileSync(join(odd, 'audit-secrets.json'), JSON.stringify({ auditKey: 7, auditorToken: 'token-kept' }));
    const broken = join(work, 'audit-broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'audit-secrets.json'), 'null');

    // Act, Assess
    expect(readAuditSecrets(dir)).toEqual({ auditKey: kept.auditKey, auditorToken: kept.auditorToken });
    expect(readAuditSecrets(odd)).toEqual({ auditorToken: 'token-kept' });
    expect(refusal(() => readAuditSecrets(broken)).fields).toEqual(['(item)']);
  });
});

describe('the workflow journal', () => {
  it('reads back every kind of entry as appended, skips a last line cut short, and refuses a line of the wrong shape', () => {
    // Prepare
    const dir = join(work, 'executions');
    mkdirSync(dir);
    const entries: JournalEntry[] = [
      { t: 'started', arn: 'arn:x', name: 'req_1', input: { requestId: 'req_1', version: 1 }, startDate: 1 },
      { t: 'task', key: 'RecordSubmission#1', ok: { next: ['a', 1, true, null] } },
      { t: 'task', key: 'RunChecks#1', error: { name: 'ConcurrentUpdateError', message: 'moved' } },
      { t: 'callback', key: 'RequestApproval#1', tokenHash: 'h', dueAt: 2 },
      { t: 'invoked', key: 'RequestApproval#1' },
      { t: 'end', status: 'FAILED', stopDate: 3, error: 'States.Timeout', cause: 'late' },
      { t: 'end', status: 'SUCCEEDED', stopDate: 4, output: null },
    ];
    const journal = new Journal(dir, 'req_1');
    for (const entry of entries) journal.append(entry);
    writeFileSync(join(dir, 'req_1.jsonl'), '{"t":"invoked","ke', { flag: 'a' });
    writeFileSync(join(dir, 'req_2.jsonl'), '{"t":"invoked","key":"A#1"}\n{"t":"callback","key":"B#1","tokenHash":"h"}\n');

    // Act
    const error = refusal(() => Journal.readAll(dir));
    rmSync(join(dir, 'req_2.jsonl'));
    const read = Journal.readAll(dir);

    // Assess
    expect([error.store, error.key, error.fields]).toEqual([`file ${join(dir, 'req_2.jsonl')}`, 'line 2', ['dueAt']]);
    expect(read).toEqual([{ name: 'req_1', entries }]);
  });
});

describe('outbox.jsonl', () => {
  it('restores every mail it kept, as sent, and refuses a line of the wrong shape', async () => {
    // Prepare: a mail sent through the local SES, kept on disk
    const dir = join(work, 'outbox');
    mkdirSync(dir);
    const credentials = newLocalCredentials();
    clearStore();
    const first = await startSes(dir, credentials);
    const ses = new SESv2Client({ endpoint: first.endpoint, region: LOCAL_REGION, credentials });
    await ses.send(
      new SendEmailCommand({
        FromEmailAddress: 'signoff@example.org',
        Destination: { ToAddresses: ['grace@example.org'], CcAddresses: ['carl@example.org'] },
        Content: {
          Simple: {
            Subject: { Data: 'Approval needed' },
            Body: { Text: { Data: 'Please review' }, Html: { Data: '<p>Please review</p>' } },
            Headers: [{ Name: 'In-Reply-To', Value: '<m1@example.org>' }],
          },
        },
      }),
    );
    const sent = await first.outbox.page(0, 10);
    const keptInMemory = getStoreReadonly().emails.length;
    await first.close();
    ses.destroy();
    const bad = join(work, 'outbox-bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'outbox.jsonl'), `${JSON.stringify({ messageId: 'm', from: 'a@example.org', subject: 's' })}\n`);

    // Act: a restart (the store starts empty)
    clearStore();
    const again = await startSes(dir, credentials);
    const restored = await again.outbox.page(0, 10);
    await again.close();
    // A crash in the middle of a write: the cut line (never acknowledged to the sender) goes, the others stay
    appendFileSync(join(dir, 'outbox.jsonl'), '{"messageId":"cut sh');
    const afterCrash = await startSes(dir, credentials);
    const survivors = await afterCrash.outbox.page(0, 10);
    await afterCrash.close();
    clearStore();
    const error = await startSes(bad, credentials).then(
      () => undefined,
      (e: unknown) => e,
    );

    // Assess
    expect(sent).toHaveLength(1);
    expect(keptInMemory).toBe(0); // on disk only: the package's own store let go of it once persisted
    expect(restored).toEqual(sent);
    expect(survivors).toEqual(sent);
    expect(readFileSync(join(dir, 'outbox.jsonl'), 'utf8').endsWith('}\n')).toBe(true);
    expect(error).toBeInstanceOf(StoredItemError);
    expect(error instanceof StoredItemError ? [error.store, error.key, error.fields] : []).toEqual([
      `file ${join(bad, 'outbox.jsonl')}`,
      'line 1',
      ['replyTo', 'destination', 'body', 'attachments', 'at'],
    ]);
  });
});
