import { describe, expect, it } from 'vitest';
import { tCdf, tQuantile, twoSidedP } from '../../analysis/t-dist.js';

// Student's t has closed forms for 1 and 2 df, so these checks need no table.
const q2 = (p: number) => (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
const cdf2 = (t: number) => 0.5 + t / (2 * Math.sqrt(2 + t * t));

describe('Student t', () => {
  it('gives the quantiles R gives', () => {
    expect(tQuantile(0.975, 1)).toBeCloseTo(Math.tan(Math.PI * 0.475), 10);
    expect(tQuantile(0.975, 2)).toBeCloseTo(q2(0.975), 10);
    expect(tQuantile(0.975, 4)).toBeCloseTo(2.776445105197793, 10);
    expect(tQuantile(0.975, 1e9)).toBeCloseTo(1.959963984540054, 6);
  });

  it('accepts fractional degrees of freedom between the integers', () => {
    const q = tQuantile(0.975, 3.93023255814);
    expect(q).toBeGreaterThan(tQuantile(0.975, 4));
    expect(q).toBeLessThan(tQuantile(0.975, 3));
    expect(tCdf(q, 3.93023255814)).toBeCloseTo(0.975, 12);
  });

  it('gives two-sided p-values that match the closed form', () => {
    expect(tCdf(1.5, 2)).toBeCloseTo(cdf2(1.5), 12);
    expect(twoSidedP(2 * Math.sqrt(3), 2)).toBeCloseTo(1 - Math.sqrt(6 / 7), 12);
    expect(twoSidedP(-7, 1)).toBeCloseTo(1 - (2 / Math.PI) * Math.atan(7), 12);
    expect(twoSidedP(0, 5)).toBe(1);
  });

  it('keeps precision for very small p-values', () => {
    const p = twoSidedP(40, 10);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1e-11);
  });

  it('refuses degrees of freedom that are not finite and positive', () => {
    for (const df of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => tQuantile(0.975, df)).toThrow(RangeError);
      expect(() => tCdf(1, df)).toThrow(RangeError);
    }
    expect(() => tQuantile(1.5, 3)).toThrow(RangeError);
    expect(() => tCdf(Number.NaN, 3)).toThrow(RangeError);
  });
});
