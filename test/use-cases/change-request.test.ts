import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../lambdas/core/errors.js';
import { sha256Hex } from '../../lambdas/core/ids.js';
import type { RequestRecord } from '../../lambdas/core/model.js';
import { submitNewVersion, withdraw, withdrawByLink } from '../../lambdas/use-cases/change-request.js';
import { brandPost, memoryPorts, NOW } from './memory-ports.js';

// What a submitter may do after submitting (lambdas/use-cases/change-request.ts), over in-memory ports: withdraw
// while nothing decided the request (by the link in the acknowledgement too), and send a new version after changes
// were requested.

const LINK_ID = 'W'.repeat(43);

async function setUp(record: RequestRecord = brandPost({ executionArn: 'arn:exec:req_memory' })) {
  const ports = memoryPorts();
  ports.requests.put(record);
  await ports.approvals.putWithdrawLink(sha256Hex(LINK_ID), record.requestId);
  return ports;
}

describe('withdraw', () => {
  it('ends an undecided request, audits it and stops its execution; a second withdrawal loses', async () => {
    // Prepare
    const ports = await setUp();

    // Act
    const first = await withdraw('req_memory', 'api', 'api', ports);
    const second = await withdraw('req_memory', 'api', 'api', ports);

    // Assess
    expect([first.won, second.won]).toEqual([true, false]);
    expect(second.request.status).toBe('withdrawn');
    expect(ports.audit.types()).toEqual(['request.withdrawn']);
    // The losing call stops the execution again (a no-op on a stopped one): it may be the retry of a call that died first.
    expect(new Set(ports.workflow.stopped)).toEqual(new Set(['arn:exec:req_memory']));
    await expect(withdraw('req_nobody', 'api', 'api', ports)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('withdrawByLink', () => {
  it('asks first, withdraws only on the confirming post, and says when it is too late', async () => {
    // Prepare
    const ports = await setUp();

    // Act
    const asked = await withdrawByLink(LINK_ID, { kind: 'view' }, ports);
    const unconfirmed = await withdrawByLink(LINK_ID, { kind: 'post', body: 'confirm=no' }, ports);
    const large = await withdrawByLink(LINK_ID, { kind: 'post', body: `confirm=withdraw&x=${'x'.repeat(70_000)}` }, ports);
    const withdrawn = await withdrawByLink(LINK_ID, { kind: 'post', body: 'confirm=withdraw' }, ports);
    const again = await withdrawByLink(LINK_ID, { kind: 'post', body: 'confirm=withdraw' }, ports);

    // Assess
    expect(asked.kind).toBe('ask');
    expect([unconfirmed, large].map((a) => (a.kind === 'refused' ? a.reason : a.kind))).toEqual(['unconfirmed', 'too-large']);
    expect(withdrawn.kind).toBe('withdrawn');
    expect(again).toMatchObject({ kind: 'too-late', status: 'withdrawn' });
    expect(ports.audit.events.map((e) => [e.type, e.actor, e.data['channel']])).toEqual([['request.withdrawn', 'ada@example.org', 'link']]);
  });

  it('finds nothing for an unknown or malformed link, and allows no other method', async () => {
    // Prepare
    const ports = await setUp();

    // Act
    const answers = await Promise.all([
      withdrawByLink('X'.repeat(43), { kind: 'view' }, ports),
      withdrawByLink('no', { kind: 'view' }, ports),
      withdrawByLink(LINK_ID, { kind: 'other' }, ports),
    ]);

    // Assess
    expect(answers.map((a) => a.kind)).toEqual(['not-found', 'not-found', 'method-not-allowed']);
  });
});

describe('submitNewVersion', () => {
  const changesRequested = () => brandPost({ status: 'changes-requested', outcome: 'changes-requested' });
  const v2 = { ...brandPost().submission, text: 'Join us on Saturday 12 December.' };

  it('starts version 2 and its workflow once per idempotency key', async () => {
    // Prepare
    const ports = await setUp(changesRequested());

    // Act
    const first = await submitNewVersion('req_memory', v2, 'key-1', NOW, ports);
    const retry = await submitNewVersion('req_memory', v2, 'key-1', NOW, ports);

    // Assess: the retry (of a call that may have died before its event or its start) writes nothing twice
    expect(first).toEqual({ requestId: 'req_memory', version: 2, created: true });
    expect(retry).toEqual({ requestId: 'req_memory', version: 2, created: false });
    expect(new Set(ports.workflow.started.map((s) => JSON.stringify(s)))).toEqual(
      new Set([JSON.stringify({ name: 'req_memory-v2', input: { requestId: 'req_memory', version: 2 } })]),
    );
    expect(ports.audit.types()).toEqual(['request.version']);
  });

  it('refuses another submitter, and a request whose changes were not requested', async () => {
    // Prepare
    const ports = await setUp(changesRequested());
    const other = await setUp();

    // Act
    const wrongSubmitter = submitNewVersion('req_memory', { ...v2, submitter: 'bob@example.org' }, 'key-1', NOW, ports);
    const notAsked = submitNewVersion('req_memory', v2, 'key-1', NOW, other);

    // Assess
    await expect(wrongSubmitter).rejects.toBeInstanceOf(ValidationError);
    await expect(notAsked).rejects.toBeInstanceOf(ConflictError);
    expect(ports.workflow.started).toEqual([]);
  });
});
