import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import dynalite from 'dynalite';
import sesLocal from 'aws-ses-v2-local';
import { getStoreReadonly } from 'aws-ses-v2-local/dist/store.js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { mailer } from '../../lambdas/adapters/mail.js';
import { oneKeyTable } from './one-key-table.js';
import {
  FaultEndpoint,
  FaultInjector,
  SERVICE_FAULTS,
  faultPlanOf,
  faultResponse,
  operationOf,
  type FaultPlan,
  type FaultService,
} from '../../local/faults.js';
import { closeServer, listenLoopback } from '../../local/net.js';
import { newLocalCredentials } from '../../local/settings.js';
import { requireSigV4 } from '../../local/signed-endpoint.js';

// The fault injector of the local runtime (SIGNOFF_LOCAL_FAULTS, issue #13): its plan, its draws (seeded, so every
// figure here is exact), its window, the errors it answers in each service's own shape, and what the real AWS SDK
// makes of them in front of the real stand-ins: it retries, and the failed attempt never reached the store or the outbox.

const REGION = 'us-east-1';
const credentials = newLocalCredentials();

function plan(overrides: Partial<FaultPlan> = {}): FaultPlan {
  return { rates: { dynamodb: 0.25, ses: 0.25, states: 0.25 }, taskTimedOut: 0, windowMs: undefined, seed: 1, ...overrides };
}

/** An injector that logs into `lines`, on a clock the test moves. */
function injector(p: FaultPlan, clock = { now: 1_000_000 }, lines: string[] = []): FaultInjector {
  return new FaultInjector(p, { now: () => clock.now, log: (line) => lines.push(line) });
}

const live: FaultInjector[] = [];
afterEach(() => {
  for (const i of live.splice(0)) i.stop();
});
function started(i: FaultInjector): FaultInjector {
  i.start();
  live.push(i);
  return i;
}

describe('SIGNOFF_LOCAL_FAULTS', () => {
  it('gives shares per service, the TaskTimedOut race, a window in seconds and a seed', () => {
    expect(faultPlanOf('dynamodb:0.25,ses:0.3,states:0.2,task-timed-out:0.5,for:20,seed:7')).toEqual({
      rates: { dynamodb: 0.25, ses: 0.3, states: 0.2 },
      taskTimedOut: 0.5,
      windowMs: 20_000,
      seed: 7,
    });
  });

  it('leaves a service it does not name alone, lasts until stopped without a window, and draws a seed when none is given', () => {
    expect(faultPlanOf(' ses:1 ', () => 42)).toEqual({
      rates: { dynamodb: 0, ses: 1, states: 0 },
      taskTimedOut: 0,
      windowMs: undefined,
      seed: 42,
    });
    expect(faultPlanOf(undefined)).toBeUndefined();
    expect(faultPlanOf('')).toBeUndefined();
  });

  it('names the variable and every bad item', () => {
    expect(() => faultPlanOf('dynamodb:1.5,sqs:0.1,for:0,seed:-1,ses,states:0.1,states:0.2')).toThrow(
      'SIGNOFF_LOCAL_FAULTS: dynamodb must be a share from 0 to 1 (got 1.5); unknown key "sqs" (known: dynamodb, ses, states, task-timed-out, for, seed); ' +
        'for must be a number of seconds above 0 (got 0); seed must be an integer from 0 to 4294967295 (got -1); "ses" is not key:number; states is given twice',
    );
  });
});

