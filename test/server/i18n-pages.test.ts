import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { LANGS, LANGUAGES, MESSAGE_KEYS, catalogueText, type Lang } from '../../server/i18n/i18n.js';
import { startTestApp, type TestApp } from '../support/context.js';
import { listRoutes } from '../support/routes.js';
import { upload } from '../support/imports.js';

/**
 * Every page of the app in every language of the language list: it renders, carries the
 * language's `lang` and `dir`, offers the switch, and shows no raw message key.
 */
let app: TestApp;
let routes: string[];
beforeAll(async () => {
  app = await startTestApp({ demo: true });
  routes = listRoutes(createApp(app.config, app.database.handle));
  // An import preview with one good row and one problem, for the preview page.
  const csv = 'plot,variable,value,observed_on\n二工-示范1,yield,5427.1,2017-08-10\nno-such-plot,yield,12,2017-08-10\n';
  const imp = await upload(app, '/api/trials/1/imports', Buffer.from(csv));
  expect(imp.status).toBe(201);
  PAGES['GET /imports/:id'] = `/imports/${imp.body.id}`;
  // A layout preview of the Tacheng trial (crd), for the designer's preview page.
  const layout = await app.post('/api/trials/1/layouts', { siteId: 1, design: 'crd', plotsPerArm: 1, rows: 1, columns: 2, labelPattern: 'L{n}', seed: 1 });
  expect(layout.status).toBe(201);
  PAGES['GET /layouts/:id'] = `/layouts/${layout.body.id}`;
}, 120_000);
afterAll(async () => {
  await app?.close();
});

/** A page route with the address that shows it on the demonstration data. */
const PAGES: Record<string, string> = {
  'GET /': '/',
  'GET /login': '/login',
  'GET /projects/new': '/projects/new',
  'GET /projects/:id': '/projects/1',
  'GET /projects/:id/edit': '/projects/1/edit',
  'GET /projects/:id/sites/new': '/projects/1/sites/new',
  'GET /sites/:id/edit': '/sites/1/edit',
  'GET /projects/:id/trials/new': '/projects/1/trials/new',
  'GET /trials/:id': '/trials/1',
  'GET /trials/:id/edit': '/trials/1/edit',
  'GET /trials/:id/cells': '/trials/1/cells?plot=1&variable=flowering_date',
  'GET /trials/:id/plots/new': '/trials/1/plots/new',
  'GET /plots/:id/edit': '/plots/1/edit',
  'GET /observations/:id/edit': '/observations/1/edit',
  'GET /variables/new': '/variables/new',
  'GET /trials/:id/report': '/trials/1/report',
  'GET /trials/:id/import': '/trials/1/import',
  'GET /projects/:id/training': '/projects/2/training',
  'GET /projects/:id/training/import': '/projects/2/training/import',
  'GET /projects/:id/training-sessions/new': '/projects/2/training-sessions/new',
  'GET /training-sessions/:id/edit': '/training-sessions/1/edit',
  'GET /projects/:id/farmers': '/projects/2/farmers',
  'GET /projects/:id/farmers/new': '/projects/2/farmers/new',
  'GET /farmers/:id/edit': '/farmers/1/edit',
  'GET /programmes': '/programmes',
  'GET /programmes/:id': '/programmes/1',
  'GET /programmes/:id/summary': '/programmes/1/summary',
  'GET /rectifications/:id/close': '/rectifications/2/close',
  'GET /search': '/search?q=%E7%95%AA%E8%8C%84',
  'GET /trials/:id/layouts/new': '/trials/1/layouts/new',
  'GET /trials/:id/map': '/trials/1/map',
  'GET /trials/:id/labels': '/trials/1/labels',
};
/** More addresses of the routes above that show other parts of a page. */
const MORE = ['/trials/2/report', '/trials/1?site=1', '/trials/1/import?kind=plots', '/no/such/page', '/trials/9999'];

/** GET routes that answer with something other than a page (files, redirects, JSON). */
const NOT_PAGES = /^GET \/(api|static|logout|photos|sw\.js)\b|\/(export|field\.csv|traits\.trt|manifest\.webmanifest|map\.svg)\b|^GET \/trials\/:id\/observations$/;
// GET /imports/:id is added in beforeAll, once there is an import to show.

