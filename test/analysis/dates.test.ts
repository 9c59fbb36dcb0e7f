import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysBetween, epochDay, isIsoDate } from '../../analysis/dates.js';

describe('isIsoDate', () => {
  it('accepts real calendar dates, including 29 February of leap years', () => {
    expect(isIsoDate('2017-04-04')).toBe(true);
    expect(isIsoDate('2016-02-29')).toBe(true);
    expect(isIsoDate('2000-02-29')).toBe(true);
  });

  it('rejects impossible days and months', () => {
    expect(isIsoDate('2017-02-30')).toBe(false);
    expect(isIsoDate('2017-02-29')).toBe(false);
    expect(isIsoDate('1900-02-29')).toBe(false);
    expect(isIsoDate('2017-04-31')).toBe(false);
    expect(isIsoDate('2017-13-01')).toBe(false);
    expect(isIsoDate('2017-00-10')).toBe(false);
    expect(isIsoDate('2017-01-00')).toBe(false);
  });

  it('rejects anything but the strict YYYY-MM-DD form', () => {
    for (const text of ['2017-4-4', '17-04-04', '2017/04/04', '2017-04-04T00:00:00Z', ' 2017-04-04', '', '20170404']) {
      expect(isIsoDate(text), text).toBe(false);
    }
  });
});

describe('daysBetween', () => {
  it('counts flowering in the reference trial as whole days after planting', () => {
    expect(daysBetween('2017-03-02', '2017-04-04')).toBe(33);
  });

  it('counts across month and year ends', () => {
    expect(daysBetween('2017-03-31', '2017-04-01')).toBe(1);
    expect(daysBetween('2016-12-31', '2017-01-01')).toBe(1);
    expect(daysBetween('2017-01-01', '2018-01-01')).toBe(365);
  });

  it('counts 29 February only in leap years', () => {
    expect(daysBetween('2016-02-28', '2016-03-01')).toBe(2);
    expect(daysBetween('2017-02-28', '2017-03-01')).toBe(1);
    expect(daysBetween('1900-02-28', '1900-03-01')).toBe(1);
    expect(daysBetween('2000-02-28', '2000-03-01')).toBe(2);
    expect(daysBetween('2016-01-01', '2017-01-01')).toBe(366);
  });

  it('is negative when the second date is earlier', () => {
    expect(daysBetween('2017-04-04', '2017-03-02')).toBe(-33);
  });

  it('gives whole days across daylight-saving changes', () => {
    // The database and HTTP tiers run under non-UTC time zones (vitest.config.ts), where a
    // local-time slip would show; here the arithmetic itself is checked.
    expect(daysBetween('2017-03-25', '2017-03-27')).toBe(2); // EU spring forward
    expect(daysBetween('2017-03-11', '2017-03-13')).toBe(2); // US spring forward
    expect(daysBetween('2017-10-28', '2017-10-30')).toBe(2); // EU fall back
    expect(daysBetween('2017-03-01', '2017-11-01')).toBe(245);
  });

  it('rejects an impossible date instead of rolling it over', () => {
    expect(() => daysBetween('2017-03-02', '2017-02-30')).toThrow(RangeError);
    expect(() => daysBetween('2017-3-2', '2017-04-04')).toThrow(RangeError);
  });

  it('handles years below 100 without the two-digit-year shift', () => {
    expect(epochDay('1970-01-01')).toBe(0);
    expect(epochDay('0001-01-01')).toBe(-719162);
    expect(daysBetween('0099-12-31', '0100-01-01')).toBe(1);
  });

  it('agrees with millisecond arithmetic on UTC midnights and adds up along a chain', () => {
    const day = fc.integer({ min: -200_000, max: 2_900_000 }).map((n) => new Date(n * 86_400_000).toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, day, day, (a, b, c) => {
        expect(daysBetween(a, b)).toBe((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
        expect(daysBetween(a, b) + daysBetween(b, c)).toBe(daysBetween(a, c));
      }),
    );
  });
});
