import { createServer, type IncomingMessage, type Server } from 'node:http';
import { LOCAL_REGION } from '../functions.js';
import { listenLoopback } from '../net.js';
import { requireSigV4 } from '../signed-endpoint.js';
import type { Principals } from '../iam/principals.js';
import type { LocalCredentials } from '../sigv4.js';
import type { WorkflowEngine } from './engine.js';
import { pageOf } from './pages.js';
import { SfnApiError, type ExecutionStatus, type JsonValue } from './types.js';

// The Step Functions API (JSON 1.0 protocol, X-Amz-Target: AWSStepFunctions.<Action>) on loopback,
// so handlers use the ordinary SFNClient pointed here by AWS_ENDPOINT_URL_SFN. Like Step Functions, it answers only
// requests signed (SigV4) with the credentials it is given: anyone able to call SendTaskSuccess can end a wait.

const MAX_BODY = 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new SfnApiError('ValidationException', 'request too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJsonString(value: unknown, field: string): JsonValue {
  if (value === undefined) return {};
  if (typeof value !== 'string') throw new SfnApiError('InvalidExecutionInput', `${field} must be a JSON string`);
  try {
    return JSON.parse(value) as JsonValue;
  } catch {
    throw new SfnApiError(field === 'output' ? 'InvalidOutput' : 'InvalidExecutionInput', `${field} is not valid JSON`);
  }
}

type Body = Record<string, unknown>;
const str = (b: Body, k: string): string => (typeof b[k] === 'string' ? (b[k] as string) : '');

const STATUSES: readonly ExecutionStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];
const STATE_MACHINE_ARN = /^arn:aws:states:[a-z0-9-]+:[0-9]{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;

/**
 * ListExecutions as Step Functions answers it (issue #19): the executions of the state machine named, the most recent
 * first, `statusFilter` applied, a page at a time; times in epoch seconds, as the JSON protocol carries them.
 */
/** The request's `stateMachineArn`, which must be the engine's one machine (what IAM judged the call on, too). */
function ownMachine(engine: WorkflowEngine, b: Body, missing: string): string {
  const stateMachineArn = str(b, 'stateMachineArn');
  if (stateMachineArn === '') throw new SfnApiError('ValidationException', missing);
  if (!STATE_MACHINE_ARN.test(stateMachineArn)) throw new SfnApiError('InvalidArn', `Invalid Arn: '${stateMachineArn}'`);
  if (stateMachineArn !== engine.stateMachineArn)
    throw new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
  return stateMachineArn;
}

function listExecutions(engine: WorkflowEngine, b: Body) {
  if (b['mapRunArn'] !== undefined) throw new SfnApiError('ResourceNotFound', 'Resource not found: the local engine runs no Map Runs');
  const stateMachineArn = ownMachine(engine, b, 'Must provide a StateMachine ARN or a MapRun ARN');
  const statusFilter = b['statusFilter'];
  if (statusFilter !== undefined && !STATUSES.some((s) => s === statusFilter))
    throw new SfnApiError(
      'ValidationException',
      `1 validation error detected: Value '${String(statusFilter)}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [${STATUSES.join(', ')}]`,
    );
  const all = engine.listExecutions().filter((e) => statusFilter === undefined || e.status === statusFilter);
  const { items, nextToken } = pageOf('ListExecutions', all, b['maxResults'], b['nextToken']);
  return {
    executions: items.map((e) => ({
      executionArn: e.arn,
      stateMachineArn,
      name: e.name,
      status: e.status,
      startDate: e.startDate / 1000,
      ...(e.stopDate !== undefined ? { stopDate: e.stopDate / 1000 } : {}),
    })),
    ...(nextToken !== undefined ? { nextToken } : {}),
  };
}

/** GetExecutionHistory a page at a time, oldest first or (`reverseOrder`) newest first, as Step Functions pages it. */
function executionHistory(engine: WorkflowEngine, b: Body) {
  const events = engine.history(str(b, 'executionArn'));
  if (b['reverseOrder'] === true) events.reverse();
  const { items, nextToken } = pageOf('GetExecutionHistory', events, b['maxResults'], b['nextToken']);
  return { events: items, ...(nextToken !== undefined ? { nextToken } : {}) };
}

export function workflowActions(engine: WorkflowEngine): Record<string, (body: Body) => unknown> {
  return {
    StartExecution: (b) => {
      ownMachine(
        engine,
        b,
        "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null",
      );
      const { executionArn, startDate } = engine.startExecution(str(b, 'name'), parseJsonString(b['input'], 'input'));
      return { executionArn, startDate: startDate / 1000 };
    },
    DescribeExecution: (b) => engine.describeExecution(str(b, 'executionArn')),
    StopExecution: (b) => engine.stopExecution(str(b, 'executionArn'), str(b, 'error') || undefined, str(b, 'cause') || undefined),
    GetExecutionHistory: (b) => executionHistory(engine, b),
    ListExecutions: (b) => listExecutions(engine, b),
    SendTaskSuccess: (b) => {
      engine.sendTaskSuccess(str(b, 'taskToken'), parseJsonString(b['output'], 'output'));
      return {};
    },
    SendTaskFailure: (b) => {
      engine.sendTaskFailure(str(b, 'taskToken'), str(b, 'error'), str(b, 'cause'));
      return {};
    },
    SendTaskHeartbeat: (b) => {
      engine.sendTaskHeartbeat(str(b, 'taskToken'));
      return {};
    },
  };
}

export async function startWorkflowService(
  engine: WorkflowEngine,
  credentials: LocalCredentials,
  principals?: Principals,
): Promise<{ endpoint: string; server: Server }> {
  const actions = workflowActions(engine);
  const server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(body));
    };
    void (async () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const action = actions[target.replace(/^AWSStepFunctions\./, '')];
      if (req.method !== 'POST' || action === undefined) {
        send(400, { __type: 'UnknownOperationException', message: `unknown operation ${target}` });
        return;
      }
      try {
        const raw = await readBody(req);
        send(200, action(raw === '' ? {} : (JSON.parse(raw) as Body)));
      } catch (error) {
        if (error instanceof SfnApiError) send(400, { __type: error.type, message: error.message });
        else send(500, { __type: 'InternalFailure', message: error instanceof Error ? error.message : String(error) });
      }
    })();
  });
  requireSigV4(server, {
    credentials,
    principals,
    region: LOCAL_REGION,
    service: 'states',
    protocol: 'json',
    maxBodyBytes: MAX_BODY,
  });
  const port = await listenLoopback(server, 0);
  return { endpoint: `http://127.0.0.1:${port}`, server };
}
