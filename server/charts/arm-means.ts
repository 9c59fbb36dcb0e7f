import { chartSize, type ChartSize, intervalLinks, labelWidth, plotLibrary, rowChart } from './svg.js';

export interface ArmMean {
  label: string;
  mean: number;
  /** Tukey comparison interval: two arms' intervals overlap when they do not differ. */
  interval: readonly [number, number] | null;
  /** Compact letters, drawn to the right of the row. */
  letters: string | null;
}

export interface ArmMeansInput extends ChartSize {
  arms: readonly ArmMean[];
  /** The x axis title with its unit. */
  axisLabel: string;
}

/**
 * Arm means of a multi-arm trial as an SVG string: one row per arm (highest mean first),
 * the mean as a dot, its Tukey comparison interval as a line, the compact letters at the
 * right. Marks carry classes (`arm-interval`, `arm-mean`, `arm-letters`) so the figure
 * can be checked and styled.
 * @example armMeansPlot({ arms: [{ label: 'A', mean: 3, interval: [2, 4], letters: 'a' }], axisLabel: 'kg' }).startsWith('<svg') // => true
 */
export function armMeansPlot(input: ArmMeansInput): string {
  const Plot = plotLibrary();
  const { width, fontSize } = chartSize(input);
  const arms = [...input.arms].sort((a, b) => b.mean - a.mean);
  const xs = arms.flatMap((a) => [a.mean, ...(a.interval ?? [])]);
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.08;
  const marginLeft = Math.min(width * 0.4, Math.max(48, ...arms.map((a) => labelWidth(a.label, fontSize) + 16)));
  const marginRight = Math.max(fontSize * 3, ...arms.map((a) => labelWidth(a.letters ?? '', fontSize) + fontSize * 1.5));
  return rowChart({
    labels: arms.map((a) => a.label),
    domain: [lo - pad, hi + pad],
    axisLabel: input.axisLabel,
    width,
    fontSize,
    marginTop: fontSize,
    marginLeft,
    marginRight,
    marks: [
      intervalLinks(arms, (a) => a.interval, { className: 'arm-interval', stroke: '#1f5130', strokeWidth: 2, markerStart: 'tick', markerEnd: 'tick' }),
      Plot.dot(arms, { className: 'arm-mean', x: 'mean', y: 'label', r: 5, fill: '#1f5130', stroke: 'white' }),
      Plot.text(
        arms.filter((a) => a.letters),
        { className: 'arm-letters', y: 'label', frameAnchor: 'right', dx: marginRight - fontSize * 0.5, textAnchor: 'end', text: 'letters', fontWeight: 'bold' },
      ),
    ],
  });
}
