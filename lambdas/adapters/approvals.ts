import type { Assignee, StageName } from '../core/model.js';
import { requireEnv } from '../shared/env.js';
import { getItem, putIfAbsent, putItem, updateItem } from './dynamo.js';

// The approvals table holds two kinds of item under one key attribute `pk`:
//  - `link#<sha256 of link id>`: an approval link, bound to one approver and one stage. It holds the
//    task token, which never leaves the server.
//  - `delivery#<sha256 of task token>#<approver id>`: marks that an approval e-mail went out for this
//    task and approver, so a replayed or retried task sends nothing twice.
const table = requireEnv('APPROVALS_TABLE');

export interface ApprovalLink {
  readonly pk: string;
  readonly requestId: string;
  readonly version: number;
  readonly stageIndex: number;
  readonly stage: StageName;
  readonly approver: Assignee;
  readonly taskToken: string;
  readonly deadline: string;
  readonly createdAt: string;
}

export const linkKey = (linkHash: string) => `link#${linkHash}`;

export async function putLink(link: ApprovalLink): Promise<void> {
  await putItem(table, { ...link });
}

export async function getLink(linkHash: string): Promise<ApprovalLink | undefined> {
  return (await getItem(table, { pk: linkKey(linkHash) })) as ApprovalLink | undefined;
}

export type DeliveryState = 'sending' | 'sent';

/**
 * Starts a delivery for (task, approver). Returns 'new' when this call owns it, 'sent' when an
 * earlier attempt finished it, 'retry' when an earlier attempt died before sending.
 */
export async function beginDelivery(tokenHash: string, approverId: string, linkHash: string): Promise<'new' | 'sent' | 'retry'> {
  const pk = `delivery#${tokenHash}#${approverId}`;
  if (await putIfAbsent(table, { pk, state: 'sending', linkHash }, 'pk')) return 'new';
  const existing = await getItem(table, { pk });
  if (existing?.['state'] === 'sent') return 'sent';
  await updateItem({ table, key: { pk }, update: 'SET linkHash = :l', values: { ':l': linkHash } });
  return 'retry';
}

export async function finishDelivery(tokenHash: string, approverId: string, messageId: string): Promise<void> {
  await updateItem({
    table,
    key: { pk: `delivery#${tokenHash}#${approverId}` },
    update: 'SET #s = :sent, messageId = :m',
    names: { '#s': 'state' },
    values: { ':sent': 'sent', ':m': messageId },
  });
}
