import { compareAcrossSites, type AcrossSites } from './across-sites.js';
import type { ArmComparison } from './arm-comparison.js';
import { tallyCategoryCells, type CategoryTable } from './categories.js';
import type { Flag } from './flags.js';
import { writeHeadline, type Headline } from './headline.js';
import { comparePaired, type PairedComparison } from './paired.js';
import type { PlotValueFlag, VariableKind } from './plot-values.js';
import { cellAt, indexCells, isUsableAt, reportCells, usableValues, type CellIndex, type ReportCell } from './report-cells.js';
import { compareUnpaired } from './welch.js';

export type Design = 'crd' | 'paired' | 'rcbd';

export interface ReportArm {
  name: string;
  role: 'treatment' | 'control';
}

export interface ReportSite {
  id: number;
  name: string;
}

export interface ReportVariable {
  code: string;
  name: string;
  nameEn: string | null;
  kind: VariableKind;
  unit: string | null;
}

/** One plot's combined value of one variable, as `aggregatePlotValues` (or its SQL twin) gives it. */
export interface ReportPlotValue {
  plotId: number;
  siteId: number;
  arm: string;
  block: string | null;
  /** Variable code. */
  variable: string;
  /** Days after planting for dates; null when missing or flagged. */
  value: number | null;
  /** The category or text, for category/text variables. */
  text?: string | null;
  flag?: PlotValueFlag;
}

export interface ReportInput {
  design: Design;
  arms: ReportArm[];
  /** In display order. */
  sites: ReportSite[];
  variables: ReportVariable[];
  plotValues: ReportPlotValue[];
}

/** The same input with the plot values gathered per site × arm × variable (`ReportCell`). */
export type ReportCellInput = Omit<ReportInput, 'plotValues'> & { cells: readonly ReportCell[] };

/** One site's row of a comparison. Paired designs add nPairs, dropped and the pair means. */
export type SiteComparison = { siteId: number; siteName: string } & (ArmComparison | PairedComparison) & {
    /** The site's Welch or paired test gives p < 0.05 (spec §8). */
    significant: boolean;
    /** Plots left out because they have a date observation but no planting date. */
    missingPlantingDate?: number;
    /** Plots left out because an observation could not be read. */
    invalidValues?: number;
  };

export interface TextEntry {
  siteId: number;
  arm: string;
  plotId: number;
  text: string;
}

/** One variable × treatment arm against the control (or one category/text variable). */
export interface Comparison {
  variable: { code: string; name: string; nameEn: string | null; kind: VariableKind; unit: string | null };
  treatmentArm: string | null;
  controlArm: string | null;
  sites: SiteComparison[];
  overall: AcrossSites | null;
  headline: Headline;
  /** Problems of the whole comparison (e.g. `noControlArm`). */
  flags: Flag[];
  categories?: CategoryTable;
  texts?: TextEntry[];
}

function notComparable(reason: 'noControlArm' | 'noTreatmentArm'): Headline {
  return { statement: { code: reason }, significant: false, qualifier: null };
}

function variableOf(v: ReportVariable): Comparison['variable'] {
  return { code: v.code, name: v.name, nameEn: v.nameEn, kind: v.kind, unit: v.unit };
}

/** The one verdict of a comparison (spec §8): its own test's p below 0.05. */
export function isSignificant(pValue: number | null): boolean {
  return pValue !== null && pValue < 0.05;
}

/** Plots of a cell left out for a missing planting date, and for a value that could not be read. */
function leftOut(cell: ReportCell | undefined): { missingPlantingDate: number; invalidValues: number } {
  let missingPlantingDate = 0;
  let invalidValues = 0;
  if (!cell) return { missingPlantingDate, invalidValues };
  for (let i = 0; i < cell.plotIds.length; i++) {
    const flag = cell.flags === null ? null : cell.flags[i];
    const value = cell.values === null ? null : cell.values[i];
    if (flag === 'missingPlantingDate') missingPlantingDate++;
    else if (flag === 'invalidValue' || (flag === null && value !== null && !isUsableAt(cell, i))) invalidValues++;
  }
  return { missingPlantingDate, invalidValues };
}

function hasBlock(blocks: readonly (string | null)[] | null): boolean {
  return blocks !== null && blocks.some((b) => b !== null && b !== '');
}

