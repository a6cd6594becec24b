import { describe, it, expect } from 'vitest';
import {
  atKeyOf,
  canonicalJson,
  chainEvent,
  GENESIS_HASH,
  hashEvent,
  indexAttributesOf,
  stampAfter,
  toAuditEvent,
  verifyChain,
  type AuditEvent,
  type Json,
} from '../../lambdas/core/audit/audit-chain.js';

function buildChain(length: number): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (let i = 1; i <= length; i++) {
    const next = chainEvent(events[events.length - 1], {
      requestId: 'req_abc',
      at: `2030-01-01T00:00:0${i}.000Z`,
      type: `event-${i}`,
      actor: i === 1 ? 'ada@example.org' : 'system',
      data: { step: i, note: `event number ${i}`, tags: ['a', 'b'] },
    });
    events.push(next);
  }
  return events;
}

function at(events: readonly AuditEvent[], index: number): AuditEvent {
  const event = events[index];
  if (event === undefined) throw new Error(`no event at index ${index}`);
  return event;
}

describe('canonicalJson', () => {
  it('gives identical strings for objects whose keys were inserted in different orders', () => {
    // Prepare
    const first: Json = { b: 1, a: 'x', c: { z: true, y: null } };
    const second: Json = { c: { y: null, z: true }, a: 'x', b: 1 };

    // Act
    const left = canonicalJson(first);
    const right = canonicalJson(second);

    // Assess
    expect(left).toBe(right);
    expect(left).toBe('{"a":"x","b":1,"c":{"y":null,"z":true}}');
  });

  it('sorts keys of nested objects inside arrays but keeps array order', () => {
    // Prepare
    const value: Json = { list: [{ b: 2, a: 1 }, [3, 1, 2], 'z', null, false] };

    // Act
    const result = canonicalJson(value);

    // Assess
    expect(result).toBe('{"list":[{"a":1,"b":2},[3,1,2],"z",null,false]}');
  });

  it('emits no whitespace', () => {
    // Prepare
    const value: Json = { a: [1, 2], b: { c: 'd e' } };

    // Act
    const result = canonicalJson(value);

    // Assess
    expect(result).toBe('{"a":[1,2],"b":{"c":"d e"}}');
  });

  it('sorts keys by UTF-16 code units, as RFC 8785 does', () => {
    // Prepare: the key set of RFC 8785 §3.2.3
    const value: Json = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
      '\u0435': 'Cyrillic Small Letter Ie',
    };

    // Act
    const result = canonicalJson(value);

    // Assess
    const emittedKeys = [...result.matchAll(/"((?:[^"\\]|\\.)*)":/g)].map((m) => JSON.parse(`"${m[1] ?? ''}"`) as string);
    expect(emittedKeys).toEqual(['\r', '1', '\u0080', '\u00f6', '\u0435', '\u20ac', '\ud83d\ude00', '\ufb33']);
  });

  it('puts upper-case keys before lower-case keys (code-unit order, not locale order)', () => {
    // Prepare
    const value: Json = { a: 1, B: 2 };

    // Act
    const result = canonicalJson(value);

    // Assess
    expect(result).toBe('{"B":2,"a":1}');
  });

  it('serialises unicode strings as ECMAScript JSON.stringify does, without escaping non-ASCII', () => {
    // Prepare
    const value: Json = { text: 'Grüße 😀 — "quoted" \\ \n', emoji: '\ud83d\ude00' };

    // Act
    const result = canonicalJson(value);

    // Assess
    expect(result).toBe('{"emoji":"😀","text":"Grüße 😀 — \\"quoted\\" \\\\ \\n"}');
    expect(JSON.parse(result)).toEqual(value);
  });

  it('serialises numbers in ECMAScript form: 1e21, 0.1 and -0', () => {
    // Prepare
    const value: Json = [1e21, 0.1, -0, 1e-7, 100, -1.5];

    // Act
    const result = canonicalJson(value);

    // Assess
    expect(result).toBe('[1e+21,0.1,0,1e-7,100,-1.5]');
  });

  it('throws a TypeError on NaN', () => {
    // Prepare
    const value: Json = { n: Number.NaN };

    // Act
    const act = (): string => canonicalJson(value);

    // Assess
    expect(act).toThrow(TypeError);
  });

  it('throws a TypeError on Infinity and -Infinity, even nested in an array', () => {
    // Prepare
    const positive: Json = [1, [Number.POSITIVE_INFINITY]];
    const negative: Json = Number.NEGATIVE_INFINITY;

    // Act
    const actPositive = (): string => canonicalJson(positive);
    const actNegative = (): string => canonicalJson(negative);

    // Assess
    expect(actPositive).toThrow(/non-finite/);
    expect(actNegative).toThrow(TypeError);
  });

  it('serialises scalars at the top level', () => {
    // Prepare
    const values: Json[] = [null, true, false, 'x', 42];

    // Act
    const results = values.map((v) => canonicalJson(v));

    // Assess
    expect(results).toEqual(['null', 'true', 'false', '"x"', '42']);
  });

  it('is a fixed point when its output is parsed and serialised again', () => {
    // Prepare
    const value: Json = { z: [{ y: 1, x: [0.5, -0, 'ü'] }], a: { c: null, b: false } };
    const once = canonicalJson(value);

    // Act
    const twice = canonicalJson(JSON.parse(once) as Json);

    // Assess
    expect(twice).toBe(once);
  });
});

