import { ConcurrentUpdateError } from '../core/errors.js';
import { sha256Hex } from '../core/ids.js';
import type { Assignee, StageName, StagePhase } from '../core/model.js';
import { WEBHOOK_ID_RETENTION_SECONDS, type SignedCallRecord } from '../core/request/signed-call.js';
import { envTable, getItem, putIf, putIfAbsent, putItem, updateItem } from './dynamo.js';
import { approvalLinkItem, deliveryItem, inboundItem, signedCallItem, withdrawLinkItem } from './items/approval-items.js';
import { parseItem } from './items/stored-item.js';

// The approvals table holds these kinds of item under one key attribute `pk`:
//  - `link#<sha256 of link id>`: an approval link, bound to one approver and one stage, with the CSRF token
//    its review page embeds. The task token is not here: it lives on the stage (requests table), because
//    reminders and escalation replace it while earlier links keep working.
//  - `delivery#<request id>#<version>#<stage index>#<phase>#<approver id>`: marks that the approval e-mail of
//    this phase of the stage went out to this approver, so a retried, replayed or re-entered task (the workflow
//    waits again after a callback it does not believe) sends nothing twice.
//  - `webhook#<sha256 of webhook-id>`: a signed call accepted by intake, versions or withdraw — its route, request
//    and body hash — so the same webhook-id is answered as a retry on the same call and refused on any other
//    (lambdas/core/request/signed-call.ts). Hashed: the header is the sender's, of any length, and a key stops at 2,048 bytes.
//  - `withdraw#<link hash>`: a withdraw link e-mailed to the submitter; its hash names the request.
//  - `inbound#<sha256 of Message-ID>`: an inbound mail — its reply claimed with a lease (`replying`), sent (`replied`,
//    SES's id), and the mail handled (`answered`), so a redelivered mail is neither replied to nor audited twice.
// `expiresAt` (epoch seconds) lets DynamoDB's TTL remove records that are done with; expiry is also checked in
// code, since TTL deletes late and dynalite never does. The use cases see this module as their ApprovalStore
// (lambdas/use-cases/ports.ts); the table is APPROVALS_TABLE, read on first use.
const table = /* @__PURE__ */ envTable('APPROVALS_TABLE');

/** The table's TTL attribute (lib/stateful-stack.ts TTL_ATTRIBUTE). */
const TTL = 'expiresAt';

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
  const key = { pk: linkKey(linkHash) };
  const item = await getItem(table, key);
  return item === undefined ? undefined : parseItem(approvalLinkItem, item, table.name, key);
}

