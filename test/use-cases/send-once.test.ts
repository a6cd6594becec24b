import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../lambdas/core/model.js';
import { notifySubmitter } from '../../lambdas/use-cases/notify-submitter.js';
import { recordSubmission } from '../../lambdas/use-cases/record-submission.js';
import { registerOpenedAccount } from '../../lambdas/use-cases/register-account.js';
import { sendOnce, whileLeased } from '../../lambdas/use-cases/send-once.js';
import { brandPost, directory, memoryPorts, NOW } from './memory-ports.js';

// The mails a request sends once per version (claim → send → release on failure → audit), and the three task use
// cases that send them, against in-memory ports.

const MAIL_FROM = 'signoff@example.org';
const BASE_URL = 'https://signoff.example.org';

function setUp(record: RequestRecord = brandPost()) {
  const ports = memoryPorts();
  ports.requests.put(record);
  return { ...ports, directory, mailFrom: MAIL_FROM, baseUrl: BASE_URL };
}

/** The deadline of the invocation under test: thirty seconds after NOW, as a task function's timeout gives it. */
const DEADLINE = new Date(NOW.getTime() + 30_000);
const AFTER_DEADLINE = new Date(DEADLINE.getTime() + 1);

const once = (compose = () => ({ from: MAIL_FROM, to: ['ada@example.org'], subject: 's', text: 't', html: 'h' })) => ({
  requestId: 'req_memory',
  version: 1,
  flag: 'outcomeNotified' as const,
  kind: 'outcome' as const,
  leaseUntil: DEADLINE,
  compose,
  sent: (messageId: string) => ({
    type: 'notification.sent' as const,
    actor: 'signoff',
    data: { to: 'ada@example.org', outcome: 'approved', messageId },
  }),
});

describe('sendOnce', () => {
  it('sends and audits once; a second call sends nothing', async () => {
    // Prepare
    const ports = setUp();

    // Act
    const first = await sendOnce(ports, once(), NOW);
    const second = await sendOnce(ports, once(), NOW);

    // Assess
    expect([first, second]).toEqual(['msg-1', undefined]);
    expect(ports.mail.sent).toHaveLength(1);
    expect(ports.audit.types()).toEqual(['notification.sent']);
  });

  it('gives the flag back when sending fails, so the retry sends the mail', async () => {
    // Prepare
    const ports = setUp();
    ports.mail.failures = 1;

    // Act
    const failed = sendOnce(ports, once(), NOW);
    await expect(failed).rejects.toThrow('SES is throttling');
    const retried = await sendOnce(ports, once(), NOW);

    // Assess
    expect(retried).toBe('msg-1');
    expect(ports.audit.types()).toEqual(['notification.sent']);
  });

  it('composes only when it holds the claim', async () => {
    // Prepare
    const ports = setUp();
    let composed = 0;
    const compose = () => {
      composed++;
      return { from: MAIL_FROM, to: ['ada@example.org'], subject: 's', text: 't', html: 'h' };
    };

    // Act
    await sendOnce(ports, once(compose), NOW);
    await sendOnce(ports, once(compose), NOW);

    // Assess
    expect(composed).toBe(1);
  });

  // Issue #13: a run that dies after its claim. Each case is what a task run again finds, at each point of death.
  it('while the claimant may still be sending (its lease), a retry neither sends nor gives up: SendInFlightError', async () => {
    // Prepare: a claim whose run died before sending
    const ports = setUp();
    await ports.requests.claimFlag('req_memory', 'outcomeNotified', 1, DEADLINE, NOW);

    // Act
    const retried = sendOnce(ports, once(), new Date(DEADLINE.getTime() - 1));

    // Assess
    await expect(retried).rejects.toMatchObject({ name: 'SendInFlightError' });
    expect(ports.mail.sent).toEqual([]);
  });

  it('after the lease of a claimant that died before sending, the retry sends the mail, once', async () => {
    // Prepare
    const ports = setUp();
    await ports.requests.claimFlag('req_memory', 'outcomeNotified', 1, DEADLINE, NOW);

    // Act
    const retried = await sendOnce(ports, { ...once(), leaseUntil: new Date(AFTER_DEADLINE.getTime() + 30_000) }, AFTER_DEADLINE);
    const again = await sendOnce(ports, once(), new Date(AFTER_DEADLINE.getTime() + 60_000));

    // Assess
    expect([retried, again]).toEqual(['msg-1', undefined]);
    expect(ports.mail.sent).toHaveLength(1);
    expect(ports.audit.types()).toEqual(['notification.sent']);
  });

  it('a mail sent by a run that died before auditing it is audited by the retry, once, and not sent again', async () => {
    // Prepare: claimed, sent and marked; the run ended before the audit
    const ports = setUp();
    await ports.requests.claimFlag('req_memory', 'outcomeNotified', 1, DEADLINE, NOW);
    await ports.requests.markFlagSent('req_memory', 'outcomeNotified', 1, 'msg-earlier');

    // Act
    await sendOnce(ports, once(), NOW);
    await sendOnce(ports, once(), AFTER_DEADLINE);

    // Assess
    expect(ports.mail.sent).toEqual([]);
    expect(ports.audit.events.map((e) => [e.type, e.data['messageId']])).toEqual([['notification.sent', 'msg-earlier']]);
  });
});