describe('chainEvent', () => {
  it('gives the first event seq 1 and the genesis prevHash', () => {
    // Prepare
    const body = { requestId: 'req_1', at: '2030-01-01T00:00:00.000Z', type: 'received', actor: 'ada@example.org', data: {} };

    // Act
    const first = chainEvent(undefined, body);

    // Assess
    expect(first.seq).toBe(1);
    expect(first.prevHash).toBe(GENESIS_HASH);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(first.hash).toBe(hashEvent(first));
  });

  it('links each later event to the hash of the one before it and counts seq up by one', () => {
    // Prepare & Act
    const events = buildChain(5);

    // Assess
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    for (let i = 1; i < events.length; i++) {
      expect(at(events, i).prevHash).toBe(at(events, i - 1).hash);
    }
    expect(new Set(events.map((e) => e.hash)).size).toBe(5);
  });

  it('gives the same hash for the same content regardless of data key order', () => {
    // Prepare
    const base = { requestId: 'req_1', at: '2030-01-01T00:00:00.000Z', type: 'received', actor: 'ada@example.org' };

    // Act
    const one = chainEvent(undefined, { ...base, data: { a: 1, b: 2 } });
    const two = chainEvent(undefined, { ...base, data: { b: 2, a: 1 } });

    // Assess
    expect(one.hash).toBe(two.hash);
  });
});

describe('verifyChain', () => {
  it('accepts an untouched chain of five events', () => {
    // Prepare
    const events = buildChain(5);

    // Act
    const verdict = verifyChain(events);

    // Assess
    expect(verdict).toEqual({ ok: true, events: 5 });
  });

  it('accepts an empty chain', () => {
    // Prepare
    const events: AuditEvent[] = [];

    // Act
    const verdict = verifyChain(events);

    // Assess
    expect(verdict).toEqual({ ok: true, events: 0 });
  });

  it('detects a changed character in the data of event 3 and names seq 3', () => {
    // Prepare
    const events = buildChain(5);
    const third = at(events, 2);
    events[2] = { ...third, data: { ...third.data, note: 'event number 4' } };

    // Act
    const verdict = verifyChain(events);

    // Assess
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.seq).toBe(3);
    expect(verdict.problem).toMatch(/hash does not match/);
  });

  it('detects the deletion of event 3 and names the event after the gap', () => {
    // Prepare
    const events = buildChain(5);
    events.splice(2, 1);

    // Act
    const verdict = verifyChain(events);

    // Assess
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.seq).toBe(4);
    expect(verdict.problem).toContain('expected seq 3');
  });

  it('detects a forged event inserted after event 2, even when its own hash is correct', () => {
    // Prepare
    const events = buildChain(5);
    const forged = chainEvent(at(events, 1), {
      requestId: 'req_abc',
      at: '2030-01-01T00:00:02.500Z',
      type: 'approved',
      actor: 'mallory@example.org',
      data: { forged: true },
    });
    events.splice(2, 0, forged);

    // Act
    const verdict = verifyChain(events);

    // Assess: the forged event fits, so the genuine event 3 after it is the first that does not
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.seq).toBe(3);
    expect(verdict.problem).toContain('expected seq 4, found 3');
  });

  it('detects a forged event with a made-up hash at the position it was inserted', () => {
    // Prepare
    const events = buildChain(5);
    const previous = at(events, 1);
    const forged: AuditEvent = {
      requestId: 'req_abc',
      seq: 3,
      at: '2030-01-01T00:00:02.500Z',
      type: 'approved',
      actor: 'mallory@example.org',
      data: {},
      prevHash: previous.hash,
      hash: 'f'.repeat(64),
    };
    events.splice(2, 0, forged);

    // Act
    const verdict = verifyChain(events);

    // Assess
    expect(verdict).toEqual({ ok: false, seq: 3, problem: 'hash does not match the event content' });
  });

  it('detects events 2 and 3 swapped', () => {
    // Prepare
    const events = buildChain(5);
    const second = at(events, 1);
    const third = at(events, 2);
    events[1] = third;
    events[2] = second;

    // Act
    const verdict = verifyChain(events);

    // Assess: the event found where seq 2 belongs carries seq 3
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.seq).toBe(3);
    expect(verdict.problem).toContain('expected seq 2, found 3');
  });

  it('detects events 2 and 3 swapped with their seq numbers rewritten', () => {
    // Prepare
    const events = buildChain(5);
    const second = at(events, 1);
    const third = at(events, 2);
    events[1] = { ...third, seq: 2 };
    events[2] = { ...second, seq: 3 };

    // Act
    const verdict = verifyChain(events);

    // Assess
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.seq).toBe(2);
    expect(verdict.problem).toMatch(/prevHash/);
  });

  it('detects a changed hash on event 3 alone and names seq 3', () => {
    // Prepare
    const events = buildChain(5);
    const third = at(events, 2);
    const flipped = third.hash.startsWith('a') ? `b${third.hash.slice(1)}` : `a${third.hash.slice(1)}`;
    events[2] = { ...third, hash: flipped };

    // Act
    const verdict = verifyChain(events);

    // Assess
    expect(verdict).toEqual({ ok: false, seq: 3, problem: 'hash does not match the event content' });
  });

  it('detects a changed hash on the last event', () => {
    // Prepare
    const events = buildChain(5);
    const last = at(events, 4);
    events[4] = { ...last, hash: '0'.repeat(64) };

    // Act
    const verdict = verifyChain(events);

    // Assess
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.seq).toBe(5);
  });

  it('detects a changed prevHash on event 3 and names seq 3', () => {
    // Prepare
    const events = buildChain(5);
    const third = at(events, 2);
    events[2] = { ...third, prevHash: at(events, 0).hash };

    // Act
    const verdict = verifyChain(events);

    // Assess
    expect(verdict).toEqual({ ok: false, seq: 3, problem: 'prevHash does not match the previous event' });
  });

  it('detects an edited event 3 whose own hash was recomputed, at seq 4', () => {
    // Prepare
    const events = buildChain(5);
    const third = at(events, 2);
    const edited = { ...third, actor: 'mallory@example.org' };
    events[2] = { ...edited, hash: hashEvent(edited) };

    // Act
    const verdict = verifyChain(events);

    // Assess
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.seq).toBe(4);
    expect(verdict.problem).toMatch(/prevHash/);
  });

  it('rejects a chain whose first event does not start from the genesis hash', () => {
    // Prepare
    const events = buildChain(2);
    const first = at(events, 0);
    const rebased = { ...first, prevHash: 'a'.repeat(64) };
    events[0] = { ...rebased, hash: hashEvent(rebased) };

    // Act
    const verdict = verifyChain(events);

    // Assess
    expect(verdict).toEqual({ ok: false, seq: 1, problem: 'prevHash does not match the previous event' });
  });
});

