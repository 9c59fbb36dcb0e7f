import type { Response } from 'express';
import { isLang, isolate, keyUnder, languageOf, recordName, translate, DEFAULT_LANG, type KeysUnder, type Lang, type Params } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/i18n.js';
import type { Option } from './forms.js';

/** The page's language (set by the middleware in app.ts). */
export function langOf(res: Response): Lang {
  return isLang(res.locals.lang) ? res.locals.lang : DEFAULT_LANG;
}

/** A message of the interface, checked against the message table at compile time. */
export function tr(lang: Lang, key: MessageKey, params?: Params): string {
  return translate(lang, key, params);
}

/** A name as typed, as it must be drawn among the page's words: in a right-to-left language
 * an isolate of its own first-strong direction (FSI … PDI), so "2017 番茄示范棚" is not drawn
 * "番茄示范棚 2017" on a Uyghur page; unchanged in left-to-right languages. */
export function asName(lang: Lang, name: string): string {
  return languageOf(lang).dir === 'rtl' && name !== '' ? isolate(name) : name;
}

/** The English name on English pages when there is one, else the Chinese (isolated in a
 * right-to-left language, as `asName`). */
export function nameIn(lang: Lang, o: { name: string; nameEn?: string | null }): string {
  return asName(lang, recordName(lang, o));
}

/** The other language's name, shown small beside the first when it differs (isolated as `nameIn`). */
export function otherName(lang: Lang, o: { name: string; nameEn?: string | null }): string | null {
  if (!o.nameEn || o.nameEn === o.name) return null;
  return asName(lang, languageOf(lang).prefersEnglishNames ? o.name : o.nameEn);
}

/** Options of a closed list whose labels live under `prefix.value` (checked at compile time). */
export function enumOptions<P extends string>(lang: Lang, prefix: P, values: readonly KeysUnder<P>[], blank?: MessageKey): Option[] {
  const opts: Option[] = values.map((v) => [v, translate(lang, keyUnder(prefix, v))] as const);
  return blank ? [['', translate(lang, blank)], ...opts] : opts;
}

/** The label of one value of a closed list, e.g. `enumLabel('en', 'design', 'crd')`. */
export function enumLabel<P extends string>(lang: Lang, prefix: P, value: KeysUnder<P> | null | undefined): string {
  return value ? translate(lang, keyUnder(prefix, value)) : '';
}

/** "2017-01-01 – 2017-12-31", one end alone, or ''. */
export function period(from: string | null, to: string | null): string {
  if (from && to) return `${from} – ${to}`;
  return from ?? to ?? '';
}

/** "编辑项目：名称" / "Edit project: name", with each language's own colon. */
export function titled(lang: Lang, label: string, name: string): string {
  return `${label}${languageOf(lang).colon}${name}`;
}

/** "秸秆降解（处理）" / "straw (treatment)", with each language's own brackets. */
export function withNote(lang: Lang, text: string, note: string): string {
  const [open, close] = languageOf(lang).brackets;
  return `${text}${open}${note}${close}`;
}

/** Items joined with the language's list separator ("甲、乙" / "a, b" / "a، b"), or with
 * `separator` (" · " between a county, a township and a village); empty items are left out. In
 * a right-to-left language each item is an isolate (FSI … PDI) and the list one right-to-left
 * isolate (RLI … PDI), so Chinese or English names in a Uyghur list run right to left, the
 * first on the right, wherever the list is put. */
export function listOf(lang: Lang, items: readonly (string | null | undefined)[], separator?: string): string {
  const { listSeparator, dir } = languageOf(lang);
  const present = items.filter((item): item is string => !!item);
  const sep = separator ?? listSeparator;
  if (dir !== 'rtl' || present.length === 0) return present.join(sep);
  return `\u2067${present.map(isolate).join(sep)}\u2069`;
}
