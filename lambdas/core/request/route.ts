import { deciderKey, personKey, type Directory, type Person } from './directory.js';
import type {
  AccountOpeningSubmission,
  Assignee,
  Finding,
  PublicationClassification,
  RequestRecord,
  Stage,
  StageName,
  StatementMade,
  Submission,
} from '../model.js';
import { planStages, stageSeconds, type Preset } from '../rules/presets.js';
import { isStatementOwedBy } from '../checks/findings.js';

// Route planning (GOVERNANCE.md §1–§3): a brand post goes supervisor → comms → ethics (publications and sensitive
// matters); an account opening goes management → comms (§6). Separation of duties: nobody approves their own
// request; one person decides at most one stage.

export class RouteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RouteError';
  }
}

export const DEFAULT_STAGE_SECONDS = 72 * 3600;
/** A stage never runs past one hour before the requested publish time (GOVERNANCE.md §3). */
export const PUBLISH_MARGIN_SECONDS = 3600;

function toAssignee(p: Person): Assignee {
  return { id: p.id, name: p.name, email: p.email };
}

/**
 * The route of one request under the institution's preset (config/presets, GOVERNANCE.md §8): which stages,
 * filled by whom, each with the preset's stage time. Separation of duties holds whatever the preset.
 */
export function planRoute(
  submission: Submission,
  directory: Directory,
  publication: PublicationClassification,
  preset: Preset,
  findings: readonly Finding[] = [],
): Stage[] {
  const submitter = directory.personByEmail(submission.submitter);
  if (submitter === undefined) throw new RouteError(`submitter ${submission.submitter} is not in the directory`);
  const wanted: Array<[StageName, readonly Person[]]> =
    submission.kind === 'account-opening'
      ? [
          ['management', [managementOf(submission, submitter, directory)]],
          ['comms', directory.group('comms')],
        ]
      : planStages(preset, { publication, findings }).map((plan) => {
          if (plan.filledBy !== 'manager') return [plan.stage, directory.group(plan.filledBy)];
          const manager = submitter.manager === undefined ? undefined : directory.personById(submitter.manager);
          if (manager === undefined) throw new RouteError(`${submitter.name} has no manager in the directory`);
          return [plan.stage, [manager]];
        });
  const stages = assign(wanted, submitter, stageSeconds(preset));
  if (stages.length === 0) throw new RouteError(`the ${preset.name} preset gives this request no approval stage`);
  return stages;
}

/**
 * Who gives an account opening its management approval (GOVERNANCE.md §6): the submitter's manager, or else the
 * head of the requesting unit as the directory names them.
 */
export function managementOf(submission: AccountOpeningSubmission, submitter: Person, directory: Directory): Person {
  const manager = submitter.manager === undefined ? undefined : directory.personById(submitter.manager);
  if (manager !== undefined) return manager;
  const head = directory.unitHead(submission.unit);
  if (head !== undefined && head.id !== submitter.id) return head;
  throw new RouteError(
    `nobody can give management approval: ${submitter.name} has no manager and the directory names no other head of unit "${submission.unit}"`,
  );
}

/** Fills the wanted stages, in order, with separation of duties. */
function assign(
  wanted: ReadonlyArray<readonly [StageName, readonly Person[]]>,
  submitter: Person,
  seconds: number,
  alreadyCertain: readonly string[] = [],
): Stage[] {
  // A person who is the only assignee of an earlier stage will certainly decide it, so they cannot
  // fill a later one. Overlaps within larger groups are enforced when a decision arrives.
  const certain = new Set<string>([submitter.id, ...alreadyCertain]);
  const stages: Stage[] = [];
  for (const [stage, people] of wanted) {
    const assignees = people.filter((p) => !certain.has(p.id));
    if (assignees.length === 0) {
      throw new RouteError(
        `nobody can decide the ${stage} stage: its only members are the submitter or people who decide an earlier stage`,
      );
    }
    if (assignees.length === 1) certain.add((assignees[0] as Person).id);
    stages.push({ stage, status: 'waiting', assignees: assignees.map(toAssignee), timeoutSeconds: seconds });
  }
  return stages;
}

/**
 * The route after a communications approver overrides the publication classification at stage `stageIndex`
 * (GOVERNANCE.md §4): the stages up to and including that one stay as they are; the later ones are planned again
 * under the new classification (an ethics stage appears for a publication, or goes when only the classification
 * asked for it). Separation of duties counts everyone who decided, or is certain to decide, a kept stage.
 */
