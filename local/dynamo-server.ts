import { startDynamo } from './dynamo.js';
import { readLocalCredentials } from './settings.js';

// The local store in a process of its own, for the audit command line: dynalite then has a core to itself while
// the export reads from it. Prints its endpoint once ready; stops on SIGTERM, closing the store cleanly.
// Like the running stack's, it answers only requests signed with the local credentials: those its parent gives in
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, else the data directory's own.

// The store's new files are its owner's alone, as the stack makes them.
process.umask(0o077);
const dataDir = process.argv[2];
if (dataDir === undefined) {
  process.stderr.write('usage: dynamo-server.ts DATA_DIR\n');
  process.exit(2);
}
const accessKeyId = process.env['AWS_ACCESS_KEY_ID'];
const secretAccessKey = process.env['AWS_SECRET_ACCESS_KEY'];
const credentials = accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : readLocalCredentials(dataDir);
if (credentials === undefined) {
  process.stderr.write(`no local credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or start the stack once on ${dataDir}\n`);
  process.exit(2);
}
try {
  const dynamo = await startDynamo(dataDir, credentials);
  process.once('SIGTERM', () => {
    void dynamo.close().then(() => process.exit(0));
  });
  process.stdout.write(`${dynamo.endpoint}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
