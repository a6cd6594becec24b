import { readFileSync } from 'node:fs';
import type { AuditEvent } from '../../lambdas/core/audit/audit-chain.js';
import { chainEvent } from '../../lambdas/core/audit/audit-chain.js';
import { checkedAuditEntry, type AuditEntry } from '../../lambdas/core/audit/events.js';
import type { CheckedRoute, RegistryAccount, RequestRecord, Stage, StageDecision, WorkflowFailure } from '../../lambdas/core/model.js';
import type { ClaimedStage } from '../../lambdas/adapters/requests.js';
import { outcomeOfDecision, stageStatusOf } from '../../lambdas/core/request/arbiter.js';
import { parseDirectory, withRegistry, type Directory } from '../../lambdas/core/request/directory.js';
import { DEFAULT_CHECK_BUDGET } from '../../lambdas/core/checks/check-budget.js';
import { loadPreset } from '../../lambdas/core/rules/presets.js';
import type {
  ApprovalLink,
  ApprovalStore,
  AuditAppends,
  AuditLog,
  Delivery,
  FlagClaim,
  InboundReplyClaim,
  Mailer,
  OutgoingMail,
  Ports,
  RequestFlag,
  RequestStore,
  Workflow,
} from '../../lambdas/use-cases/ports.js';

// In-memory ports for the use cases' unit tests: the same conditions as the DynamoDB adapters where a use case
// depends on them (a flag is claimed once, a stage is claimed while pending), every call that matters recorded.

export const directory: Directory = parseDirectory(
  JSON.parse(readFileSync(new URL('../../config/directory.json', import.meta.url), 'utf8')) as unknown,
);
export const NOW = new Date('2026-12-05T10:00:00.000Z');

/** grace approves the first stage (the supervisor's) of req_memory, now: the decision most workflow tests start from. */
export const SUPERVISOR_APPROVES: StageDecision = {
  stageIndex: 0,
  decision: 'approve',
  decidedBy: 'grace@example.org',
  deciderId: 'grace',
  decidedAt: NOW.toISOString(),
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
/** A claimed flag: its lease while its mail may be on its way, its message id once sent (lambdas/adapters/requests.ts). */
type FlagState = { lease?: number; messageId?: string };
type Stored = Mutable<RequestRecord> & { flags: Map<RequestFlag, FlagState>; waitTokens: Record<string, string> };

const person = (id: string) => {
  const p = directory.personById(id);
  if (p === undefined) throw new Error(`no ${id} in the directory`);
  return { id: p.id, name: p.name, email: p.email };
};

/** A brand post by ada, awaiting the supervisor (grace), then comms (carl, cara). */
export function brandPost(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    requestId: 'req_memory',
    kind: 'brand-post',
    status: 'awaiting-approval',
    version: 1,
    submission: {
      kind: 'brand-post',
      submitter: 'ada@example.org',
      account: 'physics-x',
      title: 'Open day',
      text: 'Join us on Saturday.',
      format: 'post',
      media: [],
      attestations: {},
    },
    contentHash: 'c'.repeat(64),
    receivedAt: '2026-12-05T09:00:00.000Z',
    channel: 'webhook',
    stages: [
      {
        stage: 'supervisor',
        status: 'pending',
        assignees: [person('grace')],
        timeoutSeconds: 259_200,
        deadline: '2026-12-08T09:00:00.000Z',
      },
      { stage: 'comms', status: 'waiting', assignees: [person('carl'), person('cara')], timeoutSeconds: 259_200 },
    ],
    findings: [],
    ...overrides,
  };
}

export class MemoryRequests implements RequestStore {
  readonly items = new Map<string, Stored>();

  put(record: RequestRecord): void {
    this.items.set(record.requestId, { ...structuredClone(record), flags: new Map(), waitTokens: {} });
  }

