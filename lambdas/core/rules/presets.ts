import * as z from 'zod/mini';
import '../schema.js';
import caltech from '../../../config/presets/caltech.json' with { type: 'json' };
import cernAlumni from '../../../config/presets/cern-alumni.json' with { type: 'json' };
import cern from '../../../config/presets/cern.json' with { type: 'json' };
import defaultPreset from '../../../config/presets/default.json' with { type: 'json' };
import euCommission from '../../../config/presets/eu-commission.json' with { type: 'json' };
import leiden from '../../../config/presets/leiden.json' with { type: 'json' };
import { ConfigurationError } from '../errors.js';
import { BRAND_POST_RULES, RULES, type BrandPostRule, type Rule, type SeverityLevel } from './catalogue.js';
import type { Finding, PublicationClassification, StageName } from '../model.js';
import { isStatementOwedBy } from '../checks/findings.js';
import type { PublicationOptions } from '../checks/publication.js';

// Institution presets (GOVERNANCE.md §8): one engine, configured per source policy — which stages exist and who
// fills them, the thresholds, and which checks of §5 are on at which severity (among those the rule catalogue,
// catalogue.ts, allows the rule), each with the policy sentence it enforces. The files live in config/presets/ and
// are documented against their sources in docs/presets.md; they are imported statically so that a bundler puts them
// in the function's bundle. The directory's `preset` selects one.

const text = () => z.string().check(z.minLength(1));
const severityLevel = z.enum(['block', 'attest', 'route', 'warn', 'info', 'off']);
const citationSchema = z.strictObject({ policy: text(), section: text(), quote: text() });
const ruleSchema = z.strictObject({ severity: severityLevel, source: z.optional(citationSchema), note: z.optional(text()) });

const stageSchema = z.strictObject({
  stage: z.enum(['supervisor', 'comms', 'ethics']),
  /**
   * always — every request; publication — publications (GOVERNANCE.md §4) and requests a check flags for it;
   * flagged — only when a check asks for the stage (a route finding, or a statement an approver of it must make);
   * never — the institution has no such stage.
   */
  when: z.enum(['always', 'publication', 'flagged', 'never']),
  /** `manager`: the submitter's manager in the directory; otherwise a directory group. */
  filledBy: z.enum(['manager', 'comms', 'ethics', 'socialMediaManager']),
  /** Who that is, in the institution's words. */
  who: text(),
  source: z.optional(citationSchema),
});

const positive = () => z.number().check(z.gt(0));
const count = () => z.int().check(z.gte(1));

const presetSchema = z.strictObject({
  name: text(),
  institution: text(),
  description: text(),
  /** The files in seeds/ the preset is built from. */
  policies: z.array(text()).check(z.minLength(1)),
  stages: z.array(stageSchema),
  thresholds: z.strictObject({
    /** Characters above which a text counts as long original text (GOVERNANCE.md §4). */
    publicationLength: count(),
    /** Time a stage waits for a decision (GOVERNANCE.md §3; 72 h by default). */
    stageHours: positive(),
    /** A stage's deadline is never later than this before the requested publish time. */
    publishMarginHours: z.number().check(z.gte(0)),
    /** Account openings (GOVERNANCE.md §6 A-ADMINS). */
    minAdmins: count(),
    maxAdmins: z.optional(count()),
    /** GOVERNANCE.md §6 A-CADENCE, §7 L-RETIRE. */
    minPostsPerWeek: z.optional(positive()),
    /** GOVERNANCE.md §7 L-GROUP-INACTIVE. */
    inactiveGroupMonths: z.optional(count()),
    /** P-JARGON: Flesch reading ease below which a text is hard for a wide audience. */
    readingEase: z.number(),
    /** P-JARGON: texts shorter than this many words are not scored. */
    jargonMinWords: count(),
  }),
  /**
   * Account openings (GOVERNANCE.md §6). `groupRules`: the CERN Alumni group rules apply — two or three group managers,
   * a public or private group, a join policy without discrimination (A-ADMINS, A-GROUP-PRIVACY). `management` and
   * `comms`: who gives the management approval and the communications approval, in the institution's words.
   */
  accountOpening: z.strictObject({
    groupRules: z.boolean(),
    management: text(),
    comms: text(),
  }),
  checks: z.record(z.enum(BRAND_POST_RULES), ruleSchema),
  /** Accounts and sites that need no reputational check (P-ENDORSEMENT): the institution's own, verified ones. */
  trusted: z.strictObject({ handles: z.array(text()), domains: z.array(text()) }),
  /** Names and acronyms as the institution spells them, for hashtag suggestions (#CERNOpenLab). */
  names: z.array(text()),
});

export type Preset = z.infer<typeof presetSchema>;
export type PresetStage = Preset['stages'][number];
export type RuleSetting = Preset['checks'][BrandPostRule];
export type StageWhen = PresetStage['when'];

