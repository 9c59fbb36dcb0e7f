import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyseVariance, type AnovaValue } from '../../analysis/anova.js';
import { compactLetters } from '../../analysis/letters.js';
import { buildAnova } from '../../analysis/multi-arm.js';
import type { ReportInput } from '../../analysis/report.js';
import { readMultiArm, readMultiArmExpected, type MultiArmExpected } from '../support/reference.js';

/** Relative error, absolute near zero. */
function expectClose(actual: number | null | undefined, wanted: number, tol: number, label: string): void {
  expect(actual, label).toBeTypeOf('number');
  const error = Math.abs((actual as number) - wanted) / Math.max(Math.abs(wanted), 1e-3);
  expect(error, `${label}: got ${actual}, expected ${wanted}`).toBeLessThan(tol);
}

const ARMS = ['control', 'low', 'mid', 'high'];

/** The worked example of spec §7 as a report input: design rcbd, 什托洛盖 without blocks. */
export function multiArmInput(): ReportInput {
  const plots = readMultiArm();
  const siteNames = [...new Set(plots.map((p) => p.site))];
  return {
    design: 'rcbd',
    arms: ARMS.map((name) => ({ name, role: name === 'control' ? 'control' : 'treatment' })),
    sites: siteNames.map((name, i) => ({ id: i + 1, name })),
    variables: [
      { code: 'y', name: '产量', nameEn: 'yield', kind: 'number', unit: 'kg/ha' },
      { code: 'f', name: '开花', nameEn: 'flowering', kind: 'date', unit: null },
    ],
    plotValues: plots.flatMap((p, i) =>
      (['y', 'f'] as const).map((variable) => ({
        plotId: i + 1,
        siteId: siteNames.indexOf(p.site) + 1,
        arm: p.arm,
        block: p.block === '' ? null : p.block,
        variable,
        value: p[variable],
      })),
    ),
  };
}

function checkTable(actual: ReturnType<typeof analyseVariance>, row: MultiArmExpected, label: string) {
  expect(actual.model, label).toBe(row.model);
  expectClose(actual.f, row.f, 1e-6, `${label} F`);
  expect(actual.df1, label).toBe(row.df1);
  expect(actual.df2, label).toBe(row.df2);
  expectClose(actual.pValue, row.p, 1e-6, `${label} p`);
  expectClose(actual.mse, row.mse, 1e-6, `${label} MSE`);
  expect(actual.arms.map((a) => [a.arm, a.n])).toEqual(row.arms.map((a) => [a.arm, a.n]));
  row.arms.forEach((a, i) => expectClose(actual.arms[i].mean, a.mean, 1e-6, `${label} mean ${a.arm}`));
  expect(actual.pairs.map((p) => [p.a, p.b])).toEqual(row.pairs.map((p) => [p.a, p.b]));
  row.pairs.forEach((p, i) => {
    const got = actual.pairs[i];
    const what = `${label} ${p.a}-${p.b}`;
    expectClose(got.diff, p.diff, 1e-6, `${what} diff`);
    expectClose(got.pAdj, p.pAdj, 1e-6, `${what} pAdj`);
    // qtukey is a secant search to 1e-4 in R, so the interval matches to that precision.
    expect(Math.abs(got.ci![0] - p.lwr) / Math.max(1, Math.abs(p.diff - p.lwr)), `${what} lwr`).toBeLessThan(1e-4);
    expect(Math.abs(got.ci![1] - p.upr) / Math.max(1, Math.abs(p.upr - p.diff)), `${what} upr`).toBeLessThan(1e-4);
  });
  // Letters: two arms share one exactly when their pair does not differ at 5%.
  for (const p of actual.pairs) {
    const la = actual.arms.find((a) => a.arm === p.a)!.letters!;
    const lb = actual.arms.find((a) => a.arm === p.b)!.letters!;
    const share = [...la].some((ch) => lb.includes(ch));
    expect(share, `${label} letters ${p.a}=${la} ${p.b}=${lb} pAdj ${p.pAdj}`).toBe(p.pAdj! >= 0.05);
  }
}

