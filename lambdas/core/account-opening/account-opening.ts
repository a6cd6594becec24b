import * as z from 'zod/mini';
import { singleLine } from '../schema.js';
import { DEFAULT_CHECK_BUDGET, runWithinBudget, type CheckBudget } from '../checks/check-budget.js';
import type { Directory } from '../request/directory.js';
import { ValidationError } from '../errors.js';
import type { AccountOpeningSubmission, Attestation, Finding, QuestionKey, RegistryAccount, RuleCitation, Severity } from '../model.js';
import { ACCOUNT_OPENING_RULES, type AccountOpeningRule } from '../rules/catalogue.js';
import { PLATFORMS, PLATFORM_NAMES } from '../rules/platforms.js';
import type { Preset } from '../rules/presets.js';
import { hasAwsKeyId, hasKeyShapedSecret, hasLabelledSecret as labelledSecretIn } from '../checks/text/secrets.js';

// Requests to open an institutional account (GOVERNANCE.md §6): the webhook body contract (DESIGN.md "Webhook
// intake", `kind: "account-opening"`), the refusal of anything that looks like a credential, and the checks A-UNIT …
// A-GROUP-PRIVACY. Pure: no AWS, no clock. Each finding carries the rule id of §6's table, its severity, a message a
// communications officer reads, the field it points at (`where`), a fix where there is one, and the policy sentence
// behind it (a file in seeds/, its section, the words quoted from it — chosen among the policies the preset is built
// from when the rule has more than one source).
//
// Severities are §6's. A-SMM-ADMIN and A-COMMENT-POLICY are statements the submitter makes, with checks.ts's
// semantics: a statement missing is `block`, a statement made is kept as `attest` with `attestation.satisfied`.

// ——— the questionnaire (CERN §3) ———

/** The twelve questions of CERN §3, in its order. */
export const QUESTION_KEYS: readonly QuestionKey[] = [
  'project',
  'platform',
  'audience',
  'existingChannel',
  'communications',
  'frequency',
  'resources',
  'endOfLife',
  'hashtagInstead',
  'closedGroupInstead',
  'evaluation',
  'readyToRetire',
];

/** What a good answer says (the finding's suggestion). */
const ANSWER_HINTS: Readonly<Record<QuestionKey, string>> = {
  project: 'Name the experiment, project or event the account is for.',
  platform: 'Say which platform you want to use and why it suits your audience.',
  audience: 'Describe who you want to reach (e.g. "secondary-school physics teachers in Europe").',
  existingChannel: 'Name the existing accounts you considered and why contributing to them is not enough — or say that none exists.',
  communications: 'List the kinds of posts you plan (news, behind-the-scenes, event coverage, …).',
  frequency: 'Say how often you will post (e.g. "twice a week").',
  resources: 'Name the people who will run the account and how much of their time it has.',
  endOfLife: 'Say what happens to the account when the project ends: retired, handed over to another account, merged, …',
  hashtagInstead: 'Say whether a hashtag used on existing accounts would do, and if not, why.',
  closedGroupInstead: 'Say whether a closed Facebook or LinkedIn group would do, and if not, why.',
  evaluation: 'Say which figures you will follow (impressions, engagements, engagement rate, views, mentions) and how often.',
  readyToRetire: 'Say whether you will retire the account if it does not perform (posting less than once a week, follower growth below 1.5% for over six months).',
};

/**
 * The questions as CERN §3 words them — in findings, mails and on the review page, and quoted as the findings'
 * sources: the submitter answers the institution's own questions.
 */
export const QUESTIONS: Readonly<Record<QuestionKey, string>> = {
  project: 'What experiment / project / event do you work for?',
  platform: 'What social media platform do you want to use?',
  audience: 'What audience are you trying to reach?',
  existingChannel: 'Is there an existing channel to which you could contribute?',
  communications: 'What communications do you plan to publish?',
  frequency: 'How regularly do you plan to communicate?',
  resources: 'What human resources do you have allocated to maintaining this new channel?',
  endOfLife: 'What is foreseen for the social media accounts when the project ends?',
  hashtagInstead: 'Would a hashtag suit your needs instead of a new social media profile?',
  closedGroupInstead: 'Would a closed Facebook/LinkedIn group suit your needs?',
  evaluation: 'How do you plan on evaluating the impact of your social media activities?',
  readyToRetire: 'Are you ready to retire your social media profile if it doesn’t perform to standards?',
};


// ——— the body contract ———

export const MAX_ADMINS = 10;
export const MAX_ANSWER_CHARS = 2_000;
export const MAX_CREDENTIAL_STORE_CHARS = 300;

/** A field that is one line (an id, a handle, a title): a line break in it would split an e-mail subject or a log line. */
const line = (min: number, max: number) => z.string().check(z.trim(), z.minLength(min), z.maxLength(max), singleLine());
const answer = () => z.optional(z.string().check(z.trim(), z.maxLength(MAX_ANSWER_CHARS)));

const questionnaireSchema = z.strictObject({
  project: answer(),
  platform: answer(),
  audience: answer(),
  existingChannel: answer(),
  communications: answer(),
  frequency: answer(),
  resources: answer(),
  endOfLife: answer(),
  hashtagInstead: answer(),
  closedGroupInstead: answer(),
  evaluation: answer(),
  readyToRetire: answer(),
});

const groupSchema = z.strictObject({
  visibility: z.enum(['public', 'private']),
  joinPolicy: z.optional(z.string().check(z.trim(), z.maxLength(MAX_ANSWER_CHARS))),
});

const attestationsSchema = z.strictObject({
  smmAdmin: z.optional(z.boolean()),
  /** Where the access details are kept: a reference (a vault path), never a secret. */
  credentialStore: z.optional(z.string().check(z.trim(), z.maxLength(MAX_CREDENTIAL_STORE_CHARS), singleLine())),
  commentPolicy: z.optional(z.boolean()),
});

export const accountOpeningSchema = z.strictObject({
  kind: z.literal('account-opening'),
  submitter: z.email(),
  /** The requesting unit's id in the directory (for an alumni group, its group type). */
  unit: line(1, 100),
  platform: z.enum(PLATFORMS),
  handle: line(1, 100),
  /** Defaults to "Open <handle> on <platform>". */
  title: z.optional(line(1, 200)),
  admins: z.array(z.email()).check(z.minLength(1), z.maxLength(MAX_ADMINS)),
  group: z.optional(groupSchema),
  questionnaire: questionnaireSchema,
  attestations: z._default(attestationsSchema, {}),
});

/** The keys each object of the body may hold, to list them when an unknown one is given. */
const KEYS_AT: Readonly<Record<string, { readonly what: string; readonly keys: readonly string[] }>> = {
  '': { what: 'field', keys: Object.keys(accountOpeningSchema.shape) },
  questionnaire: { what: 'question', keys: QUESTION_KEYS },
  attestations: { what: 'attestation', keys: Object.keys(attestationsSchema.shape) },
  group: { what: 'group setting', keys: Object.keys(groupSchema.shape) },
};

