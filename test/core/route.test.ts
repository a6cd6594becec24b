import { describe, it, expect } from 'vitest';
import { parseDirectory, type Directory } from '../../lambdas/core/request/directory.js';
import { loadPreset } from '../../lambdas/core/rules/presets.js';
import type { BrandPostSubmission, PublicationClassification, Stage } from '../../lambdas/core/model.js';
import { DEFAULT_STAGE_SECONDS, planRoute, PUBLISH_MARGIN_SECONDS, RouteError, stageDeadline } from '../../lambdas/core/request/route.js';

// The default preset: supervisor always, comms always, ethics for publications (GOVERNANCE.md §8).
const DEFAULT = loadPreset('default');
const ONE_HOUR_STAGES = { ...DEFAULT, thresholds: { ...DEFAULT.thresholds, stageHours: 1 } };

interface DirectoryShape {
  readonly comms: readonly string[];
  readonly ethics: readonly string[];
  /** Overrides of each person's manager; `null` removes it. */
  readonly managers?: Readonly<Record<string, string | null>>;
}

const PEOPLE: ReadonlyArray<{ id: string; name: string; manager?: string }> = [
  { id: 'dora', name: 'Dora Director' },
  { id: 'grace', name: 'Grace Hopper', manager: 'dora' },
  { id: 'ada', name: 'Ada Lovelace', manager: 'grace' },
  { id: 'kim', name: 'Kim Head', manager: 'dora' },
  { id: 'carl', name: 'Carl Sagan', manager: 'kim' },
  { id: 'cara', name: 'Cara Miller', manager: 'kim' },
  { id: 'eve', name: 'Eve Ethics', manager: 'dora' },
  { id: 'ezra', name: 'Ezra Pound', manager: 'dora' },
];

function directoryWith(shape: DirectoryShape): Directory {
  return parseDirectory({
    institution: 'Example Institute',
    domain: 'example.org',
    people: PEOPLE.map((p) => {
      const override = shape.managers?.[p.id];
      const manager = override === undefined ? p.manager : (override ?? undefined);
      return {
        id: p.id,
        name: p.name,
        email: `${p.id}@example.org`,
        unit: 'main',
        ...(manager === undefined ? {} : { manager }),
      };
    }),
    groups: { comms: shape.comms, ethics: shape.ethics },
    units: [{ id: 'main', name: 'Main' }],
    accounts: [],
  });
}

function post(submitter: string): BrandPostSubmission {
  return {
    kind: 'brand-post',
    submitter,
    account: 'physics-x',
    title: 'Open day',
    text: 'Come to our open day.',
    format: 'post',
    media: [],
    attestations: {},
  };
}

const NOT_PUBLICATION: PublicationClassification = { is: false, reasons: ['no criterion fired'] };
const PUBLICATION: PublicationClassification = { is: true, reasons: ['reports research results'] };

function ids(stage: Stage | undefined): string[] {
  return stage === undefined ? [] : stage.assignees.map((a) => a.id);
}

function routeErrorOf(act: () => unknown): RouteError {
  try {
    act();
  } catch (error) {
    if (error instanceof RouteError) return error;
    throw error;
  }
  throw new Error('expected a RouteError, but nothing was thrown');
}