function compareSite(design: Design, site: ReportSite, treatment: ReportCell | undefined, control: ReportCell | undefined): SiteComparison {
  const t = usableValues(treatment);
  const c = usableValues(control);
  // Paired designs whose plots carry no block at all are compared as unpaired (spec §2).
  const unblocked = design !== 'crd' && t.values.length + c.values.length > 0 && !hasBlock(t.blocks) && !hasBlock(c.blocks);
  const result =
    design === 'crd' || unblocked
      ? compareUnpaired(t.values, c.values)
      : comparePaired(
          t.values.map((value, i) => ({ block: t.blocks === null ? null : t.blocks[i], value })),
          c.values.map((value, i) => ({ block: c.blocks === null ? null : c.blocks[i], value })),
        );
  const row: SiteComparison = { siteId: site.id, siteName: site.name, ...result, significant: isSignificant(result.pValue) };
  if (unblocked) row.flags = [...row.flags, 'noBlocks'];
  const a = leftOut(treatment);
  const b = leftOut(control);
  const missingPlantingDate = a.missingPlantingDate + b.missingPlantingDate;
  const invalidValues = a.invalidValues + b.invalidValues;
  if (missingPlantingDate > 0) {
    row.missingPlantingDate = missingPlantingDate;
    row.flags = [...row.flags, 'missingPlantingDate'];
  }
  if (invalidValues > 0) {
    row.invalidValues = invalidValues;
    row.flags = [...row.flags, 'invalidValue'];
  }
  return row;
}

function compareNumeric(
  input: ReportCellInput,
  variable: ReportVariable,
  index: CellIndex,
  treatmentArm: string,
  controlArm: string,
  flags: Flag[],
): Comparison {
  const sites = input.sites.map((site) =>
    compareSite(input.design, site, cellAt(index, variable.code, site.id, treatmentArm), cellAt(index, variable.code, site.id, controlArm)),
  );
  const entered = sites.filter((s): s is SiteComparison & { delta: number } => s.delta !== null);
  const overall = compareAcrossSites(entered.map((s) => ({ delta: s.delta, logRatio: s.logRatio })));
  const source = entered.length === 1 ? entered[0] : overall;
  const headline = writeHeadline({
    variable: { kind: variable.kind as 'date' | 'number' | 'count' },
    siteDeltas: entered.map((s) => s.delta),
    delta: source?.delta ?? null,
    deltaCi: source?.deltaCi ?? null,
    percent: source?.percent ?? null,
    percentCi: source?.percentCi ?? null,
    pValue: source?.pValue ?? null,
  });
  return { variable: variableOf(variable), treatmentArm, controlArm, sites, overall, headline, flags };
}

function describeCategories(input: ReportCellInput, variable: ReportVariable, cells: readonly ReportCell[], controlArm: string | null, flags: Flag[]): Comparison {
  return descriptive(variable, controlArm, flags, { code: 'categories' }, { categories: tallyCategoryCells(input.arms, input.sites, cells) });
}

/** A comparison that describes rather than compares (categories, texts): no arms, sites or
 * overall figure, and a headline that is never significant. */
function descriptive(
  variable: ReportVariable,
  controlArm: string | null,
  flags: Flag[],
  statement: Comparison['headline']['statement'],
  listed: Pick<Comparison, 'categories'> | Pick<Comparison, 'texts'>,
): Comparison {
  return { variable: variableOf(variable), treatmentArm: null, controlArm, sites: [], overall: null, headline: { statement, significant: false, qualifier: null }, flags, ...listed };
}

function listTexts(input: ReportCellInput, variable: ReportVariable, index: CellIndex, controlArm: string | null, flags: Flag[]): Comparison {
  const texts: TextEntry[] = [];
  for (const site of input.sites) {
    for (const arm of input.arms) {
      const cell = cellAt(index, variable.code, site.id, arm.name);
      if (!cell || cell.texts === null) continue;
      for (let i = 0; i < cell.plotIds.length; i++) {
        const text = cell.texts[i];
        if (typeof text === 'string' && text !== '') texts.push({ siteId: site.id, arm: arm.name, plotId: cell.plotIds[i], text });
      }
    }
  }
  return descriptive(variable, controlArm, flags, { code: 'texts', count: texts.length }, { texts });
}

/** The input as cells, however it was given. */
export function cellsOf(input: ReportInput | ReportCellInput): readonly ReportCell[] {
  return 'cells' in input ? input.cells : reportCells(input.plotValues);
}