describe('recordSubmission', () => {
  it('ties the execution, audits the start once, and acknowledges once with a withdraw link that names the request', async () => {
    // Prepare
    const ports = setUp(
      brandPost({ status: 'checking', stages: [], thread: { messageId: '<m1@example.org>', references: ['<m0@example.org>'] } }),
    );
    const task = { requestId: 'req_memory', version: 1, executionArn: 'arn:exec:1' };

    // Act
    const first = await recordSubmission(task, ports, DEADLINE);
    await recordSubmission(task, ports, DEADLINE);

    // Assess
    expect(first).toEqual({ kind: 'brand-post' });
    expect((await ports.requests.getRequest('req_memory'))?.executionArn).toBe('arn:exec:1');
    expect(ports.audit.types()).toEqual(['workflow.started', 'notification.sent']);
    expect(ports.mail.sent).toHaveLength(1);
    expect(ports.mail.sent[0]).toMatchObject({ to: ['ada@example.org'], inReplyTo: '<m1@example.org>', references: ['<m0@example.org>'] });
    expect([...ports.approvals.withdrawLinks.values()]).toEqual(['req_memory']);
    expect(ports.mail.sent[0]?.text).toContain(`${BASE_URL}/withdraw/`);
  });
});

describe('notifySubmitter', () => {
  it('records the outcome and tells the submitter once', async () => {
    // Prepare
    const ports = setUp();
    const task = { requestId: 'req_memory', version: 1, outcome: 'approved' as const };

    // Act
    const first = await notifySubmitter(task, ports, DEADLINE);
    await notifySubmitter(task, ports, DEADLINE);

    // Assess
    expect(first).toEqual({ outcome: 'approved' });
    expect((await ports.requests.getRequest('req_memory'))?.status).toBe('approved');
    expect(ports.audit.types()).toEqual(['request.outcome', 'notification.sent']);
    expect(ports.mail.sent.map((m) => m.to)).toEqual([['ada@example.org']]);
  });

  it('sends nothing when another ending won first (a withdrawal)', async () => {
    // Prepare
    const ports = setUp(brandPost({ status: 'withdrawn', outcome: 'withdrawn' }));

    // Act
    const result = await notifySubmitter({ requestId: 'req_memory', version: 1, outcome: 'approved' }, ports, DEADLINE);

    // Assess
    expect(result).toEqual({ outcome: 'withdrawn' });
    expect(ports.mail.sent).toEqual([]);
    expect(ports.audit.events).toEqual([]);
  });
});

describe('registerOpenedAccount', () => {
  const opening = (): RequestRecord =>
    brandPost({
      kind: 'account-opening',
      status: 'approved',
      outcome: 'approved',
      stages: [],
      submission: {
        kind: 'account-opening',
        submitter: 'ada@example.org',
        platform: 'mastodon',
        handle: '@physics@example.social',
        unit: 'physics',
        title: 'Open @physics@example.social on mastodon',
        admins: ['ada@example.org', 'bob@example.org'],
        questionnaire: {},
        attestations: { smmAdmin: true, credentialStore: 'vault://physics' },
      },
    });

  it('registers the account and tells its admins and the social-media manager once', async () => {
    // Prepare
    const ports = setUp(opening());

    // Act
    const first = await registerOpenedAccount({ requestId: 'req_memory', version: 1 }, ports, DEADLINE, NOW);
    const again = await registerOpenedAccount({ requestId: 'req_memory', version: 1 }, ports, DEADLINE, NOW);

    // Assess
    expect(first.registered).toBe(true);
    expect(again).toEqual(first);
    const account = ports.accounts.find((a) => a.id === first.accountId);
    expect(account).toMatchObject({
      platform: 'mastodon',
      unit: 'physics',
      admins: ['ada', 'bob'],
      status: 'active',
      smmAdmin: true,
      openedBy: 'req_memory',
    });
    expect(ports.audit.types()).toEqual(['account.registered', 'notification.sent']);
    expect(ports.mail.sent.map((m) => m.to)).toEqual([['ada@example.org', 'bob@example.org', 'sam@example.org']]);
    expect((await ports.requests.getRequest('req_memory'))?.registration).toEqual({ accountId: first.accountId, registered: true });
  });
});

describe('whileLeased', () => {
  it('retries a failing step while the lease holds, and throws the last failure once it would not', async () => {
    // Prepare
    let calls = 0;
    const pauses: number[] = [];
    const pause = async (ms: number) => {
      pauses.push(ms);
    };
    const flaky = async () => {
      calls++;
      if (calls < 4) throw new Error(`throttled ${calls}`);
      return 'marked';
    };

    // Act
    const marked = await whileLeased(flaky, new Date(Date.now() + 60_000), pause);
    const expired = whileLeased(async () => Promise.reject(new Error('throttled')), new Date(Date.now() + 10), pause);

    // Assess
    expect(marked).toBe('marked');
    expect(pauses.slice(0, 3)).toEqual([50, 100, 200]);
    await expect(expired).rejects.toThrow('throttled');
  });
});
