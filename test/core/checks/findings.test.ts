import { describe, it, expect } from 'vitest';
import {
  isBlocking,
  isStatementMade,
  isStatementOwedBy,
  isWarnOrWorse,
  list,
  quote,
  statementSeverity,
} from '../../../lambdas/core/checks/findings.js';
import type { Finding } from '../../../lambdas/core/model.js';

// What a finding asks of whom, and the wording every check's messages share (lambdas/core/checks/findings.ts).

describe('isWarnOrWorse', () => {
  const base: Pick<Finding, 'rule' | 'message'> = { rule: 'P-SOURCE', message: 'm' };

  it.each([
    ['block', undefined, true],
    ['route', undefined, true],
    ['warn', undefined, true],
    ['info', undefined, false],
    ['attest', { statement: 's', by: 'comms' as const, satisfied: false }, true],
    ['attest', { statement: 's', by: 'submitter' as const, satisfied: true }, false],
  ] as const)('%s (statement %j) → %s', (severity, attestation, expected) => {
    const finding: Finding = { ...base, severity, ...(attestation !== undefined ? { attestation } : {}) };
    expect(isWarnOrWorse(finding)).toBe(expected);
  });
});

describe('isBlocking, isStatementMade, isStatementOwedBy', () => {
  const made: Finding = {
    rule: 'P-AI-DISCLOSURE',
    severity: 'attest',
    message: 'm',
    attestation: { statement: 's', by: 'submitter', satisfied: true },
  };
  const owed: Finding = {
    rule: 'P-ENDORSEMENT',
    severity: 'attest',
    message: 'm',
    attestation: { statement: 's', by: 'comms', satisfied: false },
  };
  const missing: Finding = {
    rule: 'P-PEOPLE-CONSENT',
    severity: 'block',
    message: 'm',
    attestation: { statement: 's', by: 'submitter', satisfied: false },
  };

  it('blocks on block findings only', () => {
    expect([made, owed, missing].map(isBlocking)).toEqual([false, false, true]);
  });

  it('counts a statement as made only when it is an attest finding whose statement is satisfied', () => {
    expect([made, owed, missing].map(isStatementMade)).toEqual([true, false, false]);
  });

  it('owes a statement to whoever must make it, until it is made', () => {
    expect([made, owed, missing].map((f) => isStatementOwedBy(f, 'comms'))).toEqual([false, true, false]);
    expect([made, owed, missing].map((f) => isStatementOwedBy(f, 'submitter'))).toEqual([false, false, true]);
    expect(isStatementOwedBy({ rule: 'P-SOURCE', severity: 'warn', message: 'm' }, 'comms')).toBe(false);
  });
});

describe('statementSeverity', () => {
  it.each([
    ['attest', false, 'block'],
    ['attest', true, 'attest'],
    ['warn', false, 'warn'],
    ['warn', true, undefined],
    ['info', false, 'info'],
  ] as const)('a statement under %s, made: %s → %s', (level, satisfied, expected) => {
    expect(statementSeverity(level, satisfied)).toBe(expected);
  });
});

describe('quote', () => {
  it('flattens whitespace and keeps a short text whole', () => {
    expect(quote('  two\n physicists\tat work ')).toBe('"two physicists at work"');
  });

  it('keeps 80 characters, and cuts a longer text to 79 and an ellipsis', () => {
    expect(quote('a'.repeat(80))).toBe(`"${'a'.repeat(80)}"`);
    expect(quote('a'.repeat(81))).toBe(`"${'a'.repeat(79)}…"`);
  });

  it('counts characters, not UTF-16 units: an emoji is never cut in half', () => {
    expect(quote('😀'.repeat(81))).toBe(`"${'😀'.repeat(79)}…"`);
  });
});

describe('list', () => {
  it.each([
    [[], 'and', ''],
    [['a'], 'and', 'a'],
    [['a', 'b'], 'and', 'a and b'],
    [['a', 'b', 'c'], 'and', 'a, b and c'],
    [['a', 'b', 'c'], 'or', 'a, b or c'],
  ] as const)('%j with %s → %j', (items, conjunction, expected) => {
    expect(list(items, conjunction)).toBe(expected);
  });
});
