import betainc from '@stdlib/math-base-special-betainc';

/**
 * P(F > f) for Fisher's F with (df1, df2) degrees of freedom: R's
 * `pf(f, df1, df2, lower.tail = FALSE)`, from the regularized incomplete beta
 * I_x(df2/2, df1/2) with x = df2 / (df2 + df1·f), so small p-values keep their precision.
 * @example fUpper(3.59335331491243, 3, 6) // ≈ 0.0854584
 */
export function fUpper(f: number, df1: number, df2: number): number {
  if (!(df1 > 0 && df2 > 0) || Number.isNaN(f)) throw new RangeError(`Invalid F test (${f}, ${df1}, ${df2})`);
  if (f <= 0) return 1;
  if (f === Infinity) return 0;
  return betainc(df2 / (df2 + df1 * f), df2 / 2, df1 / 2);
}
