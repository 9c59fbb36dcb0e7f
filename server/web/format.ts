import { todayInZone } from '../observations/plausibility.js';
import { translate, type Lang } from '../i18n/i18n.js';
import { LANGUAGES } from '../i18n/languages.js';

const MINUS = '\u2212';

/**
 * A figure as it must be drawn inside text of the page's language: in right-to-left text
 * (Uyghur) a left-to-right isolate (LRI … PDI), so its sign stays on the left of its digits
 * and an interval keeps its order; unchanged in left-to-right languages. Without it the
 * bidirectional algorithm draws "−3.57" after Uyghur words as "3.57−".
 * @example figure('ug', '−3.57') // => '\u2066−3.57\u2069'
 */
export function figure(lang: Lang, text: string): string {
  return LANGUAGES[lang].dir === 'rtl' && text !== '' ? `\u2066${text}\u2069` : text;
}

/** A figure and its unit ("−3.57 g/袋", "−3.57 پىرسەنت پۇنكىت"), the figure isolated in
 * right-to-left text as by `figure`; the figure alone when there is no unit or no figure. */
export function withUnit(lang: Lang, text: string, unit: string | null | undefined): string {
  return unit && text !== '—' ? `${figure(lang, text)} ${unit}` : figure(lang, text);
}

/**
 * A figure for a table cell: whole numbers from 100 up, one decimal from 10, two below,
 * trailing zeros dropped, a true minus sign; '—' when there is no figure.
 * @example num(-3.3333) // => '−3.33'
 */
export function num(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : 2;
  let s = a.toFixed(digits);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  if (s === '0') return '0';
  return x < 0 ? MINUS + s : s;
}

/** Like `num` with an explicit plus sign for positive figures. */
export function signed(x: number | null | undefined): string {
  const s = num(x);
  return x !== null && x !== undefined && x > 0 && s !== '0' ? `+${s}` : s;
}

/** A 95% interval as "[lo, hi]", or '—'. */
export function interval(ci: readonly [number, number] | null | undefined): string {
  return ci ? `[${signed(ci[0])}, ${signed(ci[1])}]` : '—';
}

/** A p-value with two significant digits; below 0.001 written "<0.001". */
export function pValue(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '—';
  if (p < 0.001) return '<0.001';
  return p >= 0.1 ? p.toFixed(2) : String(Number(p.toPrecision(2)));
}

/** A share in percent with no decimals ("38%"), or '—'. */
export function share(part: number | null | undefined, whole: number | null | undefined): string {
  if (part === null || part === undefined || !whole) return '—';
  return `${Math.round((100 * part) / whole)}%`;
}

/**
 * A difference in days read as words: "提前 3.3 天" / "3.3 days earlier" (words from the
 * catalogue, `days.*`).
 * @example daysWords(-3.5, 'en') // => '3.5 days earlier'
 */
export function daysWords(delta: number | null | undefined, lang: Lang): string {
  if (delta === null || delta === undefined || !Number.isFinite(delta)) return '—';
  const a = num(Math.abs(delta));
  if (a === '0') return translate(lang, 'days.noDifference');
  const one = a === '1';
  if (delta < 0) return translate(lang, one ? 'days.earlierOne' : 'days.earlier', { days: a });
  return translate(lang, one ? 'days.laterOne' : 'days.later', { days: a });
}

/**
 * A distinct count from rosters (spec §6): "12" when every session had a roster, "≥ 12 (3
 * sessions without a roster)" when some did not, "—" when none had one (null): unknown is
 * never shown as 0.
 * @example rosterCount(12, 3, 'en') // => '≥ 12 (3 sessions without a roster)'
 */
export function rosterCount(value: number | null, sessionsWithoutRoster: number, lang: Lang): string {
  if (value === null) return '—';
  if (sessionsWithoutRoster === 0) return String(value);
  return translate(lang, sessionsWithoutRoster === 1 ? 'training.atLeastOne' : 'training.atLeast', { value, count: sessionsWithoutRoster });
}

/** Today's date in the configured time zone (DEMOPLOT_TIMEZONE, China Standard Time unless
 * set) as YYYY-MM-DD: the default day of a data-entry form. */
export function today(now = new Date()): string {
  return todayInZone(now);
}