/**
 * Builds every treatment-versus-control comparison of a trial from its plot values, given
 * one per plot (`plotValues`) or gathered per site × arm × variable (`cells`, as the database
 * keeps them; the same figures, bit for bit, without an object per plot): one entry per date/number/count variable × treatment arm (variables, then arms, in input
 * order), each with one row per listed site, the across-site summary and a headline;
 * plus one entry per category variable (`categories`) and per text variable (`texts`).
 *
 * Design `crd` compares sites by Welch (`compareUnpaired`); `paired` and `rcbd` pair plots
 * by block (`comparePaired`), or use Welch at a site whose plots have no block at all
 * (flag `noBlocks`); there a site's meanTreatment/meanControl cover every plot
 * of each arm, while delta, percent and the log ratio pooled across sites use the pairs
 * (spec §3), so they coincide when every plot is paired. A site enters `overall` only
 * when it has a delta; the headline uses the pooled figures, or the site's own when only
 * one site has a delta. Plots flagged `missingPlantingDate` or `invalidValue` are left
 * out and counted on their site. Without a control arm each treatment arm gets an entry
 * with `controlArm: null`, no sites, `overall: null` and flag `noControlArm`. Nothing is
 * thrown for odd data: what cannot be computed is null with a flag code (`FLAGS`); the
 * headline is a statement code with figures, worded by the server.
 * @example buildComparisons({
 *   design: 'crd', arms: [{ name: 'new', role: 'treatment' }, { name: 'old', role: 'control' }],
 *   sites: [{ id: 1, name: 'A' }],
 *   variables: [{ code: 'y', name: '产量', nameEn: 'yield', kind: 'number', unit: 'kg/mu' }],
 *   plotValues: [
 *     { plotId: 1, siteId: 1, arm: 'new', block: null, variable: 'y', value: 110 },
 *     { plotId: 2, siteId: 1, arm: 'old', block: null, variable: 'y', value: 100 },
 *   ],
 * })[0].headline.statement // => { code: 'percent', percent: 10 }
 */
export function buildComparisons(given: ReportInput | ReportCellInput): Comparison[] {
  const input: ReportCellInput = { ...given, cells: cellsOf(given) };
  const treatmentArms = input.arms.filter((a) => a.role === 'treatment').map((a) => a.name);
  const controlArms = input.arms.filter((a) => a.role === 'control').map((a) => a.name);
  const controlArm = controlArms[0] ?? null;
  const siteIds = new Set(input.sites.map((s) => s.id));
  const armNames = new Set(input.arms.map((a) => a.name));
  const out: Comparison[] = [];

  const index = indexCells(input.cells);
  const byVariable = new Map<string, ReportCell[]>();
  for (const cell of input.cells) {
    if (cell.plotIds.length === 0) continue;
    const list = byVariable.get(cell.variable);
    if (list) list.push(cell);
    else byVariable.set(cell.variable, [cell]);
  }
  for (const variable of input.variables) {
    const cells = byVariable.get(variable.code) ?? [];
    const flags: Flag[] = [];
    if (cells.some((c) => !siteIds.has(c.siteId))) flags.push('unlistedSite');
    if (cells.some((c) => !armNames.has(c.arm))) flags.push('unlistedArm');

    if (variable.kind === 'category') {
      out.push(describeCategories(input, variable, cells, controlArm, flags));
      continue;
    }
    if (variable.kind === 'text') {
      out.push(listTexts(input, variable, index, controlArm, flags));
      continue;
    }
    if (controlArms.length > 1) flags.push('severalControlArms');
    if (treatmentArms.length === 0) {
      const reasons: Flag[] = controlArm === null ? ['noControlArm', 'noTreatmentArm'] : ['noTreatmentArm'];
      out.push({
        variable: variableOf(variable),
        treatmentArm: null,
        controlArm,
        sites: [],
        overall: null,
        headline: notComparable(controlArm === null ? 'noControlArm' : 'noTreatmentArm'),
        flags: [...flags, ...reasons],
      });
      continue;
    }
    for (const treatmentArm of treatmentArms) {
      if (controlArm === null) {
        out.push({
          variable: variableOf(variable),
          treatmentArm,
          controlArm: null,
          sites: [],
          overall: null,
          headline: notComparable('noControlArm'),
          flags: [...flags, 'noControlArm'],
        });
      } else {
        out.push(compareNumeric(input, variable, index, treatmentArm, controlArm, [...flags]));
      }
    }
  }
  return out;
}