function describe(issue: z.core.$ZodIssue, body: Record<string, unknown>): string {
  const path = issue.path.map(String).join('.');
  const at = (message: string): string => (path === '' ? message : `${path}: ${message}`);
  if (issue.code === 'unrecognized_keys') {
    const known = KEYS_AT[path];
    if (known !== undefined) {
      const unknown = issue.keys.map((k) => `"${k}"`).join(', ');
      return at(`unknown ${known.what}${issue.keys.length > 1 ? 's' : ''} ${unknown}; the ${known.what}s are ${known.keys.join(', ')}`);
    }
  }
  if (path === 'questionnaire' && body.questionnaire === undefined) {
    return at(`required: answer the twelve questions (${QUESTION_KEYS.join(', ')})`);
  }
  return at(issue.message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A handle as compared: trimmed, lower case, without its leading '@'. */
function handleKey(handle: string): string {
  const h = handle.trim().toLowerCase();
  return h.startsWith('@') ? h.slice(1) : h;
}

/**
 * Validates an account-opening body against the schema, the directory and the registry. Throws ValidationError with
 * every problem: the schema's, a submitter not in the directory, a handle already registered on the platform. Admins
 * who are not in the directory are left to A-ADMINS, which lists them. Returns lower-case e-mail addresses (each admin
 * once, in the order given), trimmed answers without the blank ones, and the default title.
 */
export function parseAccountOpening(body: unknown, directory: Directory, registry: readonly RegistryAccount[]): AccountOpeningSubmission {
  // parseSubmission refuses credentials first for every kind; checked again for callers that come here directly.
  const secrets = credentialFields(body);
  if (secrets.length > 0) throw new ValidationError(secrets.map(credentialProblem));
  if (!isRecord(body)) throw new ValidationError(['body: must be a JSON object']);
  const parsed = accountOpeningSchema.safeParse(body);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => describe(issue, body));
  const { submitter, handle, platform } = body;
  if (typeof submitter === 'string' && directory.personByEmail(submitter) === undefined) {
    problems.push(`submitter: "${submitter}" is not in the ${directory.institution} directory`);
  }
  if (typeof handle === 'string' && handleKey(handle) !== '' && typeof platform === 'string') {
    const taken = registry.find((a) => a.platform === platform && handleKey(a.handle) === handleKey(handle));
    if (taken !== undefined) {
      const status = taken.status === 'active' ? '' : ` (${taken.status})`;
      problems.push(`handle: "${handle.trim()}" is already registered on ${PLATFORM_NAMES[taken.platform]} as the account "${taken.id}"${status}`);
    }
  }
  if (!parsed.success || problems.length > 0) throw new ValidationError(problems);
  const d = parsed.data;
  const questionnaire: Partial<Record<QuestionKey, string>> = {};
  for (const key of QUESTION_KEYS) {
    const given = d.questionnaire[key];
    if (given !== undefined && given !== '') questionnaire[key] = given;
  }
  const joinPolicy = d.group?.joinPolicy;
  const credentialStore = d.attestations.credentialStore;
  return {
    kind: 'account-opening',
    submitter: d.submitter.toLowerCase(),
    unit: d.unit,
    platform: d.platform,
    handle: d.handle,
    title: d.title ?? `Open ${d.handle} on ${PLATFORM_NAMES[d.platform]}`,
    admins: [...new Set(d.admins.map((a) => a.toLowerCase()))],
    group: d.group === undefined ? undefined : { visibility: d.group.visibility, joinPolicy: joinPolicy === '' ? undefined : joinPolicy },
    questionnaire,
    attestations: {
      ...(d.attestations.smmAdmin === undefined ? {} : { smmAdmin: d.attestations.smmAdmin }),
      ...(credentialStore === undefined || credentialStore === '' ? {} : { credentialStore }),
      ...(d.attestations.commentPolicy === undefined ? {} : { commentPolicy: d.attestations.commentPolicy }),
    },
  };
}

// ——— credentials: never stored ———

/** Words that name a secret when they are a whole word of a key (`adminPassword`, `api_token`, `PIN`). */
const SECRET_WORDS: ReadonlySet<string> = new Set([
  'password', 'passwords', 'passwd', 'pwd', 'pass', 'passcode', 'passcodes', 'passphrase', 'passphrases', 'passkey', 'passkeys',
  'pin', 'pins', 'secret', 'secrets', 'token', 'tokens', 'otp', 'totp', 'hotp', '2fa', 'mfa', 'credentials',
  'apikey', 'apikeys', 'accesskey', 'privatekey', 'secretkey', 'cvv', 'pw', 'mdp', 'pincode',
  // the same in the institution's other languages (German, French, Dutch, Spanish, Portuguese, Nordic, Polish, Czech)
  'passwort', 'kennwort', 'geheimzahl', 'zugangscode', 'wachtwoord', 'contraseña', 'contrasena', 'senha', 'lösenord',
  'losenord', 'passord', 'adgangskode', 'salasana', 'hasło', 'haslo', 'heslo',
]);

/** Two consecutive words of a key that name a secret (`apiKey`, `recovery_codes`). */
const SECRET_PAIRS: ReadonlySet<string> = new Set([
  'api key', 'api keys', 'access key', 'access keys', 'private key', 'private keys', 'signing key', 'recovery key',
  'recovery code', 'recovery codes', 'backup code', 'backup codes', 'security code', 'verification code', 'auth code',
  'authentication code', 'factor code', 'one time', 'seed phrase', 'recovery phrase', 'session cookie', 'auth cookie',
]);

/** Parts of a key written as one word (`adminpassword`, `apikey`). */
const SECRET_PARTS: readonly string[] = [
  'password', 'passwd', 'pwd', 'passcode', 'passphrase', 'apikey', 'accesskey', 'privatekey', 'secretkey', 'recoverycode',
  'backupcode', 'authtoken', 'accesstoken', 'refreshtoken', 'bearertoken', 'sessiontoken', 'clientsecret', '2fa',
  'passwort', 'kennwort', 'wachtwoord', 'motdepasse', 'contraseña', 'lösenord', 'adgangskode', 'salasana',
];

/** The only key that may talk about credentials: where they are kept. */
const CREDENTIAL_REFERENCE_KEY = 'credentialStore';

/** A key's words: split at non-alphanumerics and at camelCase humps (`APIKey` → api, key), lower case. One pass. */
function keyWords(key: string): string[] {
  const words: string[] = [];
  let current = '';
  const chars = [...key];
  const isUpper = (c: string | undefined): boolean => c !== undefined && c !== c.toLowerCase() && c === c.toUpperCase();
  const isLower = (c: string | undefined): boolean => c !== undefined && c !== c.toUpperCase() && c === c.toLowerCase();
  const isAlnum = (c: string): boolean => isUpper(c) || isLower(c) || (c >= '0' && c <= '9');
  chars.forEach((c, i) => {
    if (!isAlnum(c)) {
      if (current !== '') words.push(current);
      current = '';
      return;
    }
    const prev = chars[i - 1];
    if (isUpper(c) && current !== '' && (isLower(prev) || (isUpper(prev) && isLower(chars[i + 1])))) {
      words.push(current);
      current = '';
    }
    current += c.toLowerCase();
  });
  if (current !== '') words.push(current);
  return words;
}

function namesSecret(key: string): boolean {
  if (key === CREDENTIAL_REFERENCE_KEY) return false;
  const words = keyWords(key);
  if (words.some((w) => SECRET_WORDS.has(w))) return true;
  for (let i = 1; i < words.length; i += 1) if (SECRET_PAIRS.has(`${words[i - 1] ?? ''} ${words[i] ?? ''}`)) return true;
  const joined = words.join('');
  return SECRET_PARTS.some((part) => joined.includes(part));
}

/** Where access details may be kept, written `store:entry` (a reference, not `user:password`). */
const STORE_SCHEMES: ReadonlySet<string> = new Set([
  'vault', 'hashicorp', 'op', '1password', 'kv', 'ssm', 'arn', 'keepass', 'keepassxc', 'bitwarden', 'lastpass', 'keeper', 'dashlane',
  'passbolt', 'psono', 'cyberark', 'secretsmanager', 'secret', 'secrets', 'sm', 'azure', 'keyvault', 'akv', 'gcp', 'gsm', 'doppler',
  'infisical', 's3', 'https', 'http', 'file', 'urn', 'ref', 'store', 'path', 'teampass', 'passwordstate', 'pass',
]);

/**
 * Whether a credential-store value is a secret rather than a reference: a labelled secret ("password: …", "pwd=…"),
 * a URL carrying a password (`https://user:pw@host`), or a bare `user:password`. Linear in the value's length.
 */
export function looksLikeSecret(value: string): boolean {
  if (hasKeyShapedSecret(value)) return true;
  const v = value.trim().toLowerCase();
  if (hasLabelledSecret(v)) return true;
  const scheme = v.indexOf('://');
  if (scheme !== -1) {
    const rest = v.slice(scheme + 3);
    const slash = rest.indexOf('/');
    const authority = slash === -1 ? rest : rest.slice(0, slash);
    const atSign = authority.lastIndexOf('@');
    if (atSign !== -1 && authority.slice(0, atSign).includes(':')) return true;
    return false;
  }
  if (/\s/u.test(v) || v.includes('/')) return false;
  const colon = v.indexOf(':');
  if (colon <= 0 || colon === v.length - 1 || v.indexOf(':', colon + 1) !== -1) return false;
  return !STORE_SCHEMES.has(v.slice(0, colon));
}

/**
 * Whether a text gives a secret after a label ("password: …", "PIN = …", "pw: …", "Passwort: …", "The password is
 * hunter2"; secrets.ts). Linear in the text's length.
 */
export function hasLabelledSecret(text: string): boolean {
  return labelledSecretIn(text);
}

/** The free-text fields of an account opening, where a pasted "password: …" would otherwise be stored. */
const FREE_TEXT = /^(?:questionnaire\.[A-Za-z]+|group\.joinPolicy)$/u;

/** Media links are fetched by approvers as given; a signed link's token is its purpose, not a pasted secret. */
const MEDIA_URL = /^media\.\d+\.url$/u;

/**
 * The dotted paths of every key, at any depth, that names a secret (`questionnaire.password`, `admins.0.pwd`,
 * `attestations.apiKey`) — everything but `credentialStore`, the reference to where access details are kept — of
 * every string value, whatever the kind, that holds a key-shaped secret (a token, a private key, an AWS key pair; the
 * pair's halves may sit in two fields), of each free-text answer of an opening that gives a labelled secret
 * ("password: …", "The password is …"), and `attestations.credentialStore` itself when its value is a secret rather
 * than a reference. In document order. A brand post's text is not read for labelled secrets: a post may well say
 * "Forgot your password? …"; a key in it is refused all the same.
 */
export function credentialFields(body: unknown): string[] {
  const found: string[] = [];
  const strings: Array<{ readonly path: string; readonly value: string }> = [];
  // Every visited path's place in the document, so the value checks below report in document order too.
  const order = new Map<string, number>();
  const seen = new Set<object>();
  const stack: Array<{ readonly value: unknown; readonly path: string; readonly secret: boolean }> = [{ value: body, path: '', secret: false }];
  const opening = isRecord(body) && body.kind === 'account-opening';
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { value, path } = item;
    order.set(path, order.size);
    if (item.secret) found.push(path);
    else if (typeof value === 'string' && path !== '') strings.push({ path, value });
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    const children = Array.isArray(value)
      ? value.map((child: unknown, i) => ({ value: child, path: path === '' ? String(i) : `${path}.${i}`, secret: false }))
      : Object.entries(value).map(([key, child]) => ({ value: child, path: path === '' ? key : `${path}.${key}`, secret: namesSecret(key) }));
    for (let i = children.length - 1; i >= 0; i -= 1) {
      const child = children[i];
      if (child !== undefined) stack.push(child);
    }
  }
  const store = `attestations.${CREDENTIAL_REFERENCE_KEY}`;
  const awsKeyIdNearby = strings.some((s) => hasAwsKeyId(s.value));
  for (const { path, value } of strings) {
    if (path === store || MEDIA_URL.test(path)) continue;
    const freeText = FREE_TEXT.test(path) || (opening && path === 'title');
    if (hasKeyShapedSecret(value, awsKeyIdNearby) || (freeText && hasLabelledSecret(value))) found.push(path);
  }
  found.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  if (isRecord(body) && isRecord(body.attestations)) {
    const value = body.attestations[CREDENTIAL_REFERENCE_KEY];
    if (typeof value === 'string' && (looksLikeSecret(value) || hasKeyShapedSecret(value, awsKeyIdNearby))) found.push(store);
  }
  return found;
}

