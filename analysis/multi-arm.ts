import { analyseVariance, type AnovaTable, type AnovaValue } from './anova.js';
import { mean } from 'simple-statistics';
import type { Flag } from './flags.js';
import { cellsOf, type ReportCellInput, type ReportInput, type ReportVariable } from './report.js';
import { indexCells, isUsableAt } from './report-cells.js';

/** One site's analysis of variance of a variable. */
export type SiteAnova = { siteId: number; siteName: string } & AnovaTable;

/** Across sites: one value per site × arm (the arm's mean there), sites as blocks. */
export type OverallAnova = AnovaTable & { nSites: number };

/** The analysis of variance of one variable of a multi-arm trial (spec §7). */
export interface VariableAnova {
  variable: { code: string; name: string; nameEn: string | null; kind: ReportVariable['kind']; unit: string | null };
  sites: SiteAnova[];
  overall: OverallAnova | null;
  flags: Flag[];
}

/** One usable plot value of a site: its arm, block and value. */
interface SitePlot {
  plotId: number;
  arm: string;
  block: string | null;
  value: number;
}

/**
 * For trials with three or more arms: per date/number/count variable, each site's
 * analysis of variance (y ~ block + arm when the design pairs plots and every plot of the
 * site has a block, else y ~ arm) and the across-site one (site mean ~ site + arm over the
 * sites with at least two arms), each with Tukey–Kramer pairs and compact letters.
 * An empty list for trials with fewer than three arms.
 * @example buildAnova({ design: 'crd', arms: [{ name: 'a', role: 'control' }, { name: 'b', role: 'treatment' }],
 *   sites: [], variables: [], plotValues: [] }) // => []
 */
export function buildAnova(input: ReportInput | ReportCellInput): VariableAnova[] {
  if (input.arms.length < 3) return [];
  const armOrder = input.arms.map((a) => a.name);
  const index = indexCells(cellsOf(input));
  const out: VariableAnova[] = [];
  for (const variable of input.variables) {
    if (variable.kind !== 'date' && variable.kind !== 'number' && variable.kind !== 'count') continue;
    const sites: SiteAnova[] = [];
    const siteMeans: AnovaValue[] = [];
    let nSites = 0;
    for (const site of input.sites) {
      // The site's usable plots of the listed arms, in plot order across arms.
      const here: SitePlot[] = [];
      for (const [arm, cell] of index.get(variable.code)?.get(site.id) ?? []) {
        if (!armOrder.includes(arm) || cell.values === null) continue;
        for (let i = 0; i < cell.plotIds.length; i++) {
          if (isUsableAt(cell, i)) here.push({ plotId: cell.plotIds[i], arm, block: cell.blocks === null ? null : cell.blocks[i], value: cell.values[i] as number });
        }
      }
      here.sort((a, b) => a.plotId - b.plotId);
      const blocked = input.design !== 'crd' && here.length > 0 && here.every((r) => r.block !== null && r.block !== '');
      const table = analyseVariance(
        here.map((r) => ({ arm: r.arm, block: r.block, value: r.value })),
        armOrder,
        blocked ? 'blocks' : 'one-way',
      );
      sites.push({ siteId: site.id, siteName: site.name, ...table });
      if (table.arms.length >= 2) {
        nSites += 1;
        for (const arm of armOrder) {
          const values = here.filter((r) => r.arm === arm).map((r) => r.value);
          if (values.length > 0) siteMeans.push({ arm, block: String(site.id), value: mean(values) });
        }
      }
    }
    const overall = nSites > 0 ? { nSites, ...analyseVariance(siteMeans, armOrder, 'sites') } : null;
    out.push({
      variable: { code: variable.code, name: variable.name, nameEn: variable.nameEn, kind: variable.kind, unit: variable.unit },
      sites,
      overall,
      flags: [],
    });
  }
  return out;
}
