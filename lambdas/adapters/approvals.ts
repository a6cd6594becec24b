import type { Assignee, StageName, StagePhase } from '../core/model.js';
import { requireEnv } from '../shared/env.js';
import { getItem, putIfAbsent, putItem, updateItem } from './dynamo.js';

// The approvals table holds two kinds of item under one key attribute `pk`:
//  - `link#<sha256 of link id>`: an approval link, bound to one approver and one stage, with the CSRF token
//    its review page embeds. The task token is not here: it lives on the stage (requests table), because
//    reminders and escalation replace it while earlier links keep working.
//  - `delivery#<request id>#<version>#<stage index>#<phase>#<approver id>`: marks that the approval e-mail of
//    this phase of the stage went out to this approver, so a retried, replayed or re-entered task (the workflow
//    waits again after a callback it does not believe) sends nothing twice.
const table = requireEnv('APPROVALS_TABLE');

export interface ApprovalLink {
  readonly pk: string;
  readonly requestId: string;
  readonly version: number;
  readonly stageIndex: number;
  readonly stage: StageName;
  readonly approver: Assignee;
  /** Random, embedded in the review page's form; a POST without it decides nothing. */
  readonly csrf: string;
  readonly createdAt: string;
}

export const linkKey = (linkHash: string) => `link#${linkHash}`;

export async function putLink(link: ApprovalLink): Promise<void> {
  await putItem(table, { ...link });
}

export async function getLink(linkHash: string): Promise<ApprovalLink | undefined> {
  return (await getItem(table, { pk: linkKey(linkHash) })) as ApprovalLink | undefined;
}

export type Delivery =
  /** This call owns the delivery: create the link and send. */
  | { readonly state: 'new' }
  /** An earlier attempt sent the mail but died before auditing it. */
  | { readonly state: 'sent'; readonly linkHash: string; readonly messageId: string }
  /** Sent and audited: nothing left to do. */
  | { readonly state: 'audited' };

/** What an approval e-mail is sent once for: one phase of one stage of one version, to one approver. */
export interface DeliveryRef {
  readonly requestId: string;
  readonly version: number;
  readonly stageIndex: number;
  readonly phase: StagePhase;
  readonly approverId: string;
}

const deliveryKey = (d: DeliveryRef) => `delivery#${d.requestId}#${d.version}#${d.stageIndex}#${d.phase}#${d.approverId}`;

/**
 * Starts a delivery: sending → sent → audited. A replayed, retried or re-entered task resumes wherever the last
 * attempt stopped: never a second e-mail once one went out, never a missing audit event.
 */
export async function beginDelivery(ref: DeliveryRef, linkHash: string): Promise<Delivery> {
  const pk = deliveryKey(ref);
  if (await putIfAbsent(table, { pk, state: 'sending', linkHash }, 'pk')) return { state: 'new' };
  const existing = await getItem(table, { pk });
  if (existing?.['state'] === 'audited') return { state: 'audited' };
  if (existing?.['state'] === 'sent') return { state: 'sent', linkHash: String(existing['linkHash']), messageId: String(existing['messageId']) };
  // The earlier attempt died before sending: its link was never e-mailed, so a fresh link replaces it.
  await updateItem({ table, key: { pk }, update: 'SET linkHash = :l', values: { ':l': linkHash } });
  return { state: 'new' };
}

export async function markDelivery(ref: DeliveryRef, state: 'sent' | 'audited', messageId?: string): Promise<void> {
  await updateItem({
    table,
    key: { pk: deliveryKey(ref) },
    update: messageId === undefined ? 'SET #s = :s' : 'SET #s = :s, messageId = :m',
    names: { '#s': 'state' },
    values: messageId === undefined ? { ':s': state } : { ':s': state, ':m': messageId },
  });
}

/** Marks an inbound mail (by Message-ID hash) as fully handled; redeliveries then change nothing. */
export async function markInboundAnswered(messageIdHash: string): Promise<void> {
  await putIfAbsent(table, { pk: `inbound#${messageIdHash}`, at: new Date().toISOString() }, 'pk');
}

export async function inboundAnswered(messageIdHash: string): Promise<boolean> {
  return (await getItem(table, { pk: `inbound#${messageIdHash}` })) !== undefined;
}

/** A withdraw link (e-mailed to the submitter): its hash names the request. */
export async function putWithdrawLink(linkHash: string, requestId: string): Promise<void> {
  await putItem(table, { pk: `withdraw#${linkHash}`, requestId, createdAt: new Date().toISOString() });
}

export async function requestOfWithdrawLink(linkHash: string): Promise<string | undefined> {
  const item = await getItem(table, { pk: `withdraw#${linkHash}` });
  return typeof item?.['requestId'] === 'string' ? item['requestId'] : undefined;
}
