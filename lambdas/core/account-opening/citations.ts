import type { QuestionKey, RuleCitation } from '../model.js';
import type { Preset } from '../rules/presets.js';
import { QUESTION_KEYS, QUESTIONS } from './questionnaire.js';

// The policy sentences behind the account-opening checks (GOVERNANCE.md §6's sources column): a file in seeds/, its
// section, the words quoted from it. A rule with more than one source cites the first the preset is built from.

const CERN = '000_a6ebd4c316c12900.txt';
const ALUMNI = '001_10403c6be09b4f39.txt';
const LEIDEN = '003_5d765a5fef6a2de0.txt';
const CALTECH = '004_66ae974383687124.txt';

const CERN_VOICE = '2. For sectors, departments, units, experiments, and projects — Help CERN to have a consistent digital voice';
const CERN_PROMOTE =
  '2. For sectors, departments, units, experiments, and projects — Help promote CERN and the incredible work done by our community';
const CERN_START = '3. How to get started?';
const ALUMNI_MAIN = 'Guidelines for CERN Alumni Group Managers';

export const SOURCES = {
  unit: [
    {
      policy: CERN,
      section: CERN_VOICE,
      quote:
        'Authorised institutional (‘corporate’) social media presences are limited to sectors, departments, units, experiments, and projects listed in the CERN Directory',
    },
    {
      policy: CALTECH,
      section: 'Social Media Guidelines',
      quote:
        'For those members of the Caltech community who manage or maintain social media accounts specifically to represent Caltech entities (such as academic or administrative units, labs, or clubs), there are additional expectations of you and additional resources available to you.',
    },
    {
      policy: LEIDEN,
      section: 'Social media guidelines for brand accounts',
      quote:
        'If you manage an account that represents the Leiden University brand (faculty and central accounts), you are also expected to follow the guidelines listed below, in addition to the ones already discussed.',
    },
  ],
  adminsCount: [
    {
      policy: CALTECH,
      section: 'For those representing Caltech entities — Be prepared',
      quote: 'Ensure at least two Caltech employees have up-to-date access credentials for any account.',
    },
    {
      policy: ALUMNI,
      section: ALUMNI_MAIN,
      quote: 'Each group, whether CERN managed or alumni managed, is administered by at least two and up to three group managers.',
    },
  ],
  groupManagers: [
    {
      policy: ALUMNI,
      section: ALUMNI_MAIN,
      quote: 'Each group, whether CERN managed or alumni managed, is administered by at least two and up to three group managers.',
    },
  ],
  personalAccount: [
    {
      policy: CALTECH,
      section: 'For those representing Caltech entities — Be on-brand',
      quote:
        "We discourage individuals from using personal accounts as representatives for a division or unit, knowing that people's roles with the institute may change or cease.",
    },
  ],
  smmAdmin: [
    {
      policy: CERN,
      section: CERN_VOICE,
      quote:
        'Due to many instances of lost access and unsolicited messaging, you will be required to give admin rights to the CERN Social Media Manager and add your access details to our database.',
    },
  ],
  cadence: [{ policy: CERN, section: CERN_PROMOTE, quote: 'To keep an account alive, you need to post at least once a week.' }],
  capacity: [
    {
      policy: LEIDEN,
      section: 'Social media guidelines for brand accounts — Opening an account',
      quote:
        'Before you open an account, it is a good idea to consider whether you have sufficient information to publish and whether you also have sufficient manpower to maintain such an account.',
    },
    { policy: CERN, section: CERN_START, quote: QUESTIONS.resources },
  ],
  commentPolicy: [
    {
      policy: CALTECH,
      section: 'For those representing Caltech entities — Be prepared',
      quote: 'Prepare your comment policy and community guidelines before you need them.',
    },
    {
      policy: ALUMNI,
      section: 'Managing a group',
      quote: 'Monitor all contributions and comments so they comply with the CERN Social Media guidelines',
    },
    { policy: CERN, section: CERN_PROMOTE, quote: 'Be proactive in managing your communities and moderating interactions.' },
  ],
  groupVisibility: [
    {
      policy: ALUMNI,
      section: ALUMNI_MAIN,
      quote:
        'Some of these groups are public, which means that any registered user of the CERN Alumni web platform may request to join a public group.',
    },
  ],
  joinModeration: [
    {
      policy: ALUMNI,
      section: ALUMNI_MAIN,
      quote:
        'The other groups are private, this means that users must first request to join the group. The group manager then moderates the request to join and may accept or reject it.',
    },
  ],
  nonDiscrimination: [
    {
      policy: ALUMNI,
      section: ALUMNI_MAIN,
      quote:
        'However, please be aware that no discrimination of requests on the grounds of profession, nationality, culture, age, generation, gender or individual preferences can be applied',
    },
  ],
} as const satisfies Record<string, readonly [RuleCitation, ...RuleCitation[]]>;

/** The first of a rule's sources that the preset is built from; else the first (GOVERNANCE.md §6's own). */
export function cite(preset: Preset, candidates: readonly [RuleCitation, ...RuleCitation[]]): RuleCitation {
  return candidates.find((c) => preset.policies.includes(c.policy)) ?? candidates[0];
}

export function questionSource(key: QuestionKey): RuleCitation {
  return { policy: CERN, section: CERN_START, quote: QUESTIONS[key] };
}

/** Every policy sentence this module cites, for checking the quotes against the seeds. */
export function accountOpeningCitations(): RuleCitation[] {
  return [...Object.values(SOURCES).flat(), ...QUESTION_KEYS.map(questionSource)];
}
