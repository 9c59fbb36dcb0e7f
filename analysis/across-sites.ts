import { mean, sampleStandardDeviation } from 'simple-statistics';
import { isNegligibleSpread, percentInterval, type Interval } from './arm-comparison.js';
import type { Flag } from './flags.js';
import { tQuantile, twoSidedP } from './t-dist.js';

/** What one site contributes to the pooled figures. */
export interface SiteEffect {
  /** The site's treatment − control difference. */
  delta: number;
  /** ln(m_T/m_C) at the site, or null when a ratio is impossible there. */
  logRatio: number | null;
}

/** The across-site summary that headlines quote. */
export interface AcrossSites {
  nSites: number;
  /** Mean of the site deltas. */
  delta: number;
  deltaCi: Interval | null;
  pValue: number | null;
  df: number | null;
  /** [min, max] of the site deltas ("3–4 days earlier"). */
  range: Interval;
  /** Where a new site's delta should fall, 95%. */
  predictionInterval: Interval | null;
  sitesLower: number;
  sitesHigher: number;
  percent: number | null;
  percentCi: Interval | null;
  /** The across-site t gives p < 0.05 (spec §8). */
  significant: boolean;
  flags: Flag[];
}

/**
 * Pools site effects with sites as blocks (spec §4): mean delta with a one-sample t CI
 * and p on k−1 df (R's `t.test(δ)`), range, counts of sites below/above zero, a 95%
 * prediction interval for a new site (mean ± t·sd·√(1 + 1/k)), and percent =
 * 100·(exp(mean ℓ) − 1) with its CI from the sd of the site log ratios.
 *
 * Returns null when no site has a delta. With one site, or no spread between sites,
 * intervals and p are null (flags `nTooSmall` / `zeroVariance`); when any site's log
 * ratio is impossible the pooled percent is null (`nonPositiveValue`).
 * @example compareAcrossSites([{ delta: -3, logRatio: -0.08 }, { delta: -4, logRatio: -0.1 }])?.range // => [-4, -3]
 */
export function compareAcrossSites(sites: readonly SiteEffect[]): AcrossSites | null {
  const k = sites.length;
  if (k === 0) return null;
  const flags: Flag[] = [];
  const deltas = sites.map((s) => s.delta);
  const delta = mean(deltas);
  const result: AcrossSites = {
    nSites: k,
    delta,
    deltaCi: null,
    pValue: null,
    df: null,
    range: [Math.min(...deltas), Math.max(...deltas)],
    predictionInterval: null,
    sitesLower: deltas.filter((d) => d < 0).length,
    sitesHigher: deltas.filter((d) => d > 0).length,
    percent: null,
    percentCi: null,
    significant: false,
    flags,
  };

  const logRatios = sites.map((s) => s.logRatio);
  const allRatios = logRatios.every((l): l is number => l !== null);
  const meanLog = allRatios ? mean(logRatios) : null;
  if (meanLog === null) flags.push('nonPositiveValue');
  else result.percent = 100 * (Math.exp(meanLog) - 1);

  if (k < 2) {
    flags.push('nTooSmall');
    return result;
  }
  const df = k - 1;
  const q = tQuantile(0.975, df);
  const sd = sampleStandardDeviation(deltas);
  const standardError = sd / Math.sqrt(k);
  let spreadMissing = false;
  if (isNegligibleSpread(standardError, delta)) {
    spreadMissing = true;
  } else {
    result.df = df;
    result.deltaCi = [delta - q * standardError, delta + q * standardError];
    result.pValue = twoSidedP(delta / standardError, df);
    result.significant = result.pValue < 0.05;
    result.predictionInterval = [delta - q * sd * Math.sqrt(1 + 1 / k), delta + q * sd * Math.sqrt(1 + 1 / k)];
  }
  if (meanLog !== null) {
    const logStandardError = sampleStandardDeviation(logRatios as number[]) / Math.sqrt(k);
    if (isNegligibleSpread(logStandardError, meanLog)) spreadMissing = true;
    else {
      result.percentCi = percentInterval(meanLog, q, logStandardError);
      if (result.percentCi === null) flags.push('percentCiUnbounded');
    }
  }
  if (spreadMissing) flags.push('zeroVariance');
  return result;
}