/** Why a field `credentialFields` reported is refused: Signoff never stores credentials, only where they are kept. */
export function credentialProblem(path: string): string {
  if (FREE_TEXT.test(path)) {
    return `${path}: this answer gives a password or another secret — Signoff never stores credentials; remove it and put where the access details are kept (e.g. a vault path) in attestations.credentialStore`;
  }
  if (path === `attestations.${CREDENTIAL_REFERENCE_KEY}`) {
    return (
      `${path}: this looks like a password or a login, not a place — Signoff never stores credentials; ` +
      'give where the access details are kept instead (a reference such as a vault path, e.g. "vault:social/physics-x")'
    );
  }
  const key = path.slice(path.lastIndexOf('.') + 1);
  if (!namesSecret(key) && !/^\d+$/u.test(key)) {
    // Found by its value (a key, a token), not by its name: the field stays, the secret goes.
    return (
      `${path}: this gives a password, a key or a token — Signoff never stores credentials; remove it, and put where ` +
      'the access details are kept (e.g. a vault path) in attestations.credentialStore'
    );
  }
  return (
    `${path}: Signoff never stores credentials — remove this field; put where the access details are kept ` +
    '(e.g. a vault path) in attestations.credentialStore'
  );
}

// ——— sources ———

const CERN = '000_a6ebd4c316c12900.txt';
const ALUMNI = '001_10403c6be09b4f39.txt';
const LEIDEN = '003_5d765a5fef6a2de0.txt';
const CALTECH = '004_66ae974383687124.txt';

const CERN_VOICE = '2. For sectors, departments, units, experiments, and projects — Help CERN to have a consistent digital voice';
const CERN_PROMOTE = '2. For sectors, departments, units, experiments, and projects — Help promote CERN and the incredible work done by our community';
const CERN_START = '3. How to get started?';
const ALUMNI_MAIN = 'Guidelines for CERN Alumni Group Managers';

const SOURCES = {
  unit: [
    { policy: CERN, section: CERN_VOICE, quote: 'Authorised institutional (‘corporate’) social media presences are limited to sectors, departments, units, experiments, and projects listed in the CERN Directory' },
    { policy: CALTECH, section: 'Social Media Guidelines', quote: 'For those members of the Caltech community who manage or maintain social media accounts specifically to represent Caltech entities (such as academic or administrative units, labs, or clubs), there are additional expectations of you and additional resources available to you.' },
    { policy: LEIDEN, section: 'Social media guidelines for brand accounts', quote: 'If you manage an account that represents the Leiden University brand (faculty and central accounts), you are also expected to follow the guidelines listed below, in addition to the ones already discussed.' },
  ],
  adminsCount: [
    { policy: CALTECH, section: 'For those representing Caltech entities — Be prepared', quote: 'Ensure at least two Caltech employees have up-to-date access credentials for any account.' },
    { policy: ALUMNI, section: ALUMNI_MAIN, quote: 'Each group, whether CERN managed or alumni managed, is administered by at least two and up to three group managers.' },
  ],
  groupManagers: [{ policy: ALUMNI, section: ALUMNI_MAIN, quote: 'Each group, whether CERN managed or alumni managed, is administered by at least two and up to three group managers.' }],
  personalAccount: [
    { policy: CALTECH, section: 'For those representing Caltech entities — Be on-brand', quote: "We discourage individuals from using personal accounts as representatives for a division or unit, knowing that people's roles with the institute may change or cease." },
  ],
  smmAdmin: [
    { policy: CERN, section: CERN_VOICE, quote: 'Due to many instances of lost access and unsolicited messaging, you will be required to give admin rights to the CERN Social Media Manager and add your access details to our database.' },
  ],
  cadence: [{ policy: CERN, section: CERN_PROMOTE, quote: 'To keep an account alive, you need to post at least once a week.' }],
  capacity: [
    { policy: LEIDEN, section: 'Social media guidelines for brand accounts — Opening an account', quote: 'Before you open an account, it is a good idea to consider whether you have sufficient information to publish and whether you also have sufficient manpower to maintain such an account.' },
    { policy: CERN, section: CERN_START, quote: QUESTIONS.resources },
  ],
  commentPolicy: [
    { policy: CALTECH, section: 'For those representing Caltech entities — Be prepared', quote: 'Prepare your comment policy and community guidelines before you need them.' },
    { policy: ALUMNI, section: 'Managing a group', quote: 'Monitor all contributions and comments so they comply with the CERN Social Media guidelines' },
    { policy: CERN, section: CERN_PROMOTE, quote: 'Be proactive in managing your communities and moderating interactions.' },
  ],
  groupVisibility: [
    { policy: ALUMNI, section: ALUMNI_MAIN, quote: 'Some of these groups are public, which means that any registered user of the CERN Alumni web platform may request to join a public group.' },
  ],
  joinModeration: [
    { policy: ALUMNI, section: ALUMNI_MAIN, quote: 'The other groups are private, this means that users must first request to join the group. The group manager then moderates the request to join and may accept or reject it.' },
  ],
  nonDiscrimination: [
    { policy: ALUMNI, section: ALUMNI_MAIN, quote: 'However, please be aware that no discrimination of requests on the grounds of profession, nationality, culture, age, generation, gender or individual preferences can be applied' },
  ],
} as const satisfies Record<string, readonly [RuleCitation, ...RuleCitation[]]>;

/** The first of a rule's sources that the preset is built from; else the first (GOVERNANCE.md §6's own). */
function cite(preset: Preset, candidates: readonly [RuleCitation, ...RuleCitation[]]): RuleCitation {
  return candidates.find((c) => preset.policies.includes(c.policy)) ?? candidates[0];
}

function questionSource(key: QuestionKey): RuleCitation {
  return { policy: CERN, section: CERN_START, quote: QUESTIONS[key] };
}

/** Every policy sentence this module cites, for checking the quotes against the seeds. */
export function accountOpeningCitations(): RuleCitation[] {
  return [...Object.values(SOURCES).flat(), ...QUESTION_KEYS.map(questionSource)];
}

// ——— reading the answers ———

/**
 * An answer's words: lower case, apostrophes dropped ("don't" → dont), "n/a" → na, "no one" → noone; split at
 * everything that is not a letter or a digit. One pass of linear replacements.
 */
