import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SFNClient, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack, decide, reviewLink, samplePost, waitFor, type AuditBody } from '../../e2e/stack.js';

// Issue #11, finding 2, "a forged callback approves": someone holding the local AWS credentials (readable by whoever
// can read the data directory, as its operator can) takes a stage's task token from the store and calls
// SendTaskSuccess with an approval of their own making. The workflow must act only on what the store records: the
// stage stays undecided, the callback is audited as refused, nobody is told the request was approved, and the
// approver's genuine decision still counts afterwards.

let stack: Stack;
beforeAll(async () => {
  stack = await Stack.start();
});
afterAll(async () => {
  await stack.dispose();
});

const REGION = 'us-east-1';
const SUBMITTER = 'ada@example.org';

describe('SendTaskSuccess with a stolen task token and a made-up approval', () => {
  it("changes nothing but the audit trail (callback.refused); the approver's own decision still counts", async () => {
    // Prepare: a post awaiting its first stage (supervisor, then comms)
    const submitted = await stack.submit(samplePost({ title: 'Forged callback' }));
    expect(submitted.status).toBe(202);
    const { requestId } = (await submitted.json()) as { requestId: string };
    const supervisorMail = await stack.mailTo('grace@example.org', 'Forged callback');
    const before = await stack.status(requestId);
    expect(before.status).toBe('awaiting-approval');
    expect(before.stages.map((s) => s.stage)).toEqual(['supervisor', 'comms']);
    expect(before.stages[0]).toMatchObject({ status: 'pending', decision: null });

    // the attacker: the data directory's credentials, the store's copy of the waiting task's token
    const credentials = stack.awsCredentials();
    const dynamodb = new DynamoDBClient({ endpoint: stack.dynamoEndpoint(), region: REGION, credentials });
    const item = (await dynamodb.send(new GetItemCommand({ TableName: 'signoff-requests', Key: { requestId: { S: requestId } } }))).Item;
    dynamodb.destroy();
    const taskToken = item?.['waitTokens']?.M?.['0']?.S;
    expect(taskToken).toMatch(/^local1\./);
    const sfn = new SFNClient({ endpoint: stack.sfnEndpoint(), region: REGION, credentials });

    // Act: approve the stage, claiming it is the last one
    await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ decision: 'approve', stageCount: 1 }) }));
    sfn.destroy();

    // Assess: the workflow has handled the callback once it audited it, or once the request moved on
    const audited = await waitFor('the forged callback to be handled', async () => {
      const [audit, status] = await Promise.all([stack.audit(requestId), stack.status(requestId)]);
      const moved = status.status !== 'awaiting-approval' || status.stages[0]?.status !== 'pending';
      return audit.events.some((e) => e.type === 'callback.refused') || moved ? audit : undefined;
    });
    const after = await stack.status(requestId);
    expect(after.status).toBe('awaiting-approval');
    // every stage exactly as it was: the supervisor's still pending, undecided, the comms stage still ahead
    expect(after.stages).toEqual(before.stages);
    const refused = audited.events.filter((e) => e.type === 'callback.refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ actor: 'unknown', data: { stage: 'supervisor', stageIndex: 0, hint: 'success' } });
    expect(audited.events.some((e) => e.type === 'decision.recorded')).toBe(false);
    expect(audited.verification.ok).toBe(true);
    const toSubmitter = (await stack.outbox()).filter((m) => m.to.includes(SUBMITTER) && m.subject.includes('Forged callback'));
    expect(toSubmitter.map((m) => m.subject)).toEqual(['Received: Forged callback']);

    // Act: the supervisor decides through the review link mailed before the forgery
    const decided = await decide(reviewLink(supervisorMail), 'approve');

    // Assess: the genuine decision is recorded and the route goes on to comms (two stages, not the forged one)
    expect(decided.status).toBe(200);
    await stack.mailTo('carl@example.org', 'Forged callback');
    const onward = await stack.status(requestId);
    expect(onward.status).toBe('awaiting-approval');
    expect(onward.stages.map((s) => [s.stage, s.status, s.decidedBy])).toEqual([
      ['supervisor', 'approved', 'grace@example.org'],
      ['comms', 'pending', null],
    ]);
    const trail: AuditBody = await stack.audit(requestId);
    expect(trail.events.filter((e) => e.type === 'decision.recorded').map((e) => e.actor)).toEqual(['grace@example.org']);
    expect(trail.verification.ok).toBe(true);
  });
});
