import type { Attestation, Finding } from '../model.js';
import { handleKey } from '../rules/platforms.js';
import { list, statementSeverity } from '../checks/findings.js';
import type { Check } from './check-context.js';
import { cite, SOURCES } from './citations.js';

// The checks of GOVERNANCE.md §6 on who asks and who holds the keys: A-UNIT, A-ADMINS, A-SMM-ADMIN (checks.ts runs
// them with the others, in the order of §6's table).

// A-UNIT (block): the requesting unit is listed in the directory. CERN §2/§3 "listed in the CERN Directory".
export const checkUnit: Check = ({ submission, directory, preset, groupRules }) => {
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

function inDomain(email: string, domain: string): boolean {
  const host = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  const d = domain.trim().toLowerCase().replace(/^@/u, '');
  return host === d || host.endsWith(`.${d}`);
}

// A-ADMINS (block): at least `minAdmins` named administrators (alumni groups: two or three group managers), each a
// directory person with an institutional address. CALTECH "at least two Caltech employees have up-to-date access
// credentials"; ALUMNI "at least two and up to three group managers"; CALTECH "We discourage individuals from using
// personal accounts". Under the group rules, managers are alumni: their address need not be on the domain.
export const checkAdmins: Check = ({ submission, directory, preset, groupRules }) => {
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
      suggestion: groupRules
        ? `Name ${minAdmins} to ${maxAdmins ?? minAdmins} group managers.`
        : `Name at least ${minAdmins} employees, by their institutional address${directory.domain === '' ? '' : ` (…@${directory.domain})`}.`,
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
    const outside = personal
      ? `is not an address on ${directory.domain} (a personal account cannot represent the institution: people's roles change or end)`
      : '';
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
export const checkSmmAdmin: Check = ({ submission, directory, preset }) => {
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
      severity: statementSeverity('attest', satisfied),
      where: satisfied ? 'attestations' : where.join(', '),
      attestation,
      message: satisfied
        ? `The submitter confirms that ${who} will receive admin rights on the account, and that the access details are kept in ${store}.`
        : `${who.charAt(0).toUpperCase()}${who.slice(1)} must receive admin rights on the new account, and where its access details are kept must be recorded, ` +
          `so that access is never lost; ${list(missing)}. Set attestations.smmAdmin to true and name the credential store in ` +
          'attestations.credentialStore (e.g. a vault path) — never the password itself.',
      ...(satisfied
        ? {}
        : {
            suggestion: `"attestations": { "smmAdmin": true, "credentialStore": "vault:social/${submission.platform}/${handleKey(submission.handle)}" }`,
          }),
      source: cite(preset, SOURCES.smmAdmin),
    },
  ];
};
