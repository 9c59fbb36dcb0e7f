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

function tallyArm(arm: { name: string; role: 'treatment' | 'control' }, levels: string[], texts: readonly string[]): ArmCategories {
  const n = texts.length;
  const counts = new Map<string, number>();
  for (const t of texts) counts.set(t, (counts.get(t) ?? 0) + 1);
  return {
    arm: arm.name,
    role: arm.role,
    n,
    counts: levels.map((level) => {
      const count = counts.get(level) ?? 0;
      return { level, count, proportion: n > 0 ? count / n : null };
    }),
  };
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
  const siteIds = new Set(sites.map((s) => s.id));
  const armNames = new Set(arms.map((a) => a.name));
  const kept = rows.filter(
    (r): r is CategoryRow & { text: string } =>
      typeof r.text === 'string' && r.text !== '' && siteIds.has(r.siteId) && armNames.has(r.arm),
  );
  const levels = [...new Set(kept.map((r) => r.text))].sort();
  // One pass over the rows: texts by arm, and by site and arm (nested maps: no key per row).
  const byArm = new Map<string, string[]>();
  const bySiteArm = new Map<number, Map<string, string[]>>();
  for (const r of kept) {
    const all = byArm.get(r.arm);
    if (all) all.push(r.text);
    else byArm.set(r.arm, [r.text]);
    let arms = bySiteArm.get(r.siteId);
    if (!arms) bySiteArm.set(r.siteId, (arms = new Map()));
    const list = arms.get(r.arm);
    if (list) list.push(r.text);
    else arms.set(r.arm, [r.text]);
  }
  const textsOf = (arm: string, siteId?: number) => (siteId === undefined ? byArm.get(arm) : bySiteArm.get(siteId)?.get(arm)) ?? [];
  return {
    levels,
    sites: sites.map((site) => ({
      siteId: site.id,
      siteName: site.name,
      arms: arms.map((arm) => tallyArm(arm, levels, textsOf(arm.name, site.id))),
    })),
    overall: arms.map((arm) => tallyArm(arm, levels, textsOf(arm.name))),
  };
}
