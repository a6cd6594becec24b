import { resolve } from 'node:path';
import { signedHeaders } from '../local/webhook-client.js';
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
const post = {
  kind: 'brand-post',
  submitter: 'ada@example.org',
  account: 'physics-x',
  title: 'Open day',
  text: 'Join us on Saturday for the Physics Open Day: lab tours, talks and hands-on demos for all ages. #OpenDay https://example.org/open-day',
  format: 'post',
  publishAt,
  media: [{ type: 'image', url: 'https://example.org/media/open-day.jpg', alt: 'Visitors looking at a particle detector model', rights: 'own', showsPeople: true }],
  attestations: { peopleConsent: true, aiUsed: false },
};
const opening = {
  kind: 'account-opening',
  submitter: 'alan@example.org',
  unit: 'physics',
  platform: 'bluesky',
  handle: '@physics.example.org',
  admins: ['ada@example.org', 'bob@example.org'],
  questionnaire: {
    project: 'The Physics Department outreach programme: public lectures, open days and lab news.',
    platform: 'Bluesky, where many physicists and science journalists now are.',
    audience: 'Students, teachers and the interested public in the region.',
    existingChannel: 'The institute account posts institution-wide news; department events get lost there.',
    communications: 'Event announcements, short lab stories with photos, links to our news articles.',
    frequency: 'Three times a week',
    resources: 'Ada Lovelace (20 %) and Bob Noyce (10 %), with the communications office reviewing.',
    endOfLife: 'Archived and handed back to the communications office when the programme ends.',
    hashtagInstead: 'No: a hashtag on the institute account would not give the department its own audience.',
    closedGroupInstead: 'No: the audience is the public, not a closed group.',
    evaluation: 'Followers, replies and visits to the open-day pages, reviewed every quarter.',
    readyToRetire: 'Yes, if it does not reach 500 followers in a year.',
  },
  attestations: { smmAdmin: true, credentialStore: 'vault://comms/social/physics-bluesky', commentPolicy: true },
};
const what = process.argv[2] ?? 'post';
if (what !== 'post' && what !== 'opening') {
  process.stderr.write(`Unknown sample "${what}": use "post" (the default) or "opening".\n`);
  process.exit(2);
}
const body = JSON.stringify(what === 'opening' ? opening : post);
const response = await fetch(`${base}/v1/requests`, { method: 'POST', headers: signedHeaders(secret, body), body });
process.stdout.write(`${response.status} ${await response.text()}\n`);
if (response.ok) process.stdout.write(`Now open ${base}/_local/outbox: the ${what === 'opening' ? 'management' : 'supervisor'}'s approval e-mail is there.\n`);
process.exit(response.ok ? 0 : 1);
