import { mean } from 'simple-statistics';
import { isNegligibleSpread, type Interval } from './arm-comparison.js';
import { fUpper } from './f-dist.js';
import type { Flag } from './flags.js';
import { compactLetters } from './letters.js';
import { sequentialRss } from './linear-model.js';
import { studentizedRangeQuantile, studentizedRangeUpper } from './studentized-range.js';

/** `blocks`: y ~ block + arm; `one-way`: y ~ arm; `sites`: site mean ~ site + arm. */
export type AnovaModel = 'blocks' | 'one-way' | 'sites';

export interface AnovaArm {
  arm: string;
  /** Plots (or, across sites, sites) with a value. */
  n: number;
  /** The raw mean (across sites: the mean of the site means). */
  mean: number;
  /** Compact letters: arms sharing a letter do not differ (Tukey, 5%); null without Tukey. */
  letters: string | null;
}

/** Tukey–Kramer comparison of arm b with arm a (a before b in the trial's arm order). */
export interface TukeyPair {
  a: string;
  b: string;
  /** mean_b − mean_a. */
  diff: number;
  /** 95% simultaneous interval, diff ± qtukey(0.95, k, df2)·se. */
  ci: Interval | null;
  pAdj: number | null;
}

/** The arm test of one analysis of variance with its mean separation (spec §7). */
export interface AnovaTable {
  model: AnovaModel;
  f: number | null;
  df1: number | null;
  df2: number | null;
  pValue: number | null;
  /** Residual mean square. */
  mse: number | null;
  arms: AnovaArm[];
  pairs: TukeyPair[];
  flags: Flag[];
}

/** One value entering an analysis of variance; `block` is the block (or site) label. */
export interface AnovaValue {
  arm: string;
  block: string | null;
  value: number;
}

function indicator<T>(items: readonly T[], level: T): number[] {
  return items.map((x) => (x === level ? 1 : 0));
}

/**
 * The analysis of variance of `values` with arms in `armOrder` (arms without a value are
 * left out): type I F for arm after block when `model` is `blocks` or `sites`
 * (R's `anova(lm(y ~ block + arm))`, row arm), else one-way (`anova(lm(y ~ arm))`); then
 * Tukey–Kramer pairs on the raw arm means with the model's MSE and residual df, and
 * compact letters (arms by mean, highest first).
 *
 * Nothing is thrown for thin data: fewer than two arms (`tooFewArms`), no residual df
 * (`noResidualDf`) or no residual spread (`zeroVariance`) give null figures; Tukey needs
 * df2 ≥ 2 as R's ptukey does (`nTooSmall`).
 * @example analyseVariance([
 *   { arm: 'a', block: null, value: 1 }, { arm: 'a', block: null, value: 2 },
 *   { arm: 'b', block: null, value: 4 }, { arm: 'b', block: null, value: 5 },
 *   { arm: 'c', block: null, value: 7 }, { arm: 'c', block: null, value: 8 },
 * ], ['a', 'b', 'c'], 'one-way').f // => 54
 */
