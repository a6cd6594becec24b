import { resolve } from 'node:path';
import { signedHeaders, submissionBody } from '../local/webhook-client.js';
import { SAMPLE_OPENING, samplePostBody } from '../local/samples.js';
import { readSecrets } from '../local/settings.js';

// `npm run sample`: submits a signed sample brand post to the running local stack, as a client would.
// `npm run sample -- opening`: a sample account opening instead (Alan asks for a Physics Department Bluesky account).

const port = process.env['PORT'] ?? '3000';
const base = (process.env['PUBLIC_BASE_URL'] ?? `http://127.0.0.1:${port}`).replace(/\/+$/, '');
const secrets = readSecrets(resolve(process.env['SIGNOFF_DATA_DIR'] ?? '.signoff'));
const secret = process.env['SIGNOFF_WEBHOOK_SECRET'] || secrets.webhookSecret;
if (secret === undefined) {
  process.stderr.write('No webhook secret: start the stack first (npm start), or set SIGNOFF_WEBHOOK_SECRET.\n');
  process.exit(1);
}

const publishAt = new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const what = process.argv[2] ?? 'post';
if (what !== 'post' && what !== 'opening') {
  process.stderr.write(`Unknown sample "${what}": use "post" (the default) or "opening".\n`);
  process.exit(2);
}
const body = submissionBody(what === 'opening' ? SAMPLE_OPENING : samplePostBody(publishAt));
const response = await fetch(`${base}/v1/requests`, { method: 'POST', headers: signedHeaders(secret, body), body });
process.stdout.write(`${response.status} ${await response.text()}\n`);
if (response.ok)
  process.stdout.write(
    `Now open ${base}/_local/outbox: the ${what === 'opening' ? 'management' : 'supervisor'}'s approval e-mail is there.\n`,
  );
process.exit(response.ok ? 0 : 1);
