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
 * R's test for "data are essentially constant": a standard error this small compared
 * with the size of the estimates carries no information, only rounding noise.
 * @example isNegligibleSpread(1e-17, 5) // => true
 */
export function isNegligibleSpread(standardError: number, scale: number): boolean {
  return standardError <= 10 * Number.EPSILON * Math.abs(scale);
}

/**
 * 100·(exp(L ± q·se) − 1): a confidence interval for a log ratio turned into percent.
 * @example percentInterval(0, 1, 0) // => [0, 0]
 */
export function percentInterval(logRatio: number, quantile: number, standardError: number): Interval {
  return [
    100 * (Math.exp(logRatio - quantile * standardError) - 1),
    100 * (Math.exp(logRatio + quantile * standardError) - 1),
  ];
}
