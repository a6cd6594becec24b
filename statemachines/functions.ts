// The one list of functions the state machine calls. The ASL names each by the substitution here;
// the CDK stack derives substitutions and invoke grants from it, and the local runtime derives its
// function registry from it. A test checks the ASL uses exactly these substitutions.

export const workflowFunctions = [
  { name: 'record-submission', substitution: 'RecordSubmissionFunctionArn', entry: 'lambdas/record-submission.ts' },
  { name: 'run-checks', substitution: 'RunChecksFunctionArn', entry: 'lambdas/run-checks.ts' },
  { name: 'plan-route', substitution: 'PlanRouteFunctionArn', entry: 'lambdas/plan-route.ts' },
  { name: 'advance-stage', substitution: 'AdvanceStageFunctionArn', entry: 'lambdas/advance-stage.ts' },
  { name: 'request-approval', substitution: 'RequestApprovalFunctionArn', entry: 'lambdas/request-approval.ts' },
  { name: 'register-account', substitution: 'RegisterAccountFunctionArn', entry: 'lambdas/register-account.ts' },
  { name: 'notify-submitter', substitution: 'NotifySubmitterFunctionArn', entry: 'lambdas/notify-submitter.ts' },
] as const;

export type WorkflowFunction = (typeof workflowFunctions)[number];

export const definitionPath = new URL('./approval.asl.json', import.meta.url);

/** Replaces every `${Name}` in the ASL text with its value, failing on any the list does not provide. */
export function substitute(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{(\w+)\}/g, (_m, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`the state machine uses \${${name}}, which no function provides`);
    return value;
  });
}
