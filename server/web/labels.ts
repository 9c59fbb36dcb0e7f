import type { Response } from 'express';
import { translate, type Lang, type Params } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/messages.js';
import type { Option } from './forms.js';

/** The page's language (set by the middleware in app.ts). */
export function langOf(res: Response): Lang {
  return res.locals.lang === 'en' ? 'en' : 'zh';
}

/** A message of the interface, checked against the message table at compile time. */
export function tr(lang: Lang, key: MessageKey, params?: Params): string {
  return translate(lang, key, params);
}

/** The English name on English pages when there is one, else the Chinese. */
export function nameIn(lang: Lang, o: { name: string; nameEn?: string | null }): string {
  return lang === 'en' && o.nameEn ? o.nameEn : o.name;
}

/** The other language's name, shown small beside the first when it differs. */
export function otherName(lang: Lang, o: { name: string; nameEn?: string | null }): string | null {
  if (!o.nameEn || o.nameEn === o.name) return null;
  return lang === 'en' ? o.name : o.nameEn;
}

/** Options of a closed list whose labels live under `prefix.value`. */
export function enumOptions(lang: Lang, prefix: string, values: readonly string[], blank?: MessageKey): Option[] {
  const opts: Option[] = values.map((v) => [v, translate(lang, `${prefix}.${v}`)] as const);
  return blank ? [['', translate(lang, blank)], ...opts] : opts;
}

/** The label of one value of a closed list, e.g. `enumLabel('en', 'design', 'crd')`. */
export function enumLabel(lang: Lang, prefix: string, value: string | null | undefined): string {
  return value ? translate(lang, `${prefix}.${value}`) : '';
}

/** "2017-01-01 – 2017-12-31", one end alone, or ''. */
export function period(from: string | null, to: string | null): string {
  if (from && to) return `${from} – ${to}`;
  return from ?? to ?? '';
}

/** "编辑项目：名称" / "Edit project: name", with each language's own colon. */
export function titled(lang: Lang, label: string, name: string): string {
  return lang === 'zh' ? `${label}：${name}` : `${label}: ${name}`;
}

/** "秸秆降解（处理）" / "straw (treatment)", with each language's own brackets. */
export function withNote(lang: Lang, text: string, note: string): string {
  return lang === 'zh' ? `${text}（${note}）` : `${text} (${note})`;
}
