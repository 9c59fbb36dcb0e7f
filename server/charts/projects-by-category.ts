import { chartSize, type ChartSize, labelWidth, plotLibrary, renderPlot } from './svg.js';

export interface CategoryStatusCount {
  /** The category's label, e.g. "地州市类". */
  category: string;
  /** The status's label, e.g. "实施中". */
  status: string;
  count: number;
}

export interface ProjectsByCategoryInput extends ChartSize {
  counts: readonly CategoryStatusCount[];
  /** Category labels top to bottom. */
  categories: readonly string[];
  /** Status labels in their order, with a colour each. */
  statuses: readonly { label: string; colour: string }[];
  xLabel: string;
}

/**
 * Projects per category as horizontal bars stacked by status (SVG string), each category's
 * total written at the end of its bar. Classes:
 * `bar-status`, `bar-total`. The legend is the page's (the same colours), so it wraps like text.
 * @example projectsByCategory({ counts: [{ category: 'A', status: 's', count: 2 }], categories: ['A'], statuses: [{ label: 's', colour: '#999' }], xLabel: 'n' }).includes('bar-status') // => true
 */
export function projectsByCategory(input: ProjectsByCategoryInput): string {
  const Plot = plotLibrary();
  const { width, fontSize } = chartSize(input);
  const data = input.counts.filter((c) => c.count > 0);
  const totals = input.categories.map((category) => ({ category, total: input.counts.filter((c) => c.category === category).reduce((a, c) => a + c.count, 0) }));
  const max = Math.max(1, ...totals.map((t) => t.total));
  const left = Math.max(...input.categories.map((c) => labelWidth(c, fontSize)), 40) + fontSize;
  return renderPlot({
    width,
    height: Math.max(120, input.categories.length * fontSize * 3.2 + fontSize * 4),
    marginLeft: left,
    marginRight: fontSize * 3,
    marginBottom: fontSize * 3,
    style: { fontSize: `${fontSize}px` },
    x: { domain: [0, max], label: input.xLabel, labelArrow: 'none', grid: true, nice: true, tickFormat: (d: number) => (Number.isInteger(d) ? String(d) : '') },
    y: { domain: [...input.categories], label: null, padding: 0.3 },
    color: { domain: input.statuses.map((s) => s.label), range: input.statuses.map((s) => s.colour) },
    marks: [
      Plot.barX(data, Plot.stackX({ className: 'bar-status', y: 'category', x: 'count', fill: 'status', order: input.statuses.map((s) => s.label) })),
      Plot.text(totals.filter((t) => t.total > 0), { className: 'bar-total', y: 'category', x: 'total', text: (d: { total: number }) => String(d.total), dx: fontSize * 0.8, textAnchor: 'start', fill: '#222' }),
      Plot.ruleX([0], { stroke: '#333' }),
    ],
  });
}
