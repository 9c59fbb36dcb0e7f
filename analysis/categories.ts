import type { ReportCell } from './report-cells.js';

/** How often one category was recorded in one arm. */
export interface CategoryCount {
  level: string;
  count: number;
  /** count / n; null when the arm has no value. */
  proportion: number | null;
}

export interface ArmCategories {
  arm: string;
  role: 'treatment' | 'control';
  /** Plots of the arm with a category recorded. */
  n: number;
  /** One entry per level of the table, in the table's level order. */
  counts: CategoryCount[];
}

export interface CategoryTable {
  /** Every category recorded, sorted by code point. */
  levels: string[];
  sites: { siteId: number; siteName: string; arms: ArmCategories[] }[];
  overall: ArmCategories[];
}

export interface CategoryRow {
  siteId: number;
  arm: string;
  text?: string | null;
}

function tallyArm(arm: { name: string; role: 'treatment' | 'control' }, levels: string[], counts: Map<string, number> | undefined): ArmCategories {
  let n = 0;
  if (counts) for (const c of counts.values()) n += c;
  return {
    arm: arm.name,
    role: arm.role,
    n,
    counts: levels.map((level) => {
      const count = counts?.get(level) ?? 0;
      return { level, count, proportion: n > 0 ? count / n : null };
    }),
  };
}

/** Counts of each category by site and arm, from any source of (site, arm, text) triples. */
class Tally {
  private readonly siteIds: Set<number>;
  private readonly armNames: Set<string>;
  readonly byArm = new Map<string, Map<string, number>>();
  readonly bySiteArm = new Map<number, Map<string, Map<string, number>>>();

  constructor(
    private readonly arms: readonly { name: string; role: 'treatment' | 'control' }[],
    private readonly sites: readonly { id: number; name: string }[],
  ) {
    this.siteIds = new Set(sites.map((s) => s.id));
    this.armNames = new Set(arms.map((a) => a.name));
  }

  /** Whether rows of this site and arm are counted at all. */
  counts(siteId: number, arm: string): boolean {
    return this.siteIds.has(siteId) && this.armNames.has(arm);
  }

  /** Counts `text` `count` times for a site and arm that `counts`. */
  add(siteId: number, arm: string, text: string, count = 1): void {
    let all = this.byArm.get(arm);
    if (!all) this.byArm.set(arm, (all = new Map()));
    all.set(text, (all.get(text) ?? 0) + count);
    let arms = this.bySiteArm.get(siteId);
    if (!arms) this.bySiteArm.set(siteId, (arms = new Map()));
    let here = arms.get(arm);
    if (!here) arms.set(arm, (here = new Map()));
    here.set(text, (here.get(text) ?? 0) + count);
  }

  table(): CategoryTable {
    const seen = new Set<string>();
    for (const counts of this.byArm.values()) for (const level of counts.keys()) seen.add(level);
    const levels = [...seen].sort();
    return {
      levels,
      sites: this.sites.map((site) => ({
        siteId: site.id,
        siteName: site.name,
        arms: this.arms.map((arm) => tallyArm(arm, levels, this.bySiteArm.get(site.id)?.get(arm.name))),
      })),
      overall: this.arms.map((arm) => tallyArm(arm, levels, this.byArm.get(arm.name))),
    };
  }
}

/**
 * Counts and proportions of a category variable per arm, per site and over all sites
 * (one plot = one count; no delta, no test). Rows of sites or arms not listed, and rows
 * without a category, are left out.
 * @example tallyCategories(
 *   [{ name: 'new', role: 'treatment' }], [{ id: 1, name: 'A' }],
 *   [{ siteId: 1, arm: 'new', text: 'red' }],
 * ).overall[0].counts // => [{ level: 'red', count: 1, proportion: 1 }]
 */
export function tallyCategories(
  arms: readonly { name: string; role: 'treatment' | 'control' }[],
  sites: readonly { id: number; name: string }[],
  rows: readonly CategoryRow[],
): CategoryTable {
  const tally = new Tally(arms, sites);
  for (const r of rows) {
    if (typeof r.text === 'string' && r.text !== '' && tally.counts(r.siteId, r.arm)) tally.add(r.siteId, r.arm, r.text);
  }
  return tally.table();
}

/**
 * `tallyCategories` of plot values gathered per site × arm (`ReportCell`): the same table.
 * @example tallyCategoryCells(
 *   [{ name: 'new', role: 'treatment' }], [{ id: 1, name: 'A' }],
 *   [{ siteId: 1, arm: 'new', texts: ['red', null] }],
 * ).overall[0].n // => 1
 */
export function tallyCategoryCells(
  arms: readonly { name: string; role: 'treatment' | 'control' }[],
  sites: readonly { id: number; name: string }[],
  cells: readonly Pick<ReportCell, 'siteId' | 'arm' | 'texts'>[],
): CategoryTable {
  const tally = new Tally(arms, sites);
  for (const cell of cells) {
    if (cell.texts === null || !tally.counts(cell.siteId, cell.arm)) continue;
    const counts = new Map<string, number>();
    for (const text of cell.texts) if (typeof text === 'string' && text !== '') counts.set(text, (counts.get(text) ?? 0) + 1);
    for (const [text, count] of counts) tally.add(cell.siteId, cell.arm, text, count);
  }
  return tally.table();
}
