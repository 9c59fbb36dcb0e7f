import { randomUUID } from 'node:crypto';
import { controlsFor } from './role-controls.js';
import Handlebars from 'handlebars';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { VIEWS_DIR } from './folders.js';
import type { Response } from 'express';
import { DEFAULT_LANG, LANGS, languageOf, messageKey, recordName, translate, type Lang } from '../i18n/i18n.js';
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
  const template = (name: string) => {
    const found = templates.get(name);
    if (!found) throw new Error(`no template views/${name}.hbs`);
    return found;
  };
  return {
    render(name: string, context: Record<string, unknown>, layout = 'layouts/main'): string {
      const body = template(name)(context);
      const frame = templates.get(layout);
      return frame ? frame({ ...context, body }) : body;
    },
    /** A template rendered alone, without a layout (a part of a page that is kept rendered);
     * `context` is its @root, so it carries `lang` (and `can`, when the part asks). */
    part(name: string, context: Record<string, unknown>): RenderedPart {
      return new RenderedPart(Buffer.from(template(name)(context)));
    },
  };
}
export type Renderer = ReturnType<typeof createRenderer>;

/**
 * Markup rendered once and kept as UTF-8 bytes (`renderer.part`), for a page that shows it
 * many times: given to sendPage as a context value and written with `{{{name}}}`, it goes
 * into the page's bytes as it is, neither rendered nor encoded again.
 */
export class RenderedPart {
  constructor(readonly bytes: Buffer) {}
}

/** A part's place in a rendered page: a mark no text typed into the app can hold (it carries
 * a number drawn when the process starts). */
const PART_NONCE = randomUUID();
const partMark = (n: number) => `\u0001${PART_NONCE}:${n}\u0001`;
const PART_MARK = new RegExp(`\u0001${PART_NONCE}:(\\d+)\u0001`);

/** The page with each part's mark replaced by the part's bytes. */
function spliceParts(html: string, parts: readonly Buffer[]): Buffer {
  const pieces = html.split(PART_MARK);
  // split() with a capture group alternates text and part numbers: text, n, text, n, text.
  return Buffer.concat(pieces.map((piece, i) => (i % 2 === 0 ? Buffer.from(piece) : parts[Number(piece)])));
}

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
    return recordName(lang, { name: obj.name ?? '', nameEn: obj.nameEn });
  });
}

/** Renders a page with the common context (language, path, csrf token when there is one). */
export function sendPage(res: Response, renderer: Renderer, name: string, context: Record<string, unknown>, status = 200) {
  const lang: Lang = res.locals.lang ?? DEFAULT_LANG;
  const spec = languageOf(lang);
  const parts: Buffer[] = [];
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(context)) {
    if (value instanceof RenderedPart) {
      values[key] = partMark(parts.length);
      parts.push(value.bytes);
    } else values[key] = value;
  }
  const rendered = renderer.render(name, {
    lang,
    htmlLang: spec.htmlLang,
    dir: spec.dir,
    csrfToken: res.locals.csrfToken,
    user: res.locals.user,
    can: controlsFor(res.locals.user?.role),
    path: res.req.originalUrl,
    languages: languageSwitch(res.req.originalUrl, lang),
    ...values,
  });
  const html = parts.length ? spliceParts(rendered, parts) : rendered;
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
