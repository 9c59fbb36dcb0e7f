import { chartSize, type ChartSize, intervalLinks, labelWidth, plotLibrary, rowChart, rowHeight } from './svg.js';

export interface ForestSite {
  label: string;
  /** Treatment − control at the site; null when the site has no comparison. */
  delta: number | null;
  /** Its 95% confidence interval, when one could be computed. */
  ci: readonly [number, number] | null;
}

export interface ForestPooled {
  label: string;
  delta: number;
  ci: readonly [number, number] | null;
  /** Where a new site's delta should fall (95%). */
  predictionInterval: readonly [number, number] | null;
}

export interface ForestInput extends ChartSize {
  sites: readonly ForestSite[];
  pooled: ForestPooled | null;
  /** The x axis title with its unit, e.g. "处理 − 对照（天）". */
  axisLabel: string;
  /** Words at the ends of the axis, e.g. ["← 提前", "推迟 →"]. */
  directions?: readonly [string, string];
}

/**
 * A forest plot as an SVG string: one row per site (its delta as a dot, its 95% CI as a
 * line), the pooled estimate as a diamond on a thick CI line over a pale band for the
 * prediction interval, and a line at zero; the x axis carries the unit. Sites without a
 * CI show the dot alone. Marks carry classes (`site-ci`, `site-delta`, `pooled-ci`,
 * `pooled-pi`, `pooled-delta`, `zero`) so the figure can be checked and styled.
 * @example forestPlot({ sites: [{ label: 'A', delta: -3, ci: [-5, -1] }], pooled: null, axisLabel: 'days' }).startsWith('<svg') // => true
 */
export function forestPlot(input: ForestInput): string {
  const Plot = plotLibrary();
  const { width, fontSize } = chartSize(input);
  const sites = input.sites.filter((s): s is ForestSite & { delta: number } => s.delta !== null && Number.isFinite(s.delta));
  const withCi = sites.filter((s) => s.ci !== null);
  const pooled = input.pooled;
  const rows = [...sites.map((s) => s.label), ...(pooled ? [pooled.label] : [])];
  const xs = [0];
  for (const s of sites) xs.push(s.delta, ...(s.ci ?? []));
  if (pooled) xs.push(pooled.delta, ...(pooled.ci ?? []), ...(pooled.predictionInterval ?? []));
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const pad = (hi - lo || 1) * 0.06;
  const marginTop = input.directions ? fontSize * 2.2 : fontSize;
  const marginLeft = Math.min(width * 0.45, Math.max(48, ...rows.map((r) => labelWidth(r, fontSize) + 16)));
  const pooledRows = pooled ? [pooled] : [];

  return rowChart({
    labels: rows,
    domain: [lo - pad, hi + pad],
    axisLabel: input.axisLabel,
    width,
    fontSize,
    marginTop,
    marginLeft,
    marginRight: fontSize * 1.5,
    marks: [
      Plot.ruleX([0], { className: 'zero', stroke: '#333', strokeWidth: 1.2, strokeDasharray: '4,3' }),
      ...(input.directions
        ? [
            Plot.text([input.directions[0]], { className: 'direction', frameAnchor: 'top-left', dy: -fontSize * 1.4, textAnchor: 'start', fill: '#555' }),
            Plot.text([input.directions[1]], { className: 'direction', frameAnchor: 'top-right', dy: -fontSize * 1.4, textAnchor: 'end', fill: '#555' }),
          ]
        : []),
      intervalLinks(pooledRows, (p) => p.predictionInterval, {
        className: 'pooled-pi',
        stroke: '#9cc5a1',
        strokeOpacity: 0.7,
        strokeWidth: rowHeight(fontSize) * 0.45,
        strokeLinecap: 'butt',
      }),
      intervalLinks(withCi, (s) => s.ci, { className: 'site-ci', stroke: '#1f5130', strokeWidth: 1.6, markerStart: 'tick', markerEnd: 'tick' }),
      Plot.dot(sites, { className: 'site-delta', x: 'delta', y: 'label', r: 4.5, fill: '#1f5130', stroke: 'white', symbol: 'square' }),
      intervalLinks(pooledRows, (p) => p.ci, { className: 'pooled-ci', stroke: '#111', strokeWidth: 3 }),
      Plot.dot(pooledRows, { className: 'pooled-delta', x: 'delta', y: 'label', r: 7, symbol: 'diamond2', fill: '#111', stroke: 'white' }),
    ],
  });
}