export const PRESET_NAMES = ['cern', 'cern-alumni', 'eu-commission', 'leiden', 'caltech', 'default'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

const FILES: Readonly<Record<PresetName, unknown>> = {
  cern,
  'cern-alumni': cernAlumni,
  'eu-commission': euCommission,
  leiden,
  caltech,
  default: defaultPreset,
};

const STAGE_ORDER: readonly StageName[] = ['supervisor', 'comms', 'ethics'];

/** Everything a preset must satisfy beyond its shape; every problem is listed. */
function problemsOf(preset: Preset): string[] {
  const problems: string[] = [];
  const stages = preset.stages.map((s) => s.stage);
  if (stages.join() !== STAGE_ORDER.join())
    problems.push(`stages: must be ${STAGE_ORDER.join(', ')} in that order (got ${stages.join(', ')})`);
  if (!preset.stages.some((s) => s.when === 'always'))
    problems.push('stages: at least one stage must run always (nothing is approved by silence)');
  for (const rule of BRAND_POST_RULES) {
    const setting = preset.checks[rule];
    const allowed: readonly SeverityLevel[] = RULES[rule].allowed;
    if (!allowed.includes(setting.severity))
      problems.push(`checks.${rule}: severity ${setting.severity} is not one of ${allowed.join(', ')}`);
    if (setting.severity !== 'off' && setting.source === undefined)
      problems.push(`checks.${rule}: a check that is on must cite its source`);
    const { stage }: Rule = RULES[rule];
    const needsStage = setting.severity === 'route' || (setting.severity === 'attest' && stage !== undefined);
    if (stage !== undefined && needsStage && preset.stages.find((s) => s.stage === stage)?.when === 'never') {
      problems.push(`checks.${rule}: severity ${setting.severity} needs the ${stage} stage, which this preset never has`);
    }
  }
  const { minAdmins, maxAdmins } = preset.thresholds;
  if (maxAdmins !== undefined && maxAdmins < minAdmins) problems.push('thresholds.maxAdmins: below minAdmins');
  return problems;
}

/** Validates a preset (a file's parsed JSON). Throws ConfigurationError with every problem. */
export function parsePreset(raw: unknown): Preset {
  const parsed = presetSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigurationError(`preset is invalid: ${problems.join('; ')}`);
  }
  const problems = problemsOf(parsed.data);
  if (problems.length > 0) throw new ConfigurationError(`preset ${parsed.data.name} is invalid: ${problems.join('; ')}`);
  return parsed.data;
}

function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}

const loaded = new Map<PresetName, Preset>();

/** The preset of that name, validated once per process. Throws ConfigurationError for an unknown name. */
export function loadPreset(name: string): Preset {
  if (!isPresetName(name)) throw new ConfigurationError(`unknown preset "${name}": use one of ${PRESET_NAMES.join(', ')}`);
  const cached = loaded.get(name);
  if (cached !== undefined) return cached;
  const preset = parsePreset(FILES[name]);
  if (preset.name !== name) throw new ConfigurationError(`preset file ${name}.json names itself "${preset.name}"`);
  loaded.set(name, preset);
  return preset;
}

/** The publication classifier's options under a preset (GOVERNANCE.md §4). */
export function publicationOptions(preset: Preset): PublicationOptions {
  return { lengthThreshold: preset.thresholds.publicationLength };
}

/** Seconds a stage waits for a decision under a preset (GOVERNANCE.md §3), for planRoute's `stageSeconds`. */
export function stageSeconds(preset: Preset): number {
  return Math.round(preset.thresholds.stageHours * 3600);
}

export interface StagePlan {
  readonly stage: StageName;
  /** `manager` (the submitter's manager) or the directory group whose members decide. */
  readonly filledBy: PresetStage['filledBy'];
  readonly who: string;
  /** Why the stage is in the route: `always`, `publication`, or the rule ids that asked for it. */
  readonly reasons: readonly string[];
}

export interface StageRequest {
  readonly publication: Pick<PublicationClassification, 'is'>;
  readonly findings: readonly Finding[];
}

/** The rules whose findings ask for a stage: a route finding, or a statement its approvers still have to make. */
function rulesAsking(stage: StageName, findings: readonly Finding[]): string[] {
  const rules = findings.filter((f) => f.stage === stage || isStatementOwedBy(f, stage)).map((f) => f.rule);
  return [...new Set(rules)];
}

/**
 * Which stages a brand post gets under a preset, in order, and why (GOVERNANCE.md §1: supervisor → comms → ethics,
 * ethics only for publications or sensitive matters). Pure: who fills a stage is resolved from the directory by the
 * route planner.
 */
export function planStages(preset: Preset, request: StageRequest): StagePlan[] {
  const plans: StagePlan[] = [];
  for (const setting of preset.stages) {
    const reasons: string[] = [];
    if (setting.when === 'always') reasons.push('always');
    if (setting.when === 'publication' && request.publication.is) reasons.push('publication');
    if (setting.when !== 'never') reasons.push(...rulesAsking(setting.stage, request.findings));
    if (reasons.length > 0) plans.push({ stage: setting.stage, filledBy: setting.filledBy, who: setting.who, reasons });
  }
  return plans;
}