export function replanAfterOverride(
  request: RequestRecord,
  stageIndex: number,
  publication: PublicationClassification,
  directory: Directory,
  preset: Preset,
): Stage[] {
  const kept = request.stages.slice(0, stageIndex + 1);
  const planned = planRoute(request.submission, directory, publication, preset, request.findings);
  const order = planned.map((s) => s.stage);
  const current = request.stages[stageIndex];
  const after = current === undefined ? -1 : order.indexOf(current.stage);
  const submitter = directory.personByEmail(request.submission.submitter);
  if (submitter === undefined) throw new RouteError(`submitter ${request.submission.submitter} is not in the directory`);
  const certainIds = kept.flatMap((s) => {
    const decider = deciderKey(directory, s);
    return [...(decider !== undefined ? [decider] : []), ...(s.assignees.length === 1 ? s.assignees.map((a) => a.id) : [])];
  });
  const wanted = planned
    .filter((s) => order.indexOf(s.stage) > after && !kept.some((k) => k.stage === s.stage))
    .map((s) => [s.stage, s.assignees.map((a) => directory.personById(a.id)).filter((p): p is Person => p !== undefined)] as const);
  return [...kept, ...assign(wanted, submitter, stageSeconds(preset), certainIds)];
}

/**
 * The statements a stage's approver must make to approve (GOVERNANCE.md §5): an `attest` finding whose statement
 * is theirs to make (P-ENDORSEMENT: the reputational check), and a `route` finding that asks their stage to clear
 * it explicitly (P-POLITICAL). Rejecting or requesting changes needs none.
 */
export function statementsAsked(findings: readonly Finding[], stage: StageName): StatementMade[] {
  return findings.flatMap((f) =>
    f.attestation !== undefined && isStatementOwedBy(f, stage) && (f.severity === 'attest' || f.severity === 'route')
      ? [{ rule: f.rule, statement: f.attestation.statement }]
      : [],
  );
}

export interface StageDeadline {
  readonly timeoutSeconds: number;
  readonly deadline: string;
  /** True when the publish time leaves no time at all for this stage. */
  readonly tooLate: boolean;
}

/** A stage's deadline, computed when the stage starts: the stage's time, capped one hour before publishAt. */
export function stageDeadline(now: Date, stageSeconds: number, publishAt: string | undefined): StageDeadline {
  let seconds = stageSeconds;
  if (publishAt !== undefined) {
    const untilCap = Math.floor((Date.parse(publishAt) - now.getTime()) / 1000) - PUBLISH_MARGIN_SECONDS;
    seconds = Math.min(seconds, untilCap);
  }
  const tooLate = seconds < 1;
  const timeoutSeconds = Math.max(1, seconds);
  return { timeoutSeconds, deadline: new Date(now.getTime() + timeoutSeconds * 1000).toISOString(), tooLate };
}

export interface StageTimes {
  /** Half the stage time: the reminder (GOVERNANCE.md §3). */
  readonly remindSeconds: number;
  /** The rest, up to the deadline. */
  readonly remainingSeconds: number;
  readonly deadline: string;
  /** After escalation at the deadline: a second deadline of the same length, capped by publishAt as well. */
  readonly escalationSeconds: number;
  readonly escalationDeadline: string;
  readonly tooLate: boolean;
}

export function stageTimes(now: Date, stageSeconds: number, publishAt: string | undefined): StageTimes {
  const first = stageDeadline(now, stageSeconds, publishAt);
  const remindSeconds = Math.max(1, Math.floor(first.timeoutSeconds / 2));
  const second = stageDeadline(new Date(first.deadline), stageSeconds, publishAt);
  return {
    remindSeconds,
    remainingSeconds: Math.max(1, first.timeoutSeconds - remindSeconds),
    deadline: first.deadline,
    escalationSeconds: second.timeoutSeconds,
    escalationDeadline: second.deadline,
    tooLate: first.tooLate,
  };
}

/**
 * Who a stage escalates to (GOVERNANCE.md §3: "escalated once to the deputy"): the recorded deputies of its
 * assignees, never the submitter, nobody already asked for it, and nobody who decided another stage.
 */
export function deputiesFor(request: RequestRecord, stageIndex: number, directory: Directory): Assignee[] {
  const stage = request.stages[stageIndex];
  if (stage === undefined) return [];
  // People, not addresses: a deputy listed as "Ada.Lovelace@Example.org" is the submitter ada@example.org.
  const excluded = new Set<string>([
    personKey(directory, request.submission.submitter),
    ...stage.assignees.map((a) => a.id),
    ...request.stages.flatMap((s, i) => {
      const decider = i === stageIndex ? undefined : deciderKey(directory, s);
      return decider === undefined ? [] : [decider];
    }),
  ]);
  const deputies = new Map<string, Assignee>();
  for (const assignee of stage.assignees) {
    const deputyId = directory.personById(assignee.id)?.deputy;
    const deputy = deputyId === undefined ? undefined : directory.personById(deputyId);
    if (deputy !== undefined && !excluded.has(deputy.id)) deputies.set(deputy.id, toAssignee(deputy));
  }
  return [...deputies.values()];
}
