// The domain vocabulary of Signoff. One word per idea, used the same in code, ASL, e-mails and docs
// (GOVERNANCE.md, DESIGN.md). Nothing here imports AWS.

import type { StageSchedule } from './request/stage-clock.js';
import type { RuleId } from './rules/catalogue.js';

export type RequestKind = 'brand-post' | 'account-opening';

/** `failed`: a workflow task failed after its retries before the request ended (its `failure` says which, issue #13). */
export type RequestStatus =
  | 'checking'
  | 'awaiting-approval'
  | 'changes-requested'
  | 'approved'
  | 'rejected'
  | 'expired'
  | 'withdrawn'
  | 'failed';

/** How a request ends: the workflow's endings, and withdrawal by the submitter. */
export type Outcome = Extract<RequestStatus, 'approved' | 'rejected' | 'changes-requested' | 'expired' | 'withdrawn'>;

/** Which waiting phase a stage is in (GOVERNANCE.md §3): asked, reminded at half-time, escalated at the deadline. */
export type StagePhase = 'requested' | 'reminded' | 'escalated';

export type Severity = 'block' | 'attest' | 'route' | 'warn' | 'info';

export type Platform = 'x' | 'bluesky' | 'mastodon' | 'linkedin' | 'facebook' | 'instagram' | 'threads' | 'youtube' | 'tiktok';

export type PostFormat = 'post' | 'thread' | 'article' | 'blog' | 'share' | 'correction';

/**
 * What the submitter declares a media item to be (GOVERNANCE.md §5 P-CONFIDENTIAL, P-LOGO). The confidential
 * declarations — `internal-document`, `contract`, `budget`, `access-card`, `credentials` — block the post (CERN §1:
 * "don't post a picture of your CERN access card or of internal documents such as contracts or project budgets");
 * `logo` is the institution's own logo, allowed only on registered brand accounts.
 */
export type MediaDeclaration =
  | 'photo'
  | 'illustration'
  | 'chart'
  | 'poster'
  | 'screenshot'
  | 'logo'
  | 'internal-document'
  | 'contract'
  | 'budget'
  | 'access-card'
  | 'credentials';

export interface MediaItem {
  readonly type: 'image' | 'video';
  readonly url: string;
  readonly alt?: string | undefined;
  readonly captions?: boolean | undefined;
  readonly rights?: 'own' | 'licensed' | 'public-domain' | 'creative-commons' | 'unknown' | undefined;
  readonly credit?: string | undefined;
  readonly showsPeople?: boolean | undefined;
  /** What the item is, as the submitter declares it; see MediaDeclaration. */
  readonly declaredAs?: MediaDeclaration | undefined;
}

export interface BrandPostAttestations {
  readonly peopleConsent?: boolean | undefined;
  readonly aiUsed?: boolean | undefined;
  readonly aiDisclosed?: boolean | undefined;
}

/** A brand post as submitted (webhook body or mail), after schema validation. */
export interface BrandPostSubmission {
  readonly kind: 'brand-post';
  readonly submitter: string;
  readonly account: string;
  readonly title: string;
  readonly text: string;
  readonly format: PostFormat;
  readonly publishAt?: string | undefined;
  readonly media: readonly MediaItem[];
  readonly attestations: BrandPostAttestations;
}

/** The twelve questions of CERN §3, in its order (DESIGN.md "Webhook intake", GOVERNANCE.md §6). */
export type QuestionKey =
  | 'project'
  | 'platform'
  | 'audience'
  | 'existingChannel'
  | 'communications'
  | 'frequency'
  | 'resources'
  | 'endOfLife'
  | 'hashtagInstead'
  | 'closedGroupInstead'
  | 'evaluation'
  | 'readyToRetire';

export interface AccountOpeningAttestations {
  /** The social-media manager will receive admin rights (A-SMM-ADMIN). */
  readonly smmAdmin?: boolean | undefined;
  /** Where the access details are kept — a reference such as a vault path, never a secret (A-SMM-ADMIN). */
  readonly credentialStore?: string | undefined;
  /** Comment policy and community guidelines are prepared (A-COMMENT-POLICY). */
  readonly commentPolicy?: boolean | undefined;
}

/** An alumni group's settings (GOVERNANCE.md §6 A-GROUP-PRIVACY). */
export interface GroupSettings {
  readonly visibility: 'public' | 'private';
  /** A private group's join-moderation policy, with its non-discrimination statement. */
  readonly joinPolicy?: string | undefined;
}

