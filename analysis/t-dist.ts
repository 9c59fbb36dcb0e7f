import quantile from '@stdlib/stats-base-dists-t-quantile';
import cdf from '@stdlib/stats-base-dists-t-cdf';

function checkDf(df: number): void {
  if (!(Number.isFinite(df) && df > 0)) {
    throw new RangeError(`Degrees of freedom must be a finite positive number, got ${df}`);
  }
}

/**
 * The p-quantile of Student's t distribution with `df` degrees of freedom (fractional
 * df allowed, as in Welch's test); R's `qt(p, df)`.
 * @example tQuantile(0.975, 4) // ≈ 2.776445
 */
export function tQuantile(p: number, df: number): number {
  checkDf(df);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`Probability must lie in [0, 1], got ${p}`);
  return quantile(p, df);
}

/**
 * P(T ≤ x) for Student's t with `df` degrees of freedom; R's `pt(x, df)`.
 * @example tCdf(0, 7) // => 0.5
 */
export function tCdf(x: number, df: number): number {
  checkDf(df);
  if (Number.isNaN(x)) throw new RangeError('t statistic is NaN');
  return cdf(x, df);
}

/**
 * Two-sided p-value of a t statistic: P(|T| ≥ |t|), computed from the lower tail so
 * that small p-values keep their precision.
 * @example twoSidedP(-Math.sqrt(3), 2) // ≈ 0.225403
 */
export function twoSidedP(t: number, df: number): number {
  return 2 * tCdf(-Math.abs(t), df);
}
