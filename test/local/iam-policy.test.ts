import { describe, expect, it } from 'vitest';
import { accessDeniedMessage, evaluate, wildcardMatch, type RequestedAccess, type Statement } from '../../local/iam/policy.js';
import { globalKeys, requestedAccess, type ServiceCall } from '../../local/iam/requests.js';
import { LOCAL_SCOPE } from './iam-fixture.js';

// The local IAM evaluation (issue #19): the decision for one request against a role's statements, and what each call
// to the local DynamoDB, SES and Step Functions asks for.

const TABLE = 'arn:aws:dynamodb:us-east-1:000000000000:table/signoff-requests';
const ask = (action: string, resource: string, context: RequestedAccess['context'] = {}): RequestedAccess => ({
  action,
  resource,
  context,
});

describe('wildcardMatch', () => {
  it.each([
    ['*', '', true],
    ['*', 'anything at all', true],
    ['arn:aws:states:*:execution:signoff-approval:*', 'arn:aws:states:us-east-1:000000000000:execution:signoff-approval:req-1', true],
    ['arn:aws:states:*:execution:signoff-approval:*', 'arn:aws:states:us-east-1:000000000000:stateMachine:signoff-approval', false],
    ['table/a?c', 'table/abc', true],
    ['table/a?c', 'table/ac', false],
    ['a*b*c', 'a-b-b-c', true],
    ['a*b*c', 'a-b-b-', false],
    ['exact', 'exact', true],
    ['exact', 'exactly', false],
    ['*/index/*', `${TABLE}/index/byTime`, true],
  ])('%s against %s: %s', (pattern, text, expected) => {
    expect(wildcardMatch(pattern, text)).toBe(expected);
  });

  it('keeps a star a wildcard where the text has a star', () => {
    expect(wildcardMatch('a*c', 'a*bc')).toBe(true);
    expect(wildcardMatch('exports/*', 'exports/*')).toBe(true);
  });

  it('matches actions without regard to case, as IAM does, and resources with it', () => {
    expect(wildcardMatch('dynamodb:getitem', 'dynamodb:GetItem', true)).toBe(true);
    expect(wildcardMatch('arn:aws:dynamodb:*:table/Signoff', 'arn:aws:dynamodb:x:table/signoff')).toBe(false);
  });

  it('decides a pattern of many stars against a long text that fails at the end (no exponential backtracking)', () => {
    // 50 stars against 20,000 characters: a backtracking matcher would not finish; this one takes at most |pattern| × |text| steps.
    expect(wildcardMatch(`${'a*'.repeat(50)}b`, 'a'.repeat(20_000))).toBe(false);
  });
});

