import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';

/** Renders an Observable Plot chart on the server (linkedom's DOM) to an SVG string. */
export function renderPlot(options: Plot.PlotOptions): string {
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
