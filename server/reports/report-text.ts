import type { Headline, HeadlineQualifier, HeadlineStatement } from '../../analysis/headline.js';
import { isMessageKey, LANGS, translate, type Lang } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/i18n.js';
import { nameIn } from '../web/labels.js';

const MINUS = '\u2212';
const EN_DASH = '\u2013';

/** The variable as a headline names it: as every other label of the page does (`nameIn`). */
export interface NamedVariable {
  name: string;
  nameEn: string | null;
  unit: string | null;
}

function t(lang: Lang, key: MessageKey, params?: Record<string, string | number>): string {
  return translate(lang, key, params);
}

function signedWhole(x: number): string {
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

/**
 * A headline statement in words (spec §5): "开花期提前3–4天" / "flowering 3–4 days earlier",
 * "产量增加10%" / "yield +10%".
 * @example headlineText('en', { name: '产量', nameEn: 'yield', unit: null }, { code: 'percent', percent: 10 }) // => 'yield +10%'
 */
export function headlineText(lang: Lang, variable: NamedVariable, s: HeadlineStatement): string {
  const name = nameIn(lang, variable);
  switch (s.code) {
    case 'earlier':
    case 'later': {
      const one = s.low === 1 && s.high === 1;
      const key = `headline.${s.code}${one ? 'One' : ''}` as MessageKey;
      return t(lang, key, { name, days: range(s.low, s.high) });
    }
    case 'daysMixed':
      return t(lang, 'headline.daysMixed', { name, low: signedWhole(s.low), high: signedWhole(s.high) });
    case 'percent':
      return t(lang, s.percent > 0 ? 'headline.percentUp' : 'headline.percentDown', { name, percent: Math.abs(s.percent) });
    case 'delta':
      return t(lang, s.delta > 0 ? 'headline.deltaUp' : 'headline.deltaDown', {
        name,
        amount: amount(s.delta),
        unit: variable.unit ? ` ${variable.unit}` : '',
      });
    case 'texts':
      return t(lang, s.count === 1 ? 'headline.textsOne' : 'headline.texts', { name, count: s.count });
    case 'noChangeDays':
    case 'noChangePercent':
    case 'noChange':
    case 'noData':
    case 'noControlArm':
    case 'noTreatmentArm':
    case 'categories':
      return t(lang, `headline.${s.code}`, { name });
    default: {
      const never: never = s;
      throw new Error(`unknown headline ${JSON.stringify(never)}`);
    }
  }
}

/** Why a result is not called significant, in words. */
export function qualifierText(lang: Lang, q: HeadlineQualifier): string {
  return t(lang, `qualifier.${q}`);
}

/** A flag code in words; an unknown code is shown as it is. */
export function flagText(lang: Lang, code: string): string {
  const key = `flag.${code}`;
  return isMessageKey(key) ? translate(lang, key) : code;
}

/**
 * The headline as quoted on its own (home and project pages, exports): the sentence, and
 * when it is not significant the qualifier with it, so "not significant" always travels
 * with the effect (spec §8).
 * @example quotedHeadline('en', variable, { statement: { code: 'percent', percent: 18 }, significant: false, qualifier: 'notSignificant' })
 * // => 'yield +18% (not significant (95% CI includes 0))'
 */
export function quotedHeadline(lang: Lang, variable: NamedVariable, h: Headline): string {
  const text = headlineText(lang, variable, h.statement);
  if (h.significant || h.qualifier === null) return text;
  return t(lang, 'headline.withQualifier', { text, qualifier: qualifierText(lang, h.qualifier) });
}

/** The headline of the report API: the statement worded in every language, as before. */
export interface HeadlineDto {
  zh: string;
  en: string;
  significant: boolean;
  qualifier: { zh: string; en: string } | null;
  /** The qualifier's code (`noCi`, `notSignificant`), null when none. */
  qualifierCode: HeadlineQualifier | null;
  /** The statement code and figures the sentences were written from. */
  statement: HeadlineStatement;
}

export function headlineDto(variable: NamedVariable, h: Headline): HeadlineDto {
  const words = (f: (lang: Lang) => string) => Object.fromEntries(LANGS.map((l) => [l, f(l)])) as Record<Lang, string>;
  return {
    ...words((l) => headlineText(l, variable, h.statement)),
    significant: h.significant,
    qualifier: h.qualifier === null ? null : words((l) => qualifierText(l, h.qualifier!)),
    qualifierCode: h.qualifier,
    statement: h.statement,
  };
}
