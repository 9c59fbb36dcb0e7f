import type { Interval } from './arm-comparison.js';

/**
 * What the one-line result says, as a code and figures; the server words it in each
 * language (server/reports/report-text.ts). Days are whole days, percent a whole number.
 */
export type HeadlineStatement =
  /** Every site earlier (`earlier`) or later (`later`) by `low`–`high` whole days (magnitudes, low ≤ high). */
  | { code: 'earlier' | 'later'; low: number; high: number }
  /** Sites disagree: signed whole days from `low` to `high`. */
  | { code: 'daysMixed'; low: number; high: number }
  | { code: 'noChangeDays' }
  /** The percent rounded to a whole number, signed (never 0). */
  | { code: 'percent'; percent: number }
  | { code: 'noChangePercent' }
  /** The delta in the variable's unit, unrounded (never 0): no percent exists. */
  | { code: 'delta'; delta: number }
  | { code: 'noChange' }
  | { code: 'noData' }
  | { code: 'noControlArm' }
  | { code: 'noTreatmentArm' }
  | { code: 'categories' }
  | { code: 'texts'; count: number };

/** Why a result is not called significant. */
export type HeadlineQualifier = 'noCi' | 'notSignificant';

/** The one-line result of a comparison with its single verdict (spec §5, §8). */
export interface Headline {
  statement: HeadlineStatement;
  /** True only when the comparison's own test (Welch, paired or across-site t) gives p < 0.05. */
  significant: boolean;
  /**
   * Said beside the sentence when `significant` is false; null when significant, or when
   * the entry makes no statistical claim (category or text variables, no arm to compare).
   */
  qualifier: HeadlineQualifier | null;
}

/** The figures a headline is written from: pooled ones, or the only site's. */
export interface HeadlineInput {
  variable: { kind: 'date' | 'number' | 'count' };
  /** Delta of every site that entered the comparison, in display order. */
  siteDeltas: readonly number[];
  delta: number | null;
  deltaCi: Interval | null;
  percent: number | null;
  percentCi: Interval | null;
  /** p of the comparison's own test: the one verdict (spec §8). */
  pValue: number | null;
}

/** Rounds half away from zero, so that +2.5 and −2.5 days read alike. */
export function roundWhole(x: number): number {
  const r = Math.sign(x) * Math.round(Math.abs(x));
  return r === 0 ? 0 : r;
}

function verdict(p: number | null): Pick<Headline, 'significant' | 'qualifier'> {
  if (p === null) return { significant: false, qualifier: 'noCi' };
  if (p >= 0.05) return { significant: false, qualifier: 'notSignificant' };
  return { significant: true, qualifier: null };
}

function dateStatement(deltas: readonly number[]): HeadlineStatement {
  const rounded = deltas.map(roundWhole);
  const lo = Math.min(...rounded);
  const hi = Math.max(...rounded);
  if (hi < 0) return { code: 'earlier', low: -hi, high: -lo };
  if (lo > 0) return { code: 'later', low: lo, high: hi };
  if (lo === 0 && hi === 0) return { code: 'noChangeDays' };
  return { code: 'daysMixed', low: lo, high: hi };
}

/**
 * The one-line result (spec §5): dates as the range of site deltas rounded to whole days
 * ("flowering 3–4 days earlier"; a signed range when signs differ); numbers as the percent
 * rounded to a whole number ("yield +10%"), or the delta in the variable's unit when no
 * percent exists (an arm mean ≤ 0). One verdict (spec §8): `significant` follows the p of
 * the comparison's own test, never the percent's interval.
 * @example writeHeadline({
 *   variable: { kind: 'date' }, siteDeltas: [-3, -4], delta: -3.5, deltaCi: [-9.9, 2.9],
 *   percent: null, percentCi: null, pValue: 0.2,
 * }) // => { statement: { code: 'earlier', low: 3, high: 4 }, significant: false, qualifier: 'notSignificant' }
 */
export function writeHeadline(input: HeadlineInput): Headline {
  if (input.siteDeltas.length === 0 || input.delta === null) {
    return { statement: { code: 'noData' }, significant: false, qualifier: 'noCi' };
  }
  const judged = verdict(input.pValue);
  if (input.variable.kind === 'date') return { statement: dateStatement(input.siteDeltas), ...judged };
  if (input.percent !== null) {
    const p = roundWhole(input.percent);
    return { statement: p === 0 ? { code: 'noChangePercent' } : { code: 'percent', percent: p }, ...judged };
  }
  return { statement: input.delta === 0 ? { code: 'noChange' } : { code: 'delta', delta: input.delta }, ...judged };
}
