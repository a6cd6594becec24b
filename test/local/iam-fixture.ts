import type { Statement } from '../../local/iam/policy.js';
import { functionCredentials, Principals } from '../../local/iam/principals.js';
import type { CallScope } from '../../local/iam/requests.js';
import type { LocalCredentials } from '../../local/sigv4.js';
import { constructId } from '../../manifest.js';

// The local endpoints' callers for a test: the local runtime, and one function with its own credentials and the
// statements the test gives it (issue #19).

export const LOCAL_SCOPE: CallScope = {
  partition: 'aws',
  region: 'us-east-1',
  account: '000000000000',
  stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:signoff-approval',
};

/** The role session a function's refusals name: `arn:aws:sts::000000000000:assumed-role/SignoffStateless-<Role>/signoff-<name>`. */
export const sessionArn = (name: string) =>
  `arn:aws:sts::000000000000:assumed-role/SignoffStateless-${constructId(name)}ServiceRoleAAAA0000/signoff-${name}`;

/** Principals knowing `root` (unrestricted) and the function `name`, judged by `statements`; with that function's credentials. */
export function oneFunction(
  root: LocalCredentials,
  name: string,
  statements: readonly Statement[],
): { principals: Principals; own: LocalCredentials; arn: string } {
  const principals = new Principals(root, LOCAL_SCOPE);
  const own = functionCredentials(root, name);
  const arn = sessionArn(name);
  principals.add({ name: `signoff-${name}`, arn, credentials: own, statements });
  return { principals, own, arn };
}
