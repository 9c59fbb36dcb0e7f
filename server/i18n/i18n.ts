import { zh, type MessageKey } from './zh.js';
import { DEFAULT_LANG, LANGUAGES, languageOf, type Lang } from './languages.js';

export { DEFAULT_LANG, LANGS, LANGUAGES, isLang, languageOf, type Lang, type LanguageSpec } from './languages.js';
export type { MessageKey } from './zh.js';

export type Params = Record<string, string | number | null | undefined>;

/** Each language's catalogue, as its entry in languages.ts names it. */
function catalogue(lang: Lang): Readonly<Record<MessageKey, string>> {
  return LANGUAGES[lang].catalogue;
}

/** The name of a record in a language: the English name where the language prefers it and
 * there is one, else the Chinese. (Pages draw it through `nameIn`, which also isolates it.) */
export function recordName(lang: Lang, o: { name: string; nameEn?: string | null }): string {
  return languageOf(lang).prefersEnglishNames && o.nameEn ? o.nameEn : o.name;
}

/** Text as an isolate of its own direction (FSI … PDI): inside right-to-left text it keeps its
 * own order, and words beside it keep theirs (a date, "−4 … −3", a Chinese or Latin name). */
export function isolate(text: string | number): string {
  return `\u2068${text}\u2069`;
}

/**
 * The message in the given language with `{name}` placeholders filled in. The key is a
 * `MessageKey`: a typo or a key missing from the catalogue fails the type check. A key
 * computed at run time goes through `messageKey()` first.
 * @example translate('en', 'role.control') // => 'control'
 */
export function translate(lang: Lang, key: MessageKey, params: Params = {}): string {
  const rtl = LANGUAGES[lang].dir === 'rtl';
  return catalogue(lang)[key].replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined || v === null) return '';
    // In right-to-left text each value is an isolate, so "−4 … −3", a Latin name or a date
    // keeps its own order.
    return rtl && v !== '' ? isolate(v) : String(v);
  });
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(zh, key);
}

/** A key built at run time (e.g. `error.${code}`), checked against the catalogue; throws
 * on a key that does not exist, so a gap shows up in tests rather than as a raw key. */
export function messageKey(key: string): MessageKey {
  if (!isMessageKey(key)) throw new Error(`no message "${key}"`);
  return key;
}

/** Every key of the catalogue (for tests and the parity check). */
export const MESSAGE_KEYS = Object.keys(zh) as MessageKey[];

/** The raw text of a key in a language, placeholders unfilled (for the parity test). */
export function catalogueText(lang: Lang, key: MessageKey): string {
  return catalogue(lang)[key];
}

/** Picks a language from an explicit choice, a cookie or Accept-Language; Chinese by default. */
export function pickLang(explicit: unknown, cookie: unknown, acceptLanguage: string | undefined): Lang {
  for (const v of [explicit, cookie]) {
    if (typeof v === 'string') {
      const l = normalize(v);
      if (l) return l;
    }
  }
  if (acceptLanguage) {
    const ranked = acceptLanguage
      .split(',')
      .map((part) => {
        const [tag, ...rest] = part.trim().split(';');
        const q = rest.find((r) => r.trim().startsWith('q='));
        return { tag: tag.trim(), q: q ? Number(q.trim().slice(2)) : 1 };
      })
      .filter((x) => x.tag && !Number.isNaN(x.q))
      .sort((a, b) => b.q - a.q);
    for (const { tag } of ranked) {
      const l = normalize(tag);
      if (l) return l;
    }
  }
  return DEFAULT_LANG;
}

/** `zh-CN`, `ug-Arab-CN`, `en-GB` ... -> the language whose code is the tag's first part. */
function normalize(tag: string): Lang | undefined {
  const primary = tag.toLowerCase().split(/[-_]/)[0];
  return (Object.keys(LANGUAGES) as Lang[]).find((l) => l === primary);
}

/**
 * The key suffixes under a prefix, for keys picked by a value of a closed list:
 * `KeysUnder<'role'>` is `'treatment' | 'control' | 'admin' | ...`.
 */
export type KeysUnder<P extends string> = SuffixOf<MessageKey, P>;
type SuffixOf<K, P extends string> = K extends `${P}.${infer S}` ? S : never;

/** `keyUnder('imp.col', 'site')` -> `'imp.col.site'`, checked at compile time. */
export function keyUnder<P extends string>(prefix: P, suffix: KeysUnder<P>): MessageKey {
  return `${prefix}.${suffix}` as MessageKey;
}
