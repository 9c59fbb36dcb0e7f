import jstat from 'jstat';

const { tukey } = jstat;

function check(k: number, df: number): boolean {
  return Number.isInteger(k) && k >= 2 && Number.isFinite(df) && df >= 2;
}

/**
 * P(Q > q) for the studentized range of `k` means with `df` degrees of freedom: R's
 * `ptukey(q, k, df, lower.tail = FALSE)`, via jStat's port of R's algorithm (Copenhaver &
 * Holland 1988, AS 190). Like R, it needs k ≥ 2 and df ≥ 2; otherwise null. Computed as
 * R does (0.5 − lower + 0.5), so tiny p-values keep R's absolute precision.
 * @example studentizedRangeUpper(3.5, 4, 6) // ≈ 0.161978
 */
export function studentizedRangeUpper(q: number, k: number, df: number): number | null {
  if (!check(k, df) || Number.isNaN(q)) return null;
  if (q <= 0) return 1;
  if (q === Infinity) return 0;
  let lower: number;
  try {
    lower = tukey.cdf(q, k, df);
  } catch {
    // jStat throws where R only warns of lost precision; R's answer is then unreliable too.
    return null;
  }
  if (!Number.isFinite(lower)) return null;
  return 0.5 - lower + 0.5;
}

/** Quantiles already found, by p, k and df: a report asks for the same few many times. */
const quantiles = new Map<string, number | null>();

/**
 * The p-quantile of the studentized range (R's `qtukey(p, k, df)`, secant search to 1e-4 as
 * in R). Null when k < 2 or df < 2.
 * @example studentizedRangeQuantile(0.95, 4, 6) // ≈ 4.8956
 */
export function studentizedRangeQuantile(p: number, k: number, df: number): number | null {
  if (!check(k, df) || !(p >= 0 && p <= 1)) return null;
  const key = `${p} ${k} ${df}`;
  if (quantiles.has(key)) return quantiles.get(key)!;
  const q = findQuantile(p, k, df);
  if (quantiles.size > 1000) quantiles.clear();
  quantiles.set(key, q);
  return q;
}

function findQuantile(p: number, k: number, df: number): number | null {
  let q: number;
  try {
    q = tukey.inv(p, k, df);
  } catch {
    return null;
  }
  return Number.isFinite(q) ? q : null;
}
