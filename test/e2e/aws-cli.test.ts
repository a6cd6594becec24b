import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_TIME_INDEX, tables } from '../../lambdas/adapters/tables.js';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../../local/functions.js';
import { EXECUTION_STATUSES, HISTORY_EVENT_TYPES } from '../fixtures/aws-shapes.js';
import { Stack, samplePost } from './stack.js';

// A client nobody here wrote (issue #19): the AWS CLI (Debian's awscli; `npm test` installs it when it can,
// scripts/ensure-debian-tools.sh) drives the local Step Functions API and the local DynamoDB of a running stack, signed with
// the data directory's credentials, and every answer is checked against the shape AWS documents for it (the API
// references of ListExecutions, DescribeExecution, GetExecutionHistory, SendTaskFailure, Scan and Query). The CLI
// parses what the stand-ins send with its own models: a missing field, a wrong error code or a date it cannot read
// shows here.

const INSTALL = 'the AWS CLI test needs the AWS CLI: sudo apt-get install awscli (Debian), or any `aws` on PATH';
const CALL_TIMEOUT_MS = 20_000;
const STATE_MACHINE_ARN = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:signoff-approval`;
const executionArn = (name: string) => `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:signoff-approval:${name}`;
const tableName = (envVar: string) => tables.find((t) => t.envVar === envVar)?.localName ?? '';

const ARN = /^arn:aws:states:[a-z0-9-]+:\d{12}:(execution|stateMachine):[A-Za-z0-9_:-]+$/;

/** Debian's CLI first, else any `aws` on PATH; undefined when there is none. */
function findAwsCli(): string | undefined {
  const candidates = [
    '/usr/bin/aws',
    ...(process.env['PATH'] ?? '')
      .split(delimiter)
      .filter(Boolean)
      .map((dir) => join(dir, 'aws')),
  ];
  return candidates.find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** What the CLI rendered a timestamp as: ISO 8601 text it parsed from the answer. */
function isCliDate(value: unknown): boolean {
  return (
    typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(value) && Math.abs(Date.parse(value) - Date.now()) < 3_600_000
  );
}

let stack: Stack;
let cli: string;
let home: string;
let requestId: string;
let dayOfSubmission: string;
const timings: Array<{ call: string; ms: number }> = [];

/** Runs `aws <args>` against one of the stack's endpoints, as its operator would: the local credentials, no user config. */
async function aws(endpoint: string, args: readonly string[]): Promise<CliRun> {
  const { accessKeyId, secretAccessKey } = stack.awsCredentials();
  const started = performance.now();
  const run = await new Promise<CliRun>((resolve) => {
    execFile(
      cli,
      [...args, '--endpoint-url', endpoint, '--output', 'json'],
      {
        timeout: CALL_TIMEOUT_MS,
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: process.env['HOME'] ?? home,
          AWS_ACCESS_KEY_ID: accessKeyId,
          AWS_SECRET_ACCESS_KEY: secretAccessKey,
          AWS_REGION: LOCAL_REGION,
          AWS_DEFAULT_REGION: LOCAL_REGION,
          AWS_PAGER: '',
          AWS_CONFIG_FILE: join(home, 'config'),
          AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_MAX_ATTEMPTS: '1',
        },
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({
          code,
          stdout,
          stderr: error?.killed ? `${stderr}\n(killed after ${CALL_TIMEOUT_MS} ms)` : stderr,
          ms: performance.now() - started,
        });
      },
    );
  });
  timings.push({ call: args.slice(0, 2).join(' '), ms: Math.round(run.ms) });
  return run;
}

/** The JSON of a call that must succeed; its stderr when it did not. */
async function awsJson<T>(endpoint: string, args: readonly string[]): Promise<T> {
  const run = await aws(endpoint, args);
  if (run.code !== 0) throw new Error(`aws ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

