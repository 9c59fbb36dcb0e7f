import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fUpper } from '../../analysis/f-dist.js';
import { studentizedRangeQuantile, studentizedRangeUpper } from '../../analysis/studentized-range.js';

/** R's ptukey/qtukey over a grid (test/fixtures/studentized-range/reference.R). */
const reference: {
  ptukey: { q: number; k: number; df: number; lower: number; upper: number }[];
  qtukey: { p: number; k: number; df: number; q: number }[];
} = JSON.parse(readFileSync(new URL('../fixtures/studentized-range/values.json', import.meta.url), 'utf8'));

describe('studentized range against R', () => {
  it('matches ptukey(q, k, df, lower.tail = FALSE) over the grid, small df included', () => {
    expect(reference.ptukey.length).toBeGreaterThan(300);
    expect(reference.ptukey.some((r) => r.df === 2)).toBe(true);
    for (const r of reference.ptukey) {
      const got = studentizedRangeUpper(r.q, r.k, r.df);
      const label = `ptukey(${r.q}, ${r.k}, ${r.df})`;
      expect(got, label).toBeTypeOf('number');
      expect(Math.abs(got! - r.upper), label).toBeLessThan(1e-9);
      if (r.upper > 1e-4) expect(Math.abs(got! - r.upper) / r.upper, label).toBeLessThan(1e-6);
    }
  }, 300_000);

  it('matches qtukey(p, k, df) to R precision (1e-4)', () => {
    for (const r of reference.qtukey) {
      const got = studentizedRangeQuantile(r.p, r.k, r.df);
      expect(Math.abs(got! - r.q), `qtukey(${r.p}, ${r.k}, ${r.df})`).toBeLessThan(1e-4 * Math.max(1, r.q));
    }
  }, 300_000);

  it('is null where R gives NaN: fewer than two means or df below 2', () => {
    expect(studentizedRangeUpper(3, 1, 10)).toBeNull();
    expect(studentizedRangeUpper(3, 3, 1)).toBeNull();
    expect(studentizedRangeQuantile(0.95, 3, 1)).toBeNull();
    expect(studentizedRangeUpper(0, 3, 10)).toBe(1);
  });
});

describe('F distribution upper tail', () => {
  it('matches R pf(lower.tail = FALSE)', () => {
    // R: pf(3.59335331491243, 3, 6, lower.tail = FALSE); pf(41.2626262626267, 3, 5, lower.tail = FALSE); pf(2, 1, 1, lower.tail = FALSE)
    expect(Math.abs(fUpper(3.59335331491243, 3, 6) - 0.0854583638328018)).toBeLessThan(1e-13);
    expect(Math.abs(fUpper(41.2626262626267, 3, 5) - 0.000596563834883168) / 0.000596563834883168).toBeLessThan(1e-9);
    expect(Math.abs(fUpper(2, 1, 1) - 0.391826552030607)).toBeLessThan(1e-12);
  });
});
