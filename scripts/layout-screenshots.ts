/**
 * Screenshots of the layout designer, the field map and the plot labels for README.md, taken
 * from a running app with the demonstration data:
 * `PORT=3106 DEMOPLOT_DATA_DIR=/tmp/demo npm start`, then
 * `BASE=http://localhost:3106 npx tsx scripts/layout-screenshots.ts`.
 * It adds an RCBD trial to the Tacheng project, designs and commits its layout, and writes
 * docs/screenshots/layout-*.png, map-*.png and labels-*.png (the print views through PDF and
 * pdftoppm, which must be installed).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../test/support/browser.js';
import { loginThroughForm } from '../test/support/context.js';

const BASE = process.env.BASE ?? 'http://localhost:3000';
const OUT = new URL('../docs/screenshots/', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'layout-shots-'));

async function api(method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(BASE + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const { token } = await api('POST', '/api/tokens', '', { email: 'admin@demo.example', password: 'demoplot-admin' });
const trial = await api('POST', '/api/projects/1/trials', token, {
  name: `番茄品种比较 ${new Date().toISOString().slice(11, 19)}`,
  nameEn: 'Tomato variety comparison',
  crop: '番茄',
  season: '2027 春',
  design: 'rcbd',
  arms: [
    { name: '秸秆降解+新品种', role: 'treatment' },
    { name: '新品种', role: 'treatment' },
    { name: '常规种植', role: 'control' },
  ],
  variables: ['yield_kg_per_mu', 'vigour'],
});
const session = await loginThroughForm(BASE, 'agronomist@demo.example', 'demoplot-agronomist');

/** A PDF of the page, turned into PNGs by pdftoppm; answers the PNG files. */
async function printed(page: import('playwright-core').Page, name: string, landscape: boolean): Promise<string[]> {
  const pdf = join(tmp, `${name}.pdf`);
  await page.pdf({ path: pdf, format: 'A4', landscape, printBackground: true, preferCSSPageSize: true });
  execFileSync('pdftoppm', ['-png', '-r', '60', pdf, join(OUT, name)]);
  return readdirSync(OUT).filter((f) => f.startsWith(name));
}

const browser = await launchChromium();
try {
  for (const { width, lang, suffix } of [
    { width: 1280, lang: 'zh', suffix: '' },
    { width: 390, lang: 'zh', suffix: '-phone' },
    { width: 1280, lang: 'en', suffix: '-en' },
  ]) {
    const context = await browser.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: 1, locale: 'zh-CN' });
    await context.addCookies([
      { name: 'demoplot_session', value: session, url: BASE },
      { name: 'lang', value: lang, url: BASE },
    ]);
    const page = await context.newPage();
    if (suffix === '') {
      await page.goto(`${BASE}/trials/${trial.id}/layouts/new`);
      await page.selectOption('#f-siteId', '1');
      await page.fill('#f-blocks', '4');
      await page.fill('#f-rows', '4');
      await page.fill('#f-columns', '3');
      await page.fill('#f-labelPattern', '二工-{block}-{n}');
      await page.fill('#f-plotArea', '30');
      await page.fill('#f-plantedOn', '2027-03-20');
      await page.fill('#f-seed', '20261201');
      await page.selectOption('#f-entrance', 'down');
      await page.screenshot({ path: join(OUT, 'layout-designer.png'), fullPage: true });
      await page.click('button[type="submit"].btn');
      await page.waitForURL(/\/layouts\/\d+/);
      await page.screenshot({ path: join(OUT, 'layout-preview.png'), fullPage: true });
      await page.click('text=按此布局生成小区');
      await page.waitForURL(/\/map/);
    }
    await page.goto(`${BASE}/trials/${trial.id}/map?site=1`);
    await page.screenshot({ path: join(OUT, `map${suffix}.png`), fullPage: true });
    await page.goto(`${BASE}/trials/${trial.id}/labels?site=1&paper=3x8${suffix === '-en' ? '' : '&arm=1'}`);
    await page.screenshot({ path: join(OUT, `labels${suffix}.png`), fullPage: width > 400 ? false : false });
    if (suffix === '') {
      console.log(await printed(page, 'labels-print', false));
      await page.goto(`${BASE}/trials/${trial.id}/map?site=1`);
      console.log(await printed(page, 'map-print', true));
    }
    if (suffix === '-phone') {
      await page.goto(`${BASE}/trials/${trial.id}?plot=${encodeURIComponent('二工-2-05')}`);
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(OUT, 'layout-plot-link-phone.png') });
    }
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(`trial ${trial.id}: docs/screenshots/layout-*.png, map-*.png, labels-*.png`);