beforeAll(async () => {
  const found = findAwsCli();
  // Never skipped: a machine without the CLI fails here, saying what to install.
  if (found === undefined) throw new Error(INSTALL);
  cli = found;
  home = mkdtempSync(join(tmpdir(), 'signoff-aws-cli-'));
  // No user configuration but this: timestamps as ISO 8601 text, what CLI v2 prints by default (v1 prints epoch seconds).
  writeFileSync(join(home, 'config'), '[default]\ncli_timestamp_format = iso8601\n');
  stack = await Stack.start();
  dayOfSubmission = new Date().toISOString().slice(0, 10);
  const res = await stack.submit(samplePost({ title: 'Asked by the CLI' }));
  requestId = ((await res.json()) as { requestId: string }).requestId;
  // The execution now waits on the supervisor's callback.
  await stack.mailTo('grace@example.org', 'Asked by the CLI');
});

afterAll(async () => {
  await stack?.dispose();
  if (home !== undefined) rmSync(home, { recursive: true, force: true });
  if (timings.length > 0) process.stdout.write(`AWS CLI (${cli}) call times, ms: ${timings.map((t) => `${t.call} ${t.ms}`).join('; ')}\n`);
});

describe('the AWS CLI against the local Step Functions API', () => {
  it('lists the executions of the state machine (ListExecutions: executions[] with executionArn, stateMachineArn, name, status, startDate)', async () => {
    // Act
    const listed = await awsJson<{ executions: Array<Record<string, unknown>>; nextToken?: string }>(stack.sfnEndpoint(), [
      'stepfunctions',
      'list-executions',
      '--state-machine-arn',
      STATE_MACHINE_ARN,
    ]);

    // Assess
    expect(Array.isArray(listed.executions)).toBe(true);
    for (const execution of listed.executions) {
      expect(execution).toMatchObject({
        executionArn: expect.stringMatching(ARN),
        stateMachineArn: STATE_MACHINE_ARN,
        name: expect.any(String),
        status: expect.any(String),
      });
      expect(EXECUTION_STATUSES).toContain(execution['status']);
      expect(isCliDate(execution['startDate']), `startDate ${String(execution['startDate'])}`).toBe(true);
    }
    const ours = listed.executions.find((e) => e['name'] === requestId);
    expect(ours).toEqual({
      executionArn: executionArn(requestId),
      stateMachineArn: STATE_MACHINE_ARN,
      name: requestId,
      status: 'RUNNING',
      startDate: expect.any(String),
    });
  });

  it('describes the waiting execution (DescribeExecution: executionArn, stateMachineArn, name, status, startDate, input)', async () => {
    // Act
    const described = await awsJson<Record<string, unknown>>(stack.sfnEndpoint(), [
      'stepfunctions',
      'describe-execution',
      '--execution-arn',
      executionArn(requestId),
    ]);

    // Assess
    expect(described).toMatchObject({
      executionArn: executionArn(requestId),
      stateMachineArn: STATE_MACHINE_ARN,
      name: requestId,
      status: 'RUNNING',
      input: expect.any(String),
    });
    expect(isCliDate(described['startDate'])).toBe(true);
    expect(described['stopDate']).toBeUndefined();
    expect(JSON.parse(String(described['input']))).toMatchObject({ requestId });
  });

  it('reads its history (GetExecutionHistory: events[] with timestamp, type, id, previousEventId), a page at a time and newest first', async () => {
    // Act
    const args = ['stepfunctions', 'get-execution-history', '--execution-arn', executionArn(requestId)];
    const { events } = await awsJson<{ events: Array<Record<string, unknown>> }>(stack.sfnEndpoint(), args);
    // --page-size: the CLI asks maxResults=3 and follows nextToken to the end itself.
    const paged = await awsJson<{ events: Array<Record<string, unknown>> }>(stack.sfnEndpoint(), [...args, '--page-size', '3']);
    const newest = await awsJson<{ events: Array<Record<string, unknown>> }>(stack.sfnEndpoint(), [
      ...args,
      '--reverse-order',
      '--max-items',
      '1',
    ]);

    // Assess
    expect(events.length).toBeGreaterThan(5);
    events.forEach((event, i) => {
      expect(event).toMatchObject({ id: i + 1, previousEventId: i, type: expect.any(String), timestamp: expect.any(String) });
      expect(HISTORY_EVENT_TYPES.has(String(event['type'])), `${String(event['type'])} is a HistoryEventType`).toBe(true);
      expect(isCliDate(event['timestamp']), `timestamp ${String(event['timestamp'])}`).toBe(true);
    });
    expect(events[0]?.['type']).toBe('ExecutionStarted');
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'RequestApproval' } }),
    );
    expect(paged.events).toEqual(events);
    expect(newest.events).toEqual([events.at(-1)]);
  });

  it('refuses SendTaskFailure with a token that is not one (InvalidToken) and with an unknown one (TaskDoesNotExist); the execution waits on', async () => {
    // Act
    const malformed = await aws(stack.sfnEndpoint(), [
      'stepfunctions',
      'send-task-failure',
      '--task-token',
      'not-a-task-token',
      '--error',
      'Forged',
    ]);
    const unknown = await aws(stack.sfnEndpoint(), [
      'stepfunctions',
      'send-task-failure',
      '--task-token',
      `local1.${'A'.repeat(43)}`,
      '--error',
      'Forged',
    ]);

    // Assess
    expect(malformed.code).not.toBe(0);
    expect(malformed.stderr).toContain('An error occurred (InvalidToken) when calling the SendTaskFailure operation');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('An error occurred (TaskDoesNotExist) when calling the SendTaskFailure operation');
    expect((await stack.status(requestId)).status).toBe('awaiting-approval');
  });
});