describe('analysis of variance of the multi-arm worked example (R, spec §7)', () => {
  const expected = readMultiArmExpected();
  const anova = buildAnova(multiArmInput());

  it('has one entry per measured variable, every site and the overall test', () => {
    expect(anova.map((a) => a.variable.code)).toEqual(['y', 'f']);
    expect(anova[0].sites.map((s) => s.siteName)).toEqual(['二工', '和布克赛尔', '什托洛盖']);
    expect(expected.length).toBe(8);
  });

  it.each(expected.map((r) => [`${r.variable} ${r.site}`, r] as const))('matches R: %s', (label, row) => {
    const entry = anova.find((a) => a.variable.code === row.variable)!;
    const table = row.site === 'ALL' ? entry.overall! : entry.sites.find((s) => s.siteName === row.site)!;
    expect(table, label).toBeTruthy();
    checkTable(table, row, label);
    if (row.site === 'ALL') expect(entry.overall!.nSites).toBe(3);
  });

  it('gives the highest mean the letter a', () => {
    const overall = anova[0].overall!;
    const top = [...overall.arms].sort((a, b) => b.mean - a.mean)[0];
    expect(top.arm).toBe('mid');
    expect(top.letters!.startsWith('a')).toBe(true);
    // control and low differ from mid and high across sites (pAdj < 0.05), mid and high do not.
    expect(Object.fromEntries(overall.arms.map((a) => [a.arm, a.letters]))).toEqual({ control: 'b', low: 'b', mid: 'a', high: 'a' });
  });

  it('is empty for a trial with two arms', () => {
    const input = multiArmInput();
    input.arms = input.arms.slice(0, 2);
    expect(buildAnova(input)).toEqual([]);
  });
});

const valueArb = fc.integer({ min: -50_000, max: 50_000 }).map((x) => x / 100);
/** 3–5 arms with 2–4 values each, one-way. */
const oneWayArb = fc.integer({ min: 3, max: 5 }).chain((k) =>
  fc.array(fc.array(valueArb, { minLength: 2, maxLength: 4 }), { minLength: k, maxLength: k }),
);
const toValues = (groups: number[][], names: string[]): AnovaValue[] =>
  groups.flatMap((g, i) => g.map((value) => ({ arm: names[i], block: null, value })));

