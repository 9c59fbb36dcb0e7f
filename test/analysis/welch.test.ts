import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareUnpaired } from '../../analysis/welch.js';
import { anyValue, expectAllFinite, expectNear, positiveValue } from './support.js';

describe('compareUnpaired (Welch)', () => {
  it('reproduces a hand-checkable Welch test with 2 df', () => {
    // T = [1, 3], C = [4, 6]: both variances 2, SE = √2, df = 2, t = −3/√2.
    const r = compareUnpaired([1, 3], [4, 6]);
    expect(r.delta).toBe(-3);
    expectNear(r.df, 2);
    const q = 0.95 / Math.sqrt(2 * 0.975 * 0.025);
    expectNear(r.deltaCi![0], -3 - q * Math.SQRT2);
    expectNear(r.deltaCi![1], -3 + q * Math.SQRT2);
    expectNear(r.pValue, 1 - Math.sqrt(9 / 13));
    expectNear(r.percent, 100 * (2 / 5 - 1));
    expect(r.flags).toEqual([]);
  });

  it('gives delta and percent but no interval when an arm has one plot', () => {
    const r = compareUnpaired([12], [10]);
    expect(r).toMatchObject({ nTreatment: 1, nControl: 1, delta: 2, deltaCi: null, pValue: null, df: null, percentCi: null });
    expectNear(r.percent, 20);
    expect(r.flags).toEqual(['nTooSmall']);
  });

  it('refuses an interval when neither arm varies', () => {
    const r = compareUnpaired([5.1, 5.1, 5.1], [3, 3]);
    expectNear(r.delta, 2.1);
    expect(r.deltaCi).toBeNull();
    expect(r.pValue).toBeNull();
    expect(r.percentCi).toBeNull();
    expect(r.flags).toEqual(['zeroVariance']);
  });

  it('still tests when only one arm is constant, on that other arm’s df', () => {
    const r = compareUnpaired([5, 5, 5], [2, 3, 4, 5]);
    expectNear(r.df, 3);
    expect(r.deltaCi).not.toBeNull();
    expect(r.flags).toEqual([]);
  });

  it('keeps the percent when a single value is zero but both means are positive (spec §8)', () => {
    const r = compareUnpaired([0, 4, 5], [2, 3]);
    expect(r.delta).toBe(0.5);
    expect(r.deltaCi).not.toBeNull();
    expect(r.percent).toBeCloseTo(20, 12);
    expect(r.percentCi).not.toBeNull();
    expect(r.flags).toEqual([]);
  });

  it('drops the percent when a mean is not positive', () => {
    const r = compareUnpaired([1, 2, 3], [-1, 0, 1]);
    expect(r.delta).toBe(2);
    expect(r.deltaCi).not.toBeNull();
    expect(r.percent).toBeNull();
    expect(r.percentCi).toBeNull();
    expect(r.logRatio).toBeNull();
    expect(r.flags).toEqual(['nonPositiveValue']);
  });

  it('flags an unbounded percent interval instead of reporting Infinity (control mean near 0, wide spread)', () => {
    // m_C = 0.005 with s_C ≈ 0.78 on 1 df: exp(L + q·√(a+b)) overflows a double.
    const r = compareUnpaired([0, 0.01], [-0.55, 0.56]);
    expect(r.deltaCi).not.toBeNull();
    expect(r.percent).toBeCloseTo(0, 12);
    expect(r.percentCi).toBeNull();
    expect(r.flags).toEqual(['percentCiUnbounded']);
  });

  it('reports an empty arm with nulls and says which arm is empty', () => {
    const r = compareUnpaired([4, 5], []);
    expect(r).toMatchObject({ nTreatment: 2, nControl: 0, meanTreatment: 4.5, meanControl: null, delta: null, percent: null });
    expect(r.flags).toEqual(['noControlValues']);
    expect(compareUnpaired([], [1]).flags).toEqual(['noTreatmentValues']);
  });

  it('never produces NaN or Infinity, whatever the values', () => {
    fc.assert(
      fc.property(fc.array(anyValue, { maxLength: 6 }), fc.array(anyValue, { maxLength: 6 }), (t, c) => {
        expectAllFinite(compareUnpaired(t, c));
      }),
    );
  });

  it('negates the delta and mirrors the interval when the arms are swapped', () => {
    fc.assert(
      fc.property(fc.array(positiveValue, { minLength: 1, maxLength: 8 }), fc.array(positiveValue, { minLength: 1, maxLength: 8 }), (t, c) => {
        const a = compareUnpaired(t, c);
        const b = compareUnpaired(c, t);
        expect(b.delta).toBe(-a.delta!);
        if (a.deltaCi === null) expect(b.deltaCi).toBeNull();
        else expect(b.deltaCi).toEqual([-a.deltaCi[1], -a.deltaCi[0]]);
        expect(b.pValue).toBe(a.pValue);
      }),
    );
  });

  it('keeps the delta when a constant is added to every value', () => {
    fc.assert(
      fc.property(
        fc.array(positiveValue, { minLength: 1, maxLength: 8 }),
        fc.array(positiveValue, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: -50_000, max: 50_000 }),
        (t, c, shift) => {
          const a = compareUnpaired(t, c);
          const b = compareUnpaired(
            t.map((x) => x + shift),
            c.map((x) => x + shift),
          );
          expectNear(b.delta, a.delta!, 1e-9 * (1 + Math.abs(shift)));
        },
      ),
    );
  });
});