function wordsOf(answer: string): string[] {
  return answer
    .toLowerCase()
    .replace(/['’‘`]/gu, '')
    .replace(/\bn\s?\/\s?a\b/gu, 'na')
    .replace(/\bno[\s-]one\b/gu, 'noone')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
}

function hasContent(answer: string): boolean {
  return /[\p{L}\p{N}]/u.test(answer);
}

/** Whether every word of the answer, fillers left out, is one of `core` (and there is no other word). */
function saysOnly(answer: string, core: ReadonlySet<string>, fillers: ReadonlySet<string>): boolean {
  if (!hasContent(answer)) return true;
  return wordsOf(answer).every((w) => core.has(w) || fillers.has(w));
}

const FILLERS: ReadonlySet<string> = new Set([
  'a', 'an', 'the', 'we', 'i', 'it', 'is', 'are', 'will', 'would', 'shall', 'to', 'be', 'been', 'so', 'far', 'for', 'now', 'at', 'this',
  'that', 'moment', 'stage', 'point', 'time', 'currently', 'still', 'really', 'honestly', 'as', 'of', 'about', 'exactly', 'precisely',
  'yet', 'there', 'have', 'has', 'on', 'in', 'am', 'ill', 'well', 'wed', 'our', 'my', 'just',
]);

/** A non-committal answer to "what happens when the project ends?" (A-END-OF-LIFE). */
const NON_COMMITTAL: ReadonlySet<string> = new Set([
  'tbd', 'tba', 'tbc', 'na', 'dont', 'do', 'does', 'not', 'know', 'known', 'sure', 'unsure', 'later', 'decide', 'decided', 'determined',
  'confirmed', 'defined', 'discussed', 'clarified', 'undecided', 'unknown', 'idea', 'no', 'plan', 'plans', 'planned', 'nothing', 'none',
  'see', 'maybe', 'perhaps', 'depends', 'applicable', 'clear', 'unclear', 'foreseen', 'thought', 'think', 'considered', 'open', 'question',
  'pending', 'undefined', 'dunno', 'idk', 'nope', 'eventually', 'someday', 'sometime', 'discuss', 'discussion', 'under',
]);

/** Words of an answer on human resources that name nobody (A-CAPACITY). */
const NOBODY: ReadonlySet<string> = new Set([
  'nobody', 'noone', 'none', 'no', 'zero', '0', 'tbd', 'tba', 'tbc', 'na', 'not', 'nothing', 'unknown', 'unclear', 'undecided',
  'decided', 'determined', 'confirmed', 'defined', 'identified', 'known', 'nil',
]);

const CAPACITY_FILLERS: ReadonlySet<string> = new Set([
  ...FILLERS, 'people', 'person', 'persons', 'staff', 'fte', 'ftes', 'member', 'members', 'dedicated', 'allocated', 'assigned', 'resources',
  'human', 'any', 'one', 'yet', 'hours', 'hour', 'time', 'budget', 'specific', 'particular', 'someone', 'somebody', 'allocation',
]);

function isNonCommittal(answer: string): boolean {
  return saysOnly(answer, NON_COMMITTAL, FILLERS);
}

function namesNobody(answer: string): boolean {
  return hasContent(answer) && saysOnly(answer, NOBODY, CAPACITY_FILLERS) && wordsOf(answer).some((w) => NOBODY.has(w));
}

// ——— posting frequency (A-CADENCE) ———

const COUNT_WORDS: Readonly<Record<string, number>> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12, fifteen: 15,
  twenty: 20, thirty: 30, once: 1, twice: 2, thrice: 3, single: 1, couple: 2, few: 2, several: 3, multiple: 2, many: 4,
};

/** Every N units: "every other week", "every second month". */
const ORDINALS: Readonly<Record<string, number>> = { other: 2, second: 2, third: 3, fourth: 4, couple: 2, few: 2 };

const WEEK_FRACTIONS: Readonly<Record<string, number>> = {
  day: 7, days: 7, weekday: 5, weekdays: 5, workday: 5, workdays: 5, week: 1, weeks: 1, fortnight: 0.5, fortnights: 0.5,
  month: 12 / 52, months: 12 / 52, quarter: 4 / 52, quarters: 4 / 52, year: 1 / 52, years: 1 / 52,
};

/** Adverbs that are a rate on their own ("weekly"), or a period after a count ("3 posts weekly"). */
const RATE_WORDS: Readonly<Record<string, number>> = {
  daily: 7, weekdays: 5, weekly: 1, biweekly: 0.5, fortnightly: 0.5, semimonthly: 24 / 52, bimonthly: 6 / 52, monthly: 12 / 52,
  quarterly: 4 / 52, yearly: 1 / 52, annually: 1 / 52, weekend: 1, weekends: 1,
  mondays: 1, tuesdays: 1, wednesdays: 1, thursdays: 1, fridays: 1, saturdays: 1, sundays: 1,
};

const DAY_NAMES: ReadonlySet<string> = new Set(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']);

/** Words between a count and its period: "3 (new) posts (or stories) a week", "1 to 2 times per month". */
const BETWEEN: ReadonlySet<string> = new Set([
  'times', 'time', 'x', 'posts', 'post', 'tweets', 'tweet', 'updates', 'update', 'stories', 'story', 'videos', 'video', 'reels', 'reel',
  'items', 'item', 'messages', 'message', 'articles', 'article', 'new', 'or', 'to', 'of', 'and', 'more', 'pieces', 'content', 'publications',
  'short', 'longer', 'threads', 'thread', 'photos', 'pictures',
]);

const CONNECTORS: ReadonlySet<string> = new Set(['a', 'an', 'per', 'each', 'every', 'in', 'the']);

const OCCASIONAL: ReadonlySet<string> = new Set([
  'occasionally', 'occasional', 'rarely', 'seldom', 'sporadically', 'sporadic', 'irregularly', 'irregular', 'whenever', 'adhoc',
  'infrequently', 'infrequent', 'sometimes',
]);

const OCCASIONAL_PHRASES: readonly string[] = [
  'from time to time', 'now and then', 'now and again', 'once in a while', 'ad hoc', 'as needed', 'as and when', 'as required', 'on demand',
];

/** After "when"/"if": "when there is news", "if needed", "when something happens". */
const OCCASION_OBJECTS: ReadonlySet<string> = new Set(['news', 'needed', 'necessary', 'relevant', 'something', 'required', 'appropriate', 'happens', 'events', 'possible']);

function numberOf(token: string | undefined): number | undefined {
  if (token === undefined) return undefined;
  if (/^\d+(?:\.\d+)?$/u.test(token)) return Number(token);
  return COUNT_WORDS[token];
}

/** The period at tokens[j] in posts per week ("week" → 1, "working day" → 5), and how many tokens it takes. */
function periodAt(tokens: readonly string[], j: number): { readonly perWeek: number; readonly length: number } | undefined {
  const t = tokens[j];
  if (t === undefined) return undefined;
  if ((t === 'working' || t === 'work' || t === 'business' || t === 'school') && (tokens[j + 1] === 'day' || tokens[j + 1] === 'days')) return { perWeek: 5, length: 2 };
  const fraction = WEEK_FRACTIONS[t] ?? RATE_WORDS[t];
  if (fraction !== undefined) return { perWeek: fraction, length: 1 };
  if (DAY_NAMES.has(t)) return { perWeek: 1, length: 1 };
  return undefined;
}

/** Tokens for the frequency parser: lower case, "3x" → 3 x, "3/week" → 3 per week, "bi-weekly" → biweekly. */
function frequencyTokens(answer: string): string[] {
  const tokens: string[] = [];
  const raw = answer
    .toLowerCase()
    .replace(/['’]/gu, '')
    .replace(/\b(bi|semi)[\s-]+(weekly|monthly)\b/gu, '$1$2')
    .replace(/\//gu, ' per ')
    .split(/[^a-z0-9.]+/u);
  for (const part of raw) {
    let start = 0;
    let end = part.length;
    while (part[start] === '.') start += 1;
    while (end > start && part[end - 1] === '.') end -= 1;
    const token = part.slice(start, end);
    if (token === '') continue;
    const split = /^(\d+(?:\.\d+)?)([a-z]+)$/u.exec(token);
    if (split?.[1] !== undefined && split[2] !== undefined) {
      tokens.push(split[1]);
      if (split[2] !== 's') tokens.push(split[2]);
    } else {
      tokens.push(token);
    }
  }
  return tokens;
}

/** Words that say an answer's rates are alternatives or phases ("daily during the run, monthly otherwise"). */
const PHASES: ReadonlySet<string> = new Set([
  'during', 'otherwise', 'then', 'after', 'afterwards', 'outside', 'until', 'before', 'except', 'between', 'or', 'mostly', 'usually',
  'normally', 'sometimes', 'later', 'initially', 'first', 'start', 'starting', 'peak', 'busy', 'quiet', 'when', 'while',
]);

/**
 * The posting rate an answer to "How regularly do you plan to communicate?" plans, in posts per week: "daily" 7,
 * "weekdays" 5, "3 times a week" 3, "twice a month" ≈0.46, "every other week" 0.5, "quarterly" ≈0.08; "occasionally",
 * "when there is news" 0 (no regular posting). A range ("1–2 a month", "once or twice a week") counts by its lower
 * end. Several rates add up ("Mondays and Thursdays", "weekly, plus a monthly summary") unless the answer gives them as
 * alternatives or phases ("daily during the run, monthly otherwise": the lowest counts). `undefined` when no rate is
 * found. One pass over the answer's words.
 */
export function postsPerWeek(answer: string): number | undefined {
  const tokens = frequencyTokens(answer);
  const rates: number[] = [];
  const free: string[] = [];
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i] ?? '';
    const count = numberOf(token);
    // A year ("from 2027, monthly") is not a count.
    if (count !== undefined && !(count >= 1900 && count <= 2100)) {
      let j = i + 1;
      while (j < tokens.length && j <= i + 5 && (BETWEEN.has(tokens[j] ?? '') || numberOf(tokens[j]) !== undefined)) j += 1;
      let connectors = 0;
      while (connectors < 2 && CONNECTORS.has(tokens[j] ?? '')) {
        j += 1;
        connectors += 1;
      }
      const every = numberOf(tokens[j]) ?? ORDINALS[tokens[j] ?? ''];
      const period = periodAt(tokens, every === undefined ? j : j + 1);
      if (period !== undefined) {
        rates.push((count * period.perWeek) / (every ?? 1));
        i = j + (every === undefined ? 0 : 1) + period.length;
        continue;
      }
    }
    if (token === 'every' || token === 'each') {
      const every = numberOf(tokens[i + 1]) ?? ORDINALS[tokens[i + 1] ?? ''];
      const period = periodAt(tokens, every === undefined ? i + 1 : i + 2);
      if (period !== undefined) {
        rates.push(period.perWeek / (every ?? 1));
        i += 1 + (every === undefined ? 0 : 1) + period.length;
        continue;
      }
    }
    const rate = RATE_WORDS[token];
    if (rate !== undefined) rates.push(rate);
    else free.push(token);
    i += 1;
  }
  if (rates.length > 0) return free.some((t) => PHASES.has(t)) ? Math.min(...rates) : rates.reduce((a, b) => a + b, 0);
  const padded = ` ${tokens.join(' ')} `;
  const occasional =
    tokens.some((t) => OCCASIONAL.has(t)) ||
    OCCASIONAL_PHRASES.some((p) => padded.includes(` ${p} `)) ||
    tokens.some((t, k) => (t === 'when' || t === 'if') && tokens.slice(k + 1, k + 5).some((u) => OCCASION_OBJECTS.has(u)));
  return occasional ? 0 : undefined;
}

function describeRate(rate: number): string {
  if (rate === 0) return 'no regular posting';
  const round = (n: number): string => String(Math.round(n * 10) / 10);
  if (rate >= 1) return `about ${round(rate)} posts a week`;
  return `about one post every ${round(1 / rate)} weeks`;
}

// ——— join policies (A-GROUP-PRIVACY) ———

export type Ground = 'profession' | 'nationality' | 'culture' | 'age' | 'generation' | 'gender' | 'individual preferences';

const GROUND_ORDER: readonly Ground[] = ['profession', 'nationality', 'culture', 'age', 'generation', 'gender', 'individual preferences'];

/** Words naming a ground: people ("physicists", "women") and the grounds themselves ("nationality", "age"). */
const GROUND_WORDS: ReadonlyMap<string, Ground> = new Map<string, Ground>([
  ...['profession', 'professions', 'occupation', 'physicist', 'physicists', 'engineer', 'engineers', 'scientist', 'scientists', 'researcher',
    'researchers', 'technician', 'technicians', 'theorist', 'theorists', 'experimentalist', 'experimentalists', 'programmer', 'programmers',
    'developers', 'doctors', 'phds', 'postdocs', 'professors', 'academics', 'lawyers', 'teachers'].map((w) => [w, 'profession'] as const),
  ...['nationality', 'nationalities', 'nationals', 'citizen', 'citizens', 'citizenship', 'passport', 'passports', 'swiss', 'germans',
    'italians', 'british', 'americans', 'european', 'europeans', 'asians', 'africans', 'indians', 'russians', 'greeks', 'ukrainians',
    'israelis', 'iranians', 'brazilians', 'canadians', 'mexicans', 'foreigners', 'immigrants'].map((w) => [w, 'nationality'] as const),
  ...['culture', 'cultures', 'cultural', 'ethnic', 'ethnicity', 'ethnicities', 'race', 'races', 'racial', 'religion', 'religions', 'religious',
    'christians', 'muslims', 'jewish', 'jews', 'hindus', 'buddhists', 'catholics', 'protestants', 'speakers', 'speaking',
    'native'].map((w) => [w, 'culture'] as const),
  ...['age', 'ages', 'aged', 'old', 'older', 'elderly', 'retired', 'retirees', 'juniors', 'seniors', 'young', 'younger', 'youth'].map(
    (w) => [w, 'age'] as const,
  ),
  ...['generation', 'generations', 'generational', 'millennial', 'millennials', 'boomer', 'boomers', 'zoomers', 'genz'].map((w) => [w, 'generation'] as const),
  ...['gender', 'genders', 'men', 'man', 'women', 'woman', 'male', 'males', 'female', 'females', 'ladies', 'lady', 'gentlemen', 'boys',
    'girls', 'mothers', 'fathers', 'sex'].map((w) => [w, 'gender'] as const),
  ...['preference', 'preferences', 'orientation', 'gay', 'gays', 'lesbian', 'lesbians', 'heterosexual', 'heterosexuals', 'homosexual',
    'homosexuals', 'bisexual', 'lgbt', 'lgbtq', 'lgbtqia', 'queer', 'vegetarians', 'vegans', 'married', 'lifestyle'].map(
    (w) => [w, 'individual preferences'] as const,
  ),
]);

/** Two words naming a ground ("political views", "sexual orientation", "gen z"). */
const GROUND_PAIRS: ReadonlyMap<string, Ground> = new Map<string, Ground>([
  ['political views', 'individual preferences'],
  ['political opinions', 'individual preferences'],
  ['political affiliation', 'individual preferences'],
  ['political party', 'individual preferences'],
  ['sexual orientation', 'individual preferences'],
  ['gen z', 'generation'],
  ['gen x', 'generation'],
  ['gen y', 'generation'],
]);

/** Ground words that name people, so that "no women", "non-Europeans" restrict by themselves. */
const PEOPLE_GROUND_WORDS: ReadonlySet<string> = new Set([
  'physicists', 'engineers', 'scientists', 'researchers', 'technicians', 'theorists', 'experimentalists', 'programmers', 'developers',
  'doctors', 'phds', 'postdocs', 'professors', 'academics', 'lawyers', 'teachers', 'citizens', 'nationals', 'swiss', 'germans',
  'italians', 'british', 'americans', 'europeans', 'asians', 'africans', 'indians', 'russians', 'greeks', 'ukrainians', 'israelis',
  'iranians', 'brazilians', 'canadians', 'mexicans', 'foreigners', 'immigrants', 'christians', 'muslims', 'jews', 'hindus', 'buddhists',
  'catholics', 'protestants', 'retirees', 'juniors', 'seniors', 'millennials', 'boomers', 'zoomers', 'men', 'women', 'males', 'females',
  'ladies', 'gentlemen', 'boys', 'girls', 'mothers', 'fathers', 'gays', 'lesbians', 'heterosexuals', 'homosexuals', 'vegetarians', 'vegans',
]);

/** Words that make a sentence restrict who may join ("only", "restricted to", "must be"), unless negated ("not limited to"). */
const RESTRICTIVE: ReadonlySet<string> = new Set([
  'only', 'exclusively', 'solely', 'restricted', 'restrict', 'restricts', 'limited', 'limit', 'limits', 'reserved', 'require', 'requires',
  'required', 'reject', 'rejected', 'refuse', 'refused', 'exclude', 'excluded', 'excluding', 'except', 'barring', 'ineligible', 'must',
  'banned', 'ban', 'preferably', 'preferred',
]);

const NEGATIONS: ReadonlySet<string> = new Set(['not', 'never', 'no', 'cannot', 'cant', 'wont', 'dont', 'doesnt', 'arent', 'isnt', 'nor']);

/** After a negation, words that close the group to someone ("engineers are not admitted", "women may not join"). */
const ACCESS: ReadonlySet<string> = new Set(['admitted', 'accepted', 'allowed', 'welcome', 'eligible', 'permitted', 'join', 'apply', 'open', 'invited']);

/** Where the words that follow name grounds that are NOT used ("regardless of age", "no discrimination on gender"). */
const MASK_STARTERS: ReadonlySet<string> = new Set([
  'regardless', 'irrespective', 'irrespectively', 'independently', 'independent', 'whatever', 'discrimination', 'discriminate',
  'discriminating', 'discriminated', 'nondiscrimination', 'grounds', 'diversity', 'diverse',
]);

/** "of all ages", "any nationality", "every profession": the ground words after them are inclusive. */
const INCLUSIVE: ReadonlySet<string> = new Set(['all', 'any', 'every', 'various', 'different', 'mixed']);

const CLAUSE_BREAKS: ReadonlySet<string> = new Set(['but', 'however', 'except', 'although', 'though', 'yet', 'provided', 'unless']);

/** Words after which "under 35" is an age ("members under 35", "alumni over 60"). */
const PEOPLE: ReadonlySet<string> = new Set([
  'members', 'member', 'alumni', 'alumnus', 'alumna', 'alumnae', 'people', 'persons', 'person', 'applicants', 'applicant', 'those',
  'anyone', 'users', 'user', 'participants', 'candidates', 'aged', 'age', 'everyone', 'somebody', 'someone',
]);

const AGE_COMPARISONS: ReadonlySet<string> = new Set(['under', 'over', 'below', 'above', 'beyond']);

/** Words after "under 35" that make it an age ("under 35 years", "under 35 may join", "under 35 only"). */
const AGE_FOLLOWERS: ReadonlySet<string> = new Set([
  'years', 'year', 'yrs', 'y', 'only', 'may', 'can', 'are', 'is', 'will', 'welcome', 'allowed', 'accepted', 'admitted', 'and', 'or', 'please',
]);

function ageOf(token: string | undefined): number | undefined {
  if (token === undefined || !/^\d{1,3}s?$/u.test(token)) return undefined;
  return Number.parseInt(token, 10);
}

const NON_DISCRIMINATION: readonly string[] = [
  'regardless of', 'irrespective of', 'independently of', 'independent of', 'no discrimination', 'without discrimination',
  'non discrimination', 'nondiscrimination', 'not discriminate', 'never discriminate', 'dont discriminate', 'not be discriminated',
  'not discriminated', 'whatever their', 'open to all', 'open to every', 'open to any', 'all are welcome', 'everyone is welcome',
  'all alumni are welcome', 'not refused', 'never refused', 'not be refused', 'never be refused', 'not refuse', 'never refuse',
  'not rejected on', 'never rejected', 'not be rejected on', 'on equal terms', 'without distinction',
];

/** Whether a join policy says that membership is not refused on any of the grounds (the ALUMNI rule). */
function statesNonDiscrimination(policy: string): boolean {
  const padded = ` ${wordsOf(policy).join(' ')} `;
  return NON_DISCRIMINATION.some((p) => padded.includes(` ${p} `));
}

interface Restriction {
  readonly grounds: readonly Ground[];
  readonly sentence: string;
}

/** The words of a sentence that are not inside a non-discrimination clause ("regardless of age …" until "but"). */
function unmaskedWords(words: readonly string[]): string[] {
  const open: string[] = [];
  let masked = false;
  words.forEach((w, k) => {
    if (CLAUSE_BREAKS.has(w)) masked = false;
    else if (MASK_STARTERS.has(w) || (INCLUSIVE.has(w) && (GROUND_WORDS.has(words[k + 1] ?? '') || words[k + 1] === 'kinds'))) masked = true;
    if (!masked) open.push(w);
  });
  return open;
}

/** The sentences of a join policy that restrict membership on a ground, and which grounds. Linear in the policy. */
function restrictions(policy: string): Restriction[] {
  const found: Restriction[] = [];
  for (const sentence of policy.split(/[.;:!?\n]+/u)) {
    const words = unmaskedWords(wordsOf(sentence));
    const negated = (k: number): boolean => NEGATIONS.has(words[k - 1] ?? '') || NEGATIONS.has(words[k - 2] ?? '');
    const restrictive = words.some(
      (w, k) => (RESTRICTIVE.has(w) && !negated(k)) || (NEGATIONS.has(w) && (ACCESS.has(words[k + 1] ?? '') || ACCESS.has(words[k + 2] ?? ''))),
    );
    const grounds = new Set<Ground>();
    words.forEach((w, k) => {
      const prev = words[k - 1];
      const next = words[k + 1];
      const ground = GROUND_PAIRS.get(`${w} ${next ?? ''}`) ?? GROUND_WORDS.get(w);
      if (ground !== undefined && (restrictive || (PEOPLE_GROUND_WORDS.has(w) && (prev === 'no' || prev === 'non')))) {
        // "French speakers" is a language (culture), not a nationality.
        grounds.add(ground === 'nationality' && (next === 'speakers' || next === 'speaking') ? 'culture' : ground);
      }
      const after = words[k + 2];
      const isAgeCut =
        (AGE_COMPARISONS.has(w) &&
          (ageOf(next) ?? 999) < 120 &&
          !PEOPLE.has(after ?? '') &&
          (PEOPLE.has(prev ?? '') || PEOPLE_GROUND_WORDS.has(prev ?? '') || after === undefined || AGE_FOLLOWERS.has(after))) ||
        ((w === 'younger' || w === 'older') && next === 'than') ||
        (ageOf(w) !== undefined && (next === 'years' || next === 'year') && after === 'old') ||
        (ageOf(w) !== undefined && (next === 'and' || next === 'or') && AGE_COMPARISONS.has(after ?? '')) ||
        (ageOf(w) !== undefined && (next === 'and' || next === 'or') && (after === 'older' || after === 'younger'));
      if (isAgeCut) grounds.add('age');
    });
    if (grounds.size > 0) found.push({ grounds: GROUND_ORDER.filter((g) => grounds.has(g)), sentence: sentence.trim() });
  }
  return found;
}

// ——— the checks ———

interface CheckContext {
  readonly submission: AccountOpeningSubmission;
  readonly directory: Directory;
  readonly registry: readonly RegistryAccount[];
  readonly preset: Preset;
  /** The CERN Alumni group rules apply (GOVERNANCE.md §6 A-ADMINS, A-GROUP-PRIVACY). */
  readonly groupRules: boolean;
}

type Check = (ctx: CheckContext) => Finding[];

function quote(text: string): string {
  const flat = text.replace(/\s+/gu, ' ').trim();
  return `"${[...flat].length > 80 ? `${[...flat].slice(0, 79).join('')}…` : flat}"`;
}

function list(items: readonly string[], conjunction = 'and'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1] ?? ''}`;
}

/** A submitter's statement: missing blocks, made is kept as `attest` (checks.ts `statementSeverity` at level attest). */
function statementSeverity(satisfied: boolean): Severity {
  return satisfied ? 'attest' : 'block';
}

function handleOf(account: Pick<RegistryAccount, 'handle'>): string {
  return account.handle.startsWith('@') ? account.handle : `@${account.handle}`;
}

// A-UNIT (block): the requesting unit is listed in the directory. CERN §2/§3 "listed in the CERN Directory".
const checkUnit: Check = ({ submission, directory, preset, groupRules }) => {
  if (directory.unitName(submission.unit) !== undefined) return [];
  const wanted = submission.unit.trim().toLowerCase();
  const known = [...new Set(directory.people.map((p) => p.unit))];
  const match = known.find((id) => id.toLowerCase() === wanted || directory.unitName(id)?.toLowerCase() === wanted);
  const what = groupRules ? 'group type' : 'unit';
  return [
    {
      rule: 'A-UNIT',
      severity: 'block',
      where: 'unit',
      message:
        `The ${what} "${submission.unit}" is not listed in the ${directory.institution} directory. Institutional accounts are opened only ` +
        `for ${groupRules ? 'group types' : 'units'} the directory lists: give the ${what}'s id as the directory spells it, or ask the directory owner to add it.`,
      ...(match === undefined ? {} : { suggestion: `Use "${match}" (${directory.unitName(match) ?? match}).` }),
      source: cite(preset, SOURCES.unit),
    },
  ];
};

