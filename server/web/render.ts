import { controlsFor } from './role-controls.js';
import Handlebars from 'handlebars';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { VIEWS_DIR } from './folders.js';
import type { Response } from 'express';
import { DEFAULT_LANG, LANGS, languageOf, messageKey, translate, type Lang } from '../i18n/i18n.js';
import { compressFor, type Assets } from './assets.js';


/**
 * Server-side Handlebars: every `.hbs` under views/ is compiled once at start, partials are
 * the files under views/partials/ (named by their path, e.g. `csrf`, `report/table`), and a
 * page is rendered into views/layouts/<layout>.hbs as `{{{body}}}`.
 */
export function createRenderer(assets?: Assets) {
  const hb = Handlebars.create();
  const templates = new Map<string, Handlebars.TemplateDelegate>();
  for (const file of walk(VIEWS_DIR)) {
    const name = relative(VIEWS_DIR, file).split(sep).join('/').replace(/\.hbs$/, '');
    const source = readFileSync(file, 'utf8');
    // Partials are registered compiled: given as text, Handlebars compiles them again on every render.
    if (name.startsWith('partials/')) hb.registerPartial(name.slice('partials/'.length), hb.compile(source));
    else templates.set(name, hb.compile(source));
  }
  registerHelpers(hb);
  /** {{asset "app.css"}}: the file's fingerprinted address (long-cached). */
  hb.registerHelper('asset', (name: string) => (assets ? assets.url(name) : `/static/${name}`));
  return {
    render(name: string, context: Record<string, unknown>, layout = 'layouts/main'): string {
      const page = templates.get(name);
      if (!page) throw new Error(`no template views/${name}.hbs`);
      const body = page(context);
      const frame = templates.get(layout);
      return frame ? frame({ ...context, body }) : body;
    },
  };
}
export type Renderer = ReturnType<typeof createRenderer>;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = join(dir, entry);
    return statSync(full).isDirectory() ? walk(full) : entry.endsWith('.hbs') ? [full] : [];
  });
}

function registerHelpers(hb: typeof Handlebars) {
  /** {{t "key" name=value}}: a message in the page's language (from @root.lang); a key
   * missing from the catalogue throws (test/server/i18n-pages.test.ts renders every page). */
  hb.registerHelper('t', function (this: unknown, key: string, options: Handlebars.HelperOptions) {
    const lang: Lang = options.data?.root?.lang ?? DEFAULT_LANG;
    return translate(lang, messageKey(key), options.hash ?? {});
  });
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('json', (v: unknown) => new Handlebars.SafeString(JSON.stringify(v ?? null).replace(/</g, '\\u003c')));
  /** {{name obj}}: the English name when the page is English and one exists, else the Chinese. */
  hb.registerHelper('name', function (this: unknown, obj: { name?: string; nameEn?: string | null } | undefined, options: Handlebars.HelperOptions) {
    const lang: Lang = options.data?.root?.lang ?? DEFAULT_LANG;
    if (!obj) return '';
    return languageOf(lang).prefersEnglishNames && obj.nameEn ? obj.nameEn : (obj.name ?? '');
  });
}

/** Renders a page with the common context (language, path, csrf token when there is one). */
export function sendPage(res: Response, renderer: Renderer, name: string, context: Record<string, unknown>, status = 200) {
  const lang: Lang = res.locals.lang ?? DEFAULT_LANG;
  const spec = languageOf(lang);
  const html = renderer.render(name, {
    lang,
    htmlLang: spec.htmlLang,
    dir: spec.dir,
    csrfToken: res.locals.csrfToken,
    user: res.locals.user,
    can: controlsFor(res.locals.user?.role),
    path: res.req.originalUrl,
    languages: languageSwitch(res.req.originalUrl, lang),
    ...context,
  });
  res.status(status).type('html').vary('Accept-Encoding');
  compressFor(res.req, html).then(
    ({ body, encoding }) => {
      if (encoding) res.set('Content-Encoding', encoding);
      res.send(body);
    },
    // Compression cannot fail on a string, but if it did the page still goes out, plain.
    () => res.send(html),
  );
}

/** The language switch: every language in its own name, the current one marked. */
export function languageSwitch(originalUrl: string, current: Lang) {
  return LANGS.map((code) => {
    const spec = languageOf(code);
    return { code, nativeName: spec.nativeName, htmlLang: spec.htmlLang, dir: spec.dir, href: switchLangHref(originalUrl, code), current: code === current };
  });
}

/** The same address in another language; a form's address (after a failed POST) is
 * shown again by GET, so the link always lands on a page. */
export function switchLangHref(originalUrl: string, to: Lang): string {
  const url = new URL(originalUrl, 'http://x');
  url.searchParams.set('lang', to);
  return url.pathname + url.search;
}