export function analyseVariance(values: readonly AnovaValue[], armOrder: readonly string[], model: AnovaModel): AnovaTable {
  const flags: Flag[] = [];
  const byArm = new Map<string, number[]>();
  for (const v of values) {
    const list = byArm.get(v.arm);
    if (list) list.push(v.value);
    else byArm.set(v.arm, [v.value]);
  }
  const armNames = armOrder.filter((a) => byArm.has(a));
  const arms: AnovaArm[] = armNames.map((arm) => ({ arm, n: byArm.get(arm)!.length, mean: mean(byArm.get(arm)!), letters: null }));
  const table: AnovaTable = { model, f: null, df1: null, df2: null, pValue: null, mse: null, arms, pairs: [], flags };
  const pairsWithoutTest = () => {
    for (let a = 0; a < arms.length; a++) {
      for (let b = a + 1; b < arms.length; b++) {
        table.pairs.push({ a: arms[a].arm, b: arms[b].arm, diff: arms[b].mean - arms[a].mean, ci: null, pAdj: null });
      }
    }
  };
  if (arms.length < 2) {
    flags.push('tooFewArms');
    return table;
  }

  const used = values.filter((v) => byArm.has(v.arm) && armNames.includes(v.arm));
  const y = used.map((v) => v.value);
  const armOf = used.map((v) => v.arm);
  const blockOf = used.map((v) => v.block ?? '');
  const intercept = [used.map(() => 1)];
  const blockLevels = model === 'one-way' ? [] : [...new Set(blockOf)].slice(1);
  const blockColumns = blockLevels.map((level) => indicator(blockOf, level));
  const armColumns = armNames.slice(1).map((arm) => indicator(armOf, arm));
  const [, beforeArm, full] = sequentialRss(y, [intercept, blockColumns, armColumns]);
  const df1 = full.rank - beforeArm.rank;
  const df2 = y.length - full.rank;
  if (df1 < 1) {
    flags.push('tooFewArms');
    pairsWithoutTest();
    return table;
  }
  table.df1 = df1;
  table.df2 = df2;
  if (df2 < 1) {
    flags.push('noResidualDf');
    pairsWithoutTest();
    return table;
  }
  const mse = full.rss / df2;
  const scale = Math.max(...arms.map((a) => Math.abs(a.mean)));
  if (isNegligibleSpread(Math.sqrt(mse), scale)) {
    flags.push('zeroVariance');
    pairsWithoutTest();
    return table;
  }
  table.mse = mse;
  table.f = (beforeArm.rss - full.rss) / df1 / mse;
  table.pValue = fUpper(table.f, df1, df2);

  const k = arms.length;
  const critical = studentizedRangeQuantile(0.95, k, df2);
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const diff = arms[b].mean - arms[a].mean;
      const se = Math.sqrt((mse / 2) * (1 / arms[a].n + 1 / arms[b].n));
      const pAdj = studentizedRangeUpper(Math.abs(diff) / se, k, df2);
      table.pairs.push({
        a: arms[a].arm,
        b: arms[b].arm,
        diff,
        ci: critical === null ? null : [diff - critical * se, diff + critical * se],
        pAdj,
      });
    }
  }
  if (table.pairs.some((p) => p.pAdj === null)) {
    flags.push('nTooSmall');
    return table;
  }
  const pAdj = new Map(table.pairs.map((p) => [`${p.a}\u0000${p.b}`, p.pAdj as number]));
  const p = (x: string, z: string) => pAdj.get(`${x}\u0000${z}`) ?? pAdj.get(`${z}\u0000${x}`)!;
  const ranked = arms.map((arm, i) => ({ arm, i })).sort((x, z) => z.arm.mean - x.arm.mean || x.i - z.i);
  const letters = compactLetters(k, (i, j) => p(ranked[i].arm.arm, ranked[j].arm.arm) < 0.05);
  ranked.forEach((r, i) => (r.arm.letters = letters[i]));
  return table;
}

/**
 * Tukey comparison intervals for a chart of arm means: mean ± (q/2)·√(MSE/n), with q =
 * qtukey(0.95, k, df2). With equal n two arms' intervals overlap exactly when their
 * Tukey test gives pAdj ≥ 0.05; with unequal n approximately (the letters are exact).
 * Null per arm when the table has no MSE or Tukey needs df2 ≥ 2.
 * @example comparisonIntervals(analyseVariance(values, arms, 'one-way'))[0]
 */
export function comparisonIntervals(table: AnovaTable): (Interval | null)[] {
  const q = table.mse === null || table.df2 === null ? null : studentizedRangeQuantile(0.95, table.arms.length, table.df2);
  return table.arms.map((a) => {
    if (q === null || table.mse === null) return null;
    const half = (q / 2) * Math.sqrt(table.mse / a.n);
    return [a.mean - half, a.mean + half];
  });
}
