// The one list of Signoff's functions and HTTP routes. The CDK stack (lib/stateless-stack.ts) builds a function per
// entry, the state machine's substitutions and invoke grants, the API routes and their throttles from it; the local
// runtime (local/functions.ts, local/gateway.ts, bin/local.ts) loads the same handlers and serves the same routes;
// test/manifest.test.ts ties them together (every handler file exists, every ASL substitution is provided, every
// route reaches a function of this list, locally and in the synthesised template).

/** The functions the state machine calls, each named in the ASL by its `${substitution}`. */
export const workflowFunctions = [
  { name: 'record-submission', substitution: 'RecordSubmissionFunctionArn', entry: 'lambdas/record-submission.ts' },
  { name: 'run-checks', substitution: 'RunChecksFunctionArn', entry: 'lambdas/run-checks.ts' },
  { name: 'advance-stage', substitution: 'AdvanceStageFunctionArn', entry: 'lambdas/advance-stage.ts' },
  { name: 'request-approval', substitution: 'RequestApprovalFunctionArn', entry: 'lambdas/request-approval.ts' },
  { name: 'register-account', substitution: 'RegisterAccountFunctionArn', entry: 'lambdas/register-account.ts' },
  { name: 'notify-submitter', substitution: 'NotifySubmitterFunctionArn', entry: 'lambdas/notify-submitter.ts' },
  { name: 'record-failure', substitution: 'RecordFailureFunctionArn', entry: 'lambdas/record-failure.ts' },
] as const;

/** The functions behind the HTTP API. */
export const httpFunctions = [
  { name: 'intake', entry: 'lambdas/intake.ts' },
  { name: 'request-status', entry: 'lambdas/request-status.ts' },
  { name: 'request-audit', entry: 'lambdas/request-audit.ts' },
  { name: 'audit-export', entry: 'lambdas/audit-export.ts' },
  { name: 'review', entry: 'lambdas/review.ts' },
  { name: 'media', entry: 'lambdas/media.ts' },
  { name: 'versions', entry: 'lambdas/versions.ts' },
  { name: 'withdraw', entry: 'lambdas/withdraw.ts' },
  { name: 'withdraw-link', entry: 'lambdas/withdraw-link.ts' },
  { name: 'accounts', entry: 'lambdas/accounts.ts' },
] as const;

/**
 * Functions triggered by something else: SES receipt (mail-intake; locally the SMTP stand-in) and the hourly schedule
 * (audit-checkpoint; locally a timer). AWS invokes them asynchronously, so each gets a dead-letter queue.
 */
export const eventFunctions = [
  { name: 'mail-intake', entry: 'lambdas/mail-intake.ts', trigger: 'ses-receipt' },
  { name: 'audit-checkpoint', entry: 'lambdas/audit-checkpoint.ts', trigger: 'schedule' },
] as const;

export type WorkflowFunctionName = (typeof workflowFunctions)[number]['name'];
export type HttpFunctionName = (typeof httpFunctions)[number]['name'];
export type EventFunctionName = (typeof eventFunctions)[number]['name'];
export type FunctionName = WorkflowFunctionName | HttpFunctionName | EventFunctionName;

/**
 * A function's construct id in the stateless stack, and so the stem of its logical ids and its path in the template:
 * `mail-intake` → `MailIntake` (lib/constructs/functions.ts builds it; local/function-sandbox.ts finds its bundle by it).
 */
export function constructId(name: string): string {
  return name.replace(/(^|-)(\w)/g, (_m, _d: string, c: string) => c.toUpperCase());
}

export const allFunctions: ReadonlyArray<{ readonly name: FunctionName; readonly entry: string }> = [
  ...workflowFunctions,
  ...httpFunctions,
  ...eventFunctions,
];

export type HttpMethodName = 'GET' | 'HEAD' | 'POST';

/** One HTTP route: its path and methods, the function behind it, and its throttle (requests per second, burst). */
export interface ApiRoute {
  readonly path: string;
  readonly methods: readonly HttpMethodName[];
  readonly function: HttpFunctionName;
  readonly throttle: { readonly rate: number; readonly burst: number };
}

/**
 * The routes of the public API, with per-route throttles (API Gateway RouteSettings; the local gateway does not
 * throttle). Signed calls come from one integrating system at its own pace; the audit export reads a whole period per
 * call; review and withdraw links are opened by people; the status and media reads are the most frequent (a client
 * polling, approvers' mail clients loading images).
 */
export const apiRoutes: readonly ApiRoute[] = [
  { path: '/v1/requests', methods: ['POST'], function: 'intake', throttle: { rate: 20, burst: 40 } },
  { path: '/v1/audit/export', methods: ['GET'], function: 'audit-export', throttle: { rate: 2, burst: 5 } },
  { path: '/v1/requests/{requestId}', methods: ['GET'], function: 'request-status', throttle: { rate: 50, burst: 100 } },
  { path: '/v1/requests/{requestId}/audit', methods: ['GET'], function: 'request-audit', throttle: { rate: 10, burst: 20 } },
  { path: '/v1/requests/{requestId}/versions', methods: ['POST'], function: 'versions', throttle: { rate: 10, burst: 20 } },
  { path: '/v1/requests/{requestId}/withdraw', methods: ['POST'], function: 'withdraw', throttle: { rate: 10, burst: 20 } },
  { path: '/withdraw/{linkId}', methods: ['GET', 'HEAD', 'POST'], function: 'withdraw-link', throttle: { rate: 5, burst: 10 } },
  { path: '/approvals/{linkId}', methods: ['GET', 'HEAD', 'POST'], function: 'review', throttle: { rate: 20, burst: 40 } },
  { path: '/media/{key}', methods: ['GET', 'HEAD'], function: 'media', throttle: { rate: 50, burst: 100 } },
  { path: '/v1/accounts', methods: ['GET', 'HEAD'], function: 'accounts', throttle: { rate: 20, burst: 40 } },
  { path: '/v1/accounts/{accountId}', methods: ['GET', 'HEAD'], function: 'accounts', throttle: { rate: 20, burst: 40 } },
];
