// The Node major the functions run on in Lambda (lib/signoff-function.ts: Runtime.NODEJS_24_X, esbuild's target
// node24). `npm start`, `npm test` and `npm run bench` run on it whatever Node the machine has: the npm registry's
// `node` package, pinned in package.json's devDependencies, puts that Node first on the scripts' PATH
// (node_modules/.bin/node), and every child the tests and benches start runs on `process.execPath`.
// test/local/node-version.test.ts ties the four together.

export const LAMBDA_NODE_MAJOR = 24;

/** Undefined when this process runs on the Lambda's Node major; otherwise what to do about it. */
export function nodeVersionProblem(version: string = process.versions.node): string | undefined {
  const major = Number(version.split('.')[0]);
  if (major === LAMBDA_NODE_MAJOR) return undefined;
  return `Signoff's local runtime runs on Node ${LAMBDA_NODE_MAJOR}, the functions' Lambda runtime; this is Node ${version}. Start it with \`npm start\` (after \`npm ci\`), which runs the Node ${LAMBDA_NODE_MAJOR} that package.json pins (node_modules/.bin/node).`;
}