// A-QUESTIONNAIRE (block): each of CERN §3's questions answered — one finding per question. A missing answer on the
// end of the project is A-END-OF-LIFE's (below), so that every missing answer gives exactly one finding.
const checkQuestionnaire: Check = ({ submission }) => {
  const findings: Finding[] = [];
  for (const key of QUESTION_KEYS) {
    if (key === 'endOfLife') continue;
    const answer = submission.questionnaire[key];
    if (answer !== undefined && hasContent(answer)) continue;
    findings.push({
      rule: 'A-QUESTIONNAIRE',
      severity: 'block',
      where: `questionnaire.${key}`,
      message:
        answer === undefined
          ? `The question "${QUESTIONS[key]}" (questionnaire.${key}) is not answered. Every question must be answered before the request goes to approval.`
          : `The question "${QUESTIONS[key]}" (questionnaire.${key}) is answered only with ${quote(answer)}. Give a real answer before the request goes to approval.`,
      suggestion: ANSWER_HINTS[key],
      source: questionSource(key),
    });
  }
  return findings;
};

function inDomain(email: string, domain: string): boolean {
  const host = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  const d = domain.trim().toLowerCase().replace(/^@/u, '');
  return host === d || host.endsWith(`.${d}`);
}

// A-ADMINS (block): at least `minAdmins` named administrators (alumni groups: two or three group managers), each a
// directory person with an institutional address. CALTECH "at least two Caltech employees have up-to-date access
// credentials"; ALUMNI "at least two and up to three group managers"; CALTECH "We discourage individuals from using
// personal accounts". Under the group rules, managers are alumni: their address need not be on the domain.
const checkAdmins: Check = ({ submission, directory, preset, groupRules }) => {
  const findings: Finding[] = [];
  const admins = [...new Set(submission.admins.map((a) => a.trim().toLowerCase()))];
  const { minAdmins, maxAdmins } = preset.thresholds;
  const role = groupRules ? { one: 'group manager', many: 'group managers' } : { one: 'administrator', many: 'administrators' };
  const countSource = groupRules ? cite(preset, SOURCES.groupManagers) : cite(preset, SOURCES.adminsCount);
  const named = admins.length === 0 ? 'none' : list(admins);
  if (admins.length < minAdmins) {
    findings.push({
      rule: 'A-ADMINS',
      severity: 'block',
      where: 'admins',
      message:
        `${admins.length === 1 ? 'Only one' : `Only ${admins.length}`} ${admins.length === 1 ? role.one : role.many} ${admins.length === 1 ? 'is' : 'are'} named (${named}); ` +
        `at least ${minAdmins}${maxAdmins !== undefined && groupRules ? ` and up to ${maxAdmins}` : ''} are needed, so that the account is never locked ` +
        `when someone leaves or is away. Add ${minAdmins - admins.length === 1 ? `one more ${role.one}` : `${minAdmins - admins.length} more ${role.many}`}.`,
      suggestion: groupRules ? `Name ${minAdmins} to ${maxAdmins ?? minAdmins} group managers.` : `Name at least ${minAdmins} employees, by their institutional address${directory.domain === '' ? '' : ` (…@${directory.domain})`}.`,
      source: countSource,
    });
  }
  if (maxAdmins !== undefined && admins.length > maxAdmins) {
    findings.push({
      rule: 'A-ADMINS',
      severity: 'block',
      where: 'admins',
      message:
        `${admins.length} ${role.many} are named (${named}); ${groupRules ? 'a group has' : 'an account has'} at most ${maxAdmins}. ` +
        `Keep ${maxAdmins} and remove the others.`,
      source: cite(preset, SOURCES.groupManagers),
    });
  }
  const seen = new Set<string>();
  submission.admins.forEach((raw, i) => {
    const email = raw.trim().toLowerCase();
    if (seen.has(email)) return; // a duplicate counts once, and is reported once
    seen.add(email);
    const person = directory.personByEmail(email);
    const personal = !groupRules && !inDomain(email, directory.domain);
    if (person !== undefined && !personal) return;
    const notListed = person === undefined ? `is not in the ${directory.institution} directory` : '';
    const outside = personal ? `is not an address on ${directory.domain} (a personal account cannot represent the institution: people's roles change or end)` : '';
    findings.push({
      rule: 'A-ADMINS',
      severity: 'block',
      where: `admins.${i}`,
      message:
        `The ${role.one} ${email} ${list([notListed, outside].filter((s) => s !== ''))}. ` +
        (personal
          ? `Name ${groupRules ? 'group managers' : 'employees'} by their institutional address, as the directory lists them.`
          : `${groupRules ? 'Group managers' : 'Administrators'} must be people the directory lists: use their address as it appears there.`),
      ...(person === undefined && personal ? { suggestion: `Replace ${email} with the person's address on ${directory.domain}.` } : {}),
      source: personal ? cite(preset, SOURCES.personalAccount) : countSource,
    });
  });
  return findings;
};

