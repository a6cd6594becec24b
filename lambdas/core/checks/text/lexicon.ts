import { compilePattern } from './patterns.js';

// The word patterns behind the text checks of GOVERNANCE.md §5 that no maintained library covers: confidentiality
// markers, embargo notes, political and procurement cues, unsourced claims, gendered terms. Each pattern says what
// it found in words a communications officer reads in a finding. They are deliberately narrow — a cue must be
// unambiguous in an institutional post (test/core/checks.test.ts holds, for each, posts that must not fire).

export interface Cue {
  readonly pattern: RegExp;
  /** What the cue is, completing "The text contains …". */
  readonly label: string;
}

export interface Match {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly label: string;
}

const globals = new WeakMap<RegExp, RegExp>();

/** The pattern with the `g` flag, made once per pattern (matchAll needs it; the lists hold plain patterns). */
export function globalOf(pattern: RegExp): RegExp {
  let global = globals.get(pattern);
  if (global === undefined) {
    global = compilePattern(
      'lexicon: a cue or term with the g flag',
      pattern.source,
      pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`,
    );
    globals.set(pattern, global);
  }
  return global;
}

/** Every match of every cue, in order of position, the first of overlapping matches kept. */
export function findCues(text: string, cues: readonly Cue[]): Match[] {
  const found: Match[] = [];
  for (const cue of cues) {
    for (const m of text.matchAll(globalOf(cue.pattern))) {
      if (m[0].length === 0) continue;
      found.push({ start: m.index, end: m.index + m[0].length, text: m[0], label: cue.label });
    }
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Match[] = [];
  for (const match of found) {
    const last = kept[kept.length - 1];
    if (last !== undefined && match.start < last.end) continue;
    kept.push(match);
  }
  return kept;
}

// P-CONFIDENTIAL — markers a document carries, not the topic of confidentiality: "Confidential support is available
// from the ombudsperson" and "Places are restricted to 30" are ordinary posts.
export const CONFIDENTIALITY_MARKERS: readonly Cue[] = [
  { pattern: /\b(?:strictly|highly|company|commercially|commercial[- ]in)[- ]confidential\b/iu, label: 'a confidentiality marking' },
  { pattern: /\bCONFIDENTIAL\b/u, label: 'a confidentiality marking' },
  { pattern: /(?:^|(?<=[[(]\s{0,3}))confidential(?=\s*(?:[:\])]|[–—-]\s))/imu, label: 'a confidentiality marking' },
  {
    pattern: /\bconfidential\s+(?:draft|document|report|memo|minutes|information|data|figures|budget)\b/iu,
    label: 'a reference to a confidential document',
  },
  { pattern: /\b(?:for\s+)?internal\s+(?:use\s+)?only\b/iu, label: 'an "internal only" marking' },
  {
    pattern: /\bnot\s+for\s+(?:public\s+|external\s+|wider\s+)?(?:distribution|circulation|publication|release|sharing)\b/iu,
    label: 'a "not for distribution" marking',
  },
  {
    pattern: /\bdo\s+not\s+(?:share|distribute|forward|circulate|publish)\s+(?:this|externally|outside|further|beyond|before|until)\b/iu,
    label: 'a "do not share" marking',
  },
  {
    pattern: /\bdraft\b[^.\n]{0,20}?\bdo\s+not\s+(?:share|distribute|circulate|cite|quote)\b/iu,
    label: 'a "draft – do not share" marking',
  },
  { pattern: /\b(?:EU\s+)?RESTRICTED\b/u, label: 'a "restricted" classification' },
  {
    pattern:
      /(?:^|(?<=[[(]\s{0,3})|(?<=\bclassification\s{0,3}:\s{0,3}))(?:restricted|classified|sensitive|limited)(?=\s*(?:[:\])]|[–—-]\s|$))/imu,
    label: 'a classification marking',
  },
  { pattern: /\b(?:eyes\s+only|under\s+NDA|sensitive\s+(?:–|-|—)\s*internal)\b/iu, label: 'a confidentiality marking' },
  {
    pattern: /\binternal\s+(?:memo|memorandum|note|e-?mail|minutes|report|audit|document|documents)\b/iu,
    label: 'a reference to an internal document',
  },
];

// Credentials in text or in a picture's description: "PC password 12345" (EC guidelines §4c, the sample picture).
export const CREDENTIALS: readonly Cue[] = [
  {
    // The secret is the next token, with a digit among its first 24 characters. The look-ahead is bounded: labels
    // packed into one long token ("pin:pin:pin:…") would each scan it to its end — quadratic. One place for spaces.
    pattern:
      /\b(?:password|passcode|passwd|pwd|access\s+code|door\s+code|wi-?fi\s+key|PIN(?:\s+code)?)\s*(?:(?:[:=]|\bis\b)\s*)?["'“]?(?=[^\s"'”]{0,23}\d)[^\s"'”]{3,}/iu,
    label: 'a password or access code',
  },
];

// Media descriptions (alt text) of things that must not be shown (CERN §1: "a picture of your CERN access card").
export const CONFIDENTIAL_PICTURES: readonly Cue[] = [
  { pattern: /\b(?:access|ID|identity|staff|employee|security)\s+(?:card|badge|pass)\b/iu, label: 'an access card or ID badge' },
  { pattern: /\bpassport\b/iu, label: 'a passport' },
  { pattern: /\b(?:signed\s+)?contract\b(?!\s+(?:research|bridge))/iu, label: 'a contract' },
  { pattern: /\b(?:project|internal|draft)\s+budget\b|\bbudget\s+(?:spreadsheet|sheet|table|breakdown)\b/iu, label: 'a budget' },
];

// P-EMBARGO — embargo notes and release dates, not embargoes in the news ("the EU's arms embargo").
export const EMBARGO_NOTES: readonly Cue[] = [
  {
    pattern:
      /\b(?<!(?:arms|trade|oil|gas|economic|export|import|weapons?|grain|travel|data)\s)(?:under\s+)?embargo(?:ed)?\b(?!\s+(?:on|against)\b)/iu,
    label: 'an embargo note',
  },
  // Leading blanks stop at every line terminator: `^` matches after each of them, and a run of lone \r scanned from
  // each would be quadratic.
  { pattern: /^[^\S\n\r\u2028\u2029]*(?:release|publication)\s+date\s*:/imu, label: 'a release date' },
  {
    pattern:
      /\b(?:not\s+(?:to\s+be\s+)?(?:published|released|posted|shared|publici[sz]ed)|do\s+not\s+(?:publish|release|post))\s+(?:before|until|prior\s+to)\b/iu,
    label: 'a "not before" note',
  },
  { pattern: /\bhold\s+(?:for\s+release\s+)?until\b|\bfor\s+release\s+(?:on|at)\b/iu, label: 'a hold-for-release note' },
];

// P-POLITICAL — taking a political position: elections, candidates, parties, petitions, campaigns for a cause.
// Visits by ministers, science diplomacy, and a council voting a budget are not positions.
export const POLITICAL_CUES: readonly Cue[] = [
  {
    pattern:
      /\b(?:vote|voting|votes|cast\s+your\s+(?:vote|ballot))\s+(?:for|against)\s+(?!(?:your|our|the\s+best|the\s+winner|a\s+winner|your\s+favou?rite|the\s+people'?s)\b)(?:[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)*|the\s+\w+\s+(?:party|candidate|list|initiative|referendum|proposition|amendment|bill))/u,
    label: 'a call to vote for or against someone or something',
  },
  { pattern: /\b(?:vote|voting)\s+(?:yes|no)\b|#vote(?:yes|no|for|against)\w*/iu, label: 'a call to vote yes or no' },
  { pattern: /\breferendum\b/iu, label: 'a referendum' },
  {
    pattern:
      /\b(?:general|presidential|parliamentary|european|federal|municipal|midterm|national|legislative|cantonal)\s+elections?\b|\belection\s+(?:campaign|day|manifesto)\b/iu,
    label: 'an election',
  },
  { pattern: /\bpolitical\s+part(?:y|ies)\b/iu, label: 'a political party' },
  { pattern: /\b(?:[Rr]e-?[Ee]lect|[Ee]lect)\s+[A-Z][a-z]+/u, label: 'a call to elect a candidate' },
  {
    pattern:
      /\b(?:our|the|a)\s+candidate\s+for\s+(?:president|mayor|governor|senat\w*|congress|parliament|the\s+(?:presidency|senate|house|council|european\s+parliament))\b|\bcandidacy\s+for\b/iu,
    label: 'a political candidate',
  },
  {
    pattern:
      /\b(?:endorse[sd]?|endorsing|back(?:s|ed|ing)?)\s+(?:the\s+)?(?:candidate|candidacy|campaign|party|bill|proposition|ballot\s+initiative)\b/iu,
    label: 'an endorsement of a candidate, party or campaign',
  },
  { pattern: /\b(?:sign|signing|support|share)\w*\s+(?:the|our|this|a)\s+petition\b|#petition\b/iu, label: 'a petition' },
  {
    pattern:
      /\bwe\s+(?:stand|stand\s+in\s+solidarity)\s+with\b|\bsolidarity\s+with\s+(?:the\s+)?(?:people|protesters|strikers|workers)\b/iu,
    label: 'a statement of solidarity with a cause',
  },
  {
    pattern:
      /\b(?:join|support)\s+(?:the|our|this)\s+(?:march|strike|protest|rally|boycott|demonstration|campaign\s+against)\b|\bboycott\b|\b(?:climate|general)\s+strike\b|\bmarch\s+for\s+(?:science|our|the|climate)\b/iu,
    label: 'a call to join a protest or boycott',
  },
  {
    pattern:
      /\bwe\s+(?:oppose|reject|condemn|protest\s+against|denounce)\s+(?:the\s+)?(?:government|bill|law|legislation|proposal|decision|policy|ban|cuts?|reform|war|invasion|regime)\b/iu,
    label: 'a position on government policy',
  },
  { pattern: /\b(?:far|left|right)[- ]wing\b/iu, label: 'a party-political label' },
];

/** Voting in a contest or an award ("vote for our photo", "Breakthrough of the Year") is not politics. */
export const CONTEST_CONTEXT =
  /\b(?:awards?|prizes?|contest|competition|photos?|images?|pictures?|videos?|challenge|favou?rite|people'?s\s+choice|of\s+the\s+year|nominees?|shortlist\w*)\b/iu;

// P-SENSITIVE-MATTER — investigations and procurement (EC §2c: "especially if related to investigations or calls
// for tender"), not research ("our investigation of dark matter") nor funding calls ("call for proposals").
export const SENSITIVE_CUES: readonly Cue[] = [
  {
    pattern:
      /\b(?:calls?|invitations?)\s+(?:for|to)\s+tenders?\b|\btender(?:s|ing)?\s+(?:procedure|process|documents?|notice|dossier|specifications?|deadline)\b|\b(?:open|public|restricted|negotiated)\s+tender\b/iu,
    label: 'a call for tender',
  },
  {
    pattern:
      /\b(?:public\s+)?procurement\b|\bprice\s+enquir(?:y|ies)\b|\bmarket\s+surveys?\b|\brequests?\s+for\s+(?:tender|quotation|quote)s?\b|\bbidders?\b|\bframework\s+contract\b|\bcontract\s+(?:award|notice)\b|\bawarded\s+(?:the|a)\s+contract\b/iu,
    label: 'a procurement',
  },
  {
    pattern:
      /\b(?:internal|administrative|disciplinary|criminal|fraud|OLAF|ethics|police|judicial)\s+(?:investigation|inquiry|enquiry|probe)s?\b|\bunder\s+investigation\b|\binvestigation\s+into\s+(?:allegations?|misconduct|fraud|the\s+(?:conduct|behaviou?r|handling|leak|complaint|incident|death|accident))\b/iu,
    label: 'an investigation',
  },
  { pattern: /\bOLAF\b/u, label: 'an investigation' },
  {
    pattern:
      /\ballegations?\s+of\b|\bwhistle-?blow\w*|\bdisciplinary\s+(?:procedure|proceedings?|action|measures?|board|hearing|case)\b|\b(?:harassment|misconduct)\s+(?:case|complaint|allegation)s?\b/iu,
    label: 'an investigation or disciplinary matter',
  },
];

// P-SOURCE — factual or news claims that need their source: "a study shows", "according to", statistics.
export const CLAIM_CUES: readonly Cue[] = [
  {
    pattern:
      /\b(?:(?:a|the|this|our|new|latest|recent)\s+){0,3}(?:study|studies|research|survey|report|analysis|data|evidence|statistics|figures|poll|paper|measurements?)\s+(?:shows?|showed|finds?|found|suggests?|suggested|reveals?|revealed|indicates?|indicated|confirms?|confirmed|proves?|proved|demonstrates?|demonstrated)\b/iu,
    label: 'a claim based on a study',
  },
  { pattern: /\baccording\s+to\b/iu, label: '"according to"' },
  {
    pattern:
      /\b(?:scientists|researchers|experts|studies|economists|doctors)\s+(?:say|said|have\s+(?:found|shown)|found|believe|warn|warned|agree)\b/iu,
    label: 'a claim attributed to experts',
  },
  {
    pattern: /\b(?:published|appears?|appeared)\s+(?:today\s+|this\s+week\s+)?in\s+(?:the\s+journal\s+)?[A-Z][\w-]*/u,
    label: 'a publication in a journal',
  },
  {
    pattern:
      /\b\d+(?:[.,]\d+)?\s?(?:%|per\s?cent|percent)\s+(?:of\s+(?:all|the|our|people|students|women|men|respondents|participants|species|researchers|adults|children|emissions|energy)|more|less|fewer|higher|lower|increase|decrease|rise|drop|fall|growth|reduction|chance|probability|likely|accuracy|efficiency)\b/iu,
    label: 'a statistic',
  },
  {
    pattern:
      /\b(?:increase[sd]?|decrease[sd]?|rose|risen|fell|fallen|dropped|grew|grown|reduce[sd]?|cut|improve[sd]?)\s+(?:by\s+)?\d+(?:[.,]\d+)?\s?(?:%|per\s?cent|percent)/iu,
    label: 'a statistic',
  },
  {
    pattern: /\b\d+(?:\.\d+)?\s*(?:times|fold)\s+(?:more|less|faster|slower|higher|lower|larger|smaller|bigger|greater|likelier)\b/iu,
    label: 'a comparison in figures',
  },
];

/** References that make an unsourced claim sourced: a DOI, an arXiv id, a journal reference. */
export const SOURCE_REFERENCE = /\bdoi\s*(?::\s*)?10\.\d{4,9}\/\S+|\b10\.\d{4,9}\/[-._;()/:A-Za-z0-9]+|\barxiv\s*:\s*\d{4}\.\d{4,5}/iu;

export interface Term {
  readonly pattern: RegExp;
  /** The neutral replacement, in lower case; the finding matches the writer's capitals. */
  readonly neutral: string;
}

// P-INCLUSIVE — gendered words with a neutral equivalent (CERN: "using gender-neutral language"). Pronouns are left
// alone: "Professor Smith presented his results" is correct when he is a man.
// biome-ignore format: packed word list, one line per group reads better than one word per line
export const GENDERED_TERMS: readonly Term[] = [
  { pattern: /\bchair(?:man|woman)\b/iu, neutral: 'chair' },
  { pattern: /\bchair(?:men|women)\b/iu, neutral: 'chairs' },
  { pattern: /\bspokes(?:man|woman)\b/iu, neutral: 'spokesperson' },
  { pattern: /\bspokes(?:men|women)\b/iu, neutral: 'spokespeople' },
  { pattern: /\bmanpower\b/iu, neutral: 'workforce' },
  { pattern: /\bman[- ]hours?\b/iu, neutral: 'person-hours' },
  { pattern: /\bman[- ](?:days?)\b/iu, neutral: 'person-days' },
  { pattern: /\bman[- ]months?\b/iu, neutral: 'person-months' },
  { pattern: /\bman[- ]years?\b/iu, neutral: 'person-years' },
  { pattern: /\bmankind\b/iu, neutral: 'humankind' },
  { pattern: /\bman-made\b/iu, neutral: 'human-made' },
  { pattern: /\bunmanned\b/iu, neutral: 'uncrewed' },
  { pattern: /\bmanned\s+(?:mission|flight|spacecraft|spaceflight|station|vehicle)s?\b/iu, neutral: 'crewed' },
  { pattern: /\bman(?:ning)?\s+(?:the|our)\s+(?:stand|booth|desk|stall|table|phones?)\b/iu, neutral: 'staffing' },
  { pattern: /\blay(?:man|men)\b/iu, neutral: 'non-specialists' },
  { pattern: /\bbusiness(?:man|woman)\b/iu, neutral: 'businessperson' },
  { pattern: /\bbusiness(?:men|women)\b/iu, neutral: 'businesspeople' },
  { pattern: /\bcamera(?:man|men)\b/iu, neutral: 'camera operator' },
  { pattern: /\bfire(?:man|men)\b/iu, neutral: 'firefighters' },
  { pattern: /\bpolice(?:man|men|woman|women)\b/iu, neutral: 'police officers' },
  { pattern: /\bfore(?:man|men)\b/iu, neutral: 'supervisor' },
  { pattern: /\bwork(?:man|men)\b/iu, neutral: 'workers' },
  { pattern: /\bsales(?:man|men|woman|women)\b/iu, neutral: 'salespeople' },
  { pattern: /\bcrafts(?:man|men)\b/iu, neutral: 'artisans' },
  { pattern: /\bcraftsmanship\b/iu, neutral: 'skill' },
  { pattern: /\bmiddle(?:man|men)\b/iu, neutral: 'intermediary' },
  { pattern: /\bfresh(?:man|men)\b/iu, neutral: 'first-year students' },
  { pattern: /\bforefathers\b/iu, neutral: 'ancestors' },
  { pattern: /\bfounding\s+fathers\b/iu, neutral: 'founders' },
  { pattern: /\bladies\s+and\s+gentlemen\b/iu, neutral: 'everyone' },
  { pattern: /(?<=\b(?:hi|hey|hello|thanks|thank\s{1,3}you)\s{1,3})guys\b/iu, neutral: 'everyone' },
  { pattern: /\byou\s+guys\b/iu, neutral: 'you all' },
  { pattern: /\bheadmaster\b/iu, neutral: 'head teacher' },
  { pattern: /\bsportsmanship\b/iu, neutral: 'fair play' },
  { pattern: /\bhe\s+or\s+she\b|\bhe\/she\b|\bs\/he\b/iu, neutral: 'they' },
  { pattern: /\bhis\s+or\s+her\b|\bhis\/her\b/iu, neutral: 'their' },
];

// P-CORRECTION — what makes a correction point at the post it corrects.
export const CORRECTION_OPENING = /^\s*(?:\W{0,3})(?:correction|erratum|corrigendum|clarification)\s*[:!–—-]/iu;
export const CORRECTED_POST_REFERENCE =
  /\b(?:our|the|my|this|yesterday'?s|today'?s|earlier|previous|last|above|original)\s+(?:\w+\s+){0,2}(?:post|tweet|toot|message|thread|update|announcement|skeet|story)\b|\b(?:posted|published|shared)\s+(?:on|earlier|yesterday|this\s+morning)\b/iu;
