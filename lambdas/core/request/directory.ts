import * as z from 'zod/mini';
import '../schema.js';
import { ConfigurationError } from '../errors.js';
import type { RegistryAccount } from '../model.js';
import { PLATFORMS } from '../rules/platforms.js';
import { PRESET_NAMES } from '../rules/presets.js';

// The institution's directory (DESIGN.md "Directory file"): who works where, who manages whom,
// which groups fill which stage, and the registered institutional accounts.

const id = () => z.string().check(z.minLength(1));

const personSchema = z.object({
  id: id(),
  name: id(),
  email: z.email(),
  unit: id(),
  manager: z.optional(id()),
  deputy: z.optional(id()),
});

const accountSchema = z.object({
  id: id(),
  platform: z.enum(PLATFORMS),
  handle: id(),
  unit: id(),
  posters: z.array(id()),
  admins: z.array(id()),
  status: z.enum(['active', 'retired', 'suspended']),
});

export const directorySchema = z.object({
  institution: id(),
  preset: z._default(id(), 'default'),
  domain: id(),
  people: z.array(personSchema).check(z.minLength(1)),
  groups: z.object({
    comms: z.array(id()).check(z.minLength(1)),
    ethics: z.array(id()).check(z.minLength(1)),
    socialMediaManager: z._default(z.array(id()), []),
    auditors: z._default(z.array(id()), []),
  }),
  /** `head`: the person who gives an account opening its management approval when the submitter has no manager. */
  units: z.array(z.object({ id: id(), name: id(), head: z.optional(id()) })),
  accounts: z._default(z.array(accountSchema), []),
});

export type DirectoryFile = z.infer<typeof directorySchema>;
export type Person = z.infer<typeof personSchema>;
/** An institutional account as the checks and the route see it: the directory file's entry, or a registry item. */
export type Account = Pick<RegistryAccount, 'id' | 'platform' | 'handle' | 'unit' | 'posters' | 'admins' | 'status'>;
export type GroupName = keyof DirectoryFile['groups'];

export interface Directory {
  readonly institution: string;
  readonly preset: string;
  readonly domain: string;
  readonly people: readonly Person[];
  readonly accounts: readonly Account[];
  personById(id: string): Person | undefined;
  personByEmail(email: string): Person | undefined;
  account(id: string): Account | undefined;
  group(name: GroupName): readonly Person[];
  unitName(id: string): string | undefined;
  /** The unit's head, when the directory names one. */
  unitHead(id: string): Person | undefined;
}

/**
 * Parses and cross-checks a directory file. Every dangling reference is reported at once,
 * because a directory that names a manager nobody can find would strand requests later.
 */
export function parseDirectory(raw: unknown): Directory {
  const parsed = directorySchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigurationError(`directory is invalid: ${problems.join('; ')}`);
  }
  // Addresses are compared as people are: one spelling each. Normalised here, once, so that "Ada.Lovelace@Example.org"
  // in the file and "ada.lovelace@example.org" in a request are the same person everywhere after.
  const file = { ...parsed.data, people: parsed.data.people.map((p) => ({ ...p, email: normaliseAddress(p.email) })) };
  const byId = new Map(file.people.map((p) => [p.id, p] as const));
  const byEmail = new Map(file.people.map((p) => [p.email, p] as const));
  const units = new Map(file.units.map((u) => [u.id, u.name] as const));
  const heads = new Map(file.units.flatMap((u) => (u.head === undefined ? [] : [[u.id, u.head] as const])));
  const accounts = new Map(file.accounts.map((a) => [a.id, a] as const));

  const problems: string[] = [];
  if (byId.size !== file.people.length) problems.push('people: duplicate person id');
  if (byEmail.size !== file.people.length) problems.push('people: duplicate e-mail address');
  for (const p of file.people) {
    if (!units.has(p.unit)) problems.push(`people.${p.id}.unit: unknown unit "${p.unit}"`);
    if (p.manager !== undefined && !byId.has(p.manager)) problems.push(`people.${p.id}.manager: unknown person "${p.manager}"`);
    if (p.manager === p.id) problems.push(`people.${p.id}.manager: a person cannot manage themselves`);
    if (p.deputy !== undefined && !byId.has(p.deputy)) problems.push(`people.${p.id}.deputy: unknown person "${p.deputy}"`);
  }
  for (const [name, members] of Object.entries(file.groups)) {
    for (const m of members) if (!byId.has(m)) problems.push(`groups.${name}: unknown person "${m}"`);
  }
  for (const [unit, head] of heads) if (!byId.has(head)) problems.push(`units.${unit}.head: unknown person "${head}"`);
  for (const a of file.accounts) {
    if (!units.has(a.unit)) problems.push(`accounts.${a.id}.unit: unknown unit "${a.unit}"`);
    for (const m of [...a.posters, ...a.admins]) if (!byId.has(m)) problems.push(`accounts.${a.id}: unknown person "${m}"`);
  }
  if (!(PRESET_NAMES as readonly string[]).includes(file.preset))
    problems.push(`preset: unknown preset "${file.preset}"; use one of ${PRESET_NAMES.join(', ')}`);
  if (problems.length > 0) throw new ConfigurationError(`directory is invalid: ${problems.join('; ')}`);

  return {
    institution: file.institution,
    preset: file.preset,
    domain: file.domain,
    people: file.people,
    accounts: file.accounts,
    personById: (id) => byId.get(id),
    personByEmail: (email) => byEmail.get(normaliseAddress(email)),
    account: (id) => accounts.get(id),
    group: (name) => file.groups[name].map((id) => byId.get(id)).filter((p): p is Person => p !== undefined),
    unitName: (id) => units.get(id),
    unitHead: (id) => {
      const head = heads.get(id);
      return head === undefined ? undefined : byId.get(head);
    },
  };
}

/** An e-mail address as Signoff compares and stores it. */
export function normaliseAddress(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Who an address is, for separation of duties (GOVERNANCE.md §2): their directory person id, or for an address no
 * longer in the directory, the normalised address (distinct from every id, which cannot contain "@").
 */
export function personKey(directory: Directory, email: string): string {
  return directory.personByEmail(email)?.id ?? `@${normaliseAddress(email)}`;
}

/** Who decided a stage, as personKey gives it (stages decided before ids were stored have only the address). */
export function deciderKey(
  directory: Directory,
  stage: { readonly deciderId?: string | undefined; readonly decidedBy?: string | undefined },
): string | undefined {
  if (stage.deciderId !== undefined) return stage.deciderId;
  return stage.decidedBy === undefined ? undefined : personKey(directory, stage.decidedBy);
}

/**
 * The directory with the registry's accounts in place of the file's (GOVERNANCE.md §6): after the registry is
 * seeded, it — not the file — says which accounts exist.
 */
export function withRegistry(directory: Directory, registry: readonly RegistryAccount[]): Directory {
  const byId = new Map(registry.map((a) => [a.id, a] as const));
  return { ...directory, accounts: registry, account: (id) => byId.get(id) };
}