describe('planRoute', () => {
  it('routes a non-publication to the supervisor, then comms', () => {
    // Prepare
    const directory = directoryWith({ comms: ['carl', 'cara'], ethics: ['eve', 'ezra'] });

    // Act
    const stages = planRoute(post('ada@example.org'), directory, NOT_PUBLICATION, DEFAULT);

    // Assess
    expect(stages.map((s) => s.stage)).toEqual(['supervisor', 'comms']);
    expect(ids(stages[0])).toEqual(['grace']);
    expect(ids(stages[1])).toEqual(['carl', 'cara']);
  });

  it('routes a publication to the supervisor, comms and ethics', () => {
    // Prepare
    const directory = directoryWith({ comms: ['carl', 'cara'], ethics: ['eve', 'ezra'] });

    // Act
    const stages = planRoute(post('ada@example.org'), directory, PUBLICATION, DEFAULT);

    // Assess
    expect(stages.map((s) => s.stage)).toEqual(['supervisor', 'comms', 'ethics']);
    expect(ids(stages[2])).toEqual(['eve', 'ezra']);
  });

  it('starts every stage waiting, with the given stage time and full assignee details', () => {
    // Prepare
    const directory = directoryWith({ comms: ['carl', 'cara'], ethics: ['eve', 'ezra'] });

    // Act
    const stages = planRoute(post('ada@example.org'), directory, PUBLICATION, ONE_HOUR_STAGES);

    // Assess
    expect(stages.every((s) => s.status === 'waiting')).toBe(true);
    expect(stages.every((s) => s.timeoutSeconds === 3600)).toBe(true);
    expect(stages[0]?.assignees).toEqual([{ id: 'grace', name: 'Grace Hopper', email: 'grace@example.org' }]);
  });

  it('uses 72 hours per stage by default', () => {
    // Prepare
    const directory = directoryWith({ comms: ['carl', 'cara'], ethics: ['eve', 'ezra'] });

    // Act
    const stages = planRoute(post('ada@example.org'), directory, NOT_PUBLICATION, DEFAULT);

    // Assess
    expect(DEFAULT_STAGE_SECONDS).toBe(72 * 3600);
    expect(stages.map((s) => s.timeoutSeconds)).toEqual([DEFAULT_STAGE_SECONDS, DEFAULT_STAGE_SECONDS]);
  });

  it('finds the submitter by e-mail regardless of case', () => {
    // Prepare
    const directory = directoryWith({ comms: ['carl', 'cara'], ethics: ['eve', 'ezra'] });

    // Act
    const stages = planRoute(post('Ada@Example.ORG'), directory, NOT_PUBLICATION, DEFAULT);

    // Assess
    expect(ids(stages[0])).toEqual(['grace']);
  });

  it('never assigns the submitter: a comms member submitting is left out of the comms stage', () => {
    // Prepare
    const directory = directoryWith({ comms: ['carl', 'cara'], ethics: ['eve', 'ezra'] });

    // Act
    const stages = planRoute(post('carl@example.org'), directory, PUBLICATION, DEFAULT);

    // Assess
    expect(ids(stages[0])).toEqual(['kim']);
    expect(ids(stages[1])).toEqual(['cara']);
    expect(stages.flatMap((s) => ids(s))).not.toContain('carl');
  });

  it('never assigns the submitter: an ethics member submitting is left out of the ethics stage', () => {
    // Prepare
    const directory = directoryWith({ comms: ['carl', 'cara'], ethics: ['eve', 'ezra'] });

    // Act
    const stages = planRoute(post('eve@example.org'), directory, PUBLICATION, DEFAULT);

    // Assess
    expect(ids(stages[2])).toEqual(['ezra']);
  });

  it('leaves the supervisor out of a larger comms group', () => {
    // Prepare: kim manages carl and is also in comms
    const directory = directoryWith({ comms: ['kim', 'cara'], ethics: ['eve', 'ezra'] });

    // Act
    const stages = planRoute(post('carl@example.org'), directory, NOT_PUBLICATION, DEFAULT);

    // Assess
    expect(ids(stages[0])).toEqual(['kim']);
    expect(ids(stages[1])).toEqual(['cara']);
  });

  it('throws a RouteError naming comms when the supervisor is the only comms member', () => {
    // Prepare: carl manages ada and is the whole of comms
    const directory = directoryWith({ comms: ['carl'], ethics: ['eve'], managers: { ada: 'carl' } });

    // Act
    const error = routeErrorOf(() => planRoute(post('ada@example.org'), directory, NOT_PUBLICATION, DEFAULT));

    // Assess
    expect(error.name).toBe('RouteError');
    expect(error.message).toContain('comms stage');
  });

  it('throws a RouteError naming comms when the supervisor is the sole remaining comms member after the submitter', () => {
    // Prepare: comms is cara (the submitter) and carl (her supervisor)
    const directory = directoryWith({ comms: ['carl', 'cara'], ethics: ['eve'], managers: { cara: 'carl' } });

    // Act
    const error = routeErrorOf(() => planRoute(post('cara@example.org'), directory, NOT_PUBLICATION, DEFAULT));

    // Assess
    expect(error.message).toContain('comms');
    expect(error.message).not.toContain('ethics');
  });

  it('throws a RouteError naming comms when the submitter is the only comms member', () => {
    // Prepare
    const directory = directoryWith({ comms: ['carl'], ethics: ['eve'] });

    // Act
    const error = routeErrorOf(() => planRoute(post('carl@example.org'), directory, NOT_PUBLICATION, DEFAULT));

    // Assess
    expect(error.message).toMatch(/nobody can decide the comms stage/);
  });

  it('leaves the only comms member out of the ethics stage', () => {
    // Prepare
    const directory = directoryWith({ comms: ['carl'], ethics: ['carl', 'eve'] });

    // Act
    const stages = planRoute(post('ada@example.org'), directory, PUBLICATION, DEFAULT);

    // Assess
    expect(ids(stages[1])).toEqual(['carl']);
    expect(ids(stages[2])).toEqual(['eve']);
  });

  it('leaves the supervisor out of the ethics stage', () => {
    // Prepare: grace supervises ada and is in ethics
    const directory = directoryWith({ comms: ['carl', 'cara'], ethics: ['grace', 'eve'] });

    // Act
    const stages = planRoute(post('ada@example.org'), directory, PUBLICATION, DEFAULT);

    // Assess
    expect(ids(stages[2])).toEqual(['eve']);
  });

  it('keeps a member of a larger comms group in the ethics stage', () => {
    // Prepare: carl may not decide comms (cara may), so he is not certain to decide it
    const directory = directoryWith({ comms: ['carl', 'cara'], ethics: ['carl', 'eve'] });

    // Act
    const stages = planRoute(post('ada@example.org'), directory, PUBLICATION, DEFAULT);

    // Assess
    expect(ids(stages[2])).toEqual(['carl', 'eve']);
  });

  it('throws a RouteError naming ethics when the only comms member is the whole of ethics', () => {
    // Prepare
    const directory = directoryWith({ comms: ['carl'], ethics: ['carl'] });

    // Act
    const error = routeErrorOf(() => planRoute(post('ada@example.org'), directory, PUBLICATION, DEFAULT));

    // Assess
    expect(error.message).toContain('ethics stage');
  });

  it('does not plan ethics (and so does not fail on it) for a non-publication', () => {
    // Prepare
    const directory = directoryWith({ comms: ['carl'], ethics: ['carl'] });

    // Act
    const stages = planRoute(post('ada@example.org'), directory, NOT_PUBLICATION, DEFAULT);

    // Assess
    expect(stages.map((s) => s.stage)).toEqual(['supervisor', 'comms']);
  });

  it('throws a RouteError when the submitter is not in the directory', () => {
    // Prepare
    const directory = directoryWith({ comms: ['carl', 'cara'], ethics: ['eve', 'ezra'] });

    // Act
    const error = routeErrorOf(() => planRoute(post('nobody@example.org'), directory, NOT_PUBLICATION, DEFAULT));

    // Assess
    expect(error.message).toContain('nobody@example.org');
  });

  it('throws a RouteError when the submitter has no manager', () => {
    // Prepare
    const directory = directoryWith({ comms: ['carl', 'cara'], ethics: ['eve', 'ezra'] });

    // Act
    const error = routeErrorOf(() => planRoute(post('dora@example.org'), directory, NOT_PUBLICATION, DEFAULT));

    // Assess
    expect(error.message).toContain('Dora Director has no manager');
  });
});

