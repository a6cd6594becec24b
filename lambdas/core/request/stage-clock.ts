import type { Stage, StagePhase } from '../model.js';
import { stageTimes } from './route.js';

// Where a stage stands in time (GOVERNANCE.md §3): asked until half-time, reminded until the deadline, escalated to
// the deputies until a second deadline, then over. The workflow asks this after every callback, whatever the
// callback said: the schedule fixed when the stage opened and the clock decide, never a message that anyone holding
// a task token could send.

/** The stage's times, fixed when it opens: seconds of workflow time after `openedAt`. */
export interface StageSchedule {
  readonly remindSeconds: number;
  /** The (first) deadline. */
  readonly deadlineSeconds: number;
  /** The second deadline, after escalation to the deputies. */
  readonly secondDeadlineSeconds: number;
  /** The publish time left no time at all for the stage. */
  readonly tooLate: boolean;
}

export function scheduleOf(times: ReturnType<typeof stageTimes>): StageSchedule {
  const deadlineSeconds = times.remindSeconds + times.remainingSeconds;
  return {
    remindSeconds: times.remindSeconds,
    deadlineSeconds,
    secondDeadlineSeconds: deadlineSeconds + times.escalationSeconds,
    tooLate: times.tooLate,
  };
}

/** What a stage stores when it opens: when, its schedule, and the deadline its assignees are given. */
export interface StageOpening {
  readonly openedAt: string;
  readonly schedule: StageSchedule;
  readonly deadline: string;
}

/**
 * The times of a stage opened at `now`: a reminder at half-time, the deadline (72 h by default, never later than one
 * hour before publishAt), a second deadline after escalation. The store keeps the first opening's (a conditional write).
 */
export function stageOpening(stage: Stage, now: Date, publishAt: string | undefined): StageOpening {
  const times = stageTimes(now, stage.timeoutSeconds, publishAt);
  return { openedAt: now.toISOString(), schedule: scheduleOf(times), deadline: times.deadline };
}

/** A waiting stage once opened: pending, with its times (the stored stage OpenStage and RunChecks write). */
export function openedStage(stage: Stage, opening: StageOpening): Stage {
  return {
    ...stage,
    status: 'pending',
    deadline: opening.deadline,
    timeoutSeconds: opening.schedule.deadlineSeconds,
    openedAt: opening.openedAt,
    schedule: opening.schedule,
  };
}

/**
 * The schedule a stage was opened with. Stages opened before the schedule was stored have their deadline and its
 * length: the opening time and the rest follow from them as OpenStage computed them then.
 */
export function stageSchedule(
  stage: Stage,
  publishAt: string | undefined,
): { readonly openedAt: string; readonly schedule: StageSchedule } | undefined {
  if (stage.openedAt !== undefined && stage.schedule !== undefined) return { openedAt: stage.openedAt, schedule: stage.schedule };
  if (stage.deadline === undefined) return undefined;
  const opened = new Date(Date.parse(stage.deadline) - stage.timeoutSeconds * 1000);
  return { openedAt: opened.toISOString(), schedule: scheduleOf(stageTimes(opened, stage.timeoutSeconds, publishAt)) };
}

export type StagePosition =
  /** `secondsLeft` until the phase ends; `deadline`: the deadline the people asked in this phase have. */
  { readonly phase: StagePhase; readonly secondsLeft: number; readonly deadline: string } | { readonly phase: 'over' };

/**
 * Where the stage is at `now`. `timeScale` is workflow seconds per real second: 1 on AWS; the local runtime may run
 * deadlines faster (SIGNOFF_TIME_SCALE), and its engine scales the waits by the same factor, so both agree.
 * Deadlines are workflow times, as those in e-mails are.
 */
export function positionAt(openedAt: string, schedule: StageSchedule, now: Date, timeScale: number): StagePosition {
  if (schedule.tooLate) return { phase: 'over' };
  const opened = Date.parse(openedAt);
  const elapsed = ((now.getTime() - opened) / 1000) * timeScale;
  const at = (seconds: number) => new Date(opened + seconds * 1000).toISOString();
  // A wait is at least a second: Step Functions' TimeoutSeconds is a positive integer.
  const left = (until: number) => Math.max(1, Math.ceil(until - elapsed));
  const deadline = at(schedule.deadlineSeconds);
  if (elapsed < schedule.remindSeconds) return { phase: 'requested', secondsLeft: left(schedule.remindSeconds), deadline };
  if (elapsed < schedule.deadlineSeconds) return { phase: 'reminded', secondsLeft: left(schedule.deadlineSeconds), deadline };
  if (elapsed < schedule.secondDeadlineSeconds)
    return { phase: 'escalated', secondsLeft: left(schedule.secondDeadlineSeconds), deadline: at(schedule.secondDeadlineSeconds) };
  return { phase: 'over' };
}