describe('analysis of variance: properties', () => {
  it('permuting the arms permutes their letters, pairs and means consistently', () => {
    fc.assert(
      fc.property(oneWayArb, fc.infiniteStream(fc.nat()), (groups, seeds) => {
        const names = groups.map((_, i) => `arm${i}`);
        const base = analyseVariance(toValues(groups, names), names, 'one-way');
        const order = [...names];
        for (let i = order.length - 1; i > 0; i--) {
          const j = seeds.next().value % (i + 1);
          [order[i], order[j]] = [order[j], order[i]];
        }
        const permuted = analyseVariance(toValues(groups, names), order, 'one-way');
        if (base.f === null) return permuted.f === null;
        expect(permuted.f).toBeCloseTo(base.f, 6);
        for (const arm of base.arms) {
          const other = permuted.arms.find((a) => a.arm === arm.arm)!;
          expect(other.mean).toBe(arm.mean);
        }
        for (const p of base.pairs) {
          const q = permuted.pairs.find((x) => (x.a === p.a && x.b === p.b) || (x.a === p.b && x.b === p.a))!;
          expect(q.pAdj!).toBeCloseTo(p.pAdj!, 9);
          expect(Math.abs(q.diff)).toBeCloseTo(Math.abs(p.diff), 9);
        }
        // Same grouping: two arms share a letter in one order exactly when they do in the other.
        const letters = (t: typeof base, a: string) => t.arms.find((x) => x.arm === a)!.letters!;
        for (const a of names) {
          for (const b of names) {
            const together = (t: typeof base) => [...letters(t, a)].some((ch) => letters(t, b).includes(ch));
            expect(together(permuted)).toBe(together(base));
          }
        }
        return true;
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it('adding a constant to every value leaves F, p and every pair\'s pAdj unchanged', () => {
    fc.assert(
      fc.property(oneWayArb, fc.integer({ min: -10_000, max: 10_000 }), (groups, shift) => {
        const names = groups.map((_, i) => `arm${i}`);
        const a = analyseVariance(toValues(groups, names), names, 'one-way');
        const b = analyseVariance(toValues(groups.map((g) => g.map((x) => x + shift)), names), names, 'one-way');
        if (a.f === null || b.f === null) return a.f === b.f || a.flags.includes('zeroVariance') || b.flags.includes('zeroVariance');
        expect(Math.abs(b.f - a.f)).toBeLessThanOrEqual(1e-6 * Math.max(1, a.f));
        expect(Math.abs(b.pValue! - a.pValue!)).toBeLessThan(1e-7);
        a.pairs.forEach((p, i) => expect(Math.abs(b.pairs[i].pAdj! - p.pAdj!)).toBeLessThan(1e-7));
        return true;
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it('with two arms, F equals the square of the pooled-variance t', () => {
    fc.assert(
      fc.property(fc.array(valueArb, { minLength: 2, maxLength: 6 }), fc.array(valueArb, { minLength: 2, maxLength: 6 }), (x, y) => {
        const table = analyseVariance(toValues([x, y], ['a', 'b']), ['a', 'b'], 'one-way');
        if (table.f === null) return true;
        const mean = (v: number[]) => v.reduce((s, z) => s + z, 0) / v.length;
        const ss = (v: number[]) => v.reduce((s, z) => s + (z - mean(v)) ** 2, 0);
        const pooled = (ss(x) + ss(y)) / (x.length + y.length - 2);
        const t = (mean(y) - mean(x)) / Math.sqrt(pooled * (1 / x.length + 1 / y.length));
        expect(Math.abs(table.f - t * t)).toBeLessThanOrEqual(1e-8 * Math.max(1, t * t));
        expect(table.df2).toBe(x.length + y.length - 2);
        return true;
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  it('flags what it cannot compute instead of inventing figures', () => {
    const one = analyseVariance([{ arm: 'a', block: null, value: 1 }], ['a', 'b', 'c'], 'one-way');
    expect(one.flags).toContain('tooFewArms');
    expect(one.f).toBeNull();
    const noDf = analyseVariance(
      [
        { arm: 'a', block: null, value: 1 },
        { arm: 'b', block: null, value: 2 },
        { arm: 'c', block: null, value: 4 },
      ],
      ['a', 'b', 'c'],
      'one-way',
    );
    expect(noDf.flags).toContain('noResidualDf');
    expect(noDf.pairs.map((p) => [p.diff, p.pAdj])).toEqual([
      [1, null],
      [3, null],
      [2, null],
    ]);
    const flat = analyseVariance(toValues([[5, 5], [5, 5], [5, 5]], ['a', 'b', 'c']), ['a', 'b', 'c'], 'one-way');
    expect(flat.flags).toContain('zeroVariance');
    // df2 = 1: F and p exist, Tukey needs df2 ≥ 2 (as R's ptukey).
    const thin = analyseVariance(toValues([[1, 2], [4], [8]], ['a', 'b', 'c']), ['a', 'b', 'c'], 'one-way');
    expect(thin.df2).toBe(1);
    expect(thin.pValue).toBeTypeOf('number');
    expect(thin.flags).toContain('nTooSmall');
    expect(thin.arms.every((a) => a.letters === null)).toBe(true);
  });
});

describe('compact letters', () => {
  it('follows the textbook example "a, a, ab, b"', () => {
    expect(compactLetters(4, (i, j) => (i <= 1 && j === 3))).toEqual(['a', 'a', 'ab', 'b']);
  });
  it('gives every arm one letter when none differ, and all different ones when all do', () => {
    expect(compactLetters(3, () => false)).toEqual(['a', 'a', 'a']);
    expect(compactLetters(3, () => true)).toEqual(['a', 'b', 'c']);
  });
  it('shares a letter exactly when two arms do not differ, for any pattern', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 7 }).chain((k) => fc.tuple(fc.constant(k), fc.array(fc.boolean(), { minLength: (k * (k - 1)) / 2, maxLength: (k * (k - 1)) / 2 }))), ([k, bits]) => {
        const differ = (i: number, j: number) => {
          const [a, b] = i < j ? [i, j] : [j, i];
          return bits[a * k - (a * (a + 1)) / 2 + (b - a - 1)];
        };
        const letters = compactLetters(k, differ);
        expect(letters[0].startsWith('a')).toBe(true);
        for (let i = 0; i < k; i++) {
          expect(letters[i].length).toBeGreaterThan(0);
          for (let j = i + 1; j < k; j++) {
            const share = [...letters[i]].some((ch) => letters[j].includes(ch));
            expect(share).toBe(!differ(i, j));
          }
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
});
