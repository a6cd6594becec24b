import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { tables } from '../lambdas/adapters/tables.js';
import { startDynamo } from '../local/dynamo.js';
import { BUNDLES_VARIABLE, FunctionRegistry, localFunctions, LOCAL_ACCOUNT, LOCAL_REGION, functionArn } from '../local/functions.js';
import { createGateway } from '../local/gateway.js';
import { createSmtpIntake, mailOutcome } from '../local/smtp.js';
import type { LocalMailEvent } from '../local/mail-intake-entry.js';
import { SendInFlightError } from '../lambdas/core/errors.js';
import { LOCAL_AUTHSERV_ID, localReceiver } from '../local/mail-auth.js';
import { closeServer, listenLoopback } from '../local/net.js';
import { startSes } from '../local/outbox.js';
import { startSecretsManager } from '../local/secrets-manager.js';
import { bundledFunctions, templateBuckets, templateSecrets } from '../local/function-sandbox.js';
import { startS3 } from '../local/s3.js';
import { templateValues } from '../local/iam/template.js';
import { loadSettings, projectRoot } from '../local/settings.js';
import { landingPage } from '../local/landing.js';
import { FAULTS_VARIABLE, localFaults, type FaultPlan } from '../local/faults.js';
import { startAuditCheckpoints } from '../local/audit-checkpoints.js';
import { localAuditSecrets } from '../local/audit-secrets.js';
import { WorkflowEngine } from '../local/workflow/engine.js';
import { startWorkflowService } from '../local/workflow/service.js';
import { workflowFunctions } from '../manifest.js';
import { functionCredentials, localPrincipals } from '../local/iam/principals.js';
import { definitionPath, substitute } from '../statemachines/functions.js';
import { LAMBDA_NODE_MAJOR, nodeVersionProblem } from '../local/node-version.js';
import { FSYNC_VARIABLE, fsyncEnabled } from '../local/durable.js';

// `npm start`: the whole of Signoff on loopback, in one process, with no AWS account. The handlers and
// the state machine are the deployed ones; only the environment around them is local.

