import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack, decide, samplePost, type OutboxMessage } from '../../e2e/stack.js';

// Issue #11, finding 3: a submitter listed in the directory as "Ada.Lovelace@Example.org", who is also the deputy of
// her own supervisor, must not be asked to approve her own request when the supervisor stage escalates. Before the
// fix, addresses were compared as written: the escalation went to her, and her decision approved the stage.

interface Person {
  id: string;
  email: string;
  deputy?: string;
}

function directoryWithMixedCaseSubmitter(): string {
  const directory = JSON.parse(readFileSync('config/directory.json', 'utf8')) as { people: Person[] };
  for (const person of directory.people) {
    if (person.id === 'ada') person.email = 'Ada.Lovelace@Example.org';
    // Grace supervises Ada; Ada is Grace's deputy.
    if (person.id === 'grace') person.deputy = 'ada';
  }
  const path = join(mkdtempSync(join(tmpdir(), 'signoff-directory-')), 'directory.json');
  writeFileSync(path, JSON.stringify(directory));
  return path;
}

const toAda = (m: OutboxMessage) => m.to.some((to) => to.toLowerCase() === 'ada.lovelace@example.org');

describe('separation of duties compares people, not spellings (issue #11, finding 3)', () => {
  let stack: Stack;
  beforeAll(async () => {
    // 72 workflow hours in 8 real seconds: escalation after 8 s, expiry after 16 s.
    stack = await Stack.start({ SIGNOFF_DIRECTORY: directoryWithMixedCaseSubmitter(), SIGNOFF_TIME_SCALE: String(259_200 / 8) });
  });
  afterAll(async () => {
    await stack.dispose();
  });

  it('never sends the submitter a review link for her own request, and nothing she holds approves it', async () => {
    const res = await stack.submit(samplePost({ submitter: 'ada.lovelace@example.org', title: 'Own deputy' }));
    expect(res.status).toBe(202);
    const { requestId } = (await res.json()) as { requestId: string };
    await stack.mailTo('grace@example.org', 'Approval needed (Supervisor): Own deputy');

    // Wait past the escalation deadline until the stage has run its course.
    const final = await stack.waitForStatus(requestId, 'expired', 45_000);

    const toSubmitter = (await stack.outbox()).filter(toAda);
    // Any link she was sent (there should be none) must not decide her own request.
    for (const mail of toSubmitter.filter((m) => m.text.includes('/approvals/'))) {
      const link = /https?:\/\/\S+\/approvals\/[A-Za-z0-9_-]+/.exec(mail.text)?.[0] ?? '';
      expect((await decide(link, 'approve')).status).not.toBe(200);
    }
    expect(toSubmitter.filter((m) => m.subject.includes('Escalated to you'))).toEqual([]);
    expect(toSubmitter.filter((m) => m.text.includes('/approvals/'))).toEqual([]);
    expect(final.stages[0]).toMatchObject({ status: 'expired', decidedBy: null });
  }, 90_000);
});
