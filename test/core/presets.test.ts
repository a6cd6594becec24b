import { describe, it, expect } from 'vitest';
import { checkBrandPost } from '../../lambdas/core/checks/brand-post/checks.js';
import { parseDirectory } from '../../lambdas/core/request/directory.js';
import { ConfigurationError } from '../../lambdas/core/errors.js';
import type { BrandPostSubmission, Finding, PostFormat } from '../../lambdas/core/model.js';
import { BRAND_POST_RULES, SEVERITY_RANK } from '../../lambdas/core/rules/catalogue.js';
import {
  PRESET_NAMES,
  loadPreset,
  parsePreset,
  planStages,
  publicationOptions,
  stageSeconds,
  type Preset,
} from '../../lambdas/core/rules/presets.js';
import { classifyPublication } from '../../lambdas/core/checks/publication.js';

const SOURCES = ['cern', 'cern-alumni', 'eu-commission', 'leiden', 'caltech'] as const;

const directory = parseDirectory({
  institution: 'Example Lab',
  preset: 'default',
  domain: 'example.org',
  people: [
    { id: 'ada', name: 'Ada Lovelace', email: 'ada@example.org', unit: 'physics', manager: 'grace' },
    { id: 'grace', name: 'Grace Hopper', email: 'grace@example.org', unit: 'physics' },
    { id: 'alan', name: 'Alan Turing', email: 'alan@example.org', unit: 'comms' },
  ],
  groups: { comms: ['alan'], ethics: ['grace'] },
  units: [
    { id: 'physics', name: 'Physics Department' },
    { id: 'comms', name: 'Communications' },
  ],
  accounts: [
    {
      id: 'acc-linkedin',
      platform: 'linkedin',
      handle: 'example-lab',
      unit: 'physics',
      posters: ['ada'],
      admins: ['alan'],
      status: 'active',
    },
  ],
});

function post(text: string, format: PostFormat = 'post'): BrandPostSubmission {
  return {
    kind: 'brand-post',
    submitter: 'ada@example.org',
    account: 'acc-linkedin',
    title: 'Sample',
    text,
    format,
    media: [],
    attestations: { aiUsed: false },
  };
}

/** A copy of the default preset, changed by `change`, as a file would hold it. */
function variant(change: (p: Record<string, unknown>) => void): unknown {
  const copy = JSON.parse(JSON.stringify(loadPreset('default'))) as Record<string, unknown>;
  change(copy);
  return copy;
}

describe('loadPreset', () => {
  it.each(PRESET_NAMES)('loads and validates %s, every rule of GOVERNANCE.md §5 configured', (name) => {
    // Act
    const preset = loadPreset(name);

    // Assess
    expect(preset.name).toBe(name);
    expect(Object.keys(preset.checks).sort()).toEqual([...BRAND_POST_RULES].sort());
    expect(preset.stages.map((s) => s.stage)).toEqual(['supervisor', 'comms', 'ethics']);
  });

  it('returns the same validated object on every call', () => {
    expect(loadPreset('cern')).toBe(loadPreset('cern'));
  });

  it('refuses an unknown name, listing the known ones', () => {
    expect(() => loadPreset('atlantis')).toThrow(ConfigurationError);
    expect(() => loadPreset('atlantis')).toThrow(
      'unknown preset "atlantis": use one of cern, cern-alumni, eu-commission, leiden, caltech, default',
    );
  });

  it.each(PRESET_NAMES)('%s cites a source for every check it turns on, from its own policies or one it adopts', (name) => {
    const preset = loadPreset(name);
    for (const rule of BRAND_POST_RULES) {
      const setting = preset.checks[rule];
      if (setting.severity === 'off') continue;
      expect(setting.source?.policy).toMatch(/^(?:00[0-4]_[0-9a-f]{16}\.txt|GOVERNANCE\.md)$/);
      const own = preset.policies.includes(setting.source?.policy ?? '') || setting.source?.policy === 'GOVERNANCE.md';
      // A rule taken from another institution's policy says so in a note.
      expect(own || setting.note !== undefined).toBe(true);
    }
  });
});