// A-SMM-ADMIN (attest, by the submitter): the social-media manager gets admin rights, and where the access details
// are kept is recorded — a reference, never a password. CERN §2 "give admin rights to the CERN Social Media Manager
// and add your access details to our database".
const checkSmmAdmin: Check = ({ submission, directory, preset }) => {
  const { smmAdmin, credentialStore } = submission.attestations;
  const store = credentialStore?.trim() ?? '';
  const satisfied = smmAdmin === true && store !== '';
  const managers = directory.group('socialMediaManager').map((p) => p.name);
  const who = managers.length === 0 ? 'the social-media manager' : `the social-media manager (${list(managers)})`;
  const attestation: Attestation = {
    statement: satisfied
      ? `${who.charAt(0).toUpperCase()}${who.slice(1)} will receive admin rights on the account; the access details are kept in ${store}.`
      : `${who.charAt(0).toUpperCase()}${who.slice(1)} will receive admin rights on the account, and the access details are kept in a credential store the submitter names.`,
    by: 'submitter',
    satisfied,
  };
  const missing: string[] = [];
  const where: string[] = [];
  if (smmAdmin !== true) {
    missing.push(smmAdmin === false ? 'the request says they will not get admin rights' : 'their admin rights are not confirmed');
    where.push('attestations.smmAdmin');
  }
  if (store === '') {
    missing.push('where the access details are kept is not said');
    where.push('attestations.credentialStore');
  }
  return [
    {
      rule: 'A-SMM-ADMIN',
      severity: statementSeverity(satisfied),
      where: satisfied ? 'attestations' : where.join(', '),
      attestation,
      message: satisfied
        ? `The submitter confirms that ${who} will receive admin rights on the account, and that the access details are kept in ${store}.`
        : `${who.charAt(0).toUpperCase()}${who.slice(1)} must receive admin rights on the new account, and where its access details are kept must be recorded, ` +
          `so that access is never lost; ${list(missing)}. Set attestations.smmAdmin to true and name the credential store in ` +
          'attestations.credentialStore (e.g. a vault path) — never the password itself.',
      ...(satisfied ? {} : { suggestion: `"attestations": { "smmAdmin": true, "credentialStore": "vault:social/${submission.platform}/${handleKey(submission.handle)}" }` }),
      source: cite(preset, SOURCES.smmAdmin),
    },
  ];
};

