import { readFileSync } from 'node:fs';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { StoredItemError } from '../../lambdas/adapters/items/stored-item.js';
import { parseDirectory } from '../../lambdas/core/request/directory.js';
import { account, brandPostRecord, link } from './stored-fixtures.js';

// Stored items are parsed where they are read (issue #12): an item without the shape the code relies on is refused
// with a StoredItemError naming the table, the item's key and the field, never passed on under a type it does not
// have. DynamoDB mocked: each case hands an adapter one item with one field broken.

Object.assign(process.env, {
  REQUESTS_TABLE: 'requests',
  APPROVALS_TABLE: 'approvals',
  AUDIT_TABLE: 'audit',
  ACCOUNTS_TABLE: 'accounts',
  AWS_REGION: 'eu-west-1',
});
const requests = await import('../../lambdas/adapters/requests.js');
const approvals = await import('../../lambdas/adapters/approvals.js');
const audit = (await import('../../lambdas/adapters/audit.js')).auditTable();
const registry = await import('../../lambdas/adapters/registry.js');
const { auditReader } = await import('../../lambdas/adapters/audit-store.js');

const dynamo = mockClient(DynamoDBDocumentClient);
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const directory = parseDirectory(JSON.parse(readFileSync(new URL('../../config/directory.json', import.meta.url), 'utf8')));

/** What `act` threw: a StoredItemError (anything else fails the test). */
async function refusal(act: () => Promise<unknown>): Promise<StoredItemError> {
  const error = await act().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof StoredItemError)) throw new Error(`expected a StoredItemError, got ${String(error)}`);
  return error;
}

const event = {
  requestId: 'req_1',
  seq: 1,
  at: '2026-12-05T10:00:00.000Z',
  type: 'request.submitted',
  actor: 'ada@example.org',
  data: { account: 'physics-x' },
  prevHash: '0'.repeat(64),
  hash: 'a'.repeat(64),
};

beforeEach(() => {
  dynamo.reset();
  dynamo.on(GetCommand).resolves({});
  dynamo.on(ScanCommand).resolves({ Items: [] });
  dynamo.on(QueryCommand).resolves({ Items: [] });
});

describe('the requests table', () => {
  it('refuses a finding under a rule id the catalogue does not have, naming the field', async () => {
    // Prepare
    const findings = [{ rule: 'P-ACOUNT', severity: 'block', message: 'misspelt' }];
    dynamo.on(GetCommand, { TableName: 'requests' }).resolves({ Item: { ...brandPostRecord, findings } });

    // Act
    const error = await refusal(() => requests.getRequest(brandPostRecord.requestId));

    // Assess
    expect(error.message).toContain('findings');
    expect(error.message).toContain('rule');
  });

  it("reads an older item's 'G-SEPARATION' finding (no rule of GOVERNANCE.md) as the route failure it stood for", async () => {
    // Prepare
    const legacy = {
      rule: 'G-SEPARATION',
      severity: 'block',
      message: 'No valid approval route: Ada Lovelace has no supervisor in the directory.',
    };
    dynamo
      .on(GetCommand, { TableName: 'requests' })
      .resolves({ Item: { ...brandPostRecord, findings: [...brandPostRecord.findings, legacy] } });

    // Act
    const read = await requests.getRequest(brandPostRecord.requestId);

    // Assess
    expect(read?.findings).toEqual(brandPostRecord.findings);
    expect(read?.routeFailure).toEqual({ reason: 'Ada Lovelace has no supervisor in the directory' });
  });

  it('refuses an item whose stage has an unknown decision, naming table, key and field', async () => {
    // Prepare
    const stages = [{ ...brandPostRecord.stages[0], decision: 'maybe' }];
    dynamo.on(GetCommand, { TableName: 'requests' }).resolves({ Item: { ...brandPostRecord, stages } });

    // Act
    const error = await refusal(() => requests.getRequest(brandPostRecord.requestId));

    // Assess
    expect(error.name).toBe('StoredItemError');
    expect(error.store).toBe('table requests');
    expect(error.key).toBe(`{"requestId":"${brandPostRecord.requestId}"}`);
    expect(error.fields).toEqual(['stages.0.decision']);
    expect(error.message).toMatch(
      /^stored item \{"requestId":"req_BRANDPOST\w+"\} in table requests does not have the expected shape: stages\.0\.decision: /u,
    );
  });

  it('refuses what a conditional update returns when it lacks a field (the submission)', async () => {
    const { submission: _dropped, ...withoutSubmission } = brandPostRecord;
    dynamo.on(UpdateCommand, { TableName: 'requests' }).resolves({ Attributes: withoutSubmission });
    const error = await refusal(() => requests.withdrawRequest(brandPostRecord.requestId));
    expect([error.store, error.fields]).toEqual(['table requests', ['submission']]);
  });

  it('refuses a submission of an unknown kind, and a wait token that is not a string', async () => {
    dynamo
      .on(GetCommand, { TableName: 'requests' })
      .resolves({ Item: { ...brandPostRecord, submission: { ...brandPostRecord.submission, kind: 'poll' } } });
    expect((await refusal(() => requests.getRequest(brandPostRecord.requestId))).fields).toEqual(['submission.kind']);
    dynamo.on(GetCommand, { TableName: 'requests' }).resolves({ Item: { ...brandPostRecord, waitTokens: { 0: 42 } } });
    expect((await refusal(() => requests.waitTokenOf(brandPostRecord.requestId, 0))).fields).toEqual(['waitTokens.0']);
  });

  it('names every field that is wrong at once, and never a stored value', async () => {
    dynamo
      .on(GetCommand, { TableName: 'requests' })
      .resolves({ Item: { ...brandPostRecord, version: '2', contentHash: undefined, channel: 'secret-channel-value' } });
    const error = await refusal(() => requests.getRequest(brandPostRecord.requestId));
    expect(error.fields).toEqual(['version', 'contentHash', 'channel']);
    expect(error.message).not.toContain('secret-channel-value');
  });
});

