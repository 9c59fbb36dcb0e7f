import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLayoutSpec, fieldPlace, generateLayout, plotLabel, unknownPlaceholders, type LayoutCell, type LayoutDesign, type LayoutSpec } from '../../analysis/layout-design.js';

const ARMS3 = ['T1', 'T2', 'C'];

/** Pearson's chi-square statistic of observed counts against equal expected counts. */
function chiSquare(counts: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
}
/** Upper 0.1% points of chi-square (R: qchisq(0.999, df)). */
const CHI2_999: Record<number, number> = { 1: 10.828, 2: 13.816, 5: 20.515 };

function tally(keys: string[]): number[] {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return [...m.values()];
}

const byBlock = (cells: LayoutCell[]) => {
  const m = new Map<number | null, string[]>();
  for (const c of cells) m.set(c.block, [...(m.get(c.block) ?? []), c.arm]);
  return m;
};

const specArb = fc
  .record({
    design: fc.constantFrom<LayoutDesign>('crd', 'rcbd', 'paired'),
    armCount: fc.integer({ min: 2, max: 6 }),
    reps: fc.integer({ min: 1, max: 8 }),
    columns: fc.integer({ min: 1, max: 12 }),
    serpentine: fc.boolean(),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .map(({ design, armCount, reps, columns, serpentine, seed }) => {
    const arms = design === 'paired' ? ['T', 'C'] : Array.from({ length: armCount }, (_, i) => `A${i + 1}`);
    const plots = arms.length * reps;
    const spec: LayoutSpec = { design, arms, rows: Math.ceil(plots / columns), columns, serpentine, ...(design === 'crd' ? { plotsPerArm: reps } : { blocks: reps }) };
    return { spec, seed };
  });

describe('generateLayout', () => {
  it('puts every arm once in every block of an RCBD, and fills distinct places in field order', () => {
    fc.assert(
      fc.property(specArb, ({ spec, seed }) => {
        const cells = generateLayout(spec, seed);
        const reps = spec.design === 'crd' ? spec.plotsPerArm! : spec.blocks!;
        expect(cells).toHaveLength(spec.arms.length * reps);
        expect(cells.map((c) => c.n)).toEqual(cells.map((_, i) => i + 1));
        expect(new Set(cells.map((c) => `${c.row},${c.column}`)).size).toBe(cells.length);
        for (const c of cells) {
          expect(c.row).toBeGreaterThanOrEqual(1);
          expect(c.row).toBeLessThanOrEqual(spec.rows);
          expect(c.column).toBeGreaterThanOrEqual(1);
          expect(c.column).toBeLessThanOrEqual(spec.columns);
        }
        if (spec.design === 'crd') {
          expect(cells.every((c) => c.block === null)).toBe(true);
          for (const arm of spec.arms) expect(cells.filter((c) => c.arm === arm)).toHaveLength(reps);
        } else {
          const blocks = byBlock(cells);
          expect([...blocks.keys()]).toEqual(Array.from({ length: reps }, (_, i) => i + 1));
          for (const arms of blocks.values()) expect([...arms].sort()).toEqual([...spec.arms].sort());
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives each pair of a paired layout one treatment and one control, on neighbouring plots', () => {
    const cells = generateLayout({ design: 'paired', arms: ['T', 'C'], blocks: 6, rows: 3, columns: 4, serpentine: true }, 99);
    for (let pair = 1; pair <= 6; pair++) {
      const two = cells.filter((c) => c.block === pair);
      expect(two.map((c) => c.arm).sort()).toEqual(['C', 'T']);
      expect(two.map((c) => c.n)).toEqual([2 * pair - 1, 2 * pair]);
    }
  });

  it('gives the same layout for the same seed, and this layout for seed 20261201', () => {
    const spec: LayoutSpec = { design: 'rcbd', arms: ARMS3, blocks: 3, rows: 3, columns: 3, serpentine: true };
    const a = generateLayout(spec, 20261201);
    expect(generateLayout(spec, 20261201)).toEqual(a);
    expect(a.map((c) => `${c.n}:${c.arm}@${c.row},${c.column}`)).toEqual(PINNED);
    expect(generateLayout(spec, 20261202).map((c) => c.arm)).not.toEqual(a.map((c) => c.arm));
  });

  it('draws every order within a block equally often over 6000 seeds (chi-square, 5 df)', () => {
    const spec: LayoutSpec = { design: 'rcbd', arms: ARMS3, blocks: 2, rows: 2, columns: 3 };
    const first: string[] = [];
    const second: string[] = [];
    for (let seed = 0; seed < 6000; seed++) {
      const cells = generateLayout(spec, seed);
      first.push(cells.slice(0, 3).map((c) => c.arm).join());
      second.push(cells.slice(3).map((c) => c.arm).join());
    }
    expect(tally(first)).toHaveLength(6);
    expect(chiSquare(tally(first))).toBeLessThan(CHI2_999[5]);
    expect(chiSquare(tally(second))).toBeLessThan(CHI2_999[5]);
    // The two blocks are drawn independently: block 2 repeats block 1 about 1 time in 6.
    const same = first.filter((k, i) => k === second[i]).length;
    expect((same - 1000) ** 2 / 1000 + (6000 - same - 5000) ** 2 / 5000).toBeLessThan(CHI2_999[1]);
  });

  it('places each arm of a CRD on each plot equally often over 6000 seeds (chi-square, 2 df)', () => {
    const spec: LayoutSpec = { design: 'crd', arms: ARMS3, plotsPerArm: 2, rows: 2, columns: 3 };
    const atPlot1: string[] = [];
    const atPlot6: string[] = [];
    for (let seed = 0; seed < 6000; seed++) {
      const cells = generateLayout(spec, seed);
      atPlot1.push(cells[0].arm);
      atPlot6.push(cells[5].arm);
    }
    expect(chiSquare(tally(atPlot1))).toBeLessThan(CHI2_999[2]);
    expect(chiSquare(tally(atPlot6))).toBeLessThan(CHI2_999[2]);
  });

  it('puts the treatment first in a pair half of the time over 4000 seeds (chi-square, 1 df)', () => {
    const spec: LayoutSpec = { design: 'paired', arms: ['T', 'C'], blocks: 3, rows: 1, columns: 6 };
    const sides = Array.from({ length: 4000 }, (_, seed) => generateLayout(spec, seed)[2].arm);
    expect(chiSquare(tally(sides))).toBeLessThan(CHI2_999[1]);
  });

  it('refuses a field with fewer places than plots, a CRD without plots per arm and a pair of three arms', () => {
    expect(checkLayoutSpec({ design: 'rcbd', arms: ARMS3, blocks: 4, rows: 2, columns: 5 })).toEqual({ field: 'rows', problem: 'fieldTooSmall', plots: 12, places: 10 });
    expect(checkLayoutSpec({ design: 'crd', arms: ARMS3, rows: 2, columns: 5 })).toEqual({ field: 'plotsPerArm', problem: 'required' });
    expect(checkLayoutSpec({ design: 'paired', arms: ARMS3, blocks: 2, rows: 2, columns: 5 })).toEqual({ field: 'arms', problem: 'pairedArms' });
    expect(() => generateLayout({ design: 'rcbd', arms: ARMS3, blocks: 1, rows: 1, columns: 3 }, -1)).toThrow(/seed/);
  });
});

describe('fieldPlace and plotLabel', () => {
  it('numbers plots along the rows, turning back at each row end when serpentine', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => fieldPlace(n, 3, false))).toEqual([
      { row: 1, column: 1 }, { row: 1, column: 2 }, { row: 1, column: 3 },
      { row: 2, column: 1 }, { row: 2, column: 2 }, { row: 2, column: 3 },
    ]);
    expect([4, 5, 6, 7].map((n) => fieldPlace(n, 3, true))).toEqual([{ row: 2, column: 3 }, { row: 2, column: 2 }, { row: 2, column: 1 }, { row: 3, column: 1 }]);
  });

  it('fills a label pattern, pads the plot number and drops the dash of an empty block', () => {
    expect(plotLabel('{site}-{block}-{n}', { site: '二工', block: 2, n: 7, row: 3, column: 1 }, 12)).toBe('二工-2-07');
    expect(plotLabel('{site}-{block}-{n}', { site: '二工', block: null, n: 7, row: 3, column: 1 }, 9)).toBe('二工-7');
    expect(plotLabel('R{row}C{column}', { site: 'x', block: 1, n: 1, row: 3, column: 10 }, 9)).toBe('R3C10');
    expect(unknownPlaceholders('{site}-{arm}-{n}-{}')).toEqual(['arm', '']);
  });
});

/** Seed 20261201, 3 blocks of 3 arms on 3 × 3 serpentine (made by this code, kept so a change shows). */
const PINNED = ['1:T2@1,1', '2:T1@1,2', '3:C@1,3', '4:T1@2,3', '5:C@2,2', '6:T2@2,1', '7:T2@3,1', '8:T1@3,2', '9:C@3,3'];