describe('evaluate', () => {
  const allowGet: Statement = { effect: 'Allow', actions: ['dynamodb:GetItem', 'dynamodb:Query'], resources: [TABLE] };

  it('allows what a statement allows, and denies anything else implicitly', () => {
    expect(evaluate([allowGet], ask('dynamodb:GetItem', TABLE))).toBe('allowed');
    expect(evaluate([allowGet], ask('dynamodb:PutItem', TABLE))).toBe('implicitly-denied');
    expect(evaluate([allowGet], ask('dynamodb:Query', `${TABLE}/index/byTime`))).toBe('implicitly-denied');
    expect(evaluate([], ask('dynamodb:GetItem', TABLE))).toBe('implicitly-denied');
  });

  it('lets an explicit Deny win over any Allow, whichever comes first', () => {
    const deny: Statement = { effect: 'Deny', actions: ['dynamodb:*'], resources: ['*'] };
    expect(evaluate([allowGet, deny], ask('dynamodb:GetItem', TABLE))).toBe('explicitly-denied');
    expect(evaluate([deny, allowGet], ask('dynamodb:GetItem', TABLE))).toBe('explicitly-denied');
  });

  it('reads NotAction and NotResource as everything but', () => {
    const allButDelete: Statement = { effect: 'Allow', notActions: ['dynamodb:DeleteItem'], notResources: [`${TABLE}/index/*`] };
    expect(evaluate([allButDelete], ask('dynamodb:PutItem', TABLE))).toBe('allowed');
    expect(evaluate([allButDelete], ask('dynamodb:DeleteItem', TABLE))).toBe('implicitly-denied');
    expect(evaluate([allButDelete], ask('dynamodb:Query', `${TABLE}/index/byTime`))).toBe('implicitly-denied');
  });

  it('holds a statement to its conditions: the sender SES is told to use, as the stack grants ses:SendEmail', () => {
    const identity = 'arn:aws:ses:us-east-1:000000000000:identity/example.org';
    const send: Statement = {
      effect: 'Allow',
      actions: ['ses:SendEmail'],
      resources: [identity],
      conditions: { StringEquals: { 'ses:FromAddress': ['signoff@example.org'] } },
    };
    expect(evaluate([send], ask('ses:SendEmail', identity, { 'ses:FromAddress': 'signoff@example.org' }))).toBe('allowed');
    expect(evaluate([send], ask('ses:SendEmail', identity, { 'ses:fromaddress': 'signoff@example.org' }))).toBe('allowed');
    expect(evaluate([send], ask('ses:SendEmail', identity, { 'ses:FromAddress': 'mallory@example.org' }))).toBe('implicitly-denied');
    expect(evaluate([send], ask('ses:SendEmail', identity))).toBe('implicitly-denied');
  });

  it('treats a missing key as IAM does: no match, but a match for negated operators, IfExists and ForAllValues', () => {
    const only = (operator: string, values: string[]): Statement => ({
      effect: 'Allow',
      actions: ['*'],
      resources: ['*'],
      conditions: { [operator]: { 'ses:Recipients': values } },
    });
    // A key AWS would not supply for this call either (`absent`): missing as on AWS.
    const none: RequestedAccess = { ...ask('ses:SendEmail', '*'), absent: ['ses:Recipients'] };
    const two = ask('ses:SendEmail', '*', { 'ses:Recipients': ['a@example.org', 'b@example.org'] });
    expect(evaluate([only('StringLike', ['*@example.org'])], none)).toBe('implicitly-denied');
    expect(evaluate([only('StringNotEquals', ['a@example.org'])], none)).toBe('allowed');
    expect(evaluate([only('StringEqualsIfExists', ['a@example.org'])], none)).toBe('allowed');
    expect(evaluate([only('ForAllValues:StringLike', ['*@example.org'])], none)).toBe('allowed');
    expect(evaluate([only('ForAllValues:StringLike', ['*@example.org'])], two)).toBe('allowed');
    expect(evaluate([only('ForAllValues:StringEquals', ['a@example.org'])], two)).toBe('implicitly-denied');
    expect(evaluate([only('ForAnyValue:StringEquals', ['b@example.org'])], two)).toBe('allowed');
    expect(evaluate([only('ForAnyValue:StringEquals', ['c@example.org'])], two)).toBe('implicitly-denied');
    const nullCheck: Statement = {
      effect: 'Allow',
      actions: ['*'],
      resources: ['*'],
      conditions: { Null: { 'ses:Recipients': ['true'] } },
    };
    expect(evaluate([nullCheck], none)).toBe('allowed');
    expect(evaluate([nullCheck], two)).toBe('implicitly-denied');
  });

  it('reads what it cannot decide against the caller: an unknown operator or key makes an Allow not apply and a Deny apply', () => {
    const allowAll: Statement = { effect: 'Allow', actions: ['*'], resources: ['*'] };
    const denyUnlessNumeric: Statement = {
      effect: 'Deny',
      actions: ['*'],
      resources: ['*'],
      conditions: { NumericGreaterThan: { 'dynamodb:ReturnConsumedCapacity': ['5'] } },
    };
    const allowOnLeadingKeys: Statement = {
      effect: 'Allow',
      actions: ['dynamodb:GetItem'],
      resources: [TABLE],
      conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['req_1'] } },
    };
    const denyOffVpc: Statement = {
      effect: 'Deny',
      actions: ['*'],
      resources: ['*'],
      conditions: { StringNotEquals: { 'aws:SourceVpc': ['vpc-1'] } },
    };
    // A Deny on an operator not evaluated here applies; an Allow on a key the local call does not supply does not.
    expect(evaluate([allowAll, denyUnlessNumeric], ask('dynamodb:GetItem', TABLE))).toBe('explicitly-denied');
    expect(evaluate([allowOnLeadingKeys], ask('dynamodb:GetItem', TABLE))).toBe('implicitly-denied');
    expect(evaluate([allowAll, denyOffVpc], ask('dynamodb:GetItem', TABLE))).toBe('explicitly-denied');
    // A key known absent is judged as AWS judges it missing.
    expect(evaluate([allowAll, denyOffVpc], { ...ask('dynamodb:GetItem', TABLE), absent: ['aws:SourceVpc'] })).toBe('explicitly-denied');
    expect(evaluate([allowAll, denyOffVpc], ask('dynamodb:GetItem', TABLE, { 'aws:SourceVpc': 'vpc-1' }))).toBe('allowed');
  });

  it('compares ARN conditions part by part, wildcards in each part, ArnEquals as ArnLike', () => {
    const only = (operator: string, value: string): Statement => ({
      effect: 'Allow',
      actions: ['*'],
      resources: ['*'],
      conditions: { [operator]: { 'aws:PrincipalArn': [value] } },
    });
    const role = ask('dynamodb:GetItem', TABLE, { 'aws:PrincipalArn': 'arn:aws:iam::000000000000:role/SignoffStateless-Intake' });
    expect(evaluate([only('ArnLike', 'arn:aws:iam::*:role/Signoff*')], role)).toBe('allowed');
    expect(evaluate([only('ArnEquals', 'arn:aws:iam::*:role/Signoff*')], role)).toBe('allowed');
    // A star stays inside its part: it does not stretch over the colons to another account's role.
    expect(evaluate([only('ArnLike', 'arn:aws:iam:*:role/Signoff*')], role)).toBe('implicitly-denied');
    expect(evaluate([only('ArnNotEquals', 'arn:aws:iam::*:role/Signoff*')], role)).toBe('implicitly-denied');
  });

  it('never allows by a condition operator it does not know', () => {
    const numeric: Statement = { effect: 'Allow', actions: ['*'], resources: ['*'], conditions: { NumericLessThan: { 'x:n': ['5'] } } };
    expect(evaluate([numeric], ask('dynamodb:GetItem', TABLE, { 'x:n': '1' }))).toBe('implicitly-denied');
  });

  it('words a refusal as AWS does, naming the caller, action and resource', () => {
    const arn = 'arn:aws:sts::000000000000:assumed-role/SignoffStateless-IntakeServiceRole03479E01/signoff-intake';
    expect(accessDeniedMessage(arn, ask('states:StartExecution', 'arn:x'), 'implicitly-denied')).toBe(
      `User: ${arn} is not authorized to perform: states:StartExecution on resource: arn:x because no identity-based policy allows the states:StartExecution action`,
    );
    expect(accessDeniedMessage(arn, ask('states:StartExecution', 'arn:x'), 'explicitly-denied')).toBe(
      `User: ${arn} is not authorized to perform: states:StartExecution on resource: arn:x with an explicit deny in an identity-based policy`,
    );
  });
});

