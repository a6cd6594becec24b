// Secrets written into free text: the class of things Signoff must never store or mail on (GOVERNANCE.md §6,
// "never the password itself"). Two kinds, each recognised by its shape rather than by listing phrasings:
//
// - a labelled secret: a word that names a secret, in the languages the institution writes (password, pw, PIN,
//   Passwort, mot de passe, wachtwoord, …), followed by ':' or '=', or by a verb ("is", "ist", "lautet", "est", …)
//   and a value shaped like a secret (a digit, a sign or an inner capital, or in quotes);
// - a key-shaped value, with or without a label: tokens whose format announces a credential (GitHub, GitLab, Slack,
//   Meta, Google, npm, Stripe and `sk-` API keys, JWTs, PEM private keys, and an AWS access key id together with a
//   40-character secret).
//
// Text is compared after NFKC normalisation, so a full-width colon or full-width letters read as their ASCII forms.
// Every check is linear in the text's length: fixed lists scanned with indexOf, windows of bounded size, and tokens
// tested with anchored expressions of one quantifier each. This is a safety net for people who paste a secret by
// mistake, not a filter against someone hiding one on purpose: it errs towards letting prose through.

/** Words that name a secret, matched as whole words before ':' / '=' or a verb. Lower case, NFKC. */
// biome-ignore format: packed word list, one line per group reads better than one word per line
const SECRET_LABELS: readonly string[] = [
  // English
  'password', 'passwd', 'pwd', 'pw', 'pass', 'passcode', 'passphrase', 'pin', 'pin code', 'pin-code', 'pincode', 'otp',
  'token', 'api key', 'api_key', 'api-key', 'apikey', 'access key', 'access_key', 'secret key', 'secret_key',
  'secret access key', 'secret_access_key', 'client secret', 'client_secret', 'private key', 'recovery code',
  'recovery codes', 'backup code', 'backup codes',
  // German, French, Dutch, Spanish, Italian, Portuguese, Scandinavian, Finnish, Polish, Czech
  'passwort', 'kennwort', 'geheimzahl', 'zugangscode', 'mot de passe', 'mdp', 'code pin', 'code secret', 'wachtwoord',
  'contraseña', 'contrasena', 'parola d\'ordine', 'senha', 'lösenord', 'losenord', 'passord', 'adgangskode',
  'salasana', 'hasło', 'haslo', 'heslo',
];

/** Verbs that put a value after a label ("the password is …", "das Passwort lautet …", "le mot de passe est …"). */
const VERBS: ReadonlySet<string> = new Set([
  'is',
  'was',
  'are',
  'ist',
  'lautet',
  'war',
  'est',
  'es',
  'é',
  'è',
  'är',
  'er',
  'on',
  'to',
  'je',
  'is:',
  'ist:',
]);

/**
 * Words that may follow a label before its verb ("the password *for* the account is …", "das Passwort *für* …"). Any
 * other word right after the label makes it a modifier ("password policy", "PIN-code workshop"): no value follows.
 */
const PREPOSITIONS: ReadonlySet<string> = new Set([
  'for',
  'of',
  'to',
  'on',
  'at',
  'in',
  'für',
  'zum',
  'zur',
  'von',
  'des',
  'der',
  'pour',
  'du',
  'de',
  'voor',
  'van',
  'bij',
  'para',
  'del',
  'per',
  'di',
  'do',
  'da',
  'för',
  'på',
  'til',
]);

/** How many words after a label a verb may come ("the password for the Bluesky account is …"). */
const VERB_WINDOW_WORDS = 6;
/** How far (in characters) that window reaches at most, so that each label costs a bounded amount. */
const VERB_WINDOW_CHARS = 80;

const OPENING_QUOTES = '"\'“”‘’«»„‚`';
const WRAPPERS = `${OPENING_QUOTES}([{<`;
const TRAILERS = `${OPENING_QUOTES})]}>.,;:!?`;

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[\p{L}\p{N}]/u.test(c);
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\u00a0';
}

