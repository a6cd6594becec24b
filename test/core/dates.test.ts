import { describe, it, expect } from 'vitest';
import { findDate, findDates, findTime, momentOf, nearestYear } from '../../lambdas/core/render/dates.js';

describe('findDate', () => {
  it.each([
    ['embargoed until 3 December 2026', { day: 3, month: 12, year: 2026, text: '3 December 2026' }],
    ['until Thursday 3rd of Dec. 2026', { day: 3, month: 12, year: 2026 }],
    ['on December 3, 2026', { day: 3, month: 12, year: 2026 }],
    ['from 2026-12-03', { day: 3, month: 12, year: 2026 }],
    ['on 03.12.2026', { day: 3, month: 12, year: 2026 }],
    ['on 25/12/2026', { day: 25, month: 12, year: 2026 }],
    ['on 12/25/2026', { day: 25, month: 12, year: 2026 }],
    ['on 3 May', { day: 3, month: 5, year: undefined }],
  ])('reads %j', (text, expected) => {
    expect(findDate(text)).toMatchObject(expected);
  });

  it('reads the time and zone of an ISO timestamp', () => {
    expect(findDate('2026-12-03T10:00:00+01:00')?.time).toEqual({ hour: 10, minute: 0, offsetMinutes: 60 });
  });

  it('marks a slashed date that could be read two ways', () => {
    expect(findDate('until 03/12/2026')).toMatchObject({ ambiguous: true });
  });

  it.each(['30 may apply', 'the year 2026', 'on 31 February 2026', 'version 1.2.2026x'])('finds no date in %j', (text) => {
    expect(findDate(text)).toBeUndefined();
  });

  it('finds every date of a text, in order', () => {
    expect(findDates('From 3 December 2026 to 2026-12-10.').map((d) => d.day)).toEqual([3, 10]);
  });
});

describe('findTime', () => {
  it.each([
    ['10:00 CET', { hour: 10, minute: 0, offsetMinutes: 60 }],
    ['at 14.30 (CEST)', { hour: 14, minute: 30, offsetMinutes: 120 }],
    ['9 am PST', { hour: 9, minute: 0, offsetMinutes: -480 }],
    ['12:15 pm', { hour: 12, minute: 15 }],
    ['10:00 UTC+1', { hour: 10, minute: 0, offsetMinutes: 60 }],
    ['at noon', { hour: 12, minute: 0 }],
  ])('reads %j', (text, expected) => {
    expect(findTime(text)).toMatchObject(expected);
  });

  it('does not take a bare number for a time', () => {
    expect(findTime('room 10, building 40')).toBeUndefined();
  });
});

describe('nearestYear and momentOf', () => {
  it('gives a date without a year the year that puts it nearest the reference', () => {
    expect(nearestYear(12, 3, new Date('2026-11-20T00:00:00Z'))).toBe(2026);
    expect(nearestYear(1, 5, new Date('2026-12-20T00:00:00Z'))).toBe(2027);
    expect(nearestYear(12, 20, new Date('2027-01-05T00:00:00Z'))).toBe(2026);
  });

  it('converts a local time to UTC, and reads a time without a zone as UTC', () => {
    expect(new Date(momentOf({ month: 12, day: 3 }, 2026, { hour: 10, minute: 0, offsetMinutes: 60 })).toISOString()).toBe(
      '2026-12-03T09:00:00.000Z',
    );
    expect(new Date(momentOf({ month: 12, day: 3 }, 2026, { hour: 10, minute: 0 })).toISOString()).toBe('2026-12-03T10:00:00.000Z');
    expect(new Date(momentOf({ month: 12, day: 3 }, 2026)).toISOString()).toBe('2026-12-03T00:00:00.000Z');
  });
});