describe('requestedAccess', () => {
  const scope = LOCAL_SCOPE;
  const call = (service: string, target: string | undefined, body: unknown, path = '/', method = 'POST'): ServiceCall => ({
    service,
    method,
    path,
    target,
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  });
  const table = (name: string) => `arn:aws:dynamodb:us-east-1:000000000000:table/${name}`;

  it('names the table, or its index, of a DynamoDB call', () => {
    expect(requestedAccess(call('dynamodb', 'DynamoDB_20120810.GetItem', { TableName: 'signoff-requests' }), scope)).toEqual([
      ask('dynamodb:GetItem', table('signoff-requests')),
    ]);
    expect(
      requestedAccess(call('dynamodb', 'DynamoDB_20120810.Query', { TableName: 'signoff-audit', IndexName: 'byTime' }), scope),
    ).toEqual([ask('dynamodb:Query', `${table('signoff-audit')}/index/byTime`)]);
  });

  it('asks for each table of a batch, and for each item of a transaction by its own action', () => {
    const batch = call('dynamodb', 'DynamoDB_20120810.BatchWriteItem', { RequestItems: { 'signoff-requests': [], 'signoff-audit': [] } });
    expect(requestedAccess(batch, scope).map((a) => `${a.action} ${a.resource}`)).toEqual([
      `dynamodb:BatchWriteItem ${table('signoff-requests')}`,
      `dynamodb:BatchWriteItem ${table('signoff-audit')}`,
    ]);
    const transaction = call('dynamodb', 'DynamoDB_20120810.TransactWriteItems', {
      TransactItems: [
        { Put: { TableName: 'signoff-audit' } },
        { Update: { TableName: 'signoff-requests' } },
        { ConditionCheck: { TableName: 'signoff-approvals' } },
        { Delete: { TableName: 'signoff-accounts' } },
      ],
    });
    expect(requestedAccess(transaction, scope).map((a) => `${a.action} ${a.resource}`)).toEqual([
      `dynamodb:PutItem ${table('signoff-audit')}`,
      `dynamodb:UpdateItem ${table('signoff-requests')}`,
      `dynamodb:ConditionCheckItem ${table('signoff-approvals')}`,
      `dynamodb:DeleteItem ${table('signoff-accounts')}`,
    ]);
  });

  it("asks for ses:SendEmail on the sender's domain identity, with the condition keys SES supplies", () => {
    const send = call(
      'ses',
      undefined,
      {
        FromEmailAddress: '"Signoff" <signoff@example.org>',
        Destination: { ToAddresses: ['Grace <grace@example.org>'], CcAddresses: ['ada@example.org'] },
        ConfigurationSetName: 'signoff',
      },
      '/v2/email/outbound-emails',
    );
    const context = {
      'ses:FromAddress': 'signoff@example.org',
      'ses:FromDisplayName': 'Signoff',
      'ses:Recipients': ['grace@example.org', 'ada@example.org'],
      'ses:ApiVersion': '2',
    };
    // Not supplied by SES for this mail either: no feedback address was given.
    const absent = ['ses:FeedbackAddress'];
    expect(requestedAccess(send, scope)).toEqual([
      { ...ask('ses:SendEmail', 'arn:aws:ses:us-east-1:000000000000:identity/example.org', context), absent },
      { ...ask('ses:SendEmail', 'arn:aws:ses:us-east-1:000000000000:configuration-set/signoff', context), absent },
    ]);
  });

  it('names the state machine or the execution of a Step Functions call; task tokens answer to the state machine', () => {
    const execution = 'arn:aws:states:us-east-1:000000000000:execution:signoff-approval:req-1';
    expect(requestedAccess(call('states', 'AWSStepFunctions.StartExecution', { stateMachineArn: scope.stateMachineArn }), scope)).toEqual([
      ask('states:StartExecution', scope.stateMachineArn),
    ]);
    expect(requestedAccess(call('states', 'AWSStepFunctions.StopExecution', { executionArn: execution }), scope)).toEqual([
      ask('states:StopExecution', execution),
    ]);
    expect(requestedAccess(call('states', 'AWSStepFunctions.SendTaskSuccess', { taskToken: 't', output: '{}' }), scope)).toEqual([
      ask('states:SendTaskSuccess', scope.stateMachineArn),
    ]);
  });

  it('names the secret of a Secrets Manager call, by ARN or by name, and the object of an S3 call (HeadObject needs s3:GetObject)', () => {
    const secret = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:WebhookSecret-local';
    expect(requestedAccess(call('secretsmanager', 'secretsmanager.GetSecretValue', { SecretId: secret }), scope)).toEqual([
      ask('secretsmanager:GetSecretValue', secret),
    ]);
    expect(requestedAccess(call('secretsmanager', 'secretsmanager.DescribeSecret', { SecretId: 'ApiToken-local' }), scope)).toEqual([
      ask('secretsmanager:DescribeSecret', 'arn:aws:secretsmanager:us-east-1:000000000000:secret:ApiToken-local'),
    ]);
    const object = (method: string) => call('s3', undefined, '', '/signoff-dev-data-000000000000-us-east-1/media/a%20b.png', method);
    expect(requestedAccess(object('PUT'), scope)).toEqual([
      ask('s3:PutObject', 'arn:aws:s3:::signoff-dev-data-000000000000-us-east-1/media/a b.png'),
    ]);
    expect(requestedAccess(object('HEAD'), scope)).toEqual([
      ask('s3:GetObject', 'arn:aws:s3:::signoff-dev-data-000000000000-us-east-1/media/a b.png'),
    ]);
    expect(requestedAccess(object('DELETE'), scope)[0]?.action).toBe('s3:UnknownOperation');
    // A sub-resource or a copy is another action, which no object grant for PutObject allows.
    expect(requestedAccess({ ...object('PUT'), query: 'tagging' }, scope)[0]?.action).toBe('s3:UnknownOperation');
    expect(requestedAccess({ ...object('PUT'), query: 'x-id=PutObject' }, scope)[0]?.action).toBe('s3:PutObject');
    expect(requestedAccess({ ...object('PUT'), copySource: true }, scope)[0]?.action).toBe('s3:UnknownOperation');
  });

  it("carries the global keys a deployed call has: TLS, the region, the account and the caller's role", () => {
    expect(globalKeys({ roleArn: 'arn:aws:iam::000000000000:role/SignoffStateless-IntakeServiceRole03479E01' }, scope)).toEqual({
      'aws:SecureTransport': 'true',
      'aws:RequestedRegion': 'us-east-1',
      'aws:PrincipalAccount': '000000000000',
      'aws:PrincipalArn': 'arn:aws:iam::000000000000:role/SignoffStateless-IntakeServiceRole03479E01',
      'aws:PrincipalType': 'AssumedRole',
    });
    // The local runtime has no role: no principal keys, so a condition on them cannot be decided for it (it is not judged).
    expect(Object.keys(globalKeys({}, scope))).toEqual(['aws:SecureTransport', 'aws:RequestedRegion', 'aws:PrincipalAccount']);
  });

  it('asks for the action on * when the body is not the JSON the API takes, which no resource-scoped grant allows', () => {
    expect(requestedAccess(call('dynamodb', 'DynamoDB_20120810.GetItem', 'not json'), scope)).toEqual([ask('dynamodb:GetItem', '*')]);
    expect(requestedAccess(call('states', 'AWSStepFunctions.StartExecution', '[1]'), scope)).toEqual([ask('states:StartExecution', '*')]);
  });
});
