import type { Flag } from './flags.js';

/** A closed interval [low, high]. */
export type Interval = [number, number];

/**
 * Treatment against control at one site. Figures that cannot be computed are `null`,
 * and `flags` says why; nothing is ever NaN, Infinity or a stand-in zero.
 */
export interface ArmComparison {
  nTreatment: number;
  nControl: number;
  meanTreatment: number | null;
  meanControl: number | null;
  /** Treatment minus control, in the variable's unit (days for dates: negative = earlier). */
  delta: number | null;
  deltaCi: Interval | null;
  pValue: number | null;
  df: number | null;
  /** 100·(m_T/m_C − 1). */
  percent: number | null;
  percentCi: Interval | null;
  /** ln(m_T/m_C), the quantity behind `percent`; pooled across sites. */
  logRatio: number | null;
  flags: Flag[];
}

/**
 * A comparison with its counts and means and nothing computed yet: every other figure null,
 * no flag. Each test fills in what its data allow.
 * @example emptyComparison(0, 3, null, 5).delta // => null
 */
export function emptyComparison(nTreatment: number, nControl: number, meanTreatment: number | null, meanControl: number | null): ArmComparison {
  return {
    nTreatment,
    nControl,
    meanTreatment,
    meanControl,
    delta: null,
    deltaCi: null,
    pValue: null,
    df: null,
    percent: null,
    percentCi: null,
    logRatio: null,
    flags: [],
  };
}

/**
 * R's test for "data are essentially constant": a standard error this small compared
 * with the size of the estimates carries no information, only rounding noise.
 * @example isNegligibleSpread(1e-17, 5) // => true
 */
export function isNegligibleSpread(standardError: number, scale: number): boolean {
  return standardError <= 10 * Number.EPSILON * Math.abs(scale);
}

/**
 * 100·(exp(L ± q·se) − 1): a confidence interval for a log ratio turned into percent.
 * Null when a bound is beyond what a number can hold (a mean near zero against a wide
 * spread makes exp(L + q·se) overflow): the interval is then unbounded, and the caller
 * flags `percentCiUnbounded` rather than report Infinity.
 * @example percentInterval(0, 1, 0) // => [0, 0]
 * @example percentInterval(0, 12.7, 111) // => null
 */
export function percentInterval(logRatio: number, quantile: number, standardError: number): Interval | null {
  const lower = 100 * (Math.exp(logRatio - quantile * standardError) - 1);
  const upper = 100 * (Math.exp(logRatio + quantile * standardError) - 1);
  return Number.isFinite(lower) && Number.isFinite(upper) ? [lower, upper] : null;
}
