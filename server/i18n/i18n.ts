import { messages, type MessageKey } from './messages.js';

export type Lang = 'zh' | 'en';
export const LANGS: readonly Lang[] = ['zh', 'en'];

export type Params = Record<string, string | number | null | undefined>;

/** The message in the given language with `{name}` placeholders filled in. */
export function translate(lang: Lang, key: MessageKey | string, params: Params = {}): string {
  const entry = (messages as Record<string, { zh: string; en: string }>)[key];
  const text = entry ? entry[lang] : key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params[name];
    return v === undefined || v === null ? '' : String(v);
  });
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(messages, key);
}

/** Picks zh or en from an explicit choice, a cookie or Accept-Language; Chinese by default. */
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
  return 'zh';
}

function normalize(tag: string): Lang | undefined {
  const t = tag.toLowerCase();
  if (t.startsWith('zh')) return 'zh';
  if (t.startsWith('en')) return 'en';
  return undefined;
}