describe('the default preset', () => {
  it('takes, for every rule, the strictest severity of the five institution presets', () => {
    const fallback = loadPreset('default');
    for (const rule of BRAND_POST_RULES) {
      const strictest = SOURCES.map((n) => loadPreset(n).checks[rule].severity).reduce((a, b) =>
        SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a,
      );
      expect([rule, fallback.checks[rule].severity]).toEqual([rule, strictest]);
    }
  });

  it('takes the strictest thresholds and the widest stages', () => {
    const fallback = loadPreset('default');
    const all = SOURCES.map((n) => loadPreset(n).thresholds);
    expect(fallback.thresholds.publicationLength).toBe(Math.min(...all.map((t) => t.publicationLength)));
    expect(fallback.thresholds.stageHours).toBe(Math.min(...all.map((t) => t.stageHours)));
    expect(fallback.thresholds.minAdmins).toBe(Math.max(...all.map((t) => t.minAdmins)));
    expect(fallback.thresholds.maxAdmins).toBe(3);
    expect(fallback.thresholds.readingEase).toBe(Math.max(...all.map((t) => t.readingEase)));
    expect(fallback.stages.map((s) => s.when)).toEqual(['always', 'always', 'publication']);
  });

  it('trusts every account and site any institution preset trusts', () => {
    const fallback = loadPreset('default');
    for (const name of SOURCES) {
      for (const handle of loadPreset(name).trusted.handles) expect(fallback.trusted.handles).toContain(handle);
      for (const domain of loadPreset(name).trusted.domains) expect(fallback.trusted.domains).toContain(domain);
    }
  });
});

describe('parsePreset', () => {
  it('accepts the default preset as a file holds it', () => {
    expect(parsePreset(variant(() => undefined)).name).toBe('default');
  });

  it.each([
    [
      'a route rule whose stage the preset never has',
      (p: Record<string, unknown>) => {
        (p.stages as Array<{ when: string }>)[2] = { ...(p.stages as Array<{ when: string }>)[2], when: 'never' } as { when: string };
      },
      'checks.P-SENSITIVE-MATTER: severity route needs the ethics stage, which this preset never has',
    ],
    [
      'stages out of order',
      (p: Record<string, unknown>) => {
        (p.stages as unknown[]).reverse();
      },
      'stages: must be supervisor, comms, ethics in that order (got ethics, comms, supervisor)',
    ],
    [
      'a severity the rule cannot take',
      (p: Record<string, unknown>) => {
        (p.checks as Record<string, { severity: string }>)['P-ACCOUNT'] = {
          ...(p.checks as Record<string, { severity: string }>)['P-ACCOUNT'],
          severity: 'warn',
        };
      },
      'checks.P-ACCOUNT: severity warn is not one of block',
    ],
    [
      'a check that is on without a source',
      (p: Record<string, unknown>) => {
        (p.checks as Record<string, unknown>)['P-JARGON'] = { severity: 'info' };
      },
      'checks.P-JARGON: a check that is on must cite its source',
    ],
    [
      'no stage that always runs',
      (p: Record<string, unknown>) => {
        for (const s of p.stages as Array<{ when: string }>) s.when = s.when === 'always' ? 'flagged' : s.when;
      },
      'stages: at least one stage must run always',
    ],
    [
      'fewer maximum admins than minimum',
      (p: Record<string, unknown>) => {
        (p.thresholds as Record<string, number>).maxAdmins = 1;
      },
      'thresholds.maxAdmins: below minAdmins',
    ],
  ])('refuses %s, saying what is wrong', (_name, change, problem) => {
    expect(() => parsePreset(variant(change))).toThrow(ConfigurationError);
    expect(() => parsePreset(variant(change))).toThrow(problem);
  });

  it('refuses a preset missing a rule', () => {
    expect(() => parsePreset(variant((p) => delete (p.checks as Record<string, unknown>)['P-SOURCE']))).toThrow(/checks\.P-SOURCE/);
  });
});

describe('thresholds', () => {
  it('give the publication classifier its length threshold and the route its stage time', () => {
    const preset: Preset = loadPreset('eu-commission');
    expect(publicationOptions(preset)).toEqual({ lengthThreshold: 1200 });
    expect(stageSeconds(preset)).toBe(72 * 3600);
  });
});

// GOVERNANCE.md §6: who approves an account opening under each preset, and whether the alumni group rules apply.
describe('accountOpening', () => {
  it('applies the group rules under cern-alumni only, where the OAR gives the comms approval', () => {
    const alumni = loadPreset('cern-alumni');
    expect(alumni.accountOpening.groupRules).toBe(true);
    expect(alumni.accountOpening.comms).toBe('the CERN Office of Alumni Relations (OAR)');
    expect(alumni.thresholds).toMatchObject({ minAdmins: 2, maxAdmins: 3 });
    for (const name of PRESET_NAMES.filter((n) => n !== 'cern-alumni'))
      expect([name, loadPreset(name).accountOpening.groupRules]).toEqual([name, false]);
  });

  it.each([
    ['cern', 'management team', 'Education, Communications and Outreach group'],
    ['eu-commission', 'manager', 'DG COMM'],
    ['leiden', 'personnel responsible', 'social media contact person at your faculty'],
    ['caltech', 'head of the entity', 'Office of Strategic Communications'],
    ['default', 'line manager', 'communications team'],
  ] as const)('%s names who gives the management and the comms approval in its own words', (name, management, comms) => {
    const { accountOpening } = loadPreset(name);
    expect(accountOpening.management).toContain(management);
    expect(accountOpening.comms).toContain(comms);
  });

  it.each([
    ['without it', (p: Record<string, unknown>) => delete p.accountOpening, /accountOpening/],
    [
      'with an empty comms text',
      (p: Record<string, unknown>) => {
        p.accountOpening = { groupRules: false, management: 'the line manager', comms: '' };
      },
      /accountOpening\.comms/,
    ],
    [
      'with an unknown key',
      (p: Record<string, unknown>) => {
        p.accountOpening = { groupRules: false, management: 'the line manager', comms: 'comms', ethics: 'x' };
      },
      /accountOpening.*"ethics"/,
    ],
    [
      'with groupRules not a boolean',
      (p: Record<string, unknown>) => {
        p.accountOpening = { groupRules: 'yes', management: 'the line manager', comms: 'comms' };
      },
      /accountOpening\.groupRules/,
    ],
  ])('refuses a preset %s', (_name, change, problem) => {
    expect(() => parsePreset(variant(change))).toThrow(ConfigurationError);
    expect(() => parsePreset(variant(change))).toThrow(problem);
  });
});