describe('the injector', () => {
  const decisions = (i: FaultInjector, service: FaultService, n: number) =>
    Array.from({ length: n }, () => {
      const d = i.decide(service, 'PutItem');
      return d.kind === 'fail' ? d.fault.type : d.kind;
    });

  it('draws the same faults for the same seed, and others for another', () => {
    const a = decisions(started(injector(plan({ seed: 7 }))), 'dynamodb', 200);
    const b = decisions(started(injector(plan({ seed: 7 }))), 'dynamodb', 200);
    const c = decisions(started(injector(plan({ seed: 8 }))), 'dynamodb', 200);

    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('fails each service its share of calls, three in four of them throttled, with its own errors', () => {
    const i = started(injector(plan({ rates: { dynamodb: 0.25, ses: 0.3, states: 0.2 }, seed: 13 })));
    const n = 20_000;

    const seen = Object.fromEntries((['dynamodb', 'ses', 'states'] as const).map((s) => [s, decisions(i, s, n)]));

    const share = (s: string, type?: string) => (seen[s] ?? []).filter((d) => (type === undefined ? d !== 'pass' : d === type)).length / n;
    expect(share('dynamodb')).toBeCloseTo(0.25, 2);
    expect(share('ses')).toBeCloseTo(0.3, 2);
    expect(share('states')).toBeCloseTo(0.2, 2);
    expect(share('dynamodb', 'ProvisionedThroughputExceededException') + share('dynamodb', 'ThrottlingException')).toBeCloseTo(
      0.75 * 0.25,
      2,
    );
    expect(share('dynamodb', 'InternalServerError')).toBeCloseTo(0.25 * 0.25, 2);
    expect(share('ses', 'TooManyRequestsException')).toBeCloseTo(0.75 * 0.3, 2);
    expect(share('ses', 'InternalFailure')).toBeCloseTo(0.25 * 0.3, 2);
    expect(share('states', 'ThrottlingException')).toBeCloseTo(0.75 * 0.2, 2);
    expect(share('states', 'ServiceUnavailable')).toBeCloseTo(0.25 * 0.2, 2);
    const tally = i.tally();
    expect(tally.services['dynamodb']).toMatchObject({ calls: n, failed: Math.round(share('dynamodb') * n) });
  });

  it('races the given share of the SendTaskSuccess calls it did not fail, and no other call', () => {
    const i = started(injector(plan({ rates: { dynamodb: 0, ses: 0, states: 0.25 }, taskTimedOut: 0.4, seed: 5 })));

    const success = Array.from({ length: 10_000 }, () => i.decide('states', 'SendTaskSuccess').kind);
    const start = Array.from({ length: 1_000 }, () => i.decide('states', 'StartExecution').kind);

    const count = (kinds: string[], kind: string) => kinds.filter((k) => k === kind).length;
    expect(count(success, 'fail') / 10_000).toBeCloseTo(0.25, 1);
    expect(count(success, 'task-timed-out') / (10_000 - count(success, 'fail'))).toBeCloseTo(0.4, 1);
    expect(count(start, 'task-timed-out')).toBe(0);
  });

  it("draws each service's faults apart: one service's traffic does not change another's", () => {
    const alone = started(injector(plan({ seed: 3 })));
    const mixed = started(injector(plan({ seed: 3 })));

    const sesAlone = decisions(alone, 'ses', 100);
    decisions(mixed, 'dynamodb', 57);
    const sesMixed = decisions(mixed, 'ses', 100);

    expect(sesMixed).toEqual(sesAlone);
  });

  it('injects nothing before it is started or after its window, nor into a service it does not know, and counts only what it saw', () => {
    const clock = { now: 1_000_000 };
    const lines: string[] = [];
    const i = injector(plan({ rates: { dynamodb: 1, ses: 1, states: 1 }, windowMs: 20_000, seed: 9 }), clock, lines);

    const before = i.decide('dynamodb', 'GetItem').kind;
    i.start();
    live.push(i);
    const during = [i.decide('dynamodb', 'GetItem').kind, i.decide('kms', 'Sign').kind];
    clock.now += 19_999;
    const last = i.decide('ses', 'SendEmail').kind;
    clock.now += 1;
    const after = i.decide('dynamodb', 'GetItem').kind;

    expect([before, ...during, last, after]).toEqual(['pass', 'fail', 'pass', 'fail', 'pass']);
    expect(i.on).toBe(false);
    const tally = i.tally();
    expect(tally.services['dynamodb']?.operations).toEqual({ GetItem: { calls: 1, failed: { [failedType(i, 'dynamodb')]: 1 } } });
    expect(tally.services['ses']).toMatchObject({ calls: 1, failed: 1 });
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      level: 'WARN',
      message: 'local faults on',
      seed: 9,
      rates: { dynamodb: 1, ses: 1, states: 1 },
      forSeconds: 20,
    });
  });

  it('logs its counts when its window closes, per service and operation', async () => {
    const lines: string[] = [];
    const i = new FaultInjector(plan({ rates: { dynamodb: 1, ses: 0, states: 0 }, windowMs: 30, seed: 2 }), { log: (l) => lines.push(l) });
    i.start();
    i.decide('dynamodb', 'PutItem');
    i.decide('dynamodb', 'PutItem');
    i.decide('ses', 'SendEmail');

    await untilTrue(() => lines.some((l) => l.includes('local faults off')));

    const closed = JSON.parse(lines.find((l) => l.includes('local faults off')) ?? '{}') as { services: unknown; on: boolean };
    expect(closed.on).toBe(false);
    expect(closed.services).toMatchObject({
      dynamodb: { calls: 2, failed: 2 },
      ses: { calls: 1, failed: 0, operations: { SendEmail: { calls: 1, failed: {} } } },
      states: { calls: 0, failed: 0, operations: {} },
    });
  });
});

/** The type of the one fault the injector counted for a service. */
function failedType(i: FaultInjector, service: FaultService): string {
  const failed = Object.values(i.tally().services[service]?.operations ?? {}).flatMap((t) => Object.keys(t.failed));
  return failed[0] ?? 'none';
}

