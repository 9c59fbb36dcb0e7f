import type * as PlotModule from '@observablehq/plot';

interface ChartLibraries {
  Plot: typeof PlotModule;
  parseHTML: typeof import('linkedom').parseHTML;
}
let libraries: ChartLibraries | undefined;
let loading: Promise<ChartLibraries> | undefined;

/**
 * Loads Observable Plot and linkedom, about 50 MB of memory together, on the first chart
 * instead of at start (BENCHMARKS.md, "PGlite start and memory"). A route that draws a chart
 * awaits this before building its page; later calls return at once.
 */
export async function loadCharts(): Promise<void> {
  loading ??= Promise.all([import('@observablehq/plot'), import('linkedom')]).then(([Plot, linkedom]) => (libraries = { Plot, parseHTML: linkedom.parseHTML }));
  await loading;
}

function loaded(): ChartLibraries {
  if (!libraries) throw new Error('a chart was drawn before loadCharts() was awaited');
  return libraries;
}

/** Observable Plot's marks, once loadCharts() has been awaited. */
export function plotLibrary(): typeof PlotModule {
  return loaded().Plot;
}

/** Renders an Observable Plot chart on the server (linkedom's DOM) to an SVG string. */
export function renderPlot(options: PlotModule.PlotOptions): string {
  const { Plot, parseHTML } = loaded();
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const node = Plot.plot({ ...options, document: document as unknown as Document }) as unknown as { outerHTML: string };
  return node.outerHTML;
}

/**
 * Rough width in pixels of a label: CJK characters are about one em wide, Latin about
 * 0.6 em. Used to leave room for the labels of a chart's axis.
 * @example labelWidth('塔城 A', 10) // => 27
 */
export function labelWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) em += /[\u2e80-\u9fff\uac00-\ud7af\uff00-\uffef]/.test(ch) ? 1 : 0.6;
  return Math.round(em * fontSize);
}

/** The size a chart is drawn at: its width in pixels and its font size. */
export interface ChartSize {
  width?: number;
  fontSize?: number;
}

/** A chart's size, 640 pixels wide in 12-pixel type unless it says otherwise. */
export function chartSize(input: ChartSize): Required<ChartSize> {
  return { width: input.width ?? 640, fontSize: input.fontSize ?? 12 };
}

/** The height of one row of a row chart (arm means, forest plot). */
export const rowHeight = (fontSize: number) => Math.max(28, fontSize * 2.4);

/**
 * A chart with one row per label and a value axis below: its size, margins and axes as every
 * row chart here draws them, around the given marks.
 */
export function rowChart(o: {
  labels: readonly string[];
  domain: [number, number];
  axisLabel: string;
  width: number;
  fontSize: number;
  marginTop: number;
  marginLeft: number;
  marginRight: number;
  marks: PlotModule.Markish[];
}): string {
  const marginBottom = o.fontSize * 3.4;
  return renderPlot({
    width: o.width,
    height: Math.round(o.marginTop + marginBottom + rowHeight(o.fontSize) * Math.max(1, o.labels.length)),
    marginTop: o.marginTop,
    marginBottom,
    marginLeft: o.marginLeft,
    marginRight: o.marginRight,
    style: { fontSize: `${o.fontSize}px` },
    x: { domain: o.domain, label: o.axisLabel, labelAnchor: 'center', labelArrow: 'none', grid: true },
    y: { domain: [...o.labels], label: null, padding: 0.3, tickSize: 0 },
    marks: o.marks,
  });
}

/** A line along each row from its interval's low to its high end; rows without one draw nothing. */
export function intervalLinks<T extends { label: string }>(rows: readonly T[], interval: (row: T) => readonly [number, number] | null, options: PlotModule.LinkOptions): PlotModule.Link {
  return plotLibrary().link(
    rows.filter((r) => interval(r)),
    { x1: (r: T) => interval(r)![0], x2: (r: T) => interval(r)![1], y1: 'label', y2: 'label', ...options },
  );
}