// A-END-OF-LIFE (block): what happens to the account when the project ends — no answer, or a non-committal one
// ("tbd", "n/a", "don't know", "not sure", "later", "-"). CERN §3.
const checkEndOfLife: Check = ({ submission }) => {
  const answer = submission.questionnaire.endOfLife;
  if (answer !== undefined && !isNonCommittal(answer)) return [];
  return [
    {
      rule: 'A-END-OF-LIFE',
      severity: 'block',
      where: 'questionnaire.endOfLife',
      message:
        answer === undefined
          ? `The question "${QUESTIONS.endOfLife}" (questionnaire.endOfLife) is not answered. Say what will happen to the account when the project ends, before the request goes to approval.`
          : `The answer to "${QUESTIONS.endOfLife}" (questionnaire.endOfLife), ${quote(answer)}, does not say what will happen. ` +
            'Commit to a plan: an account left behind when its project ends loses its followers and the institution its voice.',
      suggestion: `${ANSWER_HINTS.endOfLife} An account kept only to hold its name can say so in its bio, as CERN's guidelines advise: "Profile no longer actively managed. For more updates, please follow" the institution's main account.`,
      source: questionSource('endOfLife'),
    },
  ];
};

// A-CADENCE (warn): planned posting below the preset's minimum (once a week). CERN §2 "To keep an account alive, you
// need to post at least once a week". An answer whose rate cannot be read gives no finding.
const checkCadence: Check = ({ submission, preset }) => {
  const answer = submission.questionnaire.frequency;
  if (answer === undefined) return [];
  const rate = postsPerWeek(answer);
  const minimum = preset.thresholds.minPostsPerWeek ?? 1;
  if (rate === undefined || rate >= minimum) return [];
  const atLeast = minimum === 1 ? 'once a week' : `${minimum} times a week`;
  return [
    {
      rule: 'A-CADENCE',
      severity: 'warn',
      where: 'questionnaire.frequency',
      message:
        `The planned posting frequency, ${quote(answer)}, comes to ${describeRate(rate)}: less than ${atLeast}. ` +
        'CERN\'s guidelines say: "To keep an account alive, you need to post at least once a week." ' +
        'An account that posts less loses its audience; consider contributing to an existing account instead.',
      suggestion: `Plan to post at least ${atLeast} (e.g. a weekly update), or share your news through an existing institutional account.`,
      source: cite(preset, SOURCES.cadence),
    },
  ];
};

