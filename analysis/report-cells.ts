import type { PlotValueFlag } from './plot-values.js';
import type { ReportPlotValue } from './report.js';

/**
 * The plot values of one site × arm × variable, ordered by plot id, as parallel arrays: the
 * unit the report is built from (the database keeps one such row per site, arm and variable,
 * so a report of 20,000 plots reads a few hundred of them rather than one object per plot).
 * `blocks`, `values`, `texts` and `flags` are null where every plot would hold null.
 */
export interface ReportCell {
  siteId: number;
  arm: string;
  /** Variable code. */
  variable: string;
  plotIds: readonly number[];
  blocks: readonly (string | null)[] | null;
  /** Days after planting for dates; null when missing or flagged. */
  values: readonly (number | null)[] | null;
  /** The category or text, for category/text variables. */
  texts: readonly (string | null)[] | null;
  flags: readonly (PlotValueFlag | null)[] | null;
}

/** One plot's combined value of one variable (see `ReportCell`, which holds many). */
export type CellPlotValue = ReportPlotValue;

/**
 * Plot values gathered into cells: one per variable × site × arm, in order of first
 * appearance, each cell's plots sorted by plot id (rows of one plot keep their input order).
 * @example reportCells([
 *   { plotId: 2, siteId: 1, arm: 'new', block: null, variable: 'y', value: 5 },
 *   { plotId: 1, siteId: 1, arm: 'new', block: null, variable: 'y', value: 4 },
 * ])[0].values // => [4, 5]
 */
export function reportCells(rows: readonly CellPlotValue[]): ReportCell[] {
  const groups = new Map<string, Map<number, Map<string, CellPlotValue[]>>>();
  for (const row of rows) {
    const arms = armsAt(groups, row.variable, row.siteId);
    const list = arms.get(row.arm);
    if (list) list.push(row);
    else arms.set(row.arm, [row]);
  }
  const cells: ReportCell[] = [];
  for (const [variable, sites] of groups) {
    for (const [siteId, arms] of sites) {
      for (const [arm, list] of arms) {
        const sorted = [...list].sort((a, b) => a.plotId - b.plotId);
        const some = <T>(values: T[]) => (values.some((v) => v !== null) ? values : null);
        cells.push({
          siteId,
          arm,
          variable,
          plotIds: sorted.map((r) => r.plotId),
          blocks: some(sorted.map((r) => r.block)),
          values: some(sorted.map((r) => r.value)),
          texts: some(sorted.map((r) => r.text ?? null)),
          flags: some(sorted.map((r) => r.flag ?? null)),
        });
      }
    }
  }
  return cells;
}

/** Where a cell's plots enter a test: no flag and a finite number. */
export function isUsableAt(cell: ReportCell, i: number): boolean {
  const value = cell.values === null ? null : cell.values[i];
  return (cell.flags === null || cell.flags[i] === null) && typeof value === 'number' && Number.isFinite(value);
}

/**
 * The usable values of a cell (`isUsableAt`) in plot order, with their blocks (null when no
 * plot has one). A cell whose every value is usable is handed back as it is, not copied.
 */
export function usableValues(cell: ReportCell | undefined): { values: readonly number[]; blocks: readonly (string | null)[] | null } {
  if (!cell || cell.values === null) return { values: [], blocks: null };
  const n = cell.plotIds.length;
  let all = cell.flags === null;
  for (let i = 0; all && i < n; i++) {
    const value = cell.values[i];
    all = typeof value === 'number' && Number.isFinite(value);
  }
  if (all) return { values: cell.values as readonly number[], blocks: cell.blocks };
  const values: number[] = [];
  const blocks: (string | null)[] = [];
  for (let i = 0; i < n; i++) {
    if (!isUsableAt(cell, i)) continue;
    values.push(cell.values[i] as number);
    blocks.push(cell.blocks === null ? null : cell.blocks[i]);
  }
  return { values, blocks: cell.blocks === null ? null : blocks };
}

/** Cells by variable, then site, then arm: `cellAt(index, variable, site, arm)` reads one. */
export type CellIndex = Map<string, Map<number, Map<string, ReportCell>>>;

/**
 * The cells by variable, site and arm. Two cells of one key (not given by the database) are
 * merged, keeping plot order.
 */
export function indexCells(cells: readonly ReportCell[]): CellIndex {
  const index: CellIndex = new Map();
  for (const cell of cells) {
    const arms = armsAt(index, cell.variable, cell.siteId);
    const there = arms.get(cell.arm);
    // Cells of one key are merged; a cell is put in plot order if it came otherwise.
    arms.set(cell.arm, there ? regather(there, cell) : inPlotOrder(cell.plotIds) ? cell : regather(cell));
  }
  return index;
}

export function cellAt(index: CellIndex, variable: string, siteId: number, arm: string): ReportCell | undefined {
  return index.get(variable)?.get(siteId)?.get(arm);
}

/** The arms of one variable at one site in a variable → site → arm map, made on first use. */
function armsAt<T>(byVariable: Map<string, Map<number, Map<string, T>>>, variable: string, siteId: number): Map<string, T> {
  let sites = byVariable.get(variable);
  if (!sites) byVariable.set(variable, (sites = new Map()));
  let arms = sites.get(siteId);
  if (!arms) sites.set(siteId, (arms = new Map()));
  return arms;
}

function inPlotOrder(plotIds: readonly number[]): boolean {
  for (let i = 1; i < plotIds.length; i++) if (plotIds[i] < plotIds[i - 1]) return false;
  return true;
}

/** The cells (all of one key) as one cell in plot order. */
function regather(...cells: ReportCell[]): ReportCell {
  const rows: CellPlotValue[] = [];
  for (const c of cells) {
    for (let i = 0; i < c.plotIds.length; i++) {
      rows.push({
        plotId: c.plotIds[i],
        siteId: c.siteId,
        arm: c.arm,
        block: c.blocks === null ? null : c.blocks[i],
        variable: c.variable,
        value: c.values === null ? null : c.values[i],
        text: c.texts === null ? null : c.texts[i],
        flag: c.flags === null || c.flags[i] === null ? undefined : (c.flags[i] as PlotValueFlag),
      });
    }
  }
  return reportCells(rows)[0];
}
