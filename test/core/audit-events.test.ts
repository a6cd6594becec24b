import { describe, expect, it } from 'vitest';
import { AUDIT_EVENT_TYPES, checkedAuditEntry, type AuditEntry } from '../../lambdas/core/audit/events.js';

const withdrawn: AuditEntry = { type: 'request.withdrawn', actor: 'ada@example.org', data: { channel: 'api', version: 2 } };

describe('audit events: one schema per kind', () => {
  it('passes an event that matches its schema, its data as plain JSON', () => {
    expect(checkedAuditEntry(withdrawn)).toEqual(withdrawn);
    const refused = checkedAuditEntry({
      type: 'callback.refused',
      actor: 'unknown',
      data: { stage: 'supervisor', stageIndex: 0, version: 1, hint: 'success', reason: 'no decision', error: undefined },
    });
    expect(Object.keys(refused.data)).not.toContain('error');
  });

  it('refuses a field the schema does not have, naming it', () => {
    const misspelt = { type: 'request.withdrawn', actor: 'ada@example.org', data: { chanel: 'api', channel: 'api', version: 2 } };
    expect(() => checkedAuditEntry(misspelt as AuditEntry)).toThrow(/request\.withdrawn.*chanel/);
  });

  it('refuses a field of the wrong type, naming it', () => {
    const wrong = {
      type: 'decision.recorded',
      actor: 'grace@example.org',
      data: {
        stage: 'supervisor',
        stageIndex: 0,
        version: 1,
        decision: 'maybe',
        comment: null,
        statements: [],
        channel: 'web',
        linkHash: 'x',
        contentHash: 'y',
      },
    };
    expect(() => checkedAuditEntry(wrong as AuditEntry)).toThrow(/decision/);
  });

  it('lists each kind once, every one named <subject>.<what>', () => {
    expect(new Set(AUDIT_EVENT_TYPES).size).toBe(AUDIT_EVENT_TYPES.length);
    for (const type of AUDIT_EVENT_TYPES) expect(type).toMatch(/^[a-z]+\.[a-z-]+$/);
  });
});