/** A request to open a new institutional account (GOVERNANCE.md §6), after schema validation. */
export interface AccountOpeningSubmission {
  readonly kind: 'account-opening';
  readonly submitter: string;
  /** The requesting unit's id in the directory. */
  readonly unit: string;
  readonly platform: Platform;
  readonly handle: string;
  /** A title for mails and pages; defaults to "Open <handle> on <platform>". */
  readonly title: string;
  /** The administrators' e-mail addresses, lower case, in the order given. */
  readonly admins: readonly string[];
  readonly group?: GroupSettings | undefined;
  /** The answers given, trimmed; a question left out or blank is absent (A-QUESTIONNAIRE names it). */
  readonly questionnaire: Readonly<Partial<Record<QuestionKey, string>>>;
  readonly attestations: AccountOpeningAttestations;
}

export type Submission = BrandPostSubmission | AccountOpeningSubmission;

/**
 * An institutional account in the registry (GOVERNANCE.md §6): seeded once from the directory's `accounts`, then
 * added to by approved account openings. People are directory person ids, as in the directory file.
 */
export interface RegistryAccount {
  readonly id: string;
  readonly platform: Platform;
  readonly handle: string;
  readonly unit: string;
  readonly posters: readonly string[];
  readonly admins: readonly string[];
  readonly status: 'active' | 'retired' | 'suspended';
  /** Whether the social-media manager has admin rights on the account. */
  readonly smmAdmin: boolean;
  /** Where the access details are kept (a reference, never a secret). */
  readonly credentialStore?: string | undefined;
  /** The account-opening request that registered it, or `directory` for an account seeded from the file. */
  readonly openedBy: string;
  readonly openedAt: string;
}

