import type { ApprovalLink, Delivery, DeliveryRef, InboundReplyClaim } from '../adapters/approvals.js';
import type { Mailer } from '../adapters/mail.js';
import type { ClaimedStage, FlagClaim, RequestFlag } from '../adapters/requests.js';
import type { TaskResponse } from '../adapters/workflow.js';
import type { AuditEvent } from '../core/audit/audit-chain.js';
import type { AuditEntry } from '../core/audit/events.js';
import type { Directory } from '../core/request/directory.js';
import type { SignedCallRecord } from '../core/request/signed-call.js';
import type { StageOpening } from '../core/request/stage-clock.js';
import type { ExecutionInput } from '../core/request/task-payloads.js';
import type {
  Assignee,
  CheckedRoute,
  Finding,
  Outcome,
  PublicationClassification,
  RegistryAccount,
  RequestRecord,
  Stage,
  StageDecision,
  StagePhase,
  Submission,
  WorkflowFailure,
} from '../core/model.js';

// The ports: what the use cases need of the world, each use case taking the few it uses (`Pick<…>` of these).
// lambdas/use-cases/default-ports.ts puts the real adapters behind them; tests put in-memory ones
// (test/use-cases/memory-ports.ts). Every write that decides something is conditional: a method that returns
// `RequestRecord | undefined` answers undefined when its condition failed (somebody else got there first).

export type { Mailer, OutgoingMail } from '../adapters/mail.js';
export type { ApprovalLink, Delivery, DeliveryRef, InboundReplyClaim } from '../adapters/approvals.js';
export type { FlagClaim, RequestFlag } from '../adapters/requests.js';

/** The requests table (lambdas/adapters/requests.ts). */
export interface RequestStore {
  createRequest(record: RequestRecord): Promise<boolean>;
  getRequest(requestId: string): Promise<RequestRecord | undefined>;
  recordExecution(requestId: string, executionArn: string): Promise<RequestRecord | undefined>;
  saveChecks(
    requestId: string,
    version: number,
    findings: readonly Finding[],
    publication: PublicationClassification | undefined,
  ): Promise<void>;
  /**
   * The checks' findings and the planned stages (the first one opened) in one write (RunChecks), while the version is
   * still being checked: the request as stored then, or undefined when it was not (a run before this one saved its
   * route, or the request ended).
   */
  saveRoute(requestId: string, version: number, route: CheckedRoute): Promise<RequestRecord | undefined>;
  saveRouteFailure(requestId: string, version: number, routeFailure: NonNullable<RequestRecord['routeFailure']>): Promise<void>;
  recordFailure(requestId: string, version: number, failure: WorkflowFailure): Promise<RequestRecord | undefined>;
  openStage(requestId: string, version: number, index: number, opening: StageOpening): Promise<RequestRecord | undefined>;
  markDelivered(requestId: string, version: number, index: number, phase: StagePhase): Promise<void>;
  recordFailedAsk(requestId: string, version: number, index: number): Promise<number>;
  claimStage(
    requestId: string,
    version: number,
    index: number,
    stageCount: number,
    result: StageDecision,
  ): Promise<ClaimedStage | undefined>;
  overridePublication(
    requestId: string,
    version: number,
    index: number,
    stageCount: number,
    publication: PublicationClassification,
    stages: readonly Stage[],
  ): Promise<RequestRecord | undefined>;
  registerWait(requestId: string, version: number, index: number, token: string, phase: StagePhase): Promise<RequestRecord | undefined>;
  waitTokenOf(requestId: string, index: number): Promise<string | undefined>;
  recordEscalation(
    requestId: string,
    version: number,
    index: number,
    deputies: readonly Assignee[],
    at: string,
    deadline: string,
  ): Promise<RequestRecord | undefined>;
  withdrawRequest(requestId: string): Promise<RequestRecord | undefined>;
  startNewVersion(
    current: RequestRecord,
    submission: Submission,
    contentHash: string,
    versionKey: string,
    now: Date,
  ): Promise<RequestRecord | undefined>;
  finishRequest(requestId: string, outcome: Outcome): Promise<RequestRecord | undefined>;
  saveRegistration(
    requestId: string,
    version: number,
    registration: NonNullable<RequestRecord['registration']>,
  ): Promise<RequestRecord | undefined>;
  /** Claims a once-per-version mail until `leaseUntil`, or says who has it (lambdas/use-cases/send-once.ts). */
  claimFlag(requestId: string, flag: RequestFlag, version: number, leaseUntil: Date, now: Date): Promise<FlagClaim>;
  markFlagSent(requestId: string, flag: RequestFlag, version: number, messageId: string): Promise<void>;
  releaseFlag(requestId: string, flag: RequestFlag): Promise<void>;
}