describe('index attributes', () => {
  it('put an event in its UTC day and key it by time, request and zero-padded seq', () => {
    // Prepare
    const event = { requestId: 'req_abc', seq: 7, at: '2030-01-01T23:59:59.999Z' };

    // Act
    const attributes = indexAttributesOf(event);

    // Assess
    expect(attributes).toEqual({ day: '2030-01-01', atKey: '2030-01-01T23:59:59.999Z#req_abc#0000000007' });
  });

  it('sort keys of one instant by seq, and an instant before any later one', () => {
    // Prepare
    const keys = [
      atKeyOf('2030-01-01T10:00:00.000Z', 'req_a', 10),
      atKeyOf('2030-01-01T10:00:00.000Z', 'req_a', 9),
      atKeyOf('2030-01-01T09:59:59.999Z', 'req_z', 1),
    ];

    // Act
    const sorted = [...keys].sort();

    // Assess
    expect(sorted).toEqual([keys[2], keys[1], keys[0]]);
  });

  it('are not covered by the hash: an item with them gives back the same event', () => {
    // Prepare
    const [event] = buildChain(1);
    if (event === undefined) throw new Error('no event');
    const item = { ...event, ...indexAttributesOf(event), account: 'physics-x', prevAt: '2029-12-31T00:00:00.000Z' };

    // Act
    const back = toAuditEvent(item);

    // Assess
    expect(back).toEqual(event);
    expect(hashEvent(back)).toBe(event.hash);
  });
});

describe('stampAfter', () => {
  it('stamps the clock when it is later than the event before', () => {
    // Prepare & Act
    const at = stampAfter({ at: '2030-01-01T10:00:00.000Z' }, new Date('2030-01-01T10:00:01.000Z'));

    // Assess
    expect(at).toBe('2030-01-01T10:00:01.000Z');
  });

  it('never stamps earlier than the event before, whatever the clock says', () => {
    // Prepare & Act
    const at = stampAfter({ at: '2030-01-01T10:00:00.000Z' }, new Date('2030-01-01T09:59:58.000Z'));

    // Assess
    expect(at).toBe('2030-01-01T10:00:00.000Z');
  });

  it("stamps the clock for a chain's first event", () => {
    // Prepare & Act
    const at = stampAfter(undefined, new Date('2030-01-01T09:59:58.000Z'));

    // Assess
    expect(at).toBe('2030-01-01T09:59:58.000Z');
  });
});
