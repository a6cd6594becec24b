import type { RequestedAccess } from './policy.js';
import type { Principal } from './principals.js';

// What a call to a local endpoint asks IAM for (issue #19): its actions, the resources' ARNs, the condition keys the
// service supplies — as the Service Authorization Reference lists them for DynamoDB, SES v2, Step Functions, Secrets
// Manager and S3's objects. One
// call may ask for several (a batch or a transaction names each table; IAM checks each). The body was read and
// signature-checked already; one that is not the JSON its API takes asks for the action on `*`, which no
// resource-scoped grant allows (the stand-in would refuse it anyway).

export interface ServiceCall {
  /** The signing name: `dynamodb`, `ses`, `states`, `secretsmanager`, `s3`. */
  readonly service: string;
  readonly method: string;
  readonly path: string;
  /** The query string, without the `?` (S3 names sub-resources there: `?tagging`, `?uploadId=…`). */
  readonly query?: string;
  /** Whether the request copies another object (S3's `x-amz-copy-source`). */
  readonly copySource?: boolean;
  readonly target: string | string[] | undefined;
  readonly body: Uint8Array;
}

export interface CallScope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** The local engine's one state machine: the resource of the task-token calls (CDK's grantTaskResponse grants them on it). */
  readonly stateMachineArn: string;
}

type Json = Record<string, unknown>;