/** The approvals table (lambdas/adapters/approvals.ts): review links, deliveries, withdraw links, signed calls. */
export interface ApprovalStore {
  putLink(link: ApprovalLink): Promise<void>;
  getLink(linkHash: string): Promise<ApprovalLink | undefined>;
  beginDelivery(ref: DeliveryRef, linkHash: string, leaseUntil: Date, now: Date): Promise<Delivery>;
  /** The delivery as stored, without claiming it. */
  deliveryOf(ref: DeliveryRef): Promise<Delivery | undefined>;
  markDelivery(ref: DeliveryRef, state: 'sent' | 'audited', messageId?: string): Promise<void>;
  /** Gives back a delivery whose mail was not sent, so a retry takes it over at once. */
  releaseDelivery(ref: DeliveryRef): Promise<void>;
  putWithdrawLink(linkHash: string, requestId: string): Promise<void>;
  requestOfWithdrawLink(linkHash: string): Promise<string | undefined>;
  rememberSignedCall(call: SignedCallRecord, now: Date): Promise<SignedCallRecord | undefined>;
  inboundAnswered(messageIdHash: string): Promise<boolean>;
  markInboundAnswered(messageIdHash: string): Promise<void>;
  /** True if the inbound mail has an item in any state (lambdas/use-cases/submit-mail.ts `refuse`). */
  inboundKnown(messageIdHash: string): Promise<boolean>;
  /** Claims the reply to an inbound mail until `leaseUntil`, or says who has it (lambdas/use-cases/submit-mail.ts). */
  claimInboundReply(messageIdHash: string, leaseUntil: Date, now: Date): Promise<InboundReplyClaim>;
  markInboundReplied(messageIdHash: string, messageId: string): Promise<void>;
  /** Gives back a claim (the one leased until `leaseUntil`) whose reply was not sent. */
  releaseInboundReply(messageIdHash: string, leaseUntil: Date): Promise<void>;
}

/** The audit trail (lambdas/adapters/audit.ts). */
export interface AuditLog {
  appendAudit(requestId: string, entry: AuditEntry, now?: Date): Promise<unknown>;
  /** Appends unless the chain holds an event `present` accepts: exactly once, even between racing writers. */
  appendAuditUnless(requestId: string, entry: AuditEntry, present: (event: AuditEvent) => boolean, now?: Date): Promise<unknown>;
  readAudit(requestId: string): Promise<AuditEvent[]>;
  /**
   * The appends of one invocation: a chain it has read or written once is not queried again for its next append
   * (issue #18). `created` names chains known to be empty: requests the caller has just created. Take one per
   * invocation, never at module scope: what it knows of a chain only falls behind, which costs a read, never a fork.
   */
  forInvocation(created?: readonly string[]): AuditAppends;
}

/** What an invocation appends with (AuditLog.forInvocation). */
export type AuditAppends = Pick<AuditLog, 'appendAudit' | 'appendAuditUnless'>;

/** The approval workflow (lambdas/adapters/workflow.ts, with the state machine bound). */
export interface Workflow {
  /**
   * Starts the workflow of a request version; starting one that exists already is not an error. The input is the
   * state machine's contract (core/request/task-payloads.ts `executionInput`, test/statemachines/asl-contract.test.ts).
   */
  startApproval(name: string, input: Readonly<ExecutionInput>): Promise<unknown>;
  stopExecution(executionArn: string, error: string, cause: string): Promise<void>;
  sendTaskSuccess(taskToken: string, output: unknown): Promise<TaskResponse>;
}

/** The registry of institutional accounts (lambdas/adapters/registry.ts); the directory seeds it on first use. */
export interface AccountRegistry {
  listAccounts(directory: Directory): Promise<RegistryAccount[]>;
  getAccount(id: string, directory: Directory): Promise<RegistryAccount | undefined>;
  registerAccount(account: RegistryAccount, directory?: Directory): Promise<'registered' | 'already-registered'>;
}

/** Every port, as lambdas/use-cases/default-ports.ts provides them. */
export interface Ports {
  readonly requests: RequestStore;
  readonly approvals: ApprovalStore;
  readonly audit: AuditLog;
  readonly mail: Mailer;
  readonly workflow: Workflow;
  readonly registry: AccountRegistry;
}
