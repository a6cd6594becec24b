import { createHmac } from 'node:crypto';
import type { LocalCredentials } from '../sigv4.js';
import type { RequestedAccess, Statement } from './policy.js';
import type { CallScope } from './requests.js';
import { functionPolicies } from './template.js';

// Who signs a call to a local endpoint (issue #19). The local runtime itself — its engine, its seeding, the SMTP
// intake, the audit command line, an operator's AWS CLI — signs with the data directory's credentials and may do
// anything, as an account's administrator may. A function run in its sandbox signs with credentials of its own,
// derived from those (so nothing more is stored, and nobody without the data directory's secret can make them), and
// may do only what its role's synthesised policy allows (./template.ts), as on AWS.

export interface Principal {
  /** What a denial names: `signoff-intake`, or the local runtime. */
  readonly name: string;
  /** The caller as IAM names it in a refusal: the function's role session, or the account's root. */
  readonly arn: string;
  readonly credentials: LocalCredentials;
  /** A function's role (`arn:aws:iam::<account>:role/<name>`): the `aws:PrincipalArn` of its calls. */
  readonly roleArn?: string;
  /** The statements its calls are judged by; none for the local runtime, which may do anything. */
  readonly statements?: readonly Statement[];
}

const derive = (root: LocalCredentials, purpose: string) => createHmac('sha256', root.secretAccessKey).update(purpose).digest();

/** A function's own credentials: an access key id shaped as Lambda's (`ASIA` and 16 letters or digits) and a secret. */
export function functionCredentials(root: LocalCredentials, name: string): LocalCredentials {
  const id = derive(root, `access-key-id:${name}`)
    .toString('base64url')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
    .slice(0, 16);
  return {
    accessKeyId: `ASIA${id.padEnd(16, '0')}`,
    secretAccessKey: derive(root, `secret-access-key:${name}`).toString('base64url').slice(0, 40),
  };
}

/** How the local runtime reports a refused call on its output: this, the function's name, `: ` and AWS's message. */
export const ACCESS_DENIED_LINE = 'local IAM: AccessDeniedException for ';

/** A refused call, as the figures list it (GET /_local/functions.json). */
export interface Denial {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly at: string;
}

/** How many refusals are kept for the figures (the latest). */
const KEPT_DENIALS = 100;

export class Principals {
  readonly #byKey = new Map<string, Principal>();
  readonly #denials: Denial[] = [];
  readonly root: Principal;

  /** `scope`: the account, region and state machine the local endpoints serve, which a call's resources are named in. */
  constructor(
    root: LocalCredentials,
    readonly scope: CallScope,
  ) {
    this.root = { name: 'the local runtime', arn: `arn:${scope.partition}:iam::${scope.account}:root`, credentials: root };
    this.#byKey.set(root.accessKeyId, this.root);
  }

  /** Notes a refused call. */
  denied(principal: Principal, access: RequestedAccess): void {
    this.#denials.push({ principal: principal.name, action: access.action, resource: access.resource, at: new Date().toISOString() });
    if (this.#denials.length > KEPT_DENIALS) this.#denials.shift();
  }

  /** The refused calls since the start (the latest KEPT_DENIALS), oldest first. */
  get denials(): readonly Denial[] {
    return [...this.#denials];
  }

  /** Adds a principal; its access key must be new. */
  add(principal: Principal): void {
    if (this.#byKey.has(principal.credentials.accessKeyId)) throw new Error(`the access key of ${principal.name} is already taken`);
    this.#byKey.set(principal.credentials.accessKeyId, principal);
  }

  byAccessKey(accessKeyId: string): Principal | undefined {
    return this.#byKey.get(accessKeyId);
  }

  /** Whether any principal's calls are judged by a policy (the bundles mode). */
  get enforcing(): boolean {
    return [...this.#byKey.values()].some((p) => p.statements !== undefined);
  }
}

/**
 * The local runtime and, for a `cdk synth` output directory (the bundles mode), each named function with its own
 * credentials and its role's synthesised statements (./template.ts).
 */
export function localPrincipals(
  root: LocalCredentials,
  scope: CallScope,
  bundles?: { out: string; names: readonly string[]; tables: Readonly<Record<string, string>> },
): Principals {
  const principals = new Principals(root, scope);
  if (bundles === undefined) return principals;
  const policies = functionPolicies(bundles.out, bundles.names, { ...scope, tables: bundles.tables });
  for (const [name, policy] of policies)
    principals.add({
      name: `signoff-${name}`,
      arn: policy.principalArn,
      roleArn: policy.roleArn,
      credentials: functionCredentials(root, name),
      statements: policy.statements,
    });
  return principals;
}
