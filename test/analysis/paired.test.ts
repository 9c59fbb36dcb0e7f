import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { comparePaired, type BlockValue } from '../../analysis/paired.js';
import { compareUnpaired } from '../../analysis/welch.js';
import { anyValue, expectAllFinite, expectNear, positiveValue } from './support.js';

const inBlocks = (values: number[], prefix = 'b'): BlockValue[] => values.map((value, i) => ({ block: `${prefix}${i}`, value }));

describe('comparePaired', () => {
  it('lists its figures in the order the report has always shown them, empty arms included', () => {
    const order = ['nTreatment', 'nControl', 'nPairs', 'dropped', 'meanTreatment', 'meanControl', 'pairedMeanTreatment', 'pairedMeanControl', 'delta', 'deltaCi', 'pValue', 'df', 'percent', 'percentCi', 'logRatio', 'flags'];
    expect(Object.keys(comparePaired(inBlocks([5, 7, 9]), inBlocks([4, 5, 6])))).toEqual(order);
    const empty = comparePaired([], inBlocks([4]));
    expect(Object.keys(empty)).toEqual(order);
    expect(empty).toMatchObject({ nTreatment: 0, nControl: 1, meanTreatment: null, meanControl: 4, delta: null, flags: ['noTreatmentValues'] });
  });

  it('reproduces a hand-checkable paired t test', () => {
    // d = 1, 2, 3: mean 2, sd 1, t = 2√3 on 2 df.
    const r = comparePaired(inBlocks([5, 7, 9]), inBlocks([4, 5, 6]));
    expect(r.nPairs).toBe(3);
    expect(r.delta).toBe(2);
    expect(r.df).toBe(2);
    const q = 0.95 / Math.sqrt(2 * 0.975 * 0.025);
    expectNear(r.deltaCi![0], 2 - q / Math.sqrt(3));
    expectNear(r.deltaCi![1], 2 + q / Math.sqrt(3));
    expectNear(r.pValue, 1 - Math.sqrt(6 / 7));
    expectNear(r.percent, 40);
    expect(r.percentCi![0]).toBeLessThan(40);
    expect(r.percentCi![1]).toBeGreaterThan(40);
    expect(r.flags).toEqual([]);
  });

  it('reports plots without a partner as dropped, and keeps them in the arm means', () => {
    const r = comparePaired(
      [...inBlocks([10, 12]), { block: 'lonely', value: 100 }, { block: null, value: 50 }],
      inBlocks([8, 9]),
    );
    expect(r).toMatchObject({ nTreatment: 4, nControl: 2, nPairs: 2, dropped: 2, delta: 2.5 });
    expect(r.meanTreatment).toBe(43);
    expect(r.pairedMeanTreatment).toBe(11);
    expect(r.pairedMeanControl).toBe(8.5);
    expectNear(r.percent, 100 * (11 / 8.5 - 1));
    expect(r.flags).toEqual(['unpairedDropped']);
  });

  it('says so when no block holds both arms', () => {
    const r = comparePaired(inBlocks([1, 2], 't'), inBlocks([3, 4], 'c'));
    expect(r).toMatchObject({ nPairs: 0, dropped: 4, delta: null, percent: null });
    expect(r.flags).toEqual(['unpairedDropped', 'noPairs']);
  });

  it('gives delta and percent but no interval for a single pair', () => {
    const r = comparePaired(inBlocks([11]), inBlocks([10]));
    expect(r).toMatchObject({ nPairs: 1, delta: 1, deltaCi: null, pValue: null, df: null, percentCi: null });
    expect(r.flags).toEqual(['nTooSmall']);
  });

  it('refuses an interval when every pair differs by the same amount', () => {
    const r = comparePaired(inBlocks([13, 15, 14]), inBlocks([10, 12, 11]));
    expect(r.delta).toBe(3);
    expect(r.deltaCi).toBeNull();
    expect(r.flags).toEqual(['zeroVariance']);
  });

  it('needs both paired means above zero for a percent, not every value (spec §8)', () => {
    const r = comparePaired(inBlocks([2, 4, 7]), inBlocks([0, 3, 5]));
    expect(r.delta).toBe(5 / 3);
    expect(r.deltaCi).not.toBeNull();
    expect(r.percent).toBeCloseTo(62.5, 12);
    expect(r.flags).toEqual([]);
    const negative = comparePaired(inBlocks([2, 4, 7]), inBlocks([-4, -3, 1]));
    expect(negative.percent).toBeNull();
    expect(negative.percentCi).toBeNull();
    expect(negative.flags).toEqual(['nonPositiveValue']);
  });

  it('uses the mean of several plots of one arm in a block', () => {
    const r = comparePaired(
      [
        { block: 'a', value: 10 },
        { block: 'a', value: 12 },
        { block: 'b', value: 20 },
      ],
      inBlocks([9, 18], '').map((v, i) => ({ ...v, block: ['a', 'b'][i] })),
    );
    expect(r).toMatchObject({ nPairs: 2, dropped: 0, delta: 2 });
    expect(r.flags).toContain('severalPlotsPerBlock');
  });

  it('agrees with the Welch delta on complete pairs', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(positiveValue, positiveValue), { minLength: 1, maxLength: 10 }), (pairs) => {
        const t = pairs.map(([x]) => x);
        const c = pairs.map(([, y]) => y);
        expectNear(comparePaired(inBlocks(t), inBlocks(c)).delta, compareUnpaired(t, c).delta!, 1e-9);
      }),
    );
  });

  it('negates the delta and mirrors the interval when the arms are swapped', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(positiveValue, positiveValue), { minLength: 1, maxLength: 10 }), (pairs) => {
        const t = inBlocks(pairs.map(([x]) => x));
        const c = inBlocks(pairs.map(([, y]) => y));
        const a = comparePaired(t, c);
        const b = comparePaired(c, t);
        expectNear(b.delta, -a.delta!, 1e-12);
        if (a.deltaCi === null) expect(b.deltaCi).toBeNull();
        else {
          expectNear(b.deltaCi![0], -a.deltaCi[1], 1e-12);
          expectNear(b.deltaCi![1], -a.deltaCi[0], 1e-12);
        }
      }),
    );
  });

  it('never produces NaN or Infinity, whatever the values and blocks', () => {
    const plot = fc.record({ block: fc.option(fc.constantFrom('a', 'b', 'c', 'd'), { nil: null }), value: anyValue });
    fc.assert(
      fc.property(fc.array(plot, { maxLength: 8 }), fc.array(plot, { maxLength: 8 }), (t, c) => {
        expectAllFinite(comparePaired(t, c));
      }),
    );
  });
});