  #get(requestId: string): Stored | undefined {
    return this.items.get(requestId);
  }

  #view(item: Stored | undefined): RequestRecord | undefined {
    if (item === undefined) return undefined;
    const { flags: _flags, waitTokens: _tokens, ...record } = item;
    return structuredClone(record);
  }

  #setStage(item: Stored, index: number, change: Partial<Stage>): void {
    item.stages = item.stages.map((s, i) => (i === index ? { ...s, ...change } : s));
  }

  async createRequest(record: RequestRecord): Promise<boolean> {
    if (this.items.has(record.requestId)) return false;
    this.put(record);
    return true;
  }
  async getRequest(requestId: string): Promise<RequestRecord | undefined> {
    return this.#view(this.#get(requestId));
  }
  async recordExecution(requestId: string, executionArn: string): Promise<RequestRecord | undefined> {
    const item = this.#get(requestId);
    if (item === undefined) return undefined;
    item.executionArn = executionArn;
    return this.#view(item);
  }
  async saveChecks(
    requestId: string,
    version: number,
    findings: RequestRecord['findings'],
    publication: RequestRecord['publication'],
  ): Promise<void> {
    const item = this.#get(requestId);
    if (item?.version !== version) return;
    item.findings = [...findings];
    if (publication !== undefined) item.publication = publication;
  }
  async saveRouteFailure(requestId: string, version: number, routeFailure: NonNullable<RequestRecord['routeFailure']>): Promise<void> {
    const item = this.#get(requestId);
    if (item?.version === version) item.routeFailure = routeFailure;
  }
  async saveRoute(requestId: string, version: number, route: CheckedRoute): Promise<RequestRecord | undefined> {
    const item = this.#get(requestId);
    if (item?.version !== version || item.status !== 'checking') return undefined;
    item.findings = [...route.findings];
    if (route.publication !== undefined) item.publication = route.publication;
    item.stages = [...route.stages];
    item.status = 'awaiting-approval';
    return this.#view(item);
  }
  async openStage(
    requestId: string,
    version: number,
    index: number,
    opening: Parameters<RequestStore['openStage']>[3],
  ): Promise<RequestRecord | undefined> {
    const item = this.#get(requestId);
    if (item?.version !== version || item.stages[index]?.status !== 'waiting') return undefined;
    this.#setStage(item, index, {
      status: 'pending',
      deadline: opening.deadline,
      timeoutSeconds: opening.schedule.deadlineSeconds,
      openedAt: opening.openedAt,
      schedule: opening.schedule,
    });
    return this.#view(item);
  }
  async markDelivered(requestId: string, version: number, index: number, phase: Stage['phase'] & string): Promise<void> {
    const item = this.#get(requestId);
    if (item?.version === version && item.stages[index]?.phase === phase) this.#setStage(item, index, { delivered: phase });
  }
  async recordFailedAsk(requestId: string, version: number, index: number): Promise<number> {
    const item = this.#get(requestId);
    if (item?.version !== version) return 0;
    const failedAsks = (item.stages[index]?.failedAsks ?? 0) + 1;
    this.#setStage(item, index, { failedAsks });
    return failedAsks;
  }
  #open(item: Stored | undefined, version: number, index: number, stageCount?: number): item is Stored {
    return (
      item !== undefined &&
      item.version === version &&
      item.status === 'awaiting-approval' &&
      item.outcome === undefined &&
      item.stages[index]?.status === 'pending' &&
      (stageCount === undefined || item.stages.length === stageCount)
    );
  }
  async claimStage(
    requestId: string,
    version: number,
    index: number,
    stageCount: number,
    result: Parameters<RequestStore['claimStage']>[4],
  ): Promise<ClaimedStage | undefined> {
    const item = this.#get(requestId);
    if (!this.#open(item, version, index, stageCount)) return undefined;
    const ends = outcomeOfDecision(result.decision, index === stageCount - 1);
    const statements = result.statements !== undefined && result.statements.length > 0 ? { statements: result.statements } : {};
    this.#setStage(item, index, {
      status: stageStatusOf(result.decision),
      decision: result.decision === 'expired' ? undefined : result.decision,
      decidedBy: result.decidedBy,
      deciderId: result.deciderId,
      decidedAt: result.decidedAt,
      comment: result.comment,
      ...statements,
    });
    if (ends !== undefined) {
      item.status = ends;
      item.outcome = ends;
    }
    const request = this.#view(item);
    return request === undefined ? undefined : { request, waitToken: item.waitTokens[String(index)] };
  }
  async overridePublication(
    requestId: string,
    version: number,
    index: number,
    stageCount: number,
    publication: NonNullable<RequestRecord['publication']>,
    stages: readonly Stage[],
  ): Promise<RequestRecord | undefined> {
    const item = this.#get(requestId);
    if (!this.#open(item, version, index, stageCount)) return undefined;
    item.publication = publication;
    item.stages = [...stages];
    return this.#view(item);
  }
  async registerWait(
    requestId: string,
    version: number,
    index: number,
    token: string,
    phase: NonNullable<Stage['phase']>,
  ): Promise<RequestRecord | undefined> {
    const item = this.#get(requestId);
    if (!this.#open(item, version, index)) return undefined;
    item.waitTokens[String(index)] = token;
    this.#setStage(item, index, { phase });
    return this.#view(item);
  }
  async waitTokenOf(requestId: string, index: number): Promise<string | undefined> {
    return this.#get(requestId)?.waitTokens[String(index)];
  }
  async recordEscalation(
    requestId: string,
    version: number,
    index: number,
    deputies: Stage['assignees'],
    at: string,
    deadline: string,
  ): Promise<RequestRecord | undefined> {
    const item = this.#get(requestId);
    const stage = item?.stages[index];
    if (item?.version !== version || stage?.status !== 'pending' || stage.escalatedAt !== undefined) return undefined;
    this.#setStage(item, index, { escalatedTo: deputies, escalatedAt: at, escalationDeadline: deadline });
    return this.#view(item);
  }
  async withdrawRequest(requestId: string): Promise<RequestRecord | undefined> {
    const item = this.#get(requestId);
    if (item === undefined || item.outcome !== undefined || !['checking', 'awaiting-approval', 'failed'].includes(item.status))
      return undefined;
    item.status = 'withdrawn';
    item.outcome = 'withdrawn';
    return this.#view(item);
  }
  async startNewVersion(
    current: RequestRecord,
    submission: RequestRecord['submission'],
    contentHash: string,
    versionKey: string,
  ): Promise<RequestRecord | undefined> {
    const item = this.#get(current.requestId);
    if (item?.version !== current.version || item.outcome !== 'changes-requested') return undefined;
    const previous = {
      version: current.version,
      submission: current.submission,
      contentHash: current.contentHash,
      outcome: current.outcome,
    };
    this.put({
      ...current,
      version: current.version + 1,
      submission,
      contentHash,
      status: 'checking',
      stages: [],
      findings: [],
      outcome: undefined,
      failure: undefined,
      previousVersions: [...(current.previousVersions ?? []), previous],
      versionKey,
    } as RequestRecord);
    return this.getRequest(current.requestId);
  }
  async recordFailure(requestId: string, version: number, failure: WorkflowFailure): Promise<RequestRecord | undefined> {
    const item = this.#get(requestId);
    if (item === undefined || item.version !== version) return undefined;
    item.failure ??= failure;
    if (item.outcome === undefined) item.status = 'failed';
    return this.#view(item);
  }
  async finishRequest(requestId: string, outcome: NonNullable<RequestRecord['outcome']>): Promise<RequestRecord | undefined> {
    const item = this.#get(requestId);
    if (item === undefined) return undefined;
    if (item.outcome === undefined) {
      item.outcome = outcome;
      item.status = outcome;
    }
    return this.#view(item);
  }
  async saveRegistration(
    requestId: string,
    version: number,
    registration: NonNullable<RequestRecord['registration']>,
  ): Promise<RequestRecord | undefined> {
    const item = this.#get(requestId);
    if (item?.version !== version) return undefined;
    item.registration = registration;
    return this.#view(item);
  }
  async claimFlag(requestId: string, flag: RequestFlag, version: number, leaseUntil: Date, now: Date): Promise<FlagClaim> {
    const item = this.#get(requestId);
    if (item?.version !== version) return { state: 'stale' };
    const held = item.flags.get(flag);
    if (held === undefined || (held.lease !== undefined && held.lease < now.getTime())) {
      item.flags.set(flag, { lease: leaseUntil.getTime() });
      return { state: 'claimed' };
    }
    if (held.lease !== undefined) return { state: 'in-flight', until: new Date(held.lease) };
    return { state: 'sent', messageId: held.messageId };
  }
  async markFlagSent(requestId: string, flag: RequestFlag, version: number, messageId: string): Promise<void> {
    const item = this.#get(requestId);
    if (item?.version === version && item.flags.has(flag)) item.flags.set(flag, { messageId });
  }
  async releaseFlag(requestId: string, flag: RequestFlag): Promise<void> {
    this.#get(requestId)?.flags.delete(flag);
  }
}

interface InboundState {
  readonly state: 'replying' | 'replied' | 'answered';
  readonly until?: number;
  readonly messageId?: string;
}

export class MemoryApprovals implements ApprovalStore {
  readonly links = new Map<string, ApprovalLink>();
  readonly deliveries = new Map<string, { state: 'sending' | 'sent' | 'audited'; linkHash: string; messageId?: string; lease?: number }>();
  readonly withdrawLinks = new Map<string, string>();
  readonly signedCalls = new Map<string, Parameters<ApprovalStore['rememberSignedCall']>[0]>();
  /** Inbound mails by Message-ID hash: their reply claimed until a lease, sent, or the mail handled (approvals.ts). */
  readonly inbound = new Map<string, InboundState>();

  async putLink(link: ApprovalLink): Promise<void> {
    this.links.set(link.pk, link);
  }
  async getLink(linkHash: string): Promise<ApprovalLink | undefined> {
    return this.links.get(`link#${linkHash}`);
  }
  async beginDelivery(
    ref: Parameters<ApprovalStore['beginDelivery']>[0],
    linkHash: string,
    leaseUntil: Date,
    now: Date,
  ): Promise<Delivery> {
    const key = JSON.stringify(ref);
    const existing = this.deliveries.get(key);
    if (existing?.state === 'audited') return { state: 'audited' };
    if (existing?.state === 'sent') return { state: 'sent', linkHash: existing.linkHash, messageId: existing.messageId ?? '' };
    if (existing?.lease !== undefined && existing.lease >= now.getTime()) return { state: 'in-flight', until: new Date(existing.lease) };
    this.deliveries.set(key, { state: 'sending', linkHash, lease: leaseUntil.getTime() });
    return { state: 'new' };
  }
  async deliveryOf(ref: Parameters<ApprovalStore['deliveryOf']>[0]): Promise<Delivery | undefined> {
    const existing = this.deliveries.get(JSON.stringify(ref));
    if (existing === undefined) return undefined;
    if (existing.state === 'sending') return { state: 'in-flight', until: new Date(existing.lease ?? 0), linkHash: existing.linkHash };
    if (existing.state === 'sent') return { state: 'sent', linkHash: existing.linkHash, messageId: existing.messageId ?? '' };
    return { state: 'audited' };
  }
  async releaseDelivery(ref: Parameters<ApprovalStore['releaseDelivery']>[0]): Promise<void> {
    const key = JSON.stringify(ref);
    const existing = this.deliveries.get(key);
    if (existing?.state === 'sending') {
      const { lease: _lease, ...rest } = existing;
      this.deliveries.set(key, rest);
    }
  }
  async markDelivery(ref: Parameters<ApprovalStore['markDelivery']>[0], state: 'sent' | 'audited', messageId?: string): Promise<void> {
    const key = JSON.stringify(ref);
    const existing = this.deliveries.get(key);
    if (existing !== undefined) {
      const { lease: _lease, ...rest } = existing;
      this.deliveries.set(key, { ...rest, state, ...(messageId !== undefined ? { messageId } : {}) });
    }
  }
  async putWithdrawLink(linkHash: string, requestId: string): Promise<void> {
    this.withdrawLinks.set(linkHash, requestId);
  }
  async requestOfWithdrawLink(linkHash: string): Promise<string | undefined> {
    return this.withdrawLinks.get(linkHash);
  }
  async rememberSignedCall(call: Parameters<ApprovalStore['rememberSignedCall']>[0]): ReturnType<ApprovalStore['rememberSignedCall']> {
    const first = this.signedCalls.get(call.webhookId);
    if (first !== undefined) return first;
    this.signedCalls.set(call.webhookId, call);
    return undefined;
  }
  async inboundAnswered(messageIdHash: string): Promise<boolean> {
    return this.inbound.get(messageIdHash)?.state === 'answered';
  }
  async inboundKnown(messageIdHash: string): Promise<boolean> {
    return this.inbound.has(messageIdHash);
  }
  async markInboundAnswered(messageIdHash: string): Promise<void> {
    const held = this.inbound.get(messageIdHash);
    this.inbound.set(messageIdHash, { state: 'answered', ...(held?.messageId !== undefined ? { messageId: held.messageId } : {}) });
  }
  async claimInboundReply(messageIdHash: string, leaseUntil: Date, now: Date): Promise<InboundReplyClaim> {
    const held = this.inbound.get(messageIdHash);
    if (held === undefined || (held.state === 'replying' && (held.until === undefined || held.until < now.getTime()))) {
      this.inbound.set(messageIdHash, { state: 'replying', until: leaseUntil.getTime() });
      return { state: 'claimed' };
    }
    if (held.state === 'replying') return { state: 'in-flight', until: new Date(held.until ?? 0) };
    if (held.state === 'replied') return { state: 'replied', messageId: held.messageId ?? '' };
    return { state: 'answered' };
  }
  async markInboundReplied(messageIdHash: string, messageId: string): Promise<void> {
    if (this.inbound.get(messageIdHash)?.state === 'replying') this.inbound.set(messageIdHash, { state: 'replied', messageId });
  }
  async releaseInboundReply(messageIdHash: string, leaseUntil: Date): Promise<void> {
    const held = this.inbound.get(messageIdHash);
    if (held?.state === 'replying' && held.until === leaseUntil.getTime()) this.inbound.set(messageIdHash, { state: 'replying' });
  }
}

/** The audit trail, each entry checked against its schema as appendAudit checks it, chained per request. */
export class MemoryAudit implements AuditLog {
  readonly events: AuditEvent[] = [];
  async appendAudit(requestId: string, entry: AuditEntry, now: Date = NOW): Promise<AuditEvent> {
    const chain = this.events.filter((e) => e.requestId === requestId);
    const event = chainEvent(chain.at(-1), { requestId, at: now.toISOString(), ...checkedAuditEntry(entry) });
    this.events.push(event);
    return event;
  }
  async appendAuditUnless(
    requestId: string,
    entry: AuditEntry,
    present: (event: AuditEvent) => boolean,
    now: Date = NOW,
  ): Promise<AuditEvent | undefined> {
    if (this.events.some((e) => e.requestId === requestId && present(e))) return undefined;
    return this.appendAudit(requestId, entry, now);
  }
  async readAudit(requestId: string): Promise<AuditEvent[]> {
    return this.events.filter((e) => e.requestId === requestId);
  }
  /** Appends of one invocation: in memory there is no query to save, so the same log; counted, for tests. */
  invocations = 0;
  forInvocation(): AuditAppends {
    this.invocations++;
    return this;
  }
  types(): string[] {
    return this.events.map((e) => e.type);
  }
}

/** Mail that goes nowhere; `failures` sends fail first (SES throttling, say). */
export class MemoryMail implements Mailer {
  readonly sent: OutgoingMail[] = [];
  failures = 0;
  async sendMail(mail: OutgoingMail): Promise<string> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('SES is throttling');
    }
    this.sent.push(mail);
    return `msg-${this.sent.length}`;
  }
}

