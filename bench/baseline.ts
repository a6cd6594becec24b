import {
  CreateTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  ResourceInUseException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import autocannon from 'autocannon';
import { signedHeaders, submissionBody } from '../local/webhook-client.js';
import { WEBHOOK_SECRET, samplePost } from '../test/e2e/stack.js';

// What the benchmarks measure Signoff against (issue #18), in one place: the least any webhook-to-mail path must do —
// one DynamoDB PutItem and one SES SendEmail — as bench/local-stack.ts times it one call after another and
// bench/baseline-server.ts serves it under load; and the intake load both benches put on a stack.

const BASELINE_TABLE = 'bench-baseline';

/** The baseline's table in the measured stack's store (made once; its items are the baseline's alone). */
export async function ensureBaselineTable(dynamo: DynamoDBClient): Promise<void> {
  try {
    await dynamo.send(
      new CreateTableCommand({
        TableName: BASELINE_TABLE,
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  // A table is made asynchronously (dynalite too, however short its CREATING): a put before it is ACTIVE is refused.
  await waitUntilTableExists({ client: dynamo, maxWaitTime: 30 }, { TableName: BASELINE_TABLE });
}

/** One PutItem and one SendEmail, through the SDK, signed. */
export async function putAndSend(dynamo: DynamoDBClient, ses: SESv2Client, id: string, body: string): Promise<void> {
  await dynamo.send(new PutItemCommand({ TableName: BASELINE_TABLE, Item: { id: { S: id }, body: { S: body } } }));
  await ses.send(
    new SendEmailCommand({
      FromEmailAddress: 'baseline@example.org',
      Destination: { ToAddresses: ['baseline@example.org'] },
      Content: { Simple: { Subject: { Data: `Baseline ${id}` }, Body: { Text: { Data: body.slice(0, 2000) } } } },
    }),
  );
}

/** Signed brand posts to the stack's intake from 10 connections for `seconds`, each with a webhook-id of its own. */
export function intakeLoad(baseUrl: string, label: string, seconds: number): Promise<autocannon.Result> {
  let n = 0;
  return autocannon({
    url: `${baseUrl}/v1/requests`,
    connections: 10,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const body = submissionBody(samplePost({ title: `${label} ${n}` }));
          return { ...req, body, headers: signedHeaders(WEBHOOK_SECRET, body, `${label.replace(/\W/g, '_')}_${process.pid}_${n++}`) };
        },
      },
    ],
  });
}
