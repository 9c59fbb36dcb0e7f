/**
 * The interface languages, in the order the language switch offers them. Everything that
 * depends on the language (its messages, the `<html lang dir>`, number and date formatting,
 * punctuation, which of a record's two names to show) reads this table; adding a language
 * is one entry here plus its catalogue file `server/i18n/<code>.ts` (a copy of en.ts with
 * the text translated).
 */
import { zh } from './zh.js';
import { en } from './en.js';
import { ug } from './ug.js';
import type { MessageKey } from './zh.js';

export const LANGUAGES = {
  zh: {
    nativeName: '中文',
    catalogue: zh,
    dir: 'ltr',
    htmlLang: 'zh-CN',
    locale: 'zh-CN',
    /** Records carry a Chinese `name` and an optional `nameEn`: which one leads. */
    prefersEnglishNames: false,
    listSeparator: '、',
    colon: '：',
    brackets: ['（', '）'],
    isoMonths: false,
    sheetLang: 'zh',
  },
  ug: {
    nativeName: 'ئۇيغۇرچە',
    catalogue: ug,
    dir: 'rtl',
    htmlLang: 'ug',
    locale: 'ug-CN',
    prefersEnglishNames: false,
    listSeparator: '، ',
    colon: ': ',
    brackets: [' (', ')'],
    isoMonths: false,
    /** Spreadsheets keep Chinese column names, which every import reads back. */
    sheetLang: 'zh',
  },
  en: {
    nativeName: 'English',
    catalogue: en,
    dir: 'ltr',
    htmlLang: 'en',
    locale: 'en-GB',
    prefersEnglishNames: true,
    listSeparator: ', ',
    colon: ': ',
    brackets: [' (', ')'],
    isoMonths: true,
    sheetLang: 'en',
  },
} as const satisfies Record<string, LanguageSpec>;

export interface LanguageSpec {
  /** The language's name in itself, shown on the language switch. */
  nativeName: string;
  /** Every message in this language: the catalogue file of the language. */
  catalogue: Readonly<Record<MessageKey, string>>;
  dir: 'ltr' | 'rtl';
  /** The `lang` attribute of the page (BCP 47). */
  htmlLang: string;
  /** The Intl locale for numbers and dates. */
  locale: string;
  prefersEnglishNames: boolean;
  listSeparator: string;
  colon: string;
  brackets: readonly [string, string];
  /** Month rows of tables as "2017-04" rather than the locale's month name. */
  isoMonths: boolean;
  /** The language exported spreadsheets are written in: one whose column names import reads. */
  sheetLang: 'zh' | 'en';
}

export type Lang = keyof typeof LANGUAGES;

/** Every language code, in the switch's order: 中文 / ئۇيغۇرچە / English. */
export const LANGS = Object.keys(LANGUAGES) as Lang[];

export const DEFAULT_LANG: Lang = 'zh';

export function isLang(v: unknown): v is Lang {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(LANGUAGES, v);
}

export function languageOf(lang: Lang): LanguageSpec {
  return LANGUAGES[lang];
}
