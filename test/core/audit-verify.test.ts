import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { chainEvent, type AuditEvent } from '../../lambdas/core/audit/audit-chain.js';
import { csvText, eventRecord, jsonlLine, type ExportRecord } from '../../lambdas/core/audit/audit-export.js';
import { verifyExport, type VerifyReport } from '../../lambdas/core/audit/audit-verify.js';
import { csvRecords, jsonlRecords } from '../../local/audit-io.js';
import { NOW, sampleStore, signer, toJsonl } from './audit-fixture.js';

// Every tampering kind against a real export (three requests over three sealed hours). The file, in order:
//   1 export   2 a#1   3 b#1   4 a#2   5 b#2   6 checkpoint 09h   7 a#3   8 c#1   9 a#4   10 checkpoint 10h
//   11 c#2   12 checkpoint 11h   13 end

let records: ExportRecord[];
let lines: string[];

beforeAll(async () => {
  const store = await sampleStore();
  records = await store.exportAll({ format: 'jsonl' }, NOW);
  lines = toJsonl(records);
});

function verifyLines(text: readonly string[]): Promise<VerifyReport> {
  return verifyExport(jsonlRecords(Readable.from([`${text.join('\n')}\n`])), signer);
}

function line(index: number): string {
  const value = lines[index - 1];
  if (value === undefined) throw new Error(`no line ${index}`);
  return value;
}

function event(index: number): AuditEvent {
  const record = records[index - 1];
  if (record?.kind !== 'event') throw new Error(`record ${index} is not an event`);
  return record;
}

describe('the sample export', () => {
  it('has the records in the documented order', () => {
    // Prepare & Act: beforeAll

    // Assess
    expect(records.map((r) => (r.kind === 'event' ? `${r.requestId.slice(4)}${r.seq}` : r.kind))).toEqual([
      'export',
      'a1',
      'b1',
      'a2',
      'b2',
      'checkpoint',
      'a3',
      'c1',
      'a4',
      'checkpoint',
      'c2',
      'checkpoint',
      'end',
    ]);
  });

  it('verifies untouched, with every signature checked and every event sealed', async () => {
    // Prepare: beforeAll

    // Act
    const report = await verifyLines(lines);

    // Assess
    expect(report).toMatchObject({
      ok: true,
      events: 8,
      chains: 3,
      checkpoints: 3,
      signatures: { valid: 3, unchecked: 0 },
      unsealedEvents: 0,
    });
  });
});

