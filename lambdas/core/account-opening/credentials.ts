import { hasAwsKeyId, hasKeyShapedSecret, hasLabelledSecret as labelledSecretIn } from '../checks/text/secrets.js';

// Credentials are never stored (GOVERNANCE.md §6 A-SMM-ADMIN: a reference to the credential store, never a password):
// which fields of a request name or give a secret, and why each is refused. Used for every kind of request by
// parseSubmission, and by the opening mail to name the lines to remove. Pure.

/** Words that name a secret when they are a whole word of a key (`adminPassword`, `api_token`, `PIN`). */
// biome-ignore format: packed word list, one line per group reads better than one word per line
const SECRET_WORDS: ReadonlySet<string> = new Set([
  'password', 'passwords', 'passwd', 'pwd', 'pass', 'passcode', 'passcodes', 'passphrase', 'passphrases', 'passkey', 'passkeys',
  'pin', 'pins', 'secret', 'secrets', 'token', 'tokens', 'otp', 'totp', 'hotp', '2fa', 'mfa', 'credentials',
  'apikey', 'apikeys', 'accesskey', 'privatekey', 'secretkey', 'cvv', 'pw', 'mdp', 'pincode',
  // the same in the institution's other languages (German, French, Dutch, Spanish, Portuguese, Nordic, Polish, Czech)
  'passwort', 'kennwort', 'geheimzahl', 'zugangscode', 'wachtwoord', 'contraseña', 'contrasena', 'senha', 'lösenord',
  'losenord', 'passord', 'adgangskode', 'salasana', 'hasło', 'haslo', 'heslo',
]);

/** Two consecutive words of a key that name a secret (`apiKey`, `recovery_codes`). */
// biome-ignore format: packed word list, one line per group reads better than one word per line
const SECRET_PAIRS: ReadonlySet<string> = new Set([
  'api key', 'api keys', 'access key', 'access keys', 'private key', 'private keys', 'signing key', 'recovery key',
  'recovery code', 'recovery codes', 'backup code', 'backup codes', 'security code', 'verification code', 'auth code',
  'authentication code', 'factor code', 'one time', 'seed phrase', 'recovery phrase', 'session cookie', 'auth cookie',
]);

/** Parts of a key written as one word (`adminpassword`, `apikey`). */
// biome-ignore format: packed word list, one line per group reads better than one word per line
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
// biome-ignore format: packed word list, one line per group reads better than one word per line
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
  const stack: Array<{ readonly value: unknown; readonly path: string; readonly secret: boolean }> = [
    { value: body, path: '', secret: false },
  ];
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
      : Object.entries(value).map(([key, child]) => ({
          value: child,
          path: path === '' ? key : `${path}.${key}`,
          secret: namesSecret(key),
        }));
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

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
