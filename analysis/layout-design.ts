import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/**
 * Randomised field layouts for a trial at one site: which arm goes on which plot.
 *
 * The field is a grid of `rows` × `columns`. Plots are numbered in the field's order: along
 * row 1 from column 1, then row 2 (from the last column back when `serpentine`), and so on;
 * plot n takes the n-th place. The design only decides the arms:
 * - `crd`: `plotsPerArm` plots of every arm, the whole list shuffled;
 * - `rcbd`: `blocks` blocks of consecutive plots, each holding every arm once, in an order
 *   shuffled within the block;
 * - `paired`: `blocks` pairs of consecutive plots, a treatment and a control, which side is
 *   which chosen at random.
 * The same seed always gives the same layout (xoroshiro128+, unbiased integers from pure-rand).
 *
 * @example generateLayout({ design: 'rcbd', arms: ['T', 'C'], blocks: 2, rows: 2, columns: 2 }, 7).map((p) => p.arm) // => e.g. ['C', 'T', 'T', 'C']
 */
export type LayoutDesign = 'crd' | 'rcbd' | 'paired';
export const LAYOUT_DESIGNS: readonly LayoutDesign[] = ['crd', 'rcbd', 'paired'];

export interface LayoutSpec {
  design: LayoutDesign;
  /** The arms in the trial's order. For `paired`: exactly two, the treatment then the control. */
  arms: readonly string[];
  /** Blocks (`rcbd`) or pairs (`paired`). */
  blocks?: number;
  /** Plots of each arm (`crd`). */
  plotsPerArm?: number;
  rows: number;
  columns: number;
  serpentine?: boolean;
}

export interface LayoutCell {
  /** The plot's number in the field's order, from 1. */
  n: number;
  arm: string;
  /** The block or pair number, from 1; null in `crd`. */
  block: number | null;
  row: number;
  column: number;
}

/** The largest seed accepted: seeds are whole numbers 0 … 2³¹ − 1. */
export const MAX_SEED = 2 ** 31 - 1;

/** Why a spec cannot be laid out, by the field at fault. */
export type LayoutProblem =
  | { field: 'arms'; problem: 'tooFewArms' | 'pairedArms' }
  | { field: 'blocks' | 'plotsPerArm'; problem: 'required' }
  | { field: 'rows'; problem: 'fieldTooSmall'; plots: number; places: number };

/** The plot count the spec asks for, or the first problem with it. */
export function checkLayoutSpec(spec: LayoutSpec): LayoutProblem | null {
  if (spec.arms.length < 2) return { field: 'arms', problem: 'tooFewArms' };
  if (spec.design === 'paired' && spec.arms.length !== 2) return { field: 'arms', problem: 'pairedArms' };
  if (spec.design === 'crd' && !spec.plotsPerArm) return { field: 'plotsPerArm', problem: 'required' };
  if (spec.design !== 'crd' && !spec.blocks) return { field: 'blocks', problem: 'required' };
  const plots = plotCount(spec);
  if (plots > spec.rows * spec.columns) return { field: 'rows', problem: 'fieldTooSmall', plots, places: spec.rows * spec.columns };
  return null;
}

/** How many plots the spec makes: arms × plots per arm, or arms × blocks. */
export function plotCount(spec: LayoutSpec): number {
  return spec.arms.length * (spec.design === 'crd' ? (spec.plotsPerArm ?? 0) : (spec.blocks ?? 0));
}

/**
 * The place of the n-th plot (from 1) in the field's order.
 * @example fieldPlace(4, 3, true) // => { row: 2, column: 3 }
 */
export function fieldPlace(n: number, columns: number, serpentine: boolean): { row: number; column: number } {
  const row = Math.floor((n - 1) / columns) + 1;
  const offset = (n - 1) % columns;
  const backwards = serpentine && row % 2 === 0;
  return { row, column: backwards ? columns - offset : offset + 1 };
}

/** Fisher–Yates shuffle of a copy, drawing from `next(0, i)`. */
function shuffle<T>(items: readonly T[], next: (from: number, to: number) => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = next(0, i);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** The layout for a spec and a seed; throws on a spec that `checkLayoutSpec` refuses. */
export function generateLayout(spec: LayoutSpec, seed: number): LayoutCell[] {
  const problem = checkLayoutSpec(spec);
  if (problem) throw new Error(`layout spec refused: ${problem.field} ${problem.problem}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) throw new Error(`seed must be a whole number 0…${MAX_SEED}`);
  const rng = xoroshiro128plus(seed);
  const next = (from: number, to: number) => uniformInt(rng, from, to);
  const arms: { arm: string; block: number | null }[] = [];
  if (spec.design === 'crd') {
    const all = spec.arms.flatMap((arm) => Array.from({ length: spec.plotsPerArm! }, () => arm));
    for (const arm of shuffle(all, next)) arms.push({ arm, block: null });
  } else {
    for (let b = 1; b <= spec.blocks!; b++) for (const arm of shuffle(spec.arms, next)) arms.push({ arm, block: b });
  }
  return arms.map((a, i) => ({ n: i + 1, ...a, ...fieldPlace(i + 1, spec.columns, spec.serpentine ?? false) }));
}

/** The placeholders a label pattern may use. */
export const LABEL_PLACEHOLDERS = ['site', 'block', 'n', 'row', 'column'] as const;

/** The placeholders in a pattern that are not known, e.g. `{arm}`. */
export function unknownPlaceholders(pattern: string): string[] {
  return [...pattern.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]).filter((p) => !(LABEL_PLACEHOLDERS as readonly string[]).includes(p));
}

/**
 * A plot's label from a pattern; `{n}` is padded to the width of the largest number.
 * @example plotLabel('{site}-{block}-{n}', { site: 'A', block: 2, n: 7, row: 1, column: 7 }, 12) // => 'A-2-07'
 */
export function plotLabel(pattern: string, v: { site: string; block: number | null; n: number; row: number; column: number }, plots: number): string {
  const width = String(plots).length;
  const values: Record<string, string> = {
    site: v.site,
    block: v.block === null ? '' : String(v.block),
    n: String(v.n).padStart(width, '0'),
    row: String(v.row),
    column: String(v.column),
  };
  return pattern
    .replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole)
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '');
}
