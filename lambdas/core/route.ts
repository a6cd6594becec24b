import type { Directory, Person } from './directory.js';
import type { Assignee, BrandPostSubmission, PublicationClassification, Stage, StageName } from './model.js';

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

export function planRoute(
  submission: BrandPostSubmission,
  directory: Directory,
  publication: PublicationClassification,
  stageSeconds: number = DEFAULT_STAGE_SECONDS,
): Stage[] {
  const submitter = directory.personByEmail(submission.submitter);
  if (submitter === undefined) throw new RouteError(`submitter ${submission.submitter} is not in the directory`);
  const manager = submitter.manager === undefined ? undefined : directory.personById(submitter.manager);
  if (manager === undefined) throw new RouteError(`${submitter.name} has no manager in the directory`);

  const wanted: Array<[StageName, readonly Person[]]> = [
    ['supervisor', [manager]],
    ['comms', directory.group('comms')],
  ];
  if (publication.is) wanted.push(['ethics', directory.group('ethics')]);

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
    stages.push({ stage, status: 'waiting', assignees: assignees.map(toAssignee), timeoutSeconds: stageSeconds });
  }
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