describe('the approvals table', () => {
  it('refuses a link whose approver has no e-mail address', async () => {
    dynamo.on(GetCommand, { TableName: 'approvals' }).resolves({ Item: { ...link, approver: { id: 'grace', name: 'Grace Hopper' } } });
    const error = await refusal(() => approvals.getLink('e'.repeat(64)));
    expect([error.store, error.key, error.fields]).toEqual(['table approvals', `{"pk":"link#${'e'.repeat(64)}"}`, ['approver.email']]);
  });

  it('refuses a delivery marked sent without its message id, and one in an unknown state', async () => {
    // Prepare: the delivery exists already, so the put that would start it fails
    const ref = { requestId: 'req_1', version: 1, stageIndex: 0, phase: 'requested', approverId: 'grace' } as const;
    dynamo.on(PutCommand, { TableName: 'approvals' }).rejects(conditionFailed());

    // Act, Assess
    dynamo
      .on(GetCommand, { TableName: 'approvals' })
      .resolves({ Item: { pk: 'delivery#req_1#1#0#requested#grace', state: 'sent', linkHash: 'l' } });
    expect((await refusal(() => approvals.beginDelivery(ref, 'l2', new Date(), new Date()))).fields).toEqual(['messageId']);
    dynamo.on(GetCommand, { TableName: 'approvals' }).resolves({ Item: { pk: 'delivery#req_1#1#0#requested#grace', state: 'lost' } });
    expect((await refusal(() => approvals.beginDelivery(ref, 'l2', new Date(), new Date()))).fields).toEqual(['state']);
  });

  it('refuses a withdraw link without its request, and a signed call with an unknown action', async () => {
    dynamo.on(GetCommand, { TableName: 'approvals' }).resolves({ Item: { pk: 'withdraw#w', createdAt: '2026-12-05T10:00:00.000Z' } });
    expect((await refusal(() => approvals.requestOfWithdrawLink('w'))).fields).toEqual(['requestId']);

    dynamo.on(PutCommand, { TableName: 'approvals' }).rejects(conditionFailed());
    dynamo.on(GetCommand, { TableName: 'approvals' }).resolves({
      Item: { webhookId: 'msg_1', action: 'delete', requestId: 'req_1', bodyHash: 'h', acceptedAt: '2026-12-05T10:00:00.000Z' },
    });
    const call = {
      webhookId: 'msg_1',
      action: 'withdraw',
      requestId: 'req_1',
      bodyHash: 'h',
      acceptedAt: '2026-12-05T10:00:00.000Z',
    } as const;
    const error = await refusal(() => approvals.rememberSignedCall(call, new Date('2026-12-05T10:00:00.000Z')));
    expect([error.store, error.fields]).toEqual(['table approvals', ['action']]);
  });
});

