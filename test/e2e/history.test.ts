import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack, decide, reviewLink, samplePost, waitFor } from './stack.js';

// History does not weigh on a start (issue #13): once requests have ended, their executions are archived and their
// journals gone, so a restart reads only the journals of unfinished ones, and the Step Functions API still answers
// for the ended ones from the archive; the outbox opens by its index. Bench/history.ts measures what this saves.

let stack: Stack;
beforeAll(async () => {
  stack = await Stack.start();
});
afterAll(async () => {
  await stack.dispose();
});

async function approved(title: string): Promise<string> {
  const res = await stack.submit(samplePost({ title }));
  const { requestId } = (await res.json()) as { requestId: string };
  await decide(reviewLink(await stack.mailTo('grace@example.org', title)), 'approve');
  await decide(reviewLink(await stack.mailTo('carl@example.org', title)), 'approve');
  await stack.waitForStatus(requestId, 'approved');
  await stack.mailTo('ada@example.org', `approved: ${title}`);
  return requestId;
}

describe('a restart after requests have ended', () => {
  it('reads no journal of an ended execution, and still answers DescribeExecution and GetExecutionHistory for it', async () => {
    // Prepare: two requests end, a third waits for its supervisor
    const ended = [await approved('Ended one'), await approved('Ended two')];
    const waiting = (await (await stack.submit(samplePost({ title: 'Still waiting' }))).json()) as { requestId: string };
    await stack.mailTo('grace@example.org', 'Still waiting');
    const arn = (id: string) => `arn:aws:states:us-east-1:000000000000:execution:signoff-approval:${id}`;
    const sfn = () => new SFNClient({ endpoint: stack.sfnEndpoint(), region: 'us-east-1', credentials: stack.awsCredentials() });
    await waitFor('the ended executions to be archived', async () => {
      const journals = readdirSync(join(stack.dataDir, 'executions')).filter((f) => f.endsWith('.jsonl'));
      return journals.length === 1 ? journals : undefined;
    });
    const before = sfn();
    const described = await before.send(new DescribeExecutionCommand({ executionArn: arn(ended[0] ?? '') }));
    const history = await before.send(new GetExecutionHistoryCommand({ executionArn: arn(ended[0] ?? '') }));
    before.destroy();
    const mailsBefore = await stack.outbox();

    // Act
    await stack.restart('SIGKILL');
    const after = sfn();
    const describedAfter = await after.send(new DescribeExecutionCommand({ executionArn: arn(ended[0] ?? '') }));
    const historyAfter = await after.send(new GetExecutionHistoryCommand({ executionArn: arn(ended[0] ?? '') }));
    const startAgain = await after
      .send(new StartExecutionCommand({ stateMachineArn: described.stateMachineArn, name: ended[1], input: described.input }))
      .then(
        () => 'started',
        (error: unknown) => (error instanceof Error ? error.name : String(error)),
      );
    after.destroy();

    // Assess
    expect(stack.output).toContain('Resumed          1 unfinished execution(s)');
    expect(readdirSync(join(stack.dataDir, 'executions')).filter((f) => f.endsWith('.jsonl'))).toEqual([`${waiting.requestId}.jsonl`]);
    expect(describedAfter).toMatchObject({ status: 'SUCCEEDED', name: ended[0], output: described.output, stopDate: described.stopDate });
    expect(historyAfter.events?.map((e) => e.type)).toEqual(history.events?.map((e) => e.type));
    expect(historyAfter.events?.length).toBeGreaterThan(10);
    expect(startAgain).toBe('ExecutionAlreadyExists');
    expect(existsSync(join(stack.dataDir, 'outbox.jsonl.idx'))).toBe(true);
    expect((await stack.outbox()).map((m) => m.id)).toEqual(mailsBefore.map((m) => m.id));
  });
});
