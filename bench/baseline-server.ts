import { createServer } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { LOCAL_REGION } from '../local/functions.js';
import { ensureBaselineTable, putAndSend } from './baseline.js';

// The baseline of bench/local-stack.ts (issue #18), run as a process of its own as the stack is: an HTTP server that
// does the least any webhook-to-mail path must do — one DynamoDB PutItem and one SES SendEmail, through the SDK, signed,
// against the measured stack's own dynalite and local SES — and answers 202. Its figures beside the stack's say how far
// Signoff is from what its parts allow on the machine at hand.
// Environment: BASELINE_PORT, BASELINE_DYNAMODB, BASELINE_SES, BASELINE_KEY_ID, BASELINE_SECRET.

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`bench/baseline-server.ts needs ${name}`);
  return value;
};
const credentials = { accessKeyId: env('BASELINE_KEY_ID'), secretAccessKey: env('BASELINE_SECRET') };
const dynamo = new DynamoDBClient({ endpoint: env('BASELINE_DYNAMODB'), region: LOCAL_REGION, credentials });
const ses = new SESv2Client({ endpoint: env('BASELINE_SES'), region: LOCAL_REGION, credentials });
await ensureBaselineTable(dynamo);

let n = 0;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const id = `baseline-${process.pid}-${n++}`;
    const body = Buffer.concat(chunks).toString('utf8');
    putAndSend(dynamo, ses, id, body).then(
      () => {
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id }));
      },
      (error: unknown) => {
        res.writeHead(500);
        res.end(String(error));
      },
    );
  });
});
server.listen(Number(env('BASELINE_PORT')), '127.0.0.1', () => process.stdout.write('baseline ready\n'));
