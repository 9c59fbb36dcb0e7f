import { mean, sampleCovariance, sampleStandardDeviation, sampleVariance } from 'simple-statistics';
import { emptyComparison, isNegligibleSpread, percentInterval, type ArmComparison } from './arm-comparison.js';
import { tQuantile, twoSidedP } from './t-dist.js';

/** One plot's value and the block (pair) it belongs to; `null` = no block. */
export interface BlockValue {
  block: string | null;
  value: number;
}

/**
 * A paired comparison. `meanTreatment`/`meanControl` and `nTreatment`/`nControl` cover
 * every plot of each arm (as a report lists them); `delta`, `percent` and their intervals
 * cover only the pairs, whose means are `pairedMeanTreatment`/`pairedMeanControl`.
 */
export interface PairedComparison extends ArmComparison {
  nPairs: number;
  /** Plots left out because no plot of the other arm shares their block. */
  dropped: number;
  pairedMeanTreatment: number | null;
  pairedMeanControl: number | null;
}

/** Mean value per block, in block order, and how many plots had no block. */
function byBlock(values: readonly BlockValue[]): { blocks: Map<string, number[]>; unblocked: number } {
  const blocks = new Map<string, number[]>();
  let unblocked = 0;
  for (const { block, value } of values) {
    if (block === null) {
      unblocked += 1;
      continue;
    }
    const list = blocks.get(block);
    if (list) list.push(value);
    else blocks.set(block, [value]);
  }
  return { blocks, unblocked };
}

/**
 * Treatment against control when plots are paired by block (spec §3, designs `paired`
 * and `rcbd`): d_i = T_i − C_i over the blocks holding both arms; delta = mean(d) with a
 * 95% CI and p from t with n−1 df (R's `t.test(T, C, paired = TRUE)`); percent =
 * 100·(m_T/m_C − 1) over the pairs, with a delta-method CI that uses cov(T, C).
 *
 * Rules made explicit:
 * - plots without a block, or whose block lacks the other arm, are left out and counted
 *   in `dropped` (flag `unpairedDropped`); no pair at all gives flag `noPairs`;
 * - a block with several plots of one arm enters with their mean (`severalPlotsPerBlock`);
 * - CI and p need ≥ 2 pairs (`nTooSmall`) and spread in d (`zeroVariance`);
 * - percent and its CI need both paired means > 0 (`nonPositiveValue`, spec §8).
 * @example comparePaired(
 *   [{ block: 'a', value: 5 }, { block: 'b', value: 7 }],
 *   [{ block: 'a', value: 4 }, { block: 'b', value: 5 }],
 * ).delta // => 1.5
 */
export function comparePaired(treatment: readonly BlockValue[], control: readonly BlockValue[]): PairedComparison {
  const nTreatment = treatment.length;
  const nControl = control.length;
  const meanTreatment = nTreatment > 0 ? mean(treatment.map((v) => v.value)) : null;
  const meanControl = nControl > 0 ? mean(control.map((v) => v.value)) : null;
  // Object.assign keeps the fields in the order the report has always listed them.
  const result: PairedComparison = Object.assign(
    { nTreatment, nControl, nPairs: 0, dropped: 0, meanTreatment, meanControl, pairedMeanTreatment: null, pairedMeanControl: null },
    emptyComparison(nTreatment, nControl, meanTreatment, meanControl),
  );
  const flags = result.flags;
  if (nTreatment === 0) flags.push('noTreatmentValues');
  if (nControl === 0) flags.push('noControlValues');
  if (nTreatment === 0 || nControl === 0) return result;

  const t = byBlock(treatment);
  const c = byBlock(control);
  const pairedBlocks = [...t.blocks.keys()].filter((block) => c.blocks.has(block)).sort();
  const T: number[] = [];
  const C: number[] = [];
  let pairedPlots = 0;
  let severalPerBlock = false;
  for (const block of pairedBlocks) {
    const tValues = t.blocks.get(block)!;
    const cValues = c.blocks.get(block)!;
    if (tValues.length > 1 || cValues.length > 1) severalPerBlock = true;
    T.push(mean(tValues));
    C.push(mean(cValues));
    pairedPlots += tValues.length + cValues.length;
  }
  const n = pairedBlocks.length;
  result.nPairs = n;
  result.dropped = nTreatment + nControl - pairedPlots;
  if (severalPerBlock) flags.push('severalPlotsPerBlock');
  if (result.dropped > 0) flags.push('unpairedDropped');
  if (n === 0) {
    flags.push('noPairs');
    return result;
  }

  const d = T.map((value, i) => value - C[i]);
  const mT = mean(T);
  const mC = mean(C);
  result.pairedMeanTreatment = mT;
  result.pairedMeanControl = mC;
  result.delta = mean(d);
  if (mT > 0 && mC > 0) {
    result.percent = 100 * (mT / mC - 1);
    result.logRatio = Math.log(mT / mC);
  } else {
    flags.push('nonPositiveValue');
  }

  if (n < 2) {
    flags.push('nTooSmall');
    return result;
  }
  const standardError = sampleStandardDeviation(d) / Math.sqrt(n);
  if (isNegligibleSpread(standardError, result.delta)) {
    flags.push('zeroVariance');
    return result;
  }
  const df = n - 1;
  const q = tQuantile(0.975, df);
  result.df = df;
  result.deltaCi = [result.delta - q * standardError, result.delta + q * standardError];
  result.pValue = twoSidedP(result.delta / standardError, df);

  if (result.logRatio !== null) {
    const v =
      sampleVariance(T) / (n * mT ** 2) +
      sampleVariance(C) / (n * mC ** 2) -
      (2 * sampleCovariance(T, C)) / (n * mT * mC);
    if (v > 0) {
      result.percentCi = percentInterval(result.logRatio, q, Math.sqrt(v));
      if (result.percentCi === null) flags.push('percentCiUnbounded');
    } else flags.push('zeroVariance');
  }
  return result;
}