export type Delivery =
  /** This call owns the delivery: create the link and send. */
  | { readonly state: 'new' }
  /** An earlier attempt may still be sending it: its lease (the sender's deadline) has not passed. `linkHash`: its link. */
  | { readonly state: 'in-flight'; readonly until: Date; readonly linkHash?: string }
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
 * attempt stopped: never a second e-mail once one was marked sent, never a missing audit event. A delivery left
 * `sending` is another attempt's until its lease (that attempt's deadline) passes: then that attempt is certainly
 * gone, and this one takes the delivery over with its own link (issue #13).
 */
export async function beginDelivery(ref: DeliveryRef, linkHash: string, leaseUntil: Date, now: Date): Promise<Delivery> {
  const pk = deliveryKey(ref);
  if (await putIfAbsent(table, { pk, state: 'sending', linkHash, lease: leaseUntil.getTime() }, 'pk')) return { state: 'new' };
  const item = await getItem(table, { pk });
  const existing = item === undefined ? undefined : parseItem(deliveryItem, item, table.name, { pk });
  if (existing?.state === 'audited') return { state: 'audited' };
  if (existing?.state === 'sent') return { state: 'sent', linkHash: existing.linkHash, messageId: existing.messageId };
  if (existing?.lease !== undefined && existing.lease >= now.getTime()) return { state: 'in-flight', until: new Date(existing.lease) };
  // The earlier attempt's lease passed unmarked: it died, before sending or (rarely) before marking what it sent.
  const taken = await updateItem({
    table,
    key: { pk },
    update: 'SET linkHash = :l, lease = :until',
    condition: '#s = :sending AND (attribute_not_exists(lease) OR lease < :now)',
    names: { '#s': 'state' },
    values: { ':l': linkHash, ':until': leaseUntil.getTime(), ':now': now.getTime(), ':sending': 'sending' },
  });
  return taken === undefined ? { state: 'in-flight', until: leaseUntil } : { state: 'new' };
}

/** The delivery as stored ('sending' reads as in flight until its lease), without claiming it. */
export async function deliveryOf(ref: DeliveryRef): Promise<Delivery | undefined> {
  const pk = deliveryKey(ref);
  const item = await getItem(table, { pk });
  const existing = item === undefined ? undefined : parseItem(deliveryItem, item, table.name, { pk });
  if (existing === undefined) return undefined;
  if (existing.state === 'sending')
    return {
      state: 'in-flight',
      until: new Date(existing.lease ?? 0),
      ...(existing.linkHash !== undefined ? { linkHash: existing.linkHash } : {}),
    };
  if (existing.state === 'sent') return { state: 'sent', linkHash: existing.linkHash, messageId: existing.messageId };
  return { state: 'audited' };
}

/** A delivery whose mail was not sent is given back: its lease ends now, so the next attempt takes it over. */
export async function releaseDelivery(ref: DeliveryRef): Promise<void> {
  await updateItem({
    table,
    key: { pk: deliveryKey(ref) },
    update: 'REMOVE lease',
    condition: '#s = :sending',
    names: { '#s': 'state' },
    values: { ':sending': 'sending' },
  });
}

export async function markDelivery(ref: DeliveryRef, state: 'sent' | 'audited', messageId?: string): Promise<void> {
  await updateItem({
    table,
    key: { pk: deliveryKey(ref) },
    update: messageId === undefined ? 'SET #s = :s REMOVE lease' : 'SET #s = :s, messageId = :m REMOVE lease',
    names: { '#s': 'state' },
    values: messageId === undefined ? { ':s': state } : { ':s': state, ':m': messageId },
  });
}

const inboundKey = (messageIdHash: string) => ({ pk: `inbound#${messageIdHash}` });

/**
 * How long an inbound mail's item outlives its last write: far past any redelivery (SES retries its Lambda
 * invocation for at most six hours; an SMTP sender gives up after four or five days), so a mail delivered again is
 * still known, and the table does not keep every mail ever received.
 */
export const INBOUND_RETENTION_SECONDS = 30 * 24 * 3600;
const inboundExpiry = (now: Date) => Math.floor(now.getTime() / 1000) + INBOUND_RETENTION_SECONDS;

/** Marks an inbound mail (by Message-ID hash) as fully handled; redeliveries then change nothing. */
export async function markInboundAnswered(messageIdHash: string): Promise<void> {
  // The end state, whatever came before it (a reply sent and audited, or none): a reply's message id stays.
  await updateItem({
    table,
    key: inboundKey(messageIdHash),
    update: 'SET #s = :answered, #at = if_not_exists(#at, :at), #ttl = :expires REMOVE #u',
    names: { '#s': 'state', '#at': 'at', '#u': 'until', '#ttl': TTL },
    values: { ':answered': 'answered', ':at': new Date().toISOString(), ':expires': inboundExpiry(new Date()) },
  });
}

export async function inboundAnswered(messageIdHash: string): Promise<boolean> {
  const key = inboundKey(messageIdHash);
  const item = await getItem(table, key);
  if (item === undefined) return false;
  const state = parseItem(inboundItem, item, table.name, key).state;
  return state === undefined || state === 'answered';
}

/** True if a mail with this Message-ID hash has an item in any state (answered, or its reply claimed or sent). */
export async function inboundKnown(messageIdHash: string): Promise<boolean> {
  return (await getItem(table, inboundKey(messageIdHash))) !== undefined;
}

export type InboundReplyClaim =
  /** This call owns the reply: send it. */
  | { readonly state: 'claimed' }
  /** An earlier attempt may still be sending it: its lease (that attempt's deadline) has not passed. */
  | { readonly state: 'in-flight'; readonly until: Date }
  /** An earlier attempt sent it (SES's id) and may have died before auditing it. */
  | { readonly state: 'replied'; readonly messageId: string }
  /** The mail was handled: nothing is left to do. */
  | { readonly state: 'answered' };

/**
 * Claims the reply to an inbound mail until `leaseUntil`, with one conditional write: the item is absent, or its
 * claim was given back or its lease passed (the claimant is gone). Otherwise says who has it (issue #13).
 */
export async function claimInboundReply(messageIdHash: string, leaseUntil: Date, now: Date): Promise<InboundReplyClaim> {
  const key = inboundKey(messageIdHash);
  // Twice at most: a claim given back between the write and the read is taken on the second try.
  for (let attempt = 0; attempt < 2; attempt++) {
    const taken = await updateItem({
      table,
      key,
      update: 'SET #s = :replying, #u = :until, #ttl = :expires',
      condition: 'attribute_not_exists(#pk) OR (#s = :replying AND (attribute_not_exists(#u) OR #u < :now))',
      names: { '#pk': 'pk', '#s': 'state', '#u': 'until', '#ttl': TTL },
      values: { ':replying': 'replying', ':until': leaseUntil.toISOString(), ':now': now.toISOString(), ':expires': inboundExpiry(now) },
    });
    if (taken !== undefined) return { state: 'claimed' };
    const item = await getItem(table, key);
    if (item === undefined) continue;
    const existing = parseItem(inboundItem, item, table.name, key);
    if (existing.state === 'replied') return { state: 'replied', messageId: existing.messageId };
    if (existing.state !== 'replying') return { state: 'answered' };
    if (existing.until !== undefined) return { state: 'in-flight', until: new Date(existing.until) };
  }
  throw new ConcurrentUpdateError(`the reply to inbound mail ${messageIdHash} could neither be claimed nor read as held`);
}

/** The reply went out: the lease ends and SES's id is kept, so a redelivery audits the reply it finds, and sends none. */
export async function markInboundReplied(messageIdHash: string, messageId: string): Promise<void> {
  await updateItem({
    table,
    key: inboundKey(messageIdHash),
    update: 'SET #s = :replied, #m = :m REMOVE #u',
    condition: '#s = :replying',
    names: { '#s': 'state', '#m': 'messageId', '#u': 'until' },
    values: { ':replied': 'replied', ':replying': 'replying', ':m': messageId },
  });
}

/** Gives back a claim whose reply was not sent, so the next delivery sends it at once; only the claimant's own lease. */
export async function releaseInboundReply(messageIdHash: string, leaseUntil: Date): Promise<void> {
  await updateItem({
    table,
    key: inboundKey(messageIdHash),
    update: 'REMOVE #u',
    condition: '#s = :replying AND #u = :until',
    names: { '#s': 'state', '#u': 'until' },
    values: { ':replying': 'replying', ':until': leaseUntil.toISOString() },
  });
}

/** A withdraw link (e-mailed to the submitter): its hash names the request. */
export async function putWithdrawLink(linkHash: string, requestId: string): Promise<void> {
  await putItem(table, { pk: `withdraw#${linkHash}`, requestId, createdAt: new Date().toISOString() });
}

export async function requestOfWithdrawLink(linkHash: string): Promise<string | undefined> {
  const key = { pk: `withdraw#${linkHash}` };
  const item = await getItem(table, key);
  return item === undefined ? undefined : parseItem(withdrawLinkItem, item, table.name, key).requestId;
}

const webhookKey = (webhookId: string) => `webhook#${sha256Hex(webhookId)}`;

/**
 * Remembers a signed call under its webhook-id with one conditional put, unless the id is already remembered (and
 * not yet expired). Returns undefined when this call is the first with its id; otherwise the call the id was
 * first accepted for, which the caller compares with this one (a retry, or a conflict).
 */
export async function rememberSignedCall(call: SignedCallRecord, now: Date): Promise<SignedCallRecord | undefined> {
  const pk = webhookKey(call.webhookId);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const item = { pk, ...call, [TTL]: nowSeconds + WEBHOOK_ID_RETENTION_SECONDS };
  // Twice at most: a record found expired by the condition, and gone (TTL) when read, is absent on the second try.
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await putIf(table, item, 'attribute_not_exists(#pk) OR #ttl < :now', { '#pk': 'pk', '#ttl': TTL }, { ':now': nowSeconds }))
      return undefined;
    const first = await getItem(table, { pk });
    if (first !== undefined) return parseItem(signedCallItem, first, table.name, { pk });
  }
  throw new Error(`the record of webhook-id ${call.webhookId} neither could be written nor read`);
}
