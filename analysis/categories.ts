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

function tallyArm(arm: { name: string; role: 'treatment' | 'control' }, levels: string[], texts: string[]): ArmCategories {
  const n = texts.length;
  return {
    arm: arm.name,
    role: arm.role,
    n,
    counts: levels.map((level) => {
      const count = texts.filter((t) => t === level).length;
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
  const textsOf = (arm: string, siteId?: number) =>
    kept.filter((r) => r.arm === arm && (siteId === undefined || r.siteId === siteId)).map((r) => r.text);
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