describe('a flipped byte', () => {
  it("in an event's data is named by that record", async () => {
    // Prepare: "reject" becomes "rejecu"
    const tampered = [...lines];
    tampered[4] = line(5).replace('"reject"', '"rejecu"');

    // Act
    const report = await verifyLines(tampered);

    // Assess
    expect(report.ok).toBe(false);
    expect(report.problem).toEqual({ record: 5, requestId: 'req_b', seq: 2, problem: 'hash does not match the event content' });
  });

  it("in an event's hash is named by that record", async () => {
    // Prepare
    const tampered = [...lines];
    const e = event(7);
    tampered[6] = line(7).replace(e.hash, `${e.hash.slice(0, 10)}${e.hash[10] === '0' ? '1' : '0'}${e.hash.slice(11)}`);

    // Act
    const report = await verifyLines(tampered);

    // Assess
    expect(report.problem).toMatchObject({ record: 7, requestId: 'req_a', seq: 3, problem: 'hash does not match the event content' });
  });

  it('that breaks the JSON is named by that record', async () => {
    // Prepare: the closing brace becomes a bracket
    const tampered = [...lines];
    tampered[7] = `${line(8).slice(0, -1)}]`;

    // Act
    const report = await verifyLines(tampered);

    // Assess
    expect(report.problem).toEqual({ record: 8, problem: 'the line is not valid JSON' });
  });

  it('in a field name is named by that record', async () => {
    // Prepare: "actor" becomes "actos"
    const tampered = [...lines];
    tampered[2] = line(3).replace('"actor"', '"actos"');

    // Act
    const report = await verifyLines(tampered);

    // Assess
    expect(report.problem?.record).toBe(3);
    expect(report.problem?.problem).toBe('unexpected field "actos"');
  });

  it("in a checkpoint's signature is named by the checkpoint", async () => {
    // Prepare
    const tampered = [...lines];
    const signature = /"signature":"([^"]+)"/.exec(line(10))?.[1] ?? '';
    const flipped = `${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    tampered[9] = line(10).replace(signature, flipped);

    // Act
    const report = await verifyLines(tampered);

    // Assess
    expect(report.problem?.record).toBe(10);
    expect(report.problem?.problem).toMatch(/^signature does not verify with key hmac-sha256:/);
  });

  it("in a checkpoint's heads is named by the checkpoint", async () => {
    // Prepare: the committed seq of a head changes
    const tampered = [...lines];
    tampered[5] = line(6).replace('"seq":2', '"seq":3');

    // Act
    const report = await verifyLines(tampered);

    // Assess
    expect(report.problem).toEqual({ record: 6, problem: 'checkpoint hash does not match its content' });
  });

  it('in the export record is named by record 1', async () => {
    // Prepare: the export time moves by a second
    const tampered = [...lines];
    tampered[0] = line(1).replace(
      /"exportedAt":"(\d{4}-\d\d-\d\dT\d\d:\d\d:)(\d)/,
      (_m, head: string, digit: string) => `"exportedAt":"${head}${digit === '0' ? '1' : '0'}`,
    );

    // Act
    const report = await verifyLines(tampered);

    // Assess
    expect(tampered[0]).not.toBe(line(1));
    expect(report.problem).toEqual({ record: 1, problem: 'the export record does not match its hash' });
  });

  it("in the end record's digest is named by the end record", async () => {
    // Prepare
    const tampered = [...lines];
    tampered[12] = line(13).replace(/"digest":"(.)/, (_m, c: string) => `"digest":"${c === 'a' ? 'b' : 'a'}`);

    // Act
    const report = await verifyLines(tampered);

    // Assess
    expect(report.problem).toEqual({ record: 13, problem: 'the digest over the records does not match: a record was changed' });
  });
});

describe('a deleted record', () => {
  it('inside a chain is named by the next event of that chain', async () => {
    // Prepare: a#3 goes
    const tampered = lines.filter((_l, i) => i !== 6);

    // Act
    const report = await verifyLines(tampered);

    // Assess: a#4 is now at line 8
    expect(report.problem).toEqual({ record: 8, requestId: 'req_a', seq: 4, problem: 'expected seq 3, found 4' });
  });

  it("that was its chain's last event in an hour is named by that hour's checkpoint", async () => {
    // Prepare: a#2 (req_a's head in the 09h hour) goes
    const tampered = lines.filter((_l, i) => i !== 3);

    // Act
    const report = await verifyLines(tampered);

    // Assess: the 09h checkpoint is now at line 5
    expect(report.problem).toEqual({
      record: 5,
      problem: 'the checkpoint commits to req_a up to seq 2, but the file ends that chain at seq 1',
    });
  });

  it('at the end of a chain is named by the checkpoint that committed to it', async () => {
    // Prepare: c#2 (the last event of req_c, in the 11h hour) goes
    const tampered = lines.filter((_l, i) => i !== 10);

    // Act
    const report = await verifyLines(tampered);

    // Assess
    expect(report.problem).toEqual({
      record: 11,
      problem: 'the checkpoint commits to req_c up to seq 2, but the file ends that chain at seq 1',
    });
  });

  it('of a whole chain is named by the checkpoint that committed to it', async () => {
    // Prepare: both events of req_b go
    const tampered = lines.filter((_l, i) => i !== 2 && i !== 4);

    // Act
    const report = await verifyLines(tampered);

    // Assess
    expect(report.problem).toEqual({
      record: 4,
      problem: 'the checkpoint commits to req_b up to seq 2, but the file has none of its events',
    });
  });

  it("at the start of a chain is named by the chain's first event left", async () => {
    // Prepare: a#1 goes
    const tampered = lines.filter((_l, i) => i !== 1);

    // Act
    const report = await verifyLines(tampered);

    // Assess: a#2 is now at line 3
    expect(report.problem).toEqual({ record: 3, requestId: 'req_a', seq: 2, problem: 'the chain starts at seq 2: seq 1 is missing' });
  });

  it("that was a chain's only event in an hour is named by that hour's checkpoint", async () => {
    // Prepare: c#1 (10h) goes
    const tampered = lines.filter((_l, i) => i !== 7);

    // Act
    const report = await verifyLines(tampered);

    // Assess
    expect(report.problem).toEqual({
      record: 9,
      problem: 'the checkpoint commits to req_c up to seq 1, but the file has none of its events',
    });
  });

  it('at the end of the file (the end record) is reported as a cut-short file', async () => {
    // Prepare
    const tampered = lines.slice(0, -1);

    // Act
    const report = await verifyLines(tampered);

    // Assess
    expect(report.problem).toEqual({ record: 13, problem: 'the file ends without its end record: it was cut short' });
  });
});

describe('an inserted record', () => {
  it('that repeats an event is named by the repeat', async () => {
    // Prepare: a#2 twice
    const tampered = [...lines.slice(0, 4), line(4), ...lines.slice(4)];

    // Act
    const report = await verifyLines(tampered);

    // Assess
    expect(report.problem).toEqual({ record: 5, requestId: 'req_a', seq: 2, problem: 'expected seq 3, found 2' });
  });

  it('forged with a correct hash at the end of a chain is named: no checkpoint commits to it', async () => {
    // Prepare: a "decision" chained onto b#2, in the 09h hour, before that hour's checkpoint
    const forged = chainEvent(event(5), {
      requestId: 'req_b',
      at: '2030-03-04T09:50:00.000Z',
      type: 'decision.recorded',
      actor: 'mallory@example.org',
      data: { decision: 'approve' },
    });
    const tampered = [...lines.slice(0, 5), jsonlLine(eventRecord(forged)).trim(), ...lines.slice(5)];

    // Act
    const report = await verifyLines(tampered);

    // Assess
    expect(report.problem).toEqual({
      record: 6,
      requestId: 'req_b',
      seq: 3,
      problem: 'the checkpoint of its hour (record 7) ends this chain at seq 2: the event was added later',
    });
  });

  it("forged in the middle of a chain, with a correct hash, is named: its hour's checkpoint ends the chain earlier", async () => {
    // Prepare: a forged a#3 right after a#2, with a correct hash; the genuine a#3 follows later
    const forged = chainEvent(event(4), {
      requestId: 'req_a',
      at: '2030-03-04T09:20:00.000Z',
      type: 'decision.recorded',
      actor: 'mallory@example.org',
      data: { decision: 'approve' },
    });
    const tampered = [...lines.slice(0, 4), jsonlLine(eventRecord(forged)).trim(), ...lines.slice(4)];

    // Act
    const report = await verifyLines(tampered);

    // Assess
    expect(report.problem).toEqual({
      record: 5,
      requestId: 'req_a',
      seq: 3,
      problem: 'the checkpoint of its hour (record 7) ends this chain at seq 2: the event was added later',
    });
  });

  it('forged between two events of one hour is named by the genuine event after it', async () => {
    // Prepare: a forged a#4 right after a#3 (both 10h), with a correct hash; the genuine a#4 follows
    const forged = chainEvent(event(7), {
      requestId: 'req_a',
      at: '2030-03-04T10:06:00.000Z',
      type: 'decision.recorded',
      actor: 'mallory@example.org',
      data: { decision: 'approve' },
    });
    const tampered = [...lines.slice(0, 7), jsonlLine(eventRecord(forged)).trim(), ...lines.slice(7)];

    // Act
    const report = await verifyLines(tampered);

    // Assess: the genuine a#4 is at line 10 now
    expect(report.problem).toEqual({ record: 10, requestId: 'req_a', seq: 4, problem: 'expected seq 5, found 4' });
  });
});

describe('reordered records', () => {
  it('two events of one chain swapped: the first of them is named', async () => {
    // Prepare: a#2 before a#1 (lines 2 and 4 swapped)
    const tampered = [...lines];
    tampered[1] = line(4);
    tampered[3] = line(2);

    // Act
    const report = await verifyLines(tampered);

    // Assess
    expect(report.problem).toEqual({ record: 2, requestId: 'req_a', seq: 2, problem: 'the chain starts at seq 2: seq 1 is missing' });
  });

  it('an event moved after the checkpoint that sealed its hour is named', async () => {
    // Prepare: b#2 (09h) moved after the 09h checkpoint
    const tampered = [...lines];
    tampered[4] = line(6);
    tampered[5] = line(5);

    // Act
    const report = await verifyLines(tampered);

    // Assess: the checkpoint now comes first and misses b#2
    expect(report.problem).toEqual({
      record: 5,
      problem: 'the checkpoint commits to req_b up to seq 2, but the file ends that chain at seq 1',
    });
  });

  it('events of two chains swapped across an hour boundary are named', async () => {
    // Prepare: c#1 (10h) moved before the 09h checkpoint
    const tampered = [...lines.slice(0, 5), line(8), line(6), line(7), line(9), ...lines.slice(9)];

    // Act
    const report = await verifyLines(tampered);

    // Assess
    expect(report.problem).toEqual({
      record: 6,
      requestId: 'req_c',
      seq: 1,
      problem: "no checkpoint commits to this event: its hour's checkpoint (record 7) has no head for req_c",
    });
  });
});

describe('a missing checkpoint', () => {
  it('in the middle is named where it belonged', async () => {
    // Prepare: the 10h checkpoint goes
    const tampered = lines.filter((_l, i) => i !== 9);

    // Act
    const report = await verifyLines(tampered);

    // Assess: c#2 (11h) is the first record that should have come after it
    expect(report.problem).toEqual({
      record: 10,
      requestId: 'req_c',
      seq: 2,
      problem: 'missing checkpoint for the hour from 2030-03-04T10:00:00.000Z: it belongs before this event',
    });
  });

  it('at the end is named by the end record', async () => {
    // Prepare: the 11h checkpoint goes
    const tampered = lines.filter((_l, i) => i !== 11);

    // Act
    const report = await verifyLines(tampered);

    // Assess: the end record's counts no longer match either, and it is the record named
    expect(report.ok).toBe(false);
    expect(report.problem?.record).toBe(12);
  });

  it('at the end, with the end record rewritten to match, is still named', async () => {
    // Prepare: the attacker drops the last checkpoint and fixes up the end record's counts and digest
    const store = await sampleStore();
    const full = await store.exportAll({ format: 'jsonl' }, NOW);
    const kept = full.filter((r, i) => !(r.kind === 'checkpoint' && i === 11));
    const { DIGEST_START, nextDigest } = await import('../../lambdas/core/audit/audit-export.js');
    let digest = DIGEST_START;
    for (const r of kept) if (r.kind !== 'end') digest = nextDigest(digest, r);
    const rewritten = kept.map((r) => (r.kind === 'end' ? { ...r, checkpoints: 2, digest } : r));

    // Act
    const report = await verifyLines(toJsonl(rewritten));

    // Assess
    expect(report.problem).toEqual({
      record: 12,
      problem:
        'missing checkpoint for the hour from 2030-03-04T11:00:00.000Z: checkpoints existed up to 2030-03-04T12:00:00.000Z when this was exported',
    });
  });
});

describe('the CSV encoding', () => {
  function verifyCsv(text: string): Promise<VerifyReport> {
    return verifyExport(csvRecords(Readable.from([text])), signer);
  }

  it('verifies untouched', async () => {
    // Prepare
    const text = csvText(records, true);

    // Act
    const report = await verifyCsv(text);

    // Assess
    expect(report).toMatchObject({ ok: true, events: 8, checkpoints: 3, signatures: { valid: 3, unchecked: 0 } });
  });

  it('names the row of a flipped byte in the data column', async () => {
    // Prepare: row 5 (b#2) says "rejecu"
    const text = csvText(records, true).replace('""reject""', '""rejecu""');

    // Act
    const report = await verifyCsv(text);

    // Assess
    expect(report.problem).toEqual({ record: 5, requestId: 'req_b', seq: 2, problem: 'hash does not match the event content' });
  });

  it('names the row after a deleted row', async () => {
    // Prepare: drop the data row of a#3 (row 7; line 8 of the text, after the header)
    const textLines = csvText(records, true).split('\n');
    const text = textLines.filter((_l, i) => i !== 7).join('\n');

    // Act
    const report = await verifyCsv(text);

    // Assess
    expect(report.problem).toEqual({ record: 8, requestId: 'req_a', seq: 4, problem: 'expected seq 3, found 4' });
  });

  it('refuses a file whose header row differs', async () => {
    // Prepare
    const text = csvText(records, true).replace('requestId,seq', 'request,seq');

    // Act
    const report = await verifyCsv(text);

    // Assess
    expect(report.ok).toBe(false);
    expect(report.problem?.problem).toMatch(/^the header row is not requestId,seq,at,type,actor,data,prevHash,hash,kind/);
  });
});

describe('filtered exports', () => {
  it('a date range starting at 10h brings the earlier events of each chain it touches, and verifies', async () => {
    // Prepare
    const store = await sampleStore();

    // Act
    const ranged = await store.exportAll({ format: 'jsonl', from: '2030-03-04T10:00:00Z' }, NOW);
    const report = await verifyLines(toJsonl(ranged));

    // Assess: req_a from seq 1 although it began at 09h; req_b (only 09h) is absent
    expect(ranged.filter((r) => r.kind === 'event').map((r) => (r.kind === 'event' ? `${r.requestId}#${r.seq}` : ''))).toEqual([
      'req_a#1',
      'req_a#2',
      'req_a#3',
      'req_c#1',
      'req_a#4',
      'req_c#2',
    ]);
    expect(report).toMatchObject({ ok: true, events: 6, chains: 2, checkpoints: 2 });
  });

  it("an account filter keeps that account's chains and still checks them against the checkpoints", async () => {
    // Prepare
    const store = await sampleStore();
    const physics = await store.exportAll({ format: 'jsonl', account: 'physics-x' }, NOW);
    const withoutC2 = toJsonl(physics).filter((l) => !l.startsWith('{"kind":"event","requestId":"req_c","seq":2,'));

    // Act
    const report = await verifyLines(toJsonl(physics));
    const tamperedReport = await verifyLines(withoutC2);

    // Assess
    expect(report).toMatchObject({ ok: true, chains: 2, events: 6 });
    expect(tamperedReport.ok).toBe(false);
    expect(tamperedReport.problem?.problem).toBe('the checkpoint commits to req_c up to seq 2, but the file ends that chain at seq 1');
  });

  it('a type filter verifies each event and says the export is partial', async () => {
    // Prepare
    const store = await sampleStore();
    const decisions = await store.exportAll({ format: 'jsonl', types: ['decision.recorded'] }, NOW);

    // Act
    const report = await verifyLines(toJsonl(decisions));

    // Assess
    expect(report).toMatchObject({ ok: true, events: 3 });
    expect(report.partial).toMatch(/^filtered by event type \(decision\.recorded\)/);
  });

  it('a type-filtered export still names an event whose content changed', async () => {
    // Prepare
    const store = await sampleStore();
    const decisions = toJsonl(await store.exportAll({ format: 'jsonl', types: ['decision.recorded'] }, NOW));
    const index = decisions.findIndex((l) => l.includes('"reject"'));
    decisions[index] = (decisions[index] ?? '').replace('"reject"', '"approve"');

    // Act
    const report = await verifyLines(decisions);

    // Assess
    expect(report.problem).toMatchObject({ record: index + 1, requestId: 'req_b', problem: 'hash does not match the event content' });
  });
});

describe('signatures', () => {
  it('are counted as not checked when the verifier holds no key, and the rest still verifies', async () => {
    // Prepare & Act
    const report = await verifyExport(jsonlRecords(Readable.from([`${lines.join('\n')}\n`])));

    // Assess
    expect(report).toMatchObject({ ok: true, signatures: { valid: 0, unchecked: 3 } });
  });
});