/** The pause between two checks of a condition (not a wait for the condition itself). */
const pollInterval = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
async function untilTrue(probe: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !probe(); i++) await pollInterval(5);
  if (!probe()) throw new Error('condition never held');
}

describe('the answers, in each protocol', () => {
  it("answers JSON 1.0 (DynamoDB, Step Functions) with the service's __type and status", () => {
    const [throughput, , , internal] = SERVICE_FAULTS.dynamodb;
    if (throughput === undefined || internal === undefined) throw new Error('the DynamoDB faults changed');

    const throttled = faultResponse('json', throughput, 'req-1');
    const failed = faultResponse('json', internal, 'req-2');

    expect(throttled).toEqual({
      status: 400,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'req-1' },
      body: JSON.stringify({
        __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
        message:
          'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
      }),
    });
    expect(failed.status).toBe(500);
    expect(JSON.parse(failed.body)).toEqual({
      __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
      message: 'Internal server error',
    });
  });

  it('answers REST JSON (SES v2) with x-amzn-ErrorType, and throttling as 429', () => {
    const [tooMany] = SERVICE_FAULTS.ses;
    if (tooMany === undefined) throw new Error('the SES faults changed');

    expect(faultResponse('rest-json', tooMany, 'req-3')).toEqual({
      status: 429,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'TooManyRequestsException', 'x-amzn-requestid': 'req-3' },
      body: JSON.stringify({ message: 'Maximum sending rate exceeded.' }),
    });
  });

  it('names the operation from X-Amz-Target, or from SES v2 route', () => {
    expect(operationOf({ protocol: 'json', method: 'POST', path: '/', target: 'DynamoDB_20120810.PutItem' })).toBe('PutItem');
    expect(operationOf({ protocol: 'json', method: 'POST', path: '/', target: 'AWSStepFunctions.SendTaskSuccess' })).toBe(
      'SendTaskSuccess',
    );
    expect(operationOf({ protocol: 'rest-json', method: 'POST', path: '/v2/email/outbound-emails', target: undefined })).toBe('SendEmail');
    expect(operationOf({ protocol: 'rest-json', method: 'GET', path: '/v2/email/templates/x', target: undefined })).toBe(
      'GET /v2/email/templates',
    );
  });
});

