import { compareAcrossSites, type AcrossSites } from './across-sites.js';
import type { ArmComparison } from './arm-comparison.js';
import { tallyCategories, type CategoryTable } from './categories.js';
import type { Flag } from './flags.js';
import { writeHeadline, type Headline } from './headline.js';
import { comparePaired, type PairedComparison } from './paired.js';
import type { PlotValueFlag, VariableKind } from './plot-values.js';
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

/** The rows by key, each group in input order: one pass instead of a filter per group. */
function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

/**
 * The rows by site, then arm, each group in input order: nested maps, so no key is built per
 * row (a report groups 100,000 rows this way). `rowsAt(groups, site, arm)` reads one group.
 */
function groupBySiteArm<T extends { siteId: number; arm: string }>(rows: readonly T[]): Map<number, Map<string, T[]>> {
  const groups = new Map<number, Map<string, T[]>>();
  let lastSite: number | undefined;
  let lastArm: string | undefined;
  let last: T[] | undefined;
  for (const row of rows) {
    // Rows of one site and arm usually arrive together: reuse the group just found.
    if (last && row.siteId === lastSite && row.arm === lastArm) {
      last.push(row);
      continue;
    }
    let arms = groups.get(row.siteId);
    if (!arms) groups.set(row.siteId, (arms = new Map()));
    last = arms.get(row.arm);
    if (last) last.push(row);
    else arms.set(row.arm, (last = [row]));
    lastSite = row.siteId;
    lastArm = row.arm;
  }
  return groups;
}

function rowsAt<T>(groups: Map<number, Map<string, T[]>>, siteId: number, arm: string): T[] | undefined {
  return groups.get(siteId)?.get(arm);
}

function notComparable(reason: 'noControlArm' | 'noTreatmentArm'): Headline {
  return { statement: { code: reason }, significant: false, qualifier: null };
}

function variableOf(v: ReportVariable): Comparison['variable'] {
  return { code: v.code, name: v.name, nameEn: v.nameEn, kind: v.kind, unit: v.unit };
}

function isUsable(row: ReportPlotValue): row is ReportPlotValue & { value: number } {
  return row.flag === undefined && typeof row.value === 'number' && Number.isFinite(row.value);
}

/** The one verdict of a comparison (spec §8): its own test's p below 0.05. */
export function isSignificant(pValue: number | null): boolean {
  return pValue !== null && pValue < 0.05;
}

function compareSite(
  design: Design,
  site: ReportSite,
  treatmentRows: ReportPlotValue[],
  controlRows: ReportPlotValue[],
): SiteComparison {
  const byPlot = (a: ReportPlotValue, b: ReportPlotValue) => a.plotId - b.plotId;
  const t = treatmentRows.filter(isUsable).sort(byPlot);
  const c = controlRows.filter(isUsable).sort(byPlot);
  // Paired designs whose plots carry no block at all are compared as unpaired (spec §2).
  const unblocked = design !== 'crd' && [...t, ...c].length > 0 && [...t, ...c].every((r) => r.block === null || r.block === '');
  const result =
    design === 'crd' || unblocked
      ? compareUnpaired(
          t.map((r) => r.value),
          c.map((r) => r.value),
        )
      : comparePaired(
          t.map((r) => ({ block: r.block, value: r.value })),
          c.map((r) => ({ block: r.block, value: r.value })),
        );
  const row: SiteComparison = { siteId: site.id, siteName: site.name, ...result, significant: isSignificant(result.pValue) };
  if (unblocked) row.flags = [...row.flags, 'noBlocks'];
  const all = [...treatmentRows, ...controlRows];
  const missingPlantingDate = all.filter((r) => r.flag === 'missingPlantingDate').length;
  const invalidValues = all.filter((r) => r.flag === 'invalidValue' || (r.flag === undefined && r.value !== null && !isUsable(r))).length;
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
  input: ReportInput,
  variable: ReportVariable,
  rows: ReportPlotValue[],
  treatmentArm: string,
  controlArm: string,
  flags: Flag[],
): Comparison {
  const bySite = groupBySiteArm(rows);
  const sites = input.sites.map((site) =>
    compareSite(input.design, site, rowsAt(bySite, site.id, treatmentArm) ?? [], rowsAt(bySite, site.id, controlArm) ?? []),
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

function describeCategories(input: ReportInput, variable: ReportVariable, rows: ReportPlotValue[], controlArm: string | null, flags: Flag[]): Comparison {
  return {
    variable: variableOf(variable),
    treatmentArm: null,
    controlArm,
    sites: [],
    overall: null,
    headline: { statement: { code: 'categories' }, significant: false, qualifier: null },
    flags,
    categories: tallyCategories(input.arms, input.sites, rows),
  };
}

function listTexts(input: ReportInput, variable: ReportVariable, rows: ReportPlotValue[], controlArm: string | null, flags: Flag[]): Comparison {
  const texts: TextEntry[] = [];
  const bySite = groupBySiteArm(rows);
  for (const site of input.sites) {
    for (const arm of input.arms) {
      (rowsAt(bySite, site.id, arm.name) ?? [])
        .filter((r) => typeof r.text === 'string' && r.text !== '')
        .sort((a, b) => a.plotId - b.plotId)
        .forEach((r) => texts.push({ siteId: site.id, arm: arm.name, plotId: r.plotId, text: r.text as string }));
    }
  }
  return {
    variable: variableOf(variable),
    treatmentArm: null,
    controlArm,
    sites: [],
    overall: null,
    headline: { statement: { code: 'texts', count: texts.length }, significant: false, qualifier: null },
    flags,
    texts,
  };
}

/**
 * Builds every treatment-versus-control comparison of a trial from its plot values: one
 * entry per date/number/count variable × treatment arm (variables, then arms, in input
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
export function buildComparisons(input: ReportInput): Comparison[] {
  const treatmentArms = input.arms.filter((a) => a.role === 'treatment').map((a) => a.name);
  const controlArms = input.arms.filter((a) => a.role === 'control').map((a) => a.name);
  const controlArm = controlArms[0] ?? null;
  const siteIds = new Set(input.sites.map((s) => s.id));
  const armNames = new Set(input.arms.map((a) => a.name));
  const out: Comparison[] = [];

  const byVariable = groupBy(input.plotValues, (r) => r.variable);
  for (const variable of input.variables) {
    const rows = byVariable.get(variable.code) ?? [];
    const flags: Flag[] = [];
    if (rows.some((r) => !siteIds.has(r.siteId))) flags.push('unlistedSite');
    if (rows.some((r) => !armNames.has(r.arm))) flags.push('unlistedArm');

    if (variable.kind === 'category') {
      out.push(describeCategories(input, variable, rows, controlArm, flags));
      continue;
    }
    if (variable.kind === 'text') {
      out.push(listTexts(input, variable, rows, controlArm, flags));
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
        out.push(compareNumeric(input, variable, rows, treatmentArm, controlArm, [...flags]));
      }
    }
  }
  return out;
}