/**
 * Whether a word after "is" is shaped like a secret: in quotes, or 4 to 200 characters with a digit, a sign or an inner
 * capital ("hunter2", "Tr0ub4dor&3", "BlueSky!"). Ordinary words ("rotated", "stored", "secret") and URLs are not.
 */
export function secretShaped(word: string): boolean {
  let start = 0;
  let end = word.length;
  const quoted = OPENING_QUOTES.includes(word[0] ?? ' ');
  while (start < end && WRAPPERS.includes(word[start] ?? ' ')) start += 1;
  while (end > start && TRAILERS.includes(word[end - 1] ?? ' ')) end -= 1;
  const core = word.slice(start, end);
  if (core === '' || core.includes('://')) return false;
  if (quoted) return true;
  if (core.length < 4 || core.length > 200) return false;
  for (let i = 0; i < core.length; i += 1) {
    const c = core[i] ?? '';
    if (c >= '0' && c <= '9') return true;
    if (!/[\p{L}\-']/u.test(c)) return true;
    if (i > 0 && c !== c.toLowerCase() && c === c.toUpperCase()) return true;
  }
  return false;
}

/**
 * After a label ending at `from` in the lower-case text: a verb, or a preposition and then a verb within the window,
 * followed by a secret-shaped word (judged in `original`, of the same length, where the case is kept).
 */
function verbThenValue(original: string, lower: string, from: number): boolean {
  if (isWordChar(lower[from])) return false;
  const limit = Math.min(lower.length, from + VERB_WINDOW_CHARS);
  let at = from;
  for (let words = 0; words < VERB_WINDOW_WORDS && at < limit; words += 1) {
    while (at < limit && (isSpace(lower[at]) || lower[at] === ',')) at += 1;
    const start = at;
    while (at < lower.length && !isSpace(lower[at]) && lower[at] !== '\n') at += 1;
    const word = lower.slice(start, at);
    if (word === '') return false;
    if (VERBS.has(word)) {
      while (isSpace(lower[at])) at += 1;
      if (lower[at] === ':') at += 1;
      while (isSpace(lower[at])) at += 1;
      const valueStart = at;
      while (at < lower.length && !isSpace(lower[at]) && lower[at] !== '\n') at += 1;
      return secretShaped(original.slice(valueStart, at));
    }
    if (words === 0 && !PREPOSITIONS.has(word)) return false;
    if (lower[at] === '\n') return false;
  }
  return false;
}

/**
 * Whether a text gives a secret after a label: "password: …", "PIN = …", "pw: …", "Passwort: …", "password：…",
 * "The password is hunter2", "Das Kennwort lautet 'Sommer'". Linear in the text's length.
 */
export function hasLabelledSecret(text: string): boolean {
  const original = text.normalize('NFKC');
  const v = original.toLowerCase();
  // Lower-casing can change lengths in rare scripts; then the shape is judged on the lower-case text.
  const shapeSource = original.length === v.length ? original : v;
  for (const label of SECRET_LABELS) {
    for (let at = v.indexOf(label); at !== -1; at = v.indexOf(label, at + 1)) {
      if (isWordChar(v[at - 1])) continue;
      const end = at + label.length;
      let next = end;
      while (isSpace(v[next])) next += 1;
      if (v[next] === ':' || v[next] === '=') return true;
      if (verbThenValue(shapeSource, v, end)) return true;
    }
  }
  return false;
}

// ——— key-shaped values ———

/** Token formats that are credentials whatever surrounds them. Each anchored, with a single quantifier. */
const KEY_FORMATS: readonly RegExp[] = [
  /^gh[pousr]_[A-Za-z0-9]{36,251}$/u, // GitHub personal, OAuth, user-to-server, server-to-server, refresh tokens
  /^github_pat_[A-Za-z0-9_]{22,251}$/u, // GitHub fine-grained personal access token
  /^glpat-[A-Za-z0-9_-]{20,251}$/u, // GitLab personal access token
  /^xox[abposre]-[A-Za-z0-9-]{10,251}$/u, // Slack bot, user, app and refresh tokens
  /^xapp-[A-Za-z0-9-]{10,251}$/u, // Slack app-level token
  /^AIza[A-Za-z0-9_-]{35}$/u, // Google API key
  /^npm_[A-Za-z0-9]{36}$/u, // npm access token
  /^EAA[A-Za-z0-9]{60,400}$/u, // Meta (Facebook, Instagram) access token
  /^[sr]k_(?:live|test)_[A-Za-z0-9]{16,251}$/u, // Stripe secret and restricted keys
];

/** `sk-…` API keys (OpenAI, Anthropic, …): the prefix, then a long random run with upper case, lower case and digits. */
const SK_KEY = /^sk-[A-Za-z0-9_-]{20,400}$/u;
const AWS_KEY_ID = /^(?:AKIA|ASIA)[A-Z0-9]{16}$/u;
const AWS_SECRET = /^[A-Za-z0-9/+]{40}$/u;
const BASE64URL = /^[A-Za-z0-9_-]+$/u;
/** Where a token ends: anything but the characters of the formats above (letters, digits, _ - . / +). */
const TOKEN_BREAK = /[^A-Za-z0-9_\-./+]+/u;

function mixed(s: string): boolean {
  let upper = false;
  let lower = false;
  let digit = false;
  for (const c of s) {
    if (c >= 'A' && c <= 'Z') upper = true;
    else if (c >= 'a' && c <= 'z') lower = true;
    else if (c >= '0' && c <= '9') digit = true;
  }
  return upper && lower && digit;
}

function isJwt(token: string): boolean {
  const parts = token.split('.');
  if (parts.length !== 3 && parts.length !== 5) return false;
  const [header, payload] = parts;
  return (
    header !== undefined &&
    payload !== undefined &&
    header.startsWith('eyJ') &&
    payload.startsWith('eyJ') &&
    parts.every((p) => p.length >= 10 && BASE64URL.test(p))
  );
}

/** The text's candidate tokens, trailing dots (a sentence's end) taken off. */
function tokensOf(text: string): string[] {
  return text
    .normalize('NFKC')
    .split(TOKEN_BREAK)
    .map((t) => {
      let end = t.length;
      while (end > 0 && t[end - 1] === '.') end -= 1;
      return t.slice(0, end);
    })
    .filter((t) => t.length >= 15);
}

/** Whether the text holds an AWS access key id (AKIA…/ASIA…): with a 40-character secret anywhere near, a key pair. */
export function hasAwsKeyId(text: string): boolean {
  return tokensOf(text).some((t) => AWS_KEY_ID.test(t));
}

/** Whether the text holds a PEM private key ("-----BEGIN … PRIVATE KEY-----", PGP's "PRIVATE KEY BLOCK" too). */
function hasPrivateKeyBlock(text: string): boolean {
  const upper = text.toUpperCase();
  for (let at = upper.indexOf('-----BEGIN '); at !== -1; at = upper.indexOf('-----BEGIN ', at + 1)) {
    const label = upper.slice(at + 11, at + 11 + 48);
    const close = label.indexOf('-----');
    if (close !== -1 && /PRIVATE KEY(?: BLOCK)?$/u.test(label.slice(0, close))) return true;
  }
  return false;
}

/**
 * Whether a text holds a key-shaped secret. `awsKeyIdNearby`: an AWS access key id appears elsewhere in the same
 * document (another field, another line), so that a 40-character secret on its own completes the pair.
 * Linear in the text's length.
 */
export function hasKeyShapedSecret(text: string, awsKeyIdNearby = false): boolean {
  if (hasPrivateKeyBlock(text)) return true;
  const tokens = tokensOf(text);
  const pair = awsKeyIdNearby || tokens.some((t) => AWS_KEY_ID.test(t));
  return tokens.some(
    (t) =>
      KEY_FORMATS.some((f) => f.test(t)) || (SK_KEY.test(t) && mixed(t.slice(3))) || isJwt(t) || (pair && AWS_SECRET.test(t) && mixed(t)),
  );
}

/** Whether a text gives a secret of either kind. */
export function givesSecret(text: string, awsKeyIdNearby = false): boolean {
  return hasLabelledSecret(text) || hasKeyShapedSecret(text, awsKeyIdNearby);
}
