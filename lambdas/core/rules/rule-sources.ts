// The rules of GOVERNANCE.md §5 and §6 as an auditor reads them: what each rule checks and the policy text it
// comes from. Findings carry only the rule id; the evidence pack puts this beside each one.

export interface RuleSource {
  readonly what: string;
  readonly source: string;
}

export const RULE_SOURCES: Readonly<Record<string, RuleSource>> = {
  'P-ACCOUNT': { what: 'the target must be a registered, active institutional account and the submitter one of its posters', source: 'CERN §2 "Authorised institutional presences are limited to …"; LEIDEN brand accounts' },
  'P-CONFIDENTIAL': { what: 'confidentiality markers, or media declared as internal documents, contracts, budgets, access cards', source: 'CERN §1 "don\'t post a picture of your CERN access card or of internal documents such as contracts or project budgets"; EC §2b; LEIDEN "Respect confidentiality"' },
  'P-EMBARGO': { what: 'a declared embargo / release date later than the publish time', source: 'EC §2b "at least before a certain \'release date\'"' },
  'P-OFFENSIVE': { what: 'insults, obscenities, discriminatory or racist language', source: 'LEIDEN "Respect your public/large audience"; EC §2a "never use offensive language"; CERN "Avoid posting or encouraging offensive comments"' },
  'P-LOGO': { what: "the institution's logo in media for an account that is not a registered brand account", source: 'CERN §1/§2 logo "legally protected"; LEIDEN "Logo"' },
  'P-ALT-TEXT': { what: 'an image without alternative text, a video without captions', source: 'CERN accessibility: "closed captions on videos, alternative text on pictures"' },
  'P-PLATFORM-LIMIT': { what: 'text longer than the target platform allows', source: 'platform rules (users expect it)' },
  'P-PEOPLE-CONSENT': { what: 'media showing people: consent obtained', source: 'CALTECH "Obtain permission before posting a photo of someone"; EC §4b; LEIDEN "Respect privacy"' },
  'P-MEDIA-RIGHTS': { what: 'each media item: own / licensed for social media (with credit) / public domain; Creative Commons gets a warning', source: 'CERN §1 "make sure you have the rights … give credit"; EC §4b "written permission specifically to use the content in social media"' },
  'P-AI-DISCLOSURE': { what: 'whether generative AI was used, and if so that it is disclosed', source: 'CERN "be transparent about their usage"' },
  'P-PERSONAL-DATA': { what: 'e-mail addresses, phone numbers, dates of birth, ID numbers in the text', source: 'CERN §1 "don\'t post personal identifiable information"; LEIDEN "Don\'t circulate personal information"; EC §4a' },
  'P-POLITICAL': { what: 'political positions, endorsing candidates, causes', source: 'CERN "does not take political positions"; CALTECH "may not be used to endorse any opinion, product, private business, cause, or political candidate"' },
  'P-ENDORSEMENT': { what: 'mentions of or links to third-party accounts, products, services: "reputational check done"', source: 'CERN "Before posting, you must run a reputational check"' },
  'P-SENSITIVE-MATTER': { what: 'content about investigations or calls for tender', source: 'EC §2c "especially if related to investigations or calls for tender"' },
  'P-SOURCE': { what: 'factual or news content without a link to its original source', source: 'CERN "link to its source"; LEIDEN "Cite your sources"; CALTECH "If you can\'t validate it, don\'t post it"' },
  'P-HASHTAG-CASE': { what: 'multi-word hashtags not in CamelCase', source: 'CERN "first letter uppercase on every word of a hashtag"' },
  'P-INCLUSIVE': { what: 'gendered terms where neutral ones exist', source: 'CERN "using gender-neutral language"' },
  'P-JARGON': { what: 'hard-to-read text for a wide audience (readability score)', source: 'CERN "Try to avoid scientific jargon when addressing a wide audience"' },
  'P-CORRECTION': { what: 'a correction should reference the post it corrects', source: 'EC §4d "post a new tweet stating it is a correction"' },
  'A-UNIT': { what: 'the requesting unit is listed in the directory', source: 'CERN §2/§3 "listed in the CERN Directory"' },
  'A-QUESTIONNAIRE': { what: 'all twelve questions answered', source: 'CERN §3' },
  'A-ADMINS': { what: 'at least two named employee administrators with institutional e-mail addresses; alumni groups two or three managers', source: 'CALTECH "at least two Caltech employees have up-to-date access credentials"; ALUMNI "at least two and up to three group managers"' },
  'A-SMM-ADMIN': { what: 'the social-media manager will receive admin rights, and where the access details are kept is recorded', source: 'CERN §2 "give admin rights to the CERN Social Media Manager and add your access details to our database"' },
  'A-END-OF-LIFE': { what: 'what happens to the account when the project ends', source: 'CERN §3' },
  'A-CADENCE': { what: 'planned posting frequency below once a week', source: 'CERN §2 "To keep an account alive, you need to post at least once a week"' },
  'A-EXISTING': { what: 'an active account of the same unit on the same platform exists', source: 'CERN §3 "Is there an existing channel to which you could contribute?"' },
  'A-CAPACITY': { what: 'no people allocated to run the account', source: 'LEIDEN "sufficient manpower"; CERN §3' },
  'A-COMMENT-POLICY': { what: 'comment policy and community guidelines prepared', source: 'CALTECH "Prepare your comment policy and community guidelines before you need them"' },
  'A-GROUP-PRIVACY': { what: 'public or private; a private group states its join-moderation policy, with no discrimination', source: 'ALUMNI' },
};

export function ruleSource(rule: string): RuleSource | undefined {
  return RULE_SOURCES[rule];
}