describe('the AWS SDK in front of a faulty stand-in', () => {
  const dir = mkdtempSync(join(tmpdir(), 'signoff-faults-'));
  const servers: Server[] = [];
  const clients: Array<{ destroy(): void }> = [];

  afterAll(async () => {
    for (const c of clients) c.destroy();
    for (const s of servers) await closeServer(s);
    rmSync(dir, { recursive: true, force: true });
  });

  /** dynalite behind the signature check and the given faults, with one table; its endpoint. */
  async function faultyDynamo(p: FaultPlan, maxAttempts?: number): Promise<{ client: DynamoDBClient; injector: FaultInjector }> {
    const i = new FaultInjector(p, { log: () => undefined });
    const server = dynalite({ path: mkdtempSync(join(dir, 'dynamo-')), createTableMs: 0 });
    requireSigV4(server, {
      credentials,
      region: REGION,
      service: 'dynamodb',
      protocol: 'json',
      maxBodyBytes: 1 << 20,
      faults: new FaultEndpoint(i),
    });
    servers.push(server);
    const endpoint = `http://127.0.0.1:${await listenLoopback(server, 0)}`;
    const client = new DynamoDBClient({ endpoint, region: REGION, credentials, ...(maxAttempts === undefined ? {} : { maxAttempts }) });
    clients.push(client);
    await oneKeyTable(client, 'claims');
    // The faults start once the table is there, as the stack starts them once it is ready.
    started(i);
    return { client, injector: i };
  }

  const claim = (pk: string) =>
    new PutItemCommand({ TableName: 'claims', Item: { pk: { S: pk } }, ConditionExpression: 'attribute_not_exists(pk)' });

  it.each([
    // Seeds whose first PutItem draw fails with the named error and whose second passes.
    { seed: 7, error: 'ProvisionedThroughputExceededException' },
    { seed: 18, error: 'ThrottlingException' },
    { seed: 39, error: 'InternalServerError' },
  ])(
    'DynamoDB: a conditional put failed with $error is retried by the SDK and succeeds once, the failed attempt never applied',
    async ({ seed, error }) => {
      const { client, injector: i } = await faultyDynamo(plan({ rates: { dynamodb: 0.5, ses: 0, states: 0 }, seed }));

      const out = await client.send(claim(`claim-${seed}`));
      const stored = await client.send(
        new GetItemCommand({ TableName: 'claims', Key: { pk: { S: `claim-${seed}` } }, ConsistentRead: true }),
      );

      // Two attempts: the second's condition held, so the first (failed) one wrote nothing.
      expect(out.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 2 });
      expect(stored.Item).toEqual({ pk: { S: `claim-${seed}` } });
      expect(i.tally().services['dynamodb']?.operations['PutItem']).toEqual({ calls: 2, failed: { [error]: 1 } });
    },
  );

  it('DynamoDB: a put failed on every attempt raises the error by name once the SDK gives up, and stores nothing', async () => {
    // Prepare: every call fails; a client allowed two attempts (the default here is four, most of a second apart)
    const { client, injector: i } = await faultyDynamo(plan({ rates: { dynamodb: 1, ses: 0, states: 0 }, seed: 11 }), 2);

    // Act
    const error = await client.send(claim('never')).catch((e: unknown) => e);
    i.stop();
    const stored = await client.send(new GetItemCommand({ TableName: 'claims', Key: { pk: { S: 'never' } }, ConsistentRead: true }));

    // Assess
    expect(error).toBeInstanceOf(Error);
    const { name, $metadata } = error as Error & { $metadata: { httpStatusCode: number; attempts: number } };
    const failed = i.tally().services['dynamodb']?.operations['PutItem'];
    expect(failed?.calls).toBe(2);
    expect($metadata.attempts).toBe(2);
    // The error raised is the last one answered, by name and status.
    expect(Object.keys(failed?.failed ?? {})).toContain(name);
    expect($metadata.httpStatusCode).toBe(name === 'InternalServerError' ? 500 : 400);
    expect(stored.Item).toBeUndefined();
  });

  it.each([
    { seed: 4, error: 'TooManyRequestsException', status: 429 },
    { seed: 14, error: 'InternalFailure', status: 500 },
  ])(
    'SES: a SendEmail failed with $error ($status) is retried by the SDK, through the handlers’ own mailer, and sent once',
    async ({ seed, error }) => {
      // Prepare: aws-ses-v2-local behind the signature check and the faults
      const i = new FaultInjector(plan({ rates: { dynamodb: 0, ses: 0.5, states: 0 }, seed }), { log: () => undefined });
      const start: typeof sesLocal.default = typeof sesLocal === 'function' ? sesLocal : sesLocal.default;
      const server: Server = await start({ host: '127.0.0.1', port: 0 });
      servers.push(server);
      requireSigV4(server, {
        credentials,
        region: REGION,
        service: 'ses',
        protocol: 'rest-json',
        maxBodyBytes: 1 << 20,
        faults: new FaultEndpoint(i),
      });
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      const client = new SESv2Client({ endpoint: `http://127.0.0.1:${port}`, region: REGION, credentials });
      clients.push(client);
      started(i);
      const subject = `Faults ${seed}`;
      const before = getStoreReadonly().emails.filter((e) => e.subject === subject).length;

      // Act
      const messageId = await mailer(client).sendMail({
        from: 'signoff@example.org',
        to: ['ada@example.org'],
        subject,
        text: 'hello',
        html: '<p>hello</p>',
      });

      // Assess
      expect(messageId).not.toBe('');
      expect(getStoreReadonly().emails.filter((e) => e.subject === subject).length - before).toBe(1);
      expect(i.tally().services['ses']?.operations['SendEmail']).toEqual({ calls: 2, failed: { [error]: 1 } });
    },
  );

  it.each([
    { seed: 8, error: 'ThrottlingException', status: 400 },
    { seed: 7, error: 'ServiceUnavailable', status: 503 },
  ])(
    'Step Functions: a StartExecution failed with $error ($status) is retried by the SDK and reaches the service once',
    async ({ seed, error }) => {
      // Prepare: a stand-in answering StartExecution, counting what reaches it
      let reached = 0;
      const server = createServer((_req, res) => {
        reached++;
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:m:e', startDate: 0 }));
      });
      const i = new FaultInjector(plan({ rates: { dynamodb: 0, ses: 0, states: 0.5 }, seed }), { log: () => undefined });
      requireSigV4(server, {
        credentials,
        region: REGION,
        service: 'states',
        protocol: 'json',
        maxBodyBytes: 1 << 20,
        faults: new FaultEndpoint(i),
      });
      servers.push(server);
      const client = new SFNClient({ endpoint: `http://127.0.0.1:${await listenLoopback(server, 0)}`, region: REGION, credentials });
      clients.push(client);
      started(i);

      // Act
      const out = await client.send(
        new StartExecutionCommand({ stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:m', name: 'e' }),
      );

      // Assess
      expect(out.$metadata.attempts).toBe(2);
      expect(reached).toBe(1);
      expect(i.tally().services['states']?.operations['StartExecution']).toEqual({ calls: 2, failed: { [error]: 1 } });
    },
  );
});
