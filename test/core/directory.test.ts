import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { parseDirectory, type Directory } from '../../lambdas/core/request/directory.js';
import { ConfigurationError } from '../../lambdas/core/errors.js';

function repoDirectoryFile(): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL('../../config/directory.json', import.meta.url), 'utf8')) as Record<string, unknown>;
}

function minimalFile(): Record<string, unknown> {
  return {
    institution: 'Example Lab',
    domain: 'example.org',
    people: [
      { id: 'ada', name: 'Ada Lovelace', email: 'Ada@Example.org', unit: 'physics', manager: 'grace' },
      { id: 'grace', name: 'Grace Hopper', email: 'grace@example.org', unit: 'physics' },
      { id: 'carl', name: 'Carl Sagan', email: 'carl@example.org', unit: 'comms', manager: 'grace' },
    ],
    groups: { comms: ['carl'], ethics: ['grace'] },
    units: [
      { id: 'physics', name: 'Physics Department' },
      { id: 'comms', name: 'Communications' },
    ],
  };
}

function configurationErrorOf(raw: unknown): ConfigurationError {
  try {
    parseDirectory(raw);
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error('expected a ConfigurationError, but the directory was accepted');
}

describe('parseDirectory', () => {
  it("accepts the repository's config/directory.json", () => {
    // Prepare
    const file = repoDirectoryFile();

    // Act
    const directory = parseDirectory(file);

    // Assess
    expect(directory.institution).toBe('Example Institute');
    expect(directory.preset).toBe('default');
    expect(directory.domain).toBe('example.org');
    expect(directory.people).toHaveLength(12);
    expect(directory.accounts.map((a) => a.id)).toEqual(['physics-x', 'institute-bluesky', 'physics-mastodon', 'old-physics-facebook']);
  });

  it('applies defaults for preset, the optional groups and accounts', () => {
    // Prepare
    const file = minimalFile();

    // Act
    const directory = parseDirectory(file);

    // Assess
    expect(directory.preset).toBe('default');
    expect(directory.accounts).toEqual([]);
    expect(directory.group('socialMediaManager')).toEqual([]);
    expect(directory.group('auditors')).toEqual([]);
  });

  it('reports every dangling reference at once in one ConfigurationError', () => {
    // Prepare
    const file = {
      ...minimalFile(),
      people: [
        { id: 'ada', name: 'Ada Lovelace', email: 'ada@example.org', unit: 'physics', manager: 'ghost' },
        { id: 'grace', name: 'Grace Hopper', email: 'grace@example.org', unit: 'physics', deputy: 'phantom' },
        { id: 'carl', name: 'Carl Sagan', email: 'carl@example.org', unit: 'atlantis', manager: 'grace' },
        { id: 'narc', name: 'Narcissus', email: 'narc@example.org', unit: 'comms', manager: 'narc' },
      ],
      groups: { comms: ['carl', 'nemo'], ethics: ['grace'] },
    };

    // Act
    const error = configurationErrorOf(file);

    // Assess
    expect(error.name).toBe('ConfigurationError');
    expect(error.message).toMatch(/^directory is invalid: /);
    expect(error.message).toContain('people.ada.manager: unknown person "ghost"');
    expect(error.message).toContain('people.grace.deputy: unknown person "phantom"');
    expect(error.message).toContain('people.carl.unit: unknown unit "atlantis"');
    expect(error.message).toContain('people.narc.manager: a person cannot manage themselves');
    expect(error.message).toContain('groups.comms: unknown person "nemo"');
    expect(error.message.split('; ')).toHaveLength(5);
  });

  it('reports dangling references in accounts', () => {
    // Prepare
    const file = {
      ...minimalFile(),
      accounts: [
        { id: 'lab-x', platform: 'x', handle: '@lab', unit: 'chemistry', posters: ['ada', 'zed'], admins: ['yan'], status: 'active' },
      ],
    };

    // Act
    const error = configurationErrorOf(file);

    // Assess
    expect(error.message).toContain('accounts.lab-x.unit: unknown unit "chemistry"');
    expect(error.message).toContain('accounts.lab-x: unknown person "zed"');
    expect(error.message).toContain('accounts.lab-x: unknown person "yan"');
  });

  it('reports duplicate ids and duplicate e-mail addresses, the latter regardless of case', () => {
    // Prepare
    const file = {
      ...minimalFile(),
      people: [
        { id: 'ada', name: 'Ada Lovelace', email: 'ada@example.org', unit: 'physics' },
        { id: 'ada', name: 'Ada Again', email: 'ada2@example.org', unit: 'physics' },
        { id: 'grace', name: 'Grace Hopper', email: 'grace@example.org', unit: 'physics' },
        { id: 'carl', name: 'Carl Sagan', email: 'GRACE@example.org', unit: 'comms' },
      ],
    };

    // Act
    const error = configurationErrorOf(file);

    // Assess
    expect(error.message).toContain('people: duplicate person id');
    expect(error.message).toContain('people: duplicate e-mail address');
  });

  it('reports schema problems with their paths', () => {
    // Prepare
    const file = {
      ...minimalFile(),
      people: [{ id: 'ada', name: '', email: 'not-an-email', unit: 'physics' }],
      groups: { comms: [], ethics: ['ada'] },
    };

    // Act
    const error = configurationErrorOf(file);

    // Assess
    expect(error.message).toContain('people.0.name');
    expect(error.message).toContain('people.0.email');
    expect(error.message).toContain('groups.comms');
  });

  it('rejects a value that is not an object', () => {
    // Prepare
    const raw = 'directory';

    // Act
    const error = configurationErrorOf(raw);

    // Assess
    expect(error.message).toContain('(root)');
  });
});

describe('Directory lookups', () => {
  const directory: Directory = parseDirectory(repoDirectoryFile());

  it('finds a person by e-mail regardless of case and surrounding spaces', () => {
    // Prepare
    const spellings = ['ada@example.org', 'ADA@EXAMPLE.ORG', 'Ada@Example.Org', '  ada@example.org\t'];

    // Act
    const found = spellings.map((e) => directory.personByEmail(e)?.id);

    // Assess
    expect(found).toEqual(['ada', 'ada', 'ada', 'ada']);
  });

  it('normalises a directory address with capitals, and finds the person by any spelling of it', () => {
    // Prepare
    const mixed = parseDirectory(minimalFile());

    // Act
    const person = mixed.personByEmail('ada@example.org');

    // Assess
    expect(person?.id).toBe('ada');
    expect(person?.email).toBe('ada@example.org');
    expect(mixed.personByEmail(' ADA@example.ORG ')?.id).toBe('ada');
  });

  it('returns undefined for an unknown e-mail address, id, account or unit', () => {
    // Prepare
    const unknown = 'nobody';

    // Act
    const results = [
      directory.personByEmail(`${unknown}@example.org`),
      directory.personById(unknown),
      directory.account(unknown),
      directory.unitName(unknown),
    ];

    // Assess
    expect(results).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('finds a person by id, an account by id and a unit name by id', () => {
    // Prepare
    const ids = { person: 'grace', account: 'physics-x', unit: 'physics' };

    // Act
    const person = directory.personById(ids.person);
    const account = directory.account(ids.account);
    const unit = directory.unitName(ids.unit);

    // Assess
    expect(person).toEqual({
      id: 'grace',
      name: 'Grace Hopper',
      email: 'grace@example.org',
      unit: 'physics',
      manager: 'dora',
      deputy: 'alan',
    });
    expect(account?.handle).toBe('@ExamplePhysics');
    expect(unit).toBe('Physics Department');
  });

  it('returns the members of a group as Person objects, in directory order', () => {
    // Prepare
    const name = 'comms';

    // Act
    const members = directory.group(name);

    // Assess
    expect(members).toEqual([
      { id: 'carl', name: 'Carl Sagan', email: 'carl@example.org', unit: 'comms', manager: 'kim', deputy: 'cara' },
      { id: 'cara', name: 'Cara Miller', email: 'cara@example.org', unit: 'comms', manager: 'kim', deputy: 'carl' },
    ]);
  });

  it('returns every configured group', () => {
    // Prepare
    const names = ['comms', 'ethics', 'socialMediaManager', 'auditors'] as const;

    // Act
    const groups = names.map((n) => directory.group(n).map((p) => p.id));

    // Assess
    expect(groups).toEqual([['carl', 'cara'], ['eve', 'ezra'], ['sam'], ['aud']]);
  });
});