describe('the accounts table', () => {
  it('refuses an account with an unknown status, and one whose posters are not a list', async () => {
    // Prepare: seeded already
    dynamo.on(GetCommand, { TableName: 'accounts', Key: { id: '#seeded' } }).resolves({ Item: { id: '#seeded' } });
    dynamo.on(GetCommand, { TableName: 'accounts', Key: { id: account.id } }).resolves({ Item: { ...account, status: 'closed' } });
    dynamo.on(ScanCommand, { TableName: 'accounts' }).resolves({ Items: [{ id: '#seeded' }, { ...account, posters: 'ada' }] });

    // Act
    const one = await refusal(() => registry.getAccount(account.id, directory));
    const all = await refusal(() => registry.listAccounts(directory));

    // Assess
    expect([one.store, one.key, one.fields]).toEqual(['table accounts', `{"id":"${account.id}"}`, ['status']]);
    expect([all.store, all.fields]).toEqual(['table accounts', ['posters']]);
  });

  it('refuses a handle claim without the account it names', async () => {
    // Prepare: the handle's claim is there, without its accountId
    dynamo.on(ScanCommand, { TableName: 'accounts' }).resolves({ Items: [] });
    dynamo.on(PutCommand, { TableName: 'accounts' }).rejects(conditionFailed());
    dynamo
      .on(GetCommand, { TableName: 'accounts', Key: { id: '#handle#mastodon#physics@example.social' } })
      .resolves({ Item: { id: '#handle#mastodon#physics@example.social', openedBy: 'req_x', claimedAt: '2026-12-05T10:00:00.000Z' } });

    // Act
    const error = await refusal(() => registry.registerAccount(account));

    // Assess
    expect([error.key, error.fields]).toEqual(['{"id":"#handle#mastodon#physics@example.social"}', ['accountId']]);
  });
});

describe('the audit table', () => {
  it('refuses an event whose seq is not a number, and one whose data is not JSON', async () => {
    dynamo.on(QueryCommand, { TableName: 'audit' }).resolves({ Items: [{ ...event, seq: '1' }] });
    const seq = await refusal(() => audit.readAudit('req_1'));
    expect([seq.store, seq.key, seq.fields]).toEqual(['table audit', '{"requestId":"req_1","seq":"1"}', ['seq']]);

    dynamo.on(QueryCommand, { TableName: 'audit' }).resolves({ Items: [{ ...event, data: { admins: new Set(['ada']) } }] });
    expect((await refusal(() => audit.readAudit('req_1'))).fields).toEqual(['data.admins']);
  });

  it('refuses an event read for an export, and a checkpoint without its period or with a head lacking its hash', async () => {
    dynamo.on(GetCommand, { TableName: 'audit' }).resolves({ Item: { ...event, prevHash: undefined } });
    expect((await refusal(() => audit.eventAt('req_1', 1))).fields).toEqual(['prevHash']);

    const checkpoint = {
      requestId: 'checkpoint',
      seq: 100,
      kind: 'checkpoint',
      previous: '0'.repeat(64),
      at: '2026-12-05T11:00:00.000Z',
      hash: 'f'.repeat(64),
      signature: 's',
      keyId: 'k',
    };
    dynamo.on(QueryCommand, { TableName: 'audit' }).resolves({ Items: [{ ...checkpoint, heads: [] }] });
    const period = await refusal(() => audit.latestCheckpoint());
    expect([period.store, period.key, period.fields]).toEqual(['table audit', '{"requestId":"checkpoint","seq":100}', ['period']]);

    const heads = [{ requestId: 'req_1', seq: 3 }];
    dynamo
      .on(QueryCommand, { TableName: 'audit' })
      .resolves({ Items: [{ ...checkpoint, period: { from: '2026-12-05T10:00:00.000Z', to: '2026-12-05T11:00:00.000Z' }, heads }] });
    expect((await refusal(() => audit.latestCheckpoint())).fields).toEqual(['heads.0.hash']);
  });

  it("refuses an export's content when a version's submission is not plain JSON", async () => {
    const previousVersions = [
      { ...brandPostRecord.previousVersions?.[0], submission: { ...brandPostRecord.submission, tags: new Set(['a']) } },
    ];
    dynamo.on(GetCommand, { TableName: 'requests' }).resolves({ Item: { ...brandPostRecord, previousVersions } });
    const error = await refusal(() => auditReader.contents(brandPostRecord.requestId));
    expect([error.store, error.fields]).toEqual(['the requests table', ['tags']]);
  });
});
