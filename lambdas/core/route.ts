import type { Directory, Person } from './directory.js';
import type { Assignee, BrandPostSubmission, Finding, PublicationClassification, RequestRecord, Stage, StageName } from './model.js';
import { planStages, stageSeconds, type Preset } from './presets.js';

// Route planning (GOVERNANCE.md §1–§3): supervisor → comms → ethics (publications only).
// Separation of duties: nobody approves their own request; one person decides at most one stage.

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
  submission: BrandPostSubmission,
  directory: Directory,
  publication: PublicationClassification,
  preset: Preset,
  findings: readonly Finding[] = [],
): Stage[] {
  const submitter = directory.personByEmail(submission.submitter);
  if (submitter === undefined) throw new RouteError(`submitter ${submission.submitter} is not in the directory`);
  const seconds = stageSeconds(preset);
  const wanted: Array<[StageName, readonly Person[]]> = planStages(preset, { publication, findings }).map((plan) => {
    if (plan.filledBy !== 'manager') return [plan.stage, directory.group(plan.filledBy)];
    const manager = submitter.manager === undefined ? undefined : directory.personById(submitter.manager);
    if (manager === undefined) throw new RouteError(`${submitter.name} has no manager in the directory`);
    return [plan.stage, [manager]];
  });

  // A person who is the only assignee of an earlier stage will certainly decide it, so they cannot
  // fill a later one. Overlaps within larger groups are enforced when a decision arrives.
  const certain = new Set<string>([submitter.id]);
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
  if (stages.length === 0) throw new RouteError(`the ${preset.name} preset gives this request no approval stage`);
  return stages;
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
  const excluded = new Set<string>([
    request.submission.submitter,
    ...stage.assignees.map((a) => a.email),
    ...request.stages.flatMap((s, i) => (i !== stageIndex && s.decidedBy ? [s.decidedBy] : [])),
  ]);
  const deputies = new Map<string, Assignee>();
  for (const assignee of stage.assignees) {
    const deputyId = directory.personById(assignee.id)?.deputy;
    const deputy = deputyId === undefined ? undefined : directory.personById(deputyId);
    if (deputy !== undefined && !excluded.has(deputy.email)) deputies.set(deputy.email, toAssignee(deputy));
  }
  return [...deputies.values()];
}