/** A span of the post's text: UTF-16 offsets into `text` (JavaScript string indices), `end` exclusive. */
export interface TextSpan {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** The policy sentence a rule enforces: the file in `seeds/`, its section, and the words quoted from it. */
export interface RuleCitation {
  readonly policy: string;
  readonly section: string;
  readonly quote: string;
}

/** Who must make an attestation's statement: the submitter with the request, or an approver on the review page. */
export type AttestationBy = 'submitter' | 'comms' | 'ethics';

/**
 * The explicit statement an `attest` rule asks for (GOVERNANCE.md §5). A submitter's statement that is missing
 * makes the finding blocking; an approver's statement is shown on the review page as one the approver must make.
 */
export interface Attestation {
  readonly statement: string;
  readonly by: AttestationBy;
  readonly satisfied: boolean;
}

export interface Finding {
  /** The rule of GOVERNANCE.md the finding is under (rules/catalogue.ts). */
  readonly rule: RuleId;
  readonly severity: Severity;
  readonly message: string;
  /** The offending span of text, or the media item (`media[2]`), when there is one. */
  readonly where?: string | undefined;
  /** The offending text, when the finding points at the post's text. */
  readonly span?: TextSpan | undefined;
  /** Index into `media` of the offending item. */
  readonly media?: number | undefined;
  /** A fix the submitter can take as is (a CamelCase hashtag, a neutral term). */
  readonly suggestion?: string | undefined;
  /** The policy sentence behind the rule, in the institution's preset. */
  readonly source?: RuleCitation | undefined;
  /** For `attest` rules: the statement required, who makes it, and whether it has been made. */
  readonly attestation?: Attestation | undefined;
  /** For `route` rules: the stage the finding adds or asks to clear it explicitly. */
  readonly stage?: Extract<StageName, 'comms' | 'ethics'> | undefined;
}

export interface PublicationClassification {
  readonly is: boolean;
  /** Which criteria of GOVERNANCE.md §4 fired (or, when not a publication, why not). */
  readonly reasons: readonly string[];
  /** When a communications approver overrode the classifier (GOVERNANCE.md §4): who, when, why, from what. */
  readonly override?: PublicationOverride | undefined;
}

export interface PublicationOverride {
  readonly by: string;
  readonly at: string;
  readonly reason: string;
  /** What the classifier said before the override. */
  readonly was: boolean;
}

/** A statement an approver made with their decision, as an `attest` or `route` finding asked it of their stage. */
export interface StatementMade {
  readonly rule: RuleId;
  readonly statement: string;
}

/** `management` is an account opening's first stage: the submitter's manager, or the unit head (GOVERNANCE.md §6). */
export type StageName = 'supervisor' | 'management' | 'comms' | 'ethics';

/** A decided stage's status is what stageStatusOf (core/request/arbiter.ts) writes: `request-changes`, as the decision is named. */
export type StageStatus = 'waiting' | 'pending' | 'approved' | 'rejected' | 'request-changes' | 'expired';

export type Decision = 'approve' | 'reject' | 'request-changes';

/** A person an approval is assigned to, as the directory names them. */
export interface Assignee {
  readonly id: string;
  readonly name: string;
  readonly email: string;
}

export interface Stage {
  readonly stage: StageName;
  readonly status: StageStatus;
  readonly assignees: readonly Assignee[];
  /** Seconds the stage may wait for a decision (GOVERNANCE.md §3 deadline). */
  readonly timeoutSeconds: number;
  readonly deadline?: string | undefined;
  /** When the stage opened, and its times from then (lambdas/core/request/stage-clock.ts). */
  readonly openedAt?: string | undefined;
  readonly schedule?: StageSchedule | undefined;
  /** The phase whose e-mails all went out (request-approval finished it). */
  readonly delivered?: StagePhase | undefined;
  /** How often asking the assignees failed after its retries (the workflow gives up after a few). */
  readonly failedAsks?: number | undefined;
  /** After escalation: the deputies asked, when, and the second deadline. */
  readonly phase?: StagePhase | undefined;
  readonly escalatedTo?: readonly Assignee[] | undefined;
  readonly escalatedAt?: string | undefined;
  readonly escalationDeadline?: string | undefined;
  readonly decidedBy?: string | undefined;
  /** The decider's directory person id. */
  readonly deciderId?: string | undefined;
  readonly decidedAt?: string | undefined;
  /** `expired`: the clock decided (a stage that expired is claimed like a decision, lambdas/adapters/requests.ts). */
  readonly decision?: Decision | 'expired' | undefined;
  readonly comment?: string | undefined;
  /** The statements the approver made with the decision (GOVERNANCE.md §5 attest/route, e.g. a reputational check). */
  readonly statements?: readonly StatementMade[] | undefined;
}

/** The stored request, as the status API shows it (plus the submission). */
export interface RequestRecord {
  readonly requestId: string;
  readonly kind: RequestKind;
  readonly status: RequestStatus;
  readonly version: number;
  readonly submission: Submission;
  readonly contentHash: string;
  readonly receivedAt: string;
  readonly channel: 'webhook' | 'mail';
  readonly stages: readonly Stage[];
  readonly findings: readonly Finding[];
  readonly publication?: PublicationClassification | undefined;
  readonly executionArn?: string | undefined;
  readonly outcome?: Outcome | undefined;
  /** Earlier versions, oldest first: what each one said, and its hash. */
  readonly previousVersions?:
    | ReadonlyArray<{
        readonly version: number;
        readonly submission: Submission;
        readonly contentHash: string;
        readonly outcome?: Outcome | undefined;
      }>
    | undefined;
  /**
   * Why no approval route could be planned for this version (GOVERNANCE.md §2 separation of duties, §3): nobody may
   * decide a stage, so the request went back to the submitter. Not a finding: no rule of §5 or §6 fired.
   */
  readonly routeFailure?: { readonly reason: string } | undefined;
  /**
   * The workflow step that failed after its retries, with the error it ended with, when and in which execution
   * (RecordFailure). Set on a request that had ended too (an outcome mail that could not be sent): then the status stays.
   */
  readonly failure?: WorkflowFailure | undefined;
  /** For an approved account opening: the registry id it was entered under, or why it could not be. */
  readonly registration?: { readonly accountId: string; readonly registered: boolean; readonly reason?: string | undefined } | undefined;
  /** For a mailed request: the thread its replies belong to. */
  readonly thread?: { readonly messageId: string; readonly references: readonly string[] } | undefined;
}

/** The workflow steps that record their failure (their Catch's ResultPath is `$.failed.<step>`, statemachines/approval.asl.json). */
export const FAILING_STEPS = ['RecordSubmission', 'RunChecks', 'AdvanceStage', 'RegisterAccount', 'NotifySubmitter'] as const;
/**
 * The steps a stored failure may name: the state machine's, and PlanRoute, a step of its own until RunChecks planned
 * the route too (issue #18): a request that failed there before still reads.
 */
export const RECORDED_FAILING_STEPS = [...FAILING_STEPS, 'PlanRoute'] as const;
export type FailingStep = (typeof RECORDED_FAILING_STEPS)[number];

export interface WorkflowFailure {
  readonly step: FailingStep;
  /** The error's name as Step Functions reports it (`ConditionalCheckFailedException`, `States.Timeout`…); its cause stays in the execution's history. */
  readonly error: string;
  readonly at: string;
  readonly executionArn: string;
}

/** A version's checks and the route they allow, stored in one write by RunChecks (its first stage opened). */
export interface CheckedRoute {
  readonly findings: readonly Finding[];
  readonly publication: PublicationClassification | undefined;
  readonly stages: readonly Stage[];
}

/** A stage's decision as it is written to the store: by an approver, or `expired` by the clock. */
export interface StageDecision {
  readonly stageIndex: number;
  readonly decision: Decision | 'expired';
  readonly decidedBy?: string | undefined;
  /** The decider's directory person id (separation of duties compares ids, never addresses). */
  readonly deciderId?: string | undefined;
  readonly decidedAt: string;
  readonly comment?: string | undefined;
  readonly statements?: readonly StatementMade[] | undefined;
}