// A-EXISTING (warn): an active account of the same unit on the same platform: could they contribute to it? CERN §3.
const checkExisting: Check = ({ submission, directory, registry }) => {
  const same = registry.filter((a) => a.status === 'active' && a.unit === submission.unit && a.platform === submission.platform);
  if (same.length === 0) return [];
  const unit = directory.unitName(submission.unit) ?? submission.unit;
  const accounts = list(same.map((a) => `${handleOf(a)} (${a.id})`));
  const answer = submission.questionnaire.existingChannel;
  return [
    {
      rule: 'A-EXISTING',
      severity: 'warn',
      where: 'questionnaire.existingChannel',
      message:
        `${unit} already has ${same.length === 1 ? 'an active' : `${same.length} active`} ${PLATFORM_NAMES[submission.platform]} account${same.length === 1 ? '' : 's'}: ${accounts}. ` +
        `Could they contribute to ${same.length === 1 ? 'it' : 'one of them'} instead of opening a new one?` +
        (answer === undefined ? '' : ` (Their answer: ${quote(answer)}.)`),
      suggestion: `Say in questionnaire.existingChannel why posting through ${accounts} is not enough.`,
      source: questionSource('existingChannel'),
    },
  ];
};

// A-CAPACITY (warn): nobody allocated to run the account. LEIDEN "sufficient manpower"; CERN §3.
const checkCapacity: Check = ({ submission, preset }) => {
  const answer = submission.questionnaire.resources;
  if (answer === undefined || !namesNobody(answer)) return [];
  return [
    {
      rule: 'A-CAPACITY',
      severity: 'warn',
      where: 'questionnaire.resources',
      message:
        `The answer on human resources, ${quote(answer)}, names nobody to run the account. An account needs people with time for it: ` +
        'someone to post, answer comments and follow the figures.',
      suggestion: ANSWER_HINTS.resources,
      source: cite(preset, SOURCES.capacity),
    },
  ];
};

// A-COMMENT-POLICY (attest, by the submitter): comment policy and community guidelines prepared. CALTECH "Prepare
// your comment policy and community guidelines before you need them".
const checkCommentPolicy: Check = ({ submission, preset }) => {
  const given = submission.attestations.commentPolicy;
  const satisfied = given === true;
  return [
    {
      rule: 'A-COMMENT-POLICY',
      severity: statementSeverity(satisfied),
      where: 'attestations.commentPolicy',
      attestation: { statement: 'A comment policy and community guidelines for the account are prepared.', by: 'submitter', satisfied },
      message: satisfied
        ? 'The submitter confirms that a comment policy and community guidelines for the account are prepared.'
        : `${given === false ? 'The submitter says the comment policy and community guidelines are not ready' : 'The submitter has not confirmed that a comment policy and community guidelines are prepared'}. ` +
          'Prepare them before the account opens (which comments are removed, when a user is blocked, who moderates and how fast), then confirm (attestations.commentPolicy: true).',
      ...(satisfied ? {} : { suggestion: '"attestations": { "commentPolicy": true }, once the comment policy and community guidelines are written.' }),
      source: cite(preset, SOURCES.commentPolicy),
    },
  ];
};

const NON_DISCRIMINATION_SENTENCE =
  'Requests to join are accepted regardless of profession, nationality, culture, age, generation, gender or individual preferences.';

// A-GROUP-PRIVACY (block; under the group rules, or when a group is given): public or private; a private group
// states its join-moderation policy, with no discrimination on profession, nationality, culture, age, generation,
// gender or individual preferences. ALUMNI.
const checkGroupPrivacy: Check = ({ submission, preset, groupRules }) => {
  const { group } = submission;
  if (!groupRules && group === undefined) return [];
  if (group === undefined) {
    return [
      {
        rule: 'A-GROUP-PRIVACY',
        severity: 'block',
        where: 'group',
        message:
          'The request does not say whether the group is public (any registered user may join, without moderation) or private (the group managers moderate requests to join). ' +
          'Give group.visibility, and for a private group its join policy.',
        suggestion: `"group": { "visibility": "private", "joinPolicy": "The group managers check that the person is a registered alumnus. ${NON_DISCRIMINATION_SENTENCE}" }`,
        source: cite(preset, SOURCES.groupVisibility),
      },
    ];
  }
  const findings: Finding[] = [];
  const policy = group.joinPolicy?.trim() ?? '';
  if (policy === '') {
    if (group.visibility === 'private') {
      findings.push({
        rule: 'A-GROUP-PRIVACY',
        severity: 'block',
        where: 'group.joinPolicy',
        message:
          'The group is private, so its managers moderate requests to join, but no join policy is given. Say how requests are decided, ' +
          'and that no request is refused on the grounds of profession, nationality, culture, age, generation, gender or individual preferences.',
        suggestion: NON_DISCRIMINATION_SENTENCE,
        source: cite(preset, SOURCES.joinModeration),
      });
    }
    return findings;
  }
  if (!statesNonDiscrimination(policy)) {
    findings.push({
      rule: 'A-GROUP-PRIVACY',
      severity: 'block',
      where: 'group.joinPolicy',
      message:
        `The join policy, ${quote(policy)}, does not say that requests are never refused on the grounds of profession, nationality, culture, age, ` +
        'generation, gender or individual preferences. Add that statement.',
      suggestion: NON_DISCRIMINATION_SENTENCE,
      source: cite(preset, SOURCES.nonDiscrimination),
    });
  }
  for (const r of restrictions(policy)) {
    findings.push({
      rule: 'A-GROUP-PRIVACY',
      severity: 'block',
      where: 'group.joinPolicy',
      message:
        `The join policy restricts membership by ${list(r.grounds)}: ${quote(r.sentence)}. No request to join may be refused on the grounds of ` +
        'profession, nationality, culture, age, generation, gender or individual preferences; remove the restriction.',
      suggestion: NON_DISCRIMINATION_SENTENCE,
      source: cite(preset, SOURCES.nonDiscrimination),
    });
  }
  return findings;
};

const CHECKS: Readonly<Record<AccountOpeningRule, Check>> = {
  'A-UNIT': checkUnit,
  'A-QUESTIONNAIRE': checkQuestionnaire,
  'A-ADMINS': checkAdmins,
  'A-SMM-ADMIN': checkSmmAdmin,
  'A-END-OF-LIFE': checkEndOfLife,
  'A-CADENCE': checkCadence,
  'A-EXISTING': checkExisting,
  'A-CAPACITY': checkCapacity,
  'A-COMMENT-POLICY': checkCommentPolicy,
  'A-GROUP-PRIVACY': checkGroupPrivacy,
};

/**
 * Runs every check of GOVERNANCE.md §6 on an account-opening request, in the order of its table. `registry` is the
 * accounts as they stand (A-EXISTING); the preset gives the thresholds (minAdmins, maxAdmins, minPostsPerWeek), whether
 * the alumni group rules apply, and which policies to cite (the caller loads the one the directory names). The module
 * imports the preset's type only, so that what only needs ids or the questions does not bundle the preset files.
 */
export function checkAccountOpening(
  submission: AccountOpeningSubmission,
  directory: Directory,
  registry: readonly RegistryAccount[],
  preset: Preset,
  budget: CheckBudget = DEFAULT_CHECK_BUDGET,
): Finding[] {
  const ctx: CheckContext = { submission, directory, registry, preset, groupRules: preset.accountOpening.groupRules };
  return runWithinBudget(ACCOUNT_OPENING_RULES, (rule) => CHECKS[rule](ctx), budget);
}

// ——— registry ids ———

/** FNV-1a, 32 bits, hex: a short stable tag for a handle with no letters or digits to slug. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (const unit of new TextEncoder().encode(text)) {
    hash ^= unit;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/**
 * The registry id an approved opening gets: `${unit}-${platform}-${slug}`, the slug being the handle in lower case
 * without its leading '@', each run of characters other than a–z and 0–9 a single '-', no '-' at either end, at most 40
 * characters. Deterministic: the same request always names the same account.
 */
export function accountIdFor(submission: Pick<AccountOpeningSubmission, 'unit' | 'platform' | 'handle'>): string {
  const handle = submission.handle.trim().toLowerCase().replace(/^@/u, '');
  // After the first replace every run is one '-', so `-` at an end suffices (`-+$` rescans a run from each dash).
  const slug = handle.replace(/[^a-z0-9]+/gu, '-').replace(/^-|-$/gu, '').slice(0, 40).replace(/-$/u, '');
  return `${submission.unit}-${submission.platform}-${slug === '' ? `h${fnv1a(handle)}` : slug}`;
}