describe('stageDeadline', () => {
  const now = new Date('2030-06-01T12:00:00.000Z');

  it('gives the full 72 hours when there is no publish time', () => {
    // Prepare
    const seconds = DEFAULT_STAGE_SECONDS;

    // Act
    const result = stageDeadline(now, seconds, undefined);

    // Assess
    expect(result).toEqual({ timeoutSeconds: 259_200, deadline: '2030-06-04T12:00:00.000Z', tooLate: false });
  });

  it('keeps the full stage time when the publish time is further away than stage time plus one hour', () => {
    // Prepare
    const publishAt = '2030-06-10T12:00:00.000Z';

    // Act
    const result = stageDeadline(now, DEFAULT_STAGE_SECONDS, publishAt);

    // Assess
    expect(result.timeoutSeconds).toBe(DEFAULT_STAGE_SECONDS);
    expect(result.tooLate).toBe(false);
  });

  it('caps the stage one hour before the publish time', () => {
    // Prepare
    const publishAt = '2030-06-01T22:00:00.000Z'; // ten hours away

    // Act
    const result = stageDeadline(now, DEFAULT_STAGE_SECONDS, publishAt);

    // Assess
    expect(PUBLISH_MARGIN_SECONDS).toBe(3600);
    expect(result).toEqual({ timeoutSeconds: 9 * 3600, deadline: '2030-06-01T21:00:00.000Z', tooLate: false });
  });

  it('caps correctly when the publish time carries a UTC offset', () => {
    // Prepare
    const publishAt = '2030-06-01T22:00:00+02:00'; // 20:00Z, eight hours away

    // Act
    const result = stageDeadline(now, DEFAULT_STAGE_SECONDS, publishAt);

    // Assess
    expect(result.timeoutSeconds).toBe(7 * 3600);
    expect(result.deadline).toBe('2030-06-01T19:00:00.000Z');
  });

  it('is too late when the publish time is less than one hour away, yet keeps timeoutSeconds at least 1', () => {
    // Prepare
    const publishAt = '2030-06-01T12:30:00.000Z';

    // Act
    const result = stageDeadline(now, DEFAULT_STAGE_SECONDS, publishAt);

    // Assess
    expect(result.tooLate).toBe(true);
    expect(result.timeoutSeconds).toBe(1);
    expect(result.deadline).toBe('2030-06-01T12:00:01.000Z');
  });

  it('is too late when the publish time has already passed', () => {
    // Prepare
    const publishAt = '2030-06-01T11:00:00.000Z';

    // Act
    const result = stageDeadline(now, DEFAULT_STAGE_SECONDS, publishAt);

    // Assess
    expect(result.tooLate).toBe(true);
    expect(result.timeoutSeconds).toBeGreaterThanOrEqual(1);
  });

  it('is too late at exactly one hour before publishing, and not at one hour and one second', () => {
    // Prepare
    const exactlyOneHour = '2030-06-01T13:00:00.000Z';
    const oneHourAndASecond = '2030-06-01T13:00:01.000Z';

    // Act
    const atMargin = stageDeadline(now, DEFAULT_STAGE_SECONDS, exactlyOneHour);
    const justOutside = stageDeadline(now, DEFAULT_STAGE_SECONDS, oneHourAndASecond);

    // Assess
    expect(atMargin.tooLate).toBe(true);
    expect(justOutside).toEqual({ timeoutSeconds: 1, deadline: '2030-06-01T12:00:01.000Z', tooLate: false });
  });

  it('gives a deadline equal to now plus timeoutSeconds', () => {
    // Prepare
    const cases: Array<[number, string | undefined]> = [
      [60, undefined],
      [DEFAULT_STAGE_SECONDS, '2030-06-02T05:17:45.000Z'],
      [DEFAULT_STAGE_SECONDS, '2030-06-01T12:10:00.000Z'],
    ];
    const odd = new Date('2030-06-01T12:00:00.250Z');

    // Act
    const results = cases.map(([seconds, publishAt]) => stageDeadline(odd, seconds, publishAt));

    // Assess
    for (const result of results) {
      expect(Date.parse(result.deadline)).toBe(odd.getTime() + result.timeoutSeconds * 1000);
      expect(Number.isInteger(result.timeoutSeconds)).toBe(true);
    }
  });
});
