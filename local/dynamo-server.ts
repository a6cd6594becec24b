import { startDynamo } from './dynamo.js';

// The local store in a process of its own, for the audit command line: dynalite then has a core to itself while
// the export reads from it. Prints its endpoint once ready; stops on SIGTERM, closing the store cleanly.

const dataDir = process.argv[2];
if (dataDir === undefined) {
  process.stderr.write('usage: dynamo-server.ts DATA_DIR\n');
  process.exit(2);
}
try {
  const dynamo = await startDynamo(dataDir);
  process.once('SIGTERM', () => {
    void dynamo.close().then(() => process.exit(0));
  });
  process.stdout.write(`${dynamo.endpoint}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