const STATE_MACHINE_ARN = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:signoff-approval`;

async function main(): Promise<void> {
  // The functions' Node, as in Lambda: said at once, not as a missing API deep in a dependency.
  const wrongNode = nodeVersionProblem();
  if (wrongNode !== undefined) {
    process.stderr.write(`${wrongNode}\n`);
    process.exit(1);
  }
  // Everything this process creates (data directory, secrets, store, journal, outbox, media) is its owner's alone.
  process.umask(0o077);
  const settings = loadSettings();
  // Read before anything starts, so that a bad SIGNOFF_LOCAL_FAULTS is reported by name; the faults start once ready.
  const faults = localFaults();
  // Whether the stores sync what they write (local/durable.ts): a bad SIGNOFF_LOCAL_FSYNC is refused here, by name.
  const fsync = fsyncEnabled();
  const { credentials } = settings;
  const auditSecrets = localAuditSecrets(settings.dataDir);
  const bundles = process.env[BUNDLES_VARIABLE] || undefined;
  const scope = { partition: 'aws', region: LOCAL_REGION, account: LOCAL_ACCOUNT, stateMachineArn: STATE_MACHINE_ARN };
  const localTables = Object.fromEntries(tables.map((t) => [t.envVar, t.localName]));
  // The secrets' local values (the functions' `<NAME>` on the sources, what the local Secrets Manager serves for bundles).
  const secretValues = {
    SIGNOFF_WEBHOOK_SECRET: settings.webhookSecret,
    SIGNOFF_API_TOKEN: settings.apiToken,
    SIGNOFF_AUDITOR_TOKEN: auditSecrets.auditorToken,
  };
  // Who may call the local endpoints, and what each may do: in the bundles mode each function signs with its own
  // credentials and is judged by its role's synthesised policy (issue #19); the sources share this process's.
  const out = bundles === undefined ? undefined : resolve(bundles);
  const names = localFunctions.map((f) => f.name);
  const principals = localPrincipals(credentials, scope, out === undefined ? undefined : { out, names, tables: localTables });
  const templateValue = out === undefined ? undefined : templateValues(out, { ...scope, tables: localTables });
  // In the bundles mode the functions read their secrets from a local Secrets Manager, by the ARNs their templates
  // name, and their objects from a local S3, by the buckets' names (each a directory of the data directory).
  const bundled = out === undefined ? undefined : bundledFunctions(out, names);
  const secretsManager =
    bundled === undefined || templateValue === undefined
      ? undefined
      : await startSecretsManager(templateSecrets(bundled, templateValue, secretValues), credentials, principals);
  const s3 =
    bundled === undefined || templateValue === undefined
      ? undefined
      : await startS3(
          new Map([...templateBuckets(bundled, templateValue)].map((bucket) => [bucket, join(settings.dataDir, 'buckets', bucket)])),
          credentials,
          principals,
        );
  const dynamo = await startDynamo(settings.dataDir, credentials, principals);
  const ses = await startSes(settings.dataDir, credentials, principals);

  const substitutions = Object.fromEntries(workflowFunctions.map((f) => [f.substitution, functionArn(f.name)]));
  const definition = JSON.parse(substitute(readFileSync(definitionPath, 'utf8'), substitutions)) as StateMachineDefinition;
  let registry: FunctionRegistry | undefined;
  const engine = new WorkflowEngine({
    definition,
    stateMachineArn: STATE_MACHINE_ARN,
    journalDir: join(settings.dataDir, 'executions'),
    timeScale: settings.timeScale,
    tokenSecret: settings.tokenSecret,
    invoke: async (name, payload) => {
      if (registry === undefined) throw new Error('functions are not loaded yet');
      try {
        const run = registry.invoke(name, payload);
        // A callback task's function carries its token: a fault race on the token waits for the function to return.
        const token = (payload as { taskToken?: unknown } | null)?.taskToken;
        if (typeof token === 'string') faults?.endpoint.taskRunning(token, run);
        return await run;
      } catch (error) {
        // What Lambda's runtime logs for a function that threw (its "Invoke Error" line); the state machine then
        // retries or catches it by name. Without it a task's failure would show only in the execution's journal.
        process.stderr.write(`${invokeError(name, error)}\n`);
        throw error;
      }
    },
  });
  const workflow = await startWorkflowService(engine, credentials, principals);

  // What Lambda's configuration would give each function on AWS: here, the data directory's credentials (the sources
  // share them with the local runtime; in the bundles mode each sandbox gets its function's own instead).
  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SESV2: ses.endpoint,
    AWS_ENDPOINT_URL_SFN: workflow.endpoint,
    ...(secretsManager === undefined ? {} : { AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint }),
    ...(s3 === undefined ? {} : { AWS_ENDPOINT_URL_S3: s3.endpoint }),
    STATE_MACHINE_ARN,
    PUBLIC_BASE_URL: settings.publicBaseUrl,
    SIGNOFF_DIRECTORY: settings.directoryPath,
    ...secretValues,
    SIGNOFF_MEDIA_DIR: join(settings.dataDir, 'media'),
    SIGNOFF_AUDIT_KEY: auditSecrets.auditKey,
    // The engine runs deadlines this much faster; AdvanceStage reads the clock at the same rate.
    SIGNOFF_TIME_SCALE: String(settings.timeScale),
    // Powertools as lib/signoff-function.ts sets it, but no X-Ray here: metrics go to this process's output as EMF.
    POWERTOOLS_SERVICE_NAME: 'signoff',
    POWERTOOLS_METRICS_NAMESPACE: 'Signoff',
    POWERTOOLS_TRACE_ENABLED: 'false',
    // And no X-Ray context either: in its automatic mode the X-Ray SDK, on import, installs an async hook that tracks
    // every promise to its destruction (cls-hooked), which cost the local stack 6 % of its CPU under load with nothing
    // traced (issue #18). On Lambda, where tracing is on, the functions keep the automatic mode.
    AWS_XRAY_MANUAL_MODE: 'true',
    ...Object.fromEntries(tables.map((t) => [t.envVar, t.localName])),
  });
  // A session token of the operator's own AWS identity would ride along with the local key.
  delete process.env['AWS_SESSION_TOKEN'];
  const functions = await FunctionRegistry.load(
    projectRoot,
    out,
    templateValue === undefined ? undefined : (name) => ({ credentials: functionCredentials(credentials, name), resolve: templateValue }),
  );
  registry = functions;

  const gateway = createGateway({
    functions: registry,
    outbox: ses.outbox,
    landingPage: landingPage(settings),
    accessDenied: () => principals.denials,
  });
  await listenLoopback(gateway, settings.port);
  // Mail intake: the same use case the SES-triggered function runs, fed by SMTP on loopback, through the function
  // registry (local/mail-intake-entry.ts): in the bundles mode in mail-intake's sandbox, judged by its role.
  const receive = settings.mailAuth === 'verify' ? localReceiver(settings.dnsServer) : undefined;
  const intakeMail = async (event: LocalMailEvent) => {
    try {
      return mailOutcome(await functions.invoke('mail-intake', event));
    } catch (error) {
      // Its error crosses the registry as data: the one the SMTP server answers 451 for is known by its name.
      if (error instanceof Error && error.name === 'SendInFlightError') throw new SendInFlightError(error.message);
      throw error;
    }
  };
  const smtp = createSmtpIntake(
    async (raw, recipients, session) => {
      if (receive === undefined) return intakeMail({ raw: raw.toString('base64'), recipients });
      // Verifying mode: SES's verdicts and headers computed here, then the same adapter and rule as on AWS.
      const mailFrom = session.envelope.mailFrom === false ? undefined : session.envelope.mailFrom.address;
      const { record, stored } = await receive(raw, { remoteAddress: session.remoteAddress, helo: session.hostNameAppearsAs, mailFrom });
      return intakeMail({ raw: stored.toString('base64'), recipients, receipt: { record, authservId: LOCAL_AUTHSERV_ID } });
    },
    (error) => process.stderr.write(`mail intake error: ${error instanceof Error ? error.stack : String(error)}\n`),
  );
  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(settings.smtpPort, '127.0.0.1', () => resolve());
  });
  const resumed = engine.recover();
  // The hourly EventBridge schedule's stand-in: seals ended hours (and those missed while stopped) with signed checkpoints.
  const checkpoints = startAuditCheckpoints({
    invoke: (event) => functions.invoke('audit-checkpoint', event),
    onError: (error) => process.stderr.write(`audit checkpoint error: ${error instanceof Error ? error.stack : String(error)}\n`),
  });

  const base = settings.publicBaseUrl;
  process.stdout.write(
    [
      '',
      'Signoff is running (local mode, loopback only).',
      `  API              ${base}/v1/requests  (POST, Standard Webhooks signature)`,
      `  Outbox           ${base}/_local/outbox   (every e-mail sent; JSON at /_local/outbox.json)`,
      `  Mail intake      smtp://127.0.0.1:${settings.smtpPort}  (submit+<account>@ for a post, open@ for a new account; any domain, from a directory address)`,
      `  Mail trust       ${settings.mailAuth === 'verify' ? `SPF/DKIM/DMARC verified and aligned with From, DNS ${settings.dnsServer ?? 'of the system'}` : 'loopback connections (SIGNOFF_MAIL_AUTH=verify checks SPF/DKIM/DMARC)'}`,
      `  Secrets          ${settings.secretsFile}  (webhook secret and API token)`,
      `  Audit            ${base}/v1/audit/export  (auditor token and checkpoint key in ${auditSecrets.file})`,
      `  Workflow API     ${workflow.endpoint}  (the Step Functions API of the local engine, for inspection)`,
      `  DynamoDB         ${dynamo.endpoint}`,
      `  SES              ${ses.endpoint}  (the SES v2 API only)`,
      ...(secretsManager === undefined
        ? []
        : [
            `  Secrets Manager  ${secretsManager.endpoint}  (GetSecretValue and DescribeSecret of the secrets the functions' templates name)`,
          ]),
      ...(s3 === undefined
        ? []
        : [
            `  S3               ${s3.endpoint}  (objects of the buckets the functions' templates name, in ${join(settings.dataDir, 'buckets')})`,
          ]),
      `  AWS credentials  ${settings.secretsFile}  (access key ${credentials.accessKeyId}; the endpoints above accept only requests signed with it${principals.enforcing ? ", or with a function's own, judged by its role's synthesised policy" : ''})`,
      `  Data             ${settings.dataDir}  (${fsync ? 'every write synced to disk before it is answered' : `writes left to the kernel to sync: ${FSYNC_VARIABLE}=off`})`,
      `  Node             ${process.versions.node}  (the functions' Lambda runtime: nodejs${LAMBDA_NODE_MAJOR}.x)`,
      `  Functions        ${registry.origin === 'sources' ? 'the TypeScript sources' : `the deployed bundles in ${registry.origin} (${BUNDLES_VARIABLE})`}`,
      `  Directory        ${settings.directoryPath}`,
      `  Time scale       ${settings.timeScale}× for deadlines`,
      `  Resumed          ${resumed} unfinished execution(s)`,
      ...(faults === undefined ? [] : [`  Faults           ${describeFaults(faults.injector.plan)}  (${FAULTS_VARIABLE}, a test aid)`]),
      '',
      'Next: `npm run sample` submits a sample post; then open the outbox and click the review link.',
      `Signoff is ready at ${base}`,
      '',
    ].join('\n'),
  );

  faults?.injector.start();

  const shutdown = async () => {
    // The engine first: from here on no task outcome is journaled, so work cut short by the closing
    // services below simply runs again after the next start.
    engine.shutdown();
    faults?.injector.stop();
    await checkpoints.stop();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    await closeServer(gateway);
    await registry?.close();
    await closeServer(workflow.server);
    await ses.close();
    await dynamo.close();
    await secretsManager?.close();
    await s3?.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

/** A task function's error as Lambda's runtime logs it: one JSON line, by name (never the event: it can hold a token). */
function invokeError(functionName: string, error: unknown): string {
  const errorType = error instanceof Error ? error.name : typeof error;
  const errorMessage = error instanceof Error ? error.message : String(error);
  return JSON.stringify({
    level: 'ERROR',
    message: 'Invoke Error',
    timestamp: new Date().toISOString(),
    functionName: functionName.replace(/^.*:function:/, ''),
    errorType,
    errorMessage,
  });
}

function describeFaults(plan: FaultPlan): string {
  const percent = (share: number) => `${Math.round(share * 1000) / 10} %`;
  const rates = Object.entries(plan.rates).map(([service, share]) => `${service} ${percent(share)}`);
  const race = plan.taskTimedOut > 0 ? `; ${percent(plan.taskTimedOut)} of SendTaskSuccess calls lose the race to TaskTimedOut` : '';
  const window = plan.windowMs === undefined ? 'until stopped' : `for ${plan.windowMs / 1000} s`;
  return `calls failing: ${rates.join(', ')}${race}; ${window}, seed ${plan.seed}`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
