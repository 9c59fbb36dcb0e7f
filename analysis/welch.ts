import { mean, sampleVariance } from 'simple-statistics';
import { emptyComparison, isNegligibleSpread, percentInterval, type ArmComparison } from './arm-comparison.js';
import { tQuantile, twoSidedP } from './t-dist.js';

/**
 * Treatment against control when plots are not paired (spec §2): delta of means with a
 * Welch 95% CI and p (R's `t.test(T, C)`), and percent = 100·(m_T/m_C − 1) with a CI
 * from the log response ratio by the delta method.
 *
 * CI, p and percent CI need n ≥ 2 in both arms (else flag `nTooSmall`) and some spread
 * (else `zeroVariance`). Percent and its CI need every value > 0 (else `nonPositiveValue`):
 * a ratio of means is only meaningful on a ratio scale, and with values at or below zero
 * the log-ratio interval is unbounded. This is the spec's §3 rule, applied to both designs.
 * An empty arm gives null figures with `noTreatmentValues` / `noControlValues`.
 * @example compareUnpaired([1, 2, 3], [4, 5, 6]).delta // => -3
 */
export function compareUnpaired(treatment: readonly number[], control: readonly number[]): ArmComparison {
  const nTreatment = treatment.length;
  const nControl = control.length;
  // simple-statistics only reads its arguments: no copy of a report's 100,000 values.
  const meanTreatment = nTreatment > 0 ? mean(treatment as number[]) : null;
  const meanControl = nControl > 0 ? mean(control as number[]) : null;
  const result: ArmComparison = emptyComparison(nTreatment, nControl, meanTreatment, meanControl);
  const flags = result.flags;
  if (meanTreatment === null) flags.push('noTreatmentValues');
  if (meanControl === null) flags.push('noControlValues');
  if (meanTreatment === null || meanControl === null) return result;

  result.delta = meanTreatment - meanControl;
  if (meanTreatment > 0 && meanControl > 0) {
    result.percent = 100 * (meanTreatment / meanControl - 1);
    result.logRatio = Math.log(meanTreatment / meanControl);
  } else {
    flags.push('nonPositiveValue');
  }

  if (nTreatment < 2 || nControl < 2) {
    flags.push('nTooSmall');
    return result;
  }
  const varianceTreatment = sampleVariance(treatment as number[]);
  const varianceControl = sampleVariance(control as number[]);
  const sqT = varianceTreatment / nTreatment;
  const sqC = varianceControl / nControl;
  const standardError = Math.sqrt(sqT + sqC);
  if (isNegligibleSpread(standardError, Math.max(Math.abs(meanTreatment), Math.abs(meanControl)))) {
    flags.push('zeroVariance');
    return result;
  }

  const df = (sqT + sqC) ** 2 / (sqT ** 2 / (nTreatment - 1) + sqC ** 2 / (nControl - 1));
  const q = tQuantile(0.975, df);
  result.df = df;
  result.deltaCi = [result.delta - q * standardError, result.delta + q * standardError];
  result.pValue = twoSidedP(result.delta / standardError, df);

  if (result.logRatio !== null) {
    const a = varianceTreatment / (nTreatment * meanTreatment ** 2);
    const b = varianceControl / (nControl * meanControl ** 2);
    const dfLog = (a + b) ** 2 / (a ** 2 / (nTreatment - 1) + b ** 2 / (nControl - 1));
    result.percentCi = percentInterval(result.logRatio, tQuantile(0.975, dfLog), Math.sqrt(a + b));
    if (result.percentCi === null) flags.push('percentCiUnbounded');
  }
  return result;
}