export class MemoryWorkflow implements Workflow {
  readonly started: Array<{ name: string; input: unknown }> = [];
  readonly stopped: string[] = [];
  readonly nudged: Array<{ taskToken: string; output: unknown }> = [];
  async startApproval(name: string, input: { readonly requestId: string; readonly version: number }): Promise<unknown> {
    this.started.push({ name, input });
    return `arn:exec:${name}`;
  }
  async stopExecution(executionArn: string): Promise<void> {
    this.stopped.push(executionArn);
  }
  async sendTaskSuccess(taskToken: string, output: unknown): Promise<'delivered'> {
    this.nudged.push({ taskToken, output });
    return 'delivered';
  }
}

/** Every port in memory; the registry holds the directory file's accounts. */
export function memoryPorts(): Ports & {
  requests: MemoryRequests;
  approvals: MemoryApprovals;
  audit: MemoryAudit;
  mail: MemoryMail;
  workflow: MemoryWorkflow;
  accounts: RegistryAccount[];
} {
  const accounts: RegistryAccount[] = directory.accounts.map((a) => ({
    ...a,
    smmAdmin: false,
    openedBy: 'directory',
    openedAt: '2026-01-01T00:00:00.000Z',
  }));
  return {
    requests: new MemoryRequests(),
    approvals: new MemoryApprovals(),
    audit: new MemoryAudit(),
    mail: new MemoryMail(),
    workflow: new MemoryWorkflow(),
    accounts,
    registry: {
      listAccounts: async () => [...accounts],
      getAccount: async (id) => accounts.find((a) => a.id === id),
      async registerAccount(account) {
        const existing = accounts.find((a) => a.id === account.id);
        if (existing !== undefined) return 'already-registered';
        accounts.push(account);
        return 'registered';
      },
    },
  };
}

/**
 * The ports of the workflow's task use cases over fresh in-memory stores holding `record` (if given): the directory file,
 * its preset, real time (scale 1), the default check budget, and the registry laid over the directory.
 */
export function taskPorts(record?: RequestRecord) {
  const ports = memoryPorts();
  if (record !== undefined) ports.requests.put(record);
  return {
    ...ports,
    directory,
    preset: loadPreset(directory.preset),
    timeScale: 1,
    recheckSeconds: 900,
    mailFrom: 'signoff@example.org',
    baseUrl: 'https://signoff.example.org',
    registryView: async () => ({ directory: withRegistry(directory, ports.accounts), registry: ports.accounts }),
    checkBudget: () => DEFAULT_CHECK_BUDGET,
  };
}