describe('the AWS CLI against the local DynamoDB', () => {
  it('scans the requests table (Scan: Items, Count, ScannedCount)', async () => {
    // Act
    const scanned = await awsJson<{ Items: Array<Record<string, Record<string, unknown>>>; Count: number; ScannedCount: number }>(
      stack.dynamoEndpoint(),
      ['dynamodb', 'scan', '--table-name', tableName('REQUESTS_TABLE')],
    );

    // Assess
    expect(Array.isArray(scanned.Items)).toBe(true);
    expect(scanned.Count).toBe(scanned.Items.length);
    expect(scanned.ScannedCount).toBeGreaterThanOrEqual(scanned.Count);
    const ours = scanned.Items.find((item) => item['requestId']?.['S'] === requestId);
    expect(ours).toMatchObject({ requestId: { S: requestId }, status: { S: 'awaiting-approval' }, version: { N: expect.any(String) } });
  });

  it("queries the audit table's time index for the day (Query: Items, Count), in time order", async () => {
    // Act
    const queried = await awsJson<{ Items: Array<Record<string, Record<string, unknown>>>; Count: number; ScannedCount: number }>(
      stack.dynamoEndpoint(),
      [
        'dynamodb',
        'query',
        '--table-name',
        tableName('AUDIT_TABLE'),
        '--index-name',
        AUDIT_TIME_INDEX.name,
        '--key-condition-expression',
        '#day = :day',
        '--expression-attribute-names',
        JSON.stringify({ '#day': AUDIT_TIME_INDEX.partitionKey.name }),
        '--expression-attribute-values',
        JSON.stringify({ ':day': { S: dayOfSubmission } }),
      ],
    );

    // Assess
    expect(queried.Count).toBe(queried.Items.length);
    expect(queried.ScannedCount).toBe(queried.Count);
    const ours = queried.Items.filter((item) => item['requestId']?.['S'] === requestId);
    expect(ours.length).toBeGreaterThan(0);
    for (const item of queried.Items) {
      expect(item).toMatchObject({ day: { S: dayOfSubmission }, atKey: { S: expect.any(String) }, seq: { N: expect.any(String) } });
    }
    const keys = queried.Items.map((item) => String(item['atKey']?.['S']));
    expect(keys).toEqual([...keys].sort());
  });
});