/** `word.word` where the first word is one of the catalogue's key prefixes. */
const PREFIXES = [...new Set(MESSAGE_KEYS.map((k) => k.split('.')[0]))];
const RAW_KEY = new RegExp(`\\b(?:${PREFIXES.join('|')})\\.[a-z][A-Za-z]+\\b`);

async function page(path: string, lang: Lang) {
  const res = await fetch(app.baseUrl + path, {
    // The sign-in page is for those not signed in yet.
    headers: { accept: 'text/html', cookie: `lang=${lang}`, ...(path === '/login' ? {} : { authorization: `Bearer ${app.admin.token}` }) },
    redirect: 'manual',
  });
  const html = await res.text();
  const { document } = parseHTML(html);
  // Text and the attributes people read (titles, labels, placeholders, option labels).
  const attrs = [...document.querySelectorAll('[title],[aria-label],[placeholder],[alt]')].flatMap((e) =>
    ['title', 'aria-label', 'placeholder', 'alt'].map((a) => e.getAttribute(a) ?? ''),
  );
  // Scripts and styles are not text a person reads (a script's JSON may name keys).
  for (const e of [...document.querySelectorAll('script, style')]) e.remove();
  const text = `${document.body?.textContent ?? ''} ${attrs.join(' ')} ${document.title}`.replace(/\s+/g, ' ');
  return { status: res.status, document, text };
}

describe('every page in every language', () => {
  it('lists every page route here', () => {
    const pages = routes.filter((r) => r.startsWith('GET ') && !NOT_PAGES.test(r));
    expect(pages.filter((r) => !(r in PAGES)), 'page routes missing from PAGES').toEqual([]);
  });

  for (const lang of LANGS) {
    it(`renders every page in ${LANGUAGES[lang].nativeName} (${lang}) with no raw message key`, async () => {
      for (const path of [...Object.values(PAGES), ...MORE]) {
        const p = await page(path, lang);
        expect([200, 404], `${lang} ${path}`).toContain(p.status);
        if (path.startsWith('/no/') || path === '/trials/9999') expect(p.status, path).toBe(404);
        else expect(p.status, `${lang} ${path}`).toBe(200);
        expect(p.text.match(RAW_KEY)?.[0], `${lang} ${path}`).toBeUndefined();
        const html = p.document.documentElement;
        expect(html.getAttribute('lang'), path).toBe(LANGUAGES[lang].htmlLang);
        expect(html.getAttribute('dir'), path).toBe(LANGUAGES[lang].dir);
        const names = [...p.document.querySelectorAll('.lang-switch a, .lang-switch span')].map((e) => e.textContent?.trim());
        expect(names, path).toEqual(['中文', 'ئۇيغۇرچە', 'English']);
      }
    }, 120_000);
  }

  it("gives the trial page's offline script its texts in the page's language", async () => {
    const keys = MESSAGE_KEYS.filter((k) => k.startsWith('offline.'));
    expect(keys.length).toBeGreaterThan(0);
    for (const lang of LANGS) {
      const res = await fetch(`${app.baseUrl}/trials/1`, { headers: { accept: 'text/html', cookie: `lang=${lang}`, authorization: `Bearer ${app.admin.token}` } });
      const { document } = parseHTML(await res.text());
      const config = JSON.parse(document.getElementById('offline-config')?.textContent ?? '{}') as { t?: Record<string, string> };
      expect(config.t, lang).toEqual(Object.fromEntries(keys.map((k) => [k, catalogueText(lang, k)])));
    }
  });

  it('shows Uyghur pages in Uyghur, mirrored, with the figures left to right', async () => {
    const home = await page('/', 'ug');
    expect(home.text).toContain('ئۈلگە تۈرلەر');
    const report = await page('/trials/1/report', 'ug');
    expect(report.text).toContain('سىناق نەتىجە دوكلاتى');
    expect(report.text).toContain('سېلىشتۇرما');
    // Charts are drawn left to right whatever the page's direction.
    const charts = [...report.document.querySelectorAll('figure.chart > div')];
    expect(charts.length).toBeGreaterThan(0);
    for (const chart of charts) expect(chart.getAttribute('dir')).toBe('ltr');
  });
});
