import type { Interval } from './arm-comparison.js';

/** A short bilingual sentence for a comparison, with an honest significance marker. */
export interface Headline {
  zh: string;
  en: string;
  /** True only when the 95% CI behind the sentence excludes zero. */
  significant: boolean;
  /**
   * Shown beside the sentence when `significant` is false; null when significant, or when
   * the entry makes no statistical claim (category or text variables, no arm to compare).
   */
  qualifier: { zh: string; en: string } | null;
}

/** The figures a headline is written from: pooled ones, or the only site's. */
export interface HeadlineInput {
  variable: { name: string; nameEn: string | null; kind: 'date' | 'number' | 'count'; unit: string | null };
  /** Delta of every site that entered the comparison, in display order. */
  siteDeltas: readonly number[];
  delta: number | null;
  deltaCi: Interval | null;
  percent: number | null;
  percentCi: Interval | null;
}

const MINUS = '\u2212';
const EN_DASH = '\u2013';

const NO_CI = { zh: '没有置信区间，无法判断差异是否显著', en: 'no confidence interval, so significance cannot be judged' };
const CROSSES_ZERO = { zh: '差异不显著（95%置信区间包含0）', en: 'not significant (95% CI includes 0)' };

/** Rounds half away from zero, so that +2.5 and −2.5 days read alike. */
function roundWhole(x: number): number {
  const r = Math.sign(x) * Math.round(Math.abs(x));
  return r === 0 ? 0 : r;
}

function signed(x: number): string {
  if (x > 0) return `+${x}`;
  if (x < 0) return `${MINUS}${-x}`;
  return '0';
}

/** Three significant digits, whole numbers from 100 up: 583.34 → "583", 4.6375 → "4.64". */
function amount(x: number): string {
  const a = Math.abs(x);
  return String(a >= 100 ? Math.round(a) : Number(a.toPrecision(3)));
}

function range(lo: number, hi: number): string {
  return lo === hi ? String(lo) : `${lo}${EN_DASH}${hi}`;
}

function significance(ci: Interval | null): Pick<Headline, 'significant' | 'qualifier'> {
  if (ci === null) return { significant: false, qualifier: NO_CI };
  if (ci[0] <= 0 && ci[1] >= 0) return { significant: false, qualifier: CROSSES_ZERO };
  return { significant: true, qualifier: null };
}

function dateHeadline(zhName: string, enName: string, deltas: readonly number[]): { zh: string; en: string } {
  const rounded = deltas.map(roundWhole);
  const lo = Math.min(...rounded);
  const hi = Math.max(...rounded);
  if (hi < 0) {
    const days = range(-hi, -lo);
    return { zh: `${zhName}提前${days}天`, en: `${enName} ${days} ${lo === -1 ? 'day' : 'days'} earlier` };
  }
  if (lo > 0) {
    const days = range(lo, hi);
    return { zh: `${zhName}推迟${days}天`, en: `${enName} ${days} ${hi === 1 ? 'day' : 'days'} later` };
  }
  if (lo === 0 && hi === 0) return { zh: `${zhName}无变化（0天）`, en: `${enName}: no change (0 days)` };
  return {
    zh: `${zhName}变化${signed(lo)}至${signed(hi)}天`,
    en: `${enName} ${signed(lo)} to ${signed(hi)} days`,
  };
}

function percentHeadline(zhName: string, enName: string, percent: number): { zh: string; en: string } {
  const p = roundWhole(percent);
  if (p > 0) return { zh: `${zhName}增加${p}%`, en: `${enName} +${p}%` };
  if (p < 0) return { zh: `${zhName}减少${-p}%`, en: `${enName} ${MINUS}${-p}%` };
  return { zh: `${zhName}无变化（0%）`, en: `${enName}: no change (0%)` };
}

function deltaHeadline(zhName: string, enName: string, delta: number, unit: string | null): { zh: string; en: string } {
  const u = unit ? ` ${unit}` : '';
  if (delta > 0) return { zh: `${zhName}增加${amount(delta)}${u}`, en: `${enName} +${amount(delta)}${u}` };
  if (delta < 0) return { zh: `${zhName}减少${amount(delta)}${u}`, en: `${enName} ${MINUS}${amount(delta)}${u}` };
  return { zh: `${zhName}无变化`, en: `${enName}: no change` };
}

/**
 * Writes the one-line result (spec §5). Dates: the range of site deltas rounded to whole
 * days ("开花期提前3–4天" / "flowering 3–4 days earlier"; "推迟"/"later"; a signed range
 * when signs differ), judged by the delta CI. Numbers: the percent rounded to a whole
 * number ("产量增加10%" / "yield +10%"), judged by the percent CI; when no percent exists
 * (a value ≤ 0) the delta in the variable's unit. `significant` is false, with a
 * qualifier, whenever that CI is missing or includes zero.
 * @example writeHeadline({
 *   variable: { name: '开花期', nameEn: 'flowering', kind: 'date', unit: null },
 *   siteDeltas: [-3, -4], delta: -3.5, deltaCi: [-9.9, 2.9], percent: null, percentCi: null,
 * }).en // => 'flowering 3–4 days earlier'
 */
export function writeHeadline(input: HeadlineInput): Headline {
  const { variable } = input;
  const zhName = variable.name;
  const enName = variable.nameEn ?? variable.name;
  if (input.siteDeltas.length === 0 || input.delta === null) {
    return {
      zh: `${zhName}：没有可比较的数据`,
      en: `${enName}: no data to compare`,
      significant: false,
      qualifier: NO_CI,
    };
  }
  if (variable.kind === 'date') {
    return { ...dateHeadline(zhName, enName, input.siteDeltas), ...significance(input.deltaCi) };
  }
  if (input.percent !== null) {
    return { ...percentHeadline(zhName, enName, input.percent), ...significance(input.percentCi) };
  }
  return { ...deltaHeadline(zhName, enName, input.delta, variable.unit), ...significance(input.deltaCi) };
}