// GOVERNANCE.md §1 and §8: which stages a request gets under each preset, and why.
describe('planStages — the stages sample requests get under each preset', () => {
  const SAMPLES: ReadonlyArray<readonly [string, BrandPostSubmission]> = [
    ['an announcement', post('Our visitor centre opens on Saturday. Free entry! https://example.org/visit')],
    ['an article (a publication)', post('Why open science matters: our view.', 'article')],
    ['a call for tender', post('Call for tender: supply of 200 km of cable. https://example.org/procurement')],
    ['a petition', post('Sign the petition against the cuts to research! https://example.org/petition')],
    ['a third-party mention', post('Thanks to @AcmeCryo for the new compressor! https://example.org/news')],
  ];

  // supervisor (S), comms (C), ethics (E)
  const TABLE: Readonly<Record<string, Readonly<Record<(typeof PRESET_NAMES)[number], string>>>> = {
    'an announcement': { cern: 'S C', 'cern-alumni': 'C', 'eu-commission': 'S C', leiden: 'S', caltech: 'S', default: 'S C' },
    'an article (a publication)': {
      cern: 'S C',
      'cern-alumni': 'C',
      'eu-commission': 'S C E',
      leiden: 'S',
      caltech: 'S',
      default: 'S C E',
    },
    'a call for tender': { cern: 'S C', 'cern-alumni': 'C', 'eu-commission': 'S C E', leiden: 'S', caltech: 'S', default: 'S C E' },
    'a petition': { cern: 'S C', 'cern-alumni': 'C', 'eu-commission': 'S C', leiden: 'S', caltech: 'S C', default: 'S C' },
    'a third-party mention': { cern: 'S C', 'cern-alumni': 'C', 'eu-commission': 'S C', leiden: 'S C', caltech: 'S C', default: 'S C' },
  };

  function stagesOf(submission: BrandPostSubmission, preset: Preset): string {
    const findings: Finding[] = checkBrandPost(submission, directory, preset);
    const publication = classifyPublication(submission, publicationOptions(preset));
    return planStages(preset, { publication, findings })
      .map((s) => s.stage.charAt(0).toUpperCase())
      .join(' ');
  }

  it.each(SAMPLES)('%s', (name, submission) => {
    // Act
    const got = Object.fromEntries(PRESET_NAMES.map((n) => [n, stagesOf(submission, loadPreset(n))]));

    // Assess
    expect(got).toEqual(TABLE[name]);
  });

  it('says why each stage is there', () => {
    const preset = loadPreset('default');
    const submission = post('Call for tender: a longer look at our procurement.', 'article');
    const plan = planStages(preset, {
      publication: classifyPublication(submission),
      findings: checkBrandPost(submission, directory, preset),
    });
    expect(plan.map((s) => [s.stage, s.reasons])).toEqual([
      ['supervisor', ['always']],
      ['comms', ['always']],
      ['ethics', ['publication', 'P-SENSITIVE-MATTER']],
    ]);
    expect(plan[2]?.filledBy).toBe('ethics');
  });

  it('adds a flagged stage for a statement its approvers must make, but not for one already made', () => {
    const preset = loadPreset('leiden');
    const asks: Finding = {
      rule: 'P-ENDORSEMENT',
      severity: 'attest',
      message: 'x',
      attestation: { statement: 's', by: 'comms', satisfied: false },
    };
    const made: Finding = { ...asks, attestation: { statement: 's', by: 'comms', satisfied: true } };
    expect(planStages(preset, { publication: { is: false }, findings: [asks] }).map((s) => s.stage)).toEqual(['supervisor', 'comms']);
    expect(planStages(preset, { publication: { is: false }, findings: [made] }).map((s) => s.stage)).toEqual(['supervisor']);
  });
});
