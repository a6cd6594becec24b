import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import type { Finding } from '../../../lambdas/core/model.js';
import {
  ACCOUNT_OPENING_RULES,
  BRAND_POST_RULES,
  RULE_IDS,
  RULES,
  isRuleId,
  ruleOf,
  type Rule,
} from '../../../lambdas/core/rules/catalogue.js';

// The rule catalogue against GOVERNANCE.md itself: the same ids, each once, in the section and order of its table,
// at the severity the table gives. That every id the code emits is in the catalogue, tsc checks (Finding.rule: RuleId).
//
// GOVERNANCE.md: the file named by GOVERNANCE_MD, else the team's source beside the repository in ../shared/ (so a
// change there shows here), else the copy the repository ships in docs/GOVERNANCE.md (a clean clone, CI).
const CANDIDATES = [
  ...(process.env['GOVERNANCE_MD'] !== undefined ? [process.env['GOVERNANCE_MD']] : []),
  fileURLToPath(new URL('../../../../shared/GOVERNANCE.md', import.meta.url)),
  fileURLToPath(new URL('../../../docs/GOVERNANCE.md', import.meta.url)),
];

function governance(): string {
  const path = CANDIDATES.find((candidate) => existsSync(candidate));
  if (path === undefined) throw new Error(`GOVERNANCE.md not found (looked at ${CANDIDATES.join(', ')}); set GOVERNANCE_MD to its path`);
  return readFileSync(path, 'utf8');
}

interface TableRow {
  readonly section: Rule['section'];
  readonly id: string;
  /** The severity column of §5 and §6 (§7's table has none). */
  readonly severity: string | undefined;
}

/** The rows of the rule tables of §5, §6 and §7, in order: a table row whose first cell is a rule id. */
function tableRows(text: string): TableRow[] {
  const rows: TableRow[] = [];
  let section: Rule['section'] | undefined;
  for (const line of text.split('\n')) {
    const heading = /^## (\d+)\./u.exec(line);
    if (heading !== null) section = heading[1] === '5' ? '§5' : heading[1] === '6' ? '§6' : heading[1] === '7' ? '§7' : undefined;
    const cells = line.split('|').map((cell) => cell.trim());
    const id = cells[1];
    if (section === undefined || id === undefined || !/^[PAL]-[A-Z][A-Z0-9-]+$/u.test(id)) continue;
    rows.push({ section, id, severity: section === '§7' ? undefined : cells[2] });
  }
  return rows;
}

describe('the rule catalogue', () => {
  const text = governance();
  const rows = tableRows(text);

  it('holds exactly the rule ids GOVERNANCE.md names, each once', () => {
    const named = [...new Set(text.match(/\b[PAL]-[A-Z][A-Z0-9-]+/gu) ?? [])].sort();
    expect(named.length).toBeGreaterThan(30);
    expect([...RULE_IDS].sort()).toEqual(named);
    expect(new Set(RULE_IDS).size).toBe(RULE_IDS.length);
  });

  it('puts each rule in the section of its table, in the order of the tables', () => {
    expect(rows.map((r) => r.id)).toEqual([...RULE_IDS]);
    for (const row of rows) expect([row.id, ruleOf(row.id)?.section]).toEqual([row.id, row.section]);
  });

  it('gives each §5 and §6 rule the severity of its table, and the §7 rules none', () => {
    for (const row of rows) {
      const severity = row.severity === undefined ? undefined : /^(block|attest|route|warn|info)\b/u.exec(row.severity)?.[1];
      if (row.severity !== undefined) expect([row.id, severity]).not.toEqual([row.id, undefined]);
      expect([row.id, ruleOf(row.id)?.severity]).toEqual([row.id, severity]);
    }
  });

  it('checks every §5 rule a preset configures, and every §6 rule, in the order of their tables', () => {
    expect([...BRAND_POST_RULES]).toEqual(rows.filter((r) => r.section === '§5' && r.id !== 'P-LANGUAGE').map((r) => r.id));
    expect([...ACCOUNT_OPENING_RULES]).toEqual(rows.filter((r) => r.section === '§6').map((r) => r.id));
  });

  it('allows a preset the severity GOVERNANCE.md gives each checked §5 rule, and a stage to every route rule', () => {
    for (const id of BRAND_POST_RULES) {
      const rule: Rule = RULES[id];
      expect([id, rule.severity !== undefined && rule.allowed?.includes(rule.severity)]).toEqual([id, true]);
      if (rule.allowed?.includes('route') === true) expect([id, rule.stage]).not.toEqual([id, undefined]);
    }
  });

  it('refuses a misspelt rule id at compile time (tsc checks this file)', () => {
    // @ts-expect-error — 'P-ACOUNT' is no rule of GOVERNANCE.md
    const misspelt: Finding = { rule: 'P-ACOUNT', severity: 'block', message: 'm' };
    expect(isRuleId(misspelt.rule)).toBe(false);
  });

  it('knows a rule id from any other string', () => {
    expect(isRuleId('P-ACCOUNT')).toBe(true);
    expect(isRuleId('G-SEPARATION')).toBe(false);
    expect(isRuleId('toString')).toBe(false);
    expect(ruleOf('P-SOURCE')?.what).toBe('factual or news content without a link to its original source');
    expect(ruleOf('p-source')).toBeUndefined();
  });
});