function parse(body: Uint8Array): Json {
  try {
    const value: unknown = JSON.parse(Buffer.from(body).toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
  } catch {
    return {};
  }
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const operationOf = (target: ServiceCall['target']) => (typeof target === 'string' ? target.slice(target.indexOf('.') + 1) : '');

function dynamodb(call: ServiceCall, scope: CallScope): RequestedAccess[] {
  const operation = operationOf(call.target);
  const body = parse(call.body);
  const table = (name: unknown, index?: unknown) => {
    const n = text(name);
    if (n === undefined) return '*';
    const i = text(index);
    return `arn:${scope.partition}:dynamodb:${scope.region}:${scope.account}:table/${n}${i === undefined ? '' : `/index/${i}`}`;
  };
  const ask = (action: string, resource: string): RequestedAccess => ({ action: `dynamodb:${action}`, resource, context: {} });
  switch (operation) {
    case 'BatchGetItem':
    case 'BatchWriteItem': {
      const items = body['RequestItems'];
      const names = items !== null && typeof items === 'object' ? Object.keys(items) : [];
      return names.length === 0 ? [ask(operation, '*')] : names.map((n) => ask(operation, table(n)));
    }
    // A transaction has no action of its own: IAM checks each item's.
    case 'TransactWriteItems':
    case 'TransactGetItems': {
      const items = Array.isArray(body['TransactItems']) ? (body['TransactItems'] as unknown[]) : [];
      const asks: RequestedAccess[] = [];
      const actions: Readonly<Record<string, string>> = {
        Put: 'PutItem',
        Update: 'UpdateItem',
        Delete: 'DeleteItem',
        ConditionCheck: 'ConditionCheckItem',
        Get: 'GetItem',
      };
      for (const item of items) {
        if (item === null || typeof item !== 'object') continue;
        for (const [kind, detail] of Object.entries(item)) {
          const action = actions[kind];
          if (action !== undefined) asks.push(ask(action, table((detail as Json | null)?.['TableName'])));
        }
      }
      return asks.length === 0 ? [ask(operation, '*')] : asks;
    }
    case 'ListTables':
      return [ask(operation, '*')];
    case 'Query':
    case 'Scan':
      return [ask(operation, table(body['TableName'], body['IndexName']))];
    default:
      return [ask(operation === '' ? 'UnknownOperation' : operation, table(body['TableName']))];
  }
}

/** `"Signoff" <signoff@example.org>` → its address and display name. */
function mailbox(value: string): { address: string; displayName?: string } {
  const open = value.lastIndexOf('<');
  const close = value.lastIndexOf('>');
  if (open === -1 || close < open) return { address: value.trim() };
  const name = value.slice(0, open).trim().replace(/^"|"$/g, '');
  return { address: value.slice(open + 1, close).trim(), ...(name === '' ? {} : { displayName: name }) };
}

function ses(call: ServiceCall, scope: CallScope): RequestedAccess[] {
  const arn = (resource: string) => `arn:${scope.partition}:ses:${scope.region}:${scope.account}:${resource}`;
  if (call.method === 'POST' && call.path === '/v2/email/outbound-emails') {
    const body = parse(call.body);
    const from = mailbox(text(body['FromEmailAddress']) ?? '');
    const destination = (body['Destination'] ?? {}) as Json;
    const recipients = ['ToAddresses', 'CcAddresses', 'BccAddresses']
      .flatMap((k) => (Array.isArray(destination[k]) ? (destination[k] as unknown[]) : []))
      .filter((r): r is string => typeof r === 'string')
      .map((r) => mailbox(r).address);
    // A raw message without a Destination has its recipients in its headers, which SES reads and this does not.
    const content = body['Content'];
    const rawOnly = destination['ToAddresses'] === undefined && content !== null && typeof content === 'object' && 'Raw' in content;
    const context = {
      'ses:FromAddress': from.address,
      ...(from.displayName === undefined ? {} : { 'ses:FromDisplayName': from.displayName }),
      ...(rawOnly ? {} : { 'ses:Recipients': recipients }),
      'ses:ApiVersion': '2',
    };
    const absent = [...(from.displayName === undefined ? ['ses:FromDisplayName'] : []), 'ses:FeedbackAddress'];
    // The identity that sends: the From address's domain (an address identity would be `identity/<address>`; the local
    // runtime verifies none, as a domain-verified deployment uses none).
    const domain = from.address.slice(from.address.lastIndexOf('@') + 1);
    const asks: RequestedAccess[] = [{ action: 'ses:SendEmail', resource: arn(`identity/${domain}`), context, absent }];
    const configurationSet = text(body['ConfigurationSetName']);
    if (configurationSet !== undefined)
      asks.push({ action: 'ses:SendEmail', resource: arn(`configuration-set/${configurationSet}`), context, absent });
    return asks;
  }
  if (call.method === 'GET' && call.path === '/v2/email/account') return [{ action: 'ses:GetAccount', resource: '*', context: {} }];
  return [{ action: 'ses:UnknownOperation', resource: '*', context: {} }];
}

function states(call: ServiceCall, scope: CallScope): RequestedAccess[] {
  const operation = operationOf(call.target) || 'UnknownOperation';
  const body = parse(call.body);
  const ask = (resource: string | undefined): RequestedAccess[] => [
    { action: `states:${operation}`, resource: resource ?? '*', context: {} },
  ];
  switch (operation) {
    case 'StartExecution':
    case 'StartSyncExecution':
    case 'ListExecutions':
    case 'DescribeStateMachine':
      return ask(text(body['stateMachineArn']));
    case 'StopExecution':
    case 'DescribeExecution':
    case 'GetExecutionHistory':
    case 'DescribeStateMachineForExecution':
      return ask(text(body['executionArn']));
    case 'SendTaskSuccess':
    case 'SendTaskFailure':
    case 'SendTaskHeartbeat':
      return ask(scope.stateMachineArn);
    default:
      return ask('*');
  }
}

function secretsmanager(call: ServiceCall, scope: CallScope): RequestedAccess[] {
  const operation = operationOf(call.target) || 'UnknownOperation';
  const id = text(parse(call.body)['SecretId']);
  // A secret asked for by name is the secret of that name (its ARN ends with it and, on AWS, a random suffix).
  const resource =
    id === undefined
      ? '*'
      : id.startsWith('arn:')
        ? id
        : `arn:${scope.partition}:secretsmanager:${scope.region}:${scope.account}:secret:${id}`;
  return [{ action: `secretsmanager:${operation}`, resource, context: {} }];
}

function s3(call: ServiceCall, scope: CallScope): RequestedAccess[] {
  // Path-style, as the SDK addresses an endpoint that is an IP address: `/<bucket>/<key>`.
  const path = call.path.slice(1);
  const object = `arn:${scope.partition}:s3:::${(() => {
    try {
      return decodeURIComponent(path);
    } catch {
      return path;
    }
  })()}`;
  // HeadObject needs s3:GetObject, as on AWS. A sub-resource (tagging, ACL, retention, a version, a multipart upload) or
  // a copy is another action, which the local S3 does not serve: asked for as such, no object grant allows it.
  const plain = (call.query ?? '').split('&').every((pair) => pair === '' || pair.startsWith('x-id=')) && call.copySource !== true;
  const action = !plain
    ? 's3:UnknownOperation'
    : call.method === 'PUT'
      ? 's3:PutObject'
      : call.method === 'GET' || call.method === 'HEAD'
        ? 's3:GetObject'
        : 's3:UnknownOperation';
  return [{ action, resource: object, context: {} }];
}

/**
 * The global condition keys AWS supplies with every call of a function's role, as the deployed call would have them:
 * over TLS (the deployed SDK always uses it), in the stack's region, by the role.
 */
export function globalKeys(principal: Pick<Principal, 'roleArn'>, scope: CallScope): Record<string, string> {
  return {
    'aws:SecureTransport': 'true',
    'aws:RequestedRegion': scope.region,
    'aws:PrincipalAccount': scope.account,
    ...(principal.roleArn === undefined ? {} : { 'aws:PrincipalArn': principal.roleArn, 'aws:PrincipalType': 'AssumedRole' }),
  };
}

/** The accesses one verified call asks for. */
export function requestedAccess(call: ServiceCall, scope: CallScope): RequestedAccess[] {
  if (call.service === 'dynamodb') return dynamodb(call, scope);
  if (call.service === 'ses') return ses(call, scope);
  if (call.service === 'states') return states(call, scope);
  if (call.service === 'secretsmanager') return secretsmanager(call, scope);
  if (call.service === 's3') return s3(call, scope);
  return [{ action: `${call.service}:UnknownOperation`, resource: '*', context: {} }];
}
