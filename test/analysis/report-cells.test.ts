import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tallyCategories, tallyCategoryCells } from '../../analysis/categories.js';
import { buildAnova } from '../../analysis/multi-arm.js';
import { buildComparisons, type ReportInput, type ReportPlotValue } from '../../analysis/report.js';
import { cellAt, indexCells, reportCells, usableValues, type ReportCell } from '../../analysis/report-cells.js';
import { anyValue } from './support.js';

const arms = [
  { name: 'new', role: 'treatment' as const },
  { name: 'newer', role: 'treatment' as const },
  { name: 'old', role: 'control' as const },
];
const sites = [
  { id: 1, name: 'Tacheng' },
  { id: 2, name: 'Hoboksar' },
];
const variables = [
  { code: 'yield', name: '产量', nameEn: 'yield', kind: 'number' as const, unit: 'kg/mu' },
  { code: 'flowering', name: '开花期', nameEn: 'flowering', kind: 'date' as const, unit: null },
  { code: 'vigour', name: '长势', nameEn: 'vigour', kind: 'category' as const, unit: null },
  { code: 'notes', name: '记录', nameEn: 'notes', kind: 'text' as const, unit: null },
];

/** Rows of one key cut into consecutive pieces at `cuts`, each piece one cell built here by hand. */
function handCells(rows: ReportPlotValue[], cuts: number[]): ReportCell[] {
  const keys = new Map<string, ReportPlotValue[]>();
  for (const r of rows) {
    const key = `${r.variable}/${r.siteId}/${r.arm}`;
    keys.set(key, [...(keys.get(key) ?? []), r]);
  }
  const cells: ReportCell[] = [];
  let k = 0;
  for (const list of keys.values()) {
    const cut = list.length === 0 ? 0 : cuts[k++ % cuts.length] % (list.length + 1);
    for (const piece of [list.slice(cut), list.slice(0, cut)]) {
      if (piece.length === 0) continue;
      cells.push({
        siteId: piece[0].siteId,
        arm: piece[0].arm,
        variable: piece[0].variable,
        plotIds: piece.map((r) => r.plotId),
        blocks: piece.map((r) => r.block),
        values: piece.map((r) => r.value),
        texts: piece.map((r) => r.text ?? null),
        flags: piece.map((r) => r.flag ?? null),
      });
    }
  }
  return cells.reverse();
}

describe('report cells', () => {
  it('gathers plot values per variable, site and arm, in plot order, with null for an all-null array', () => {
    const cells = reportCells([
      { plotId: 7, siteId: 1, arm: 'new', block: null, variable: 'yield', value: 5 },
      { plotId: 3, siteId: 1, arm: 'new', block: null, variable: 'yield', value: 4, flag: 'invalidValue' },
      { plotId: 4, siteId: 2, arm: 'new', block: 'a', variable: 'yield', value: 6 },
      { plotId: 3, siteId: 1, arm: 'new', block: null, variable: 'vigour', value: null, text: '旺' },
    ]);
    expect(cells).toEqual([
      { siteId: 1, arm: 'new', variable: 'yield', plotIds: [3, 7], blocks: null, values: [4, 5], texts: null, flags: ['invalidValue', null] },
      { siteId: 2, arm: 'new', variable: 'yield', plotIds: [4], blocks: ['a'], values: [6], texts: null, flags: null },
      { siteId: 1, arm: 'new', variable: 'vigour', plotIds: [3], blocks: null, values: null, texts: ['旺'], flags: null },
    ]);
  });

  it('hands a cell whose every value is usable to the test as it is, and leaves out flagged or unreadable ones', () => {
    const clean: ReportCell = { siteId: 1, arm: 'new', variable: 'y', plotIds: [1, 2], blocks: null, values: [1.5, 2], texts: null, flags: null };
    expect(usableValues(clean).values).toBe(clean.values);
    const mixed: ReportCell = {
      ...clean,
      plotIds: [1, 2, 3, 4],
      blocks: ['a', 'b', 'c', 'd'],
      values: [1, null, Number.NaN, 4],
      flags: [null, null, null, 'missingPlantingDate'],
    };
    expect(usableValues(mixed)).toEqual({ values: [1], blocks: ['a'] });
    expect(usableValues(undefined)).toEqual({ values: [], blocks: null });
  });

  it('puts a lone cell that came out of plot order in order, as merged cells are', () => {
    const cell: ReportCell = { siteId: 1, arm: 'newer', variable: 'notes', plotIds: [1000, 999], blocks: null, values: null, texts: ['甲', '乙'], flags: null };
    expect(cellAt(indexCells([cell]), 'notes', 1, 'newer')).toMatchObject({ plotIds: [999, 1000], texts: ['乙', '甲'] });
    const ordered: ReportCell = { ...cell, plotIds: [999, 1000] };
    expect(cellAt(indexCells([ordered]), 'notes', 1, 'newer')).toBe(ordered);
  });

  it('give the same report as one value per plot, however the cells are cut and ordered', () => {
    const row = fc.record({
      siteId: fc.constantFrom(1, 2, 3),
      arm: fc.constantFrom('new', 'newer', 'old', 'other'),
      block: fc.option(fc.constantFrom('a', 'b', 'c', ''), { nil: null }),
      variable: fc.constantFrom('yield', 'flowering', 'vigour', 'notes'),
      value: fc.option(fc.oneof({ weight: 20, arbitrary: anyValue }, { weight: 1, arbitrary: fc.constant(Number.NaN) }), { nil: null }),
      text: fc.option(fc.constantFrom('旺', '中', '弱', ''), { nil: null }),
      flag: fc.option(fc.constantFrom('missingPlantingDate' as const, 'invalidValue' as const), { nil: undefined, freq: 8 }),
    });
    fc.assert(
      fc.property(
        fc.array(row, { maxLength: 40 }),
        fc.array(fc.nat(40), { minLength: 1, maxLength: 8 }),
        fc.constantFrom('crd' as const, 'paired' as const, 'rcbd' as const),
        fc.subarray(arms, { minLength: 1 }),
        (drawn, cuts, design, someArms) => {
          const plotValues: ReportPlotValue[] = drawn.map((r, i) => ({ ...r, plotId: 1000 - i }));
          const perPlot: ReportInput = { design, arms: someArms, sites, variables, plotValues };
          const cells = { design, arms: someArms, sites, variables, cells: handCells(plotValues, cuts) };
          expect(buildComparisons(cells)).toEqual(buildComparisons(perPlot));
          expect(buildAnova(cells)).toEqual(buildAnova(perPlot));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('tally categories as the per-plot rows do', () => {
    const row = fc.record({
      siteId: fc.constantFrom(1, 2, 3),
      arm: fc.constantFrom('new', 'old', 'other'),
      text: fc.option(fc.constantFrom('旺', '中', '弱', ''), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 30 }), (rows) => {
        const cells = reportCells(rows.map((r, i) => ({ ...r, plotId: i + 1, block: null, variable: 'vigour', value: null })));
        expect(tallyCategoryCells(arms, sites, cells)).toEqual(tallyCategories(arms, sites, rows));
      }),
    );
  });
});
