/**
 * Screenshots of the main pages with the demonstration data, for docs/screenshots/:
 * `npx tsx scripts/screenshots.ts`. Starts the app on an in-memory database; needs Chromium
 * (and a CJK font such as Debian's fonts-noto-cjk for the Chinese to show).
 */
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import { openDatabase } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';
import { createApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { loadDemoData } from '../server/demo/demo-data.js';
import { launchChromium } from '../test/support/browser.js';
import { ensureFirstAdmin } from '../server/accounts/bootstrap.js';
import { loginThroughForm, TEST_ADMIN } from '../test/support/context.js';

const OUT = new URL('../docs/screenshots/', import.meta.url);

const database = await openDatabase({ dataDir: 'memory://' });
await migrateToLatest(database.db);
await loadDemoData(database.db);
const config = loadConfig({ NODE_ENV: 'test', DEMOPLOT_DEMO: '0', DEMOPLOT_ADMIN_EMAIL: TEST_ADMIN.email, DEMOPLOT_ADMIN_PASSWORD: TEST_ADMIN.password });
await ensureFirstAdmin(database.db, config.admin);
const app = createApp(config, database);
const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
mkdirSync(OUT, { recursive: true });
// Every page needs an account: the screenshots are taken signed in as the admin.
const session = [{ name: 'demoplot_session', value: await loginThroughForm(base, TEST_ADMIN.email, TEST_ADMIN.password), url: base }];

const shots: { file: string; path: string; width: number; lang?: 'en' | 'ug'; full?: boolean; height?: number }[] = [
  { file: 'home.png', path: '/', width: 1280 },
  { file: 'home-en.png', path: '/', width: 1280, lang: 'en' },
  { file: 'project.png', path: '/projects/1', width: 1280 },
  { file: 'trial-entry-desktop.png', path: '/trials/1#entry', width: 1280, height: 1300 },
  { file: 'trial-entry-phone.png', path: '/trials/1?site=1#entry', width: 390, height: 844 },
  { file: 'report.png', path: '/trials/1/report', width: 1280 },
  { file: 'report-en.png', path: '/trials/1/report', width: 1280, lang: 'en' },
  { file: 'report-phone.png', path: '/trials/1/report', width: 390 },
  { file: 'training.png', path: '/projects/2/training', width: 1280, height: 2000 },
  { file: 'training-session-form.png', path: '/training-sessions/5/edit', width: 1280 },
  { file: 'training-en-phone.png', path: '/projects/2/training', width: 390, lang: 'en', height: 1600 },
  { file: 'farmers.png', path: '/projects/2/farmers', width: 1280, height: 1100 },
  { file: 'search-phone.png', path: '/search?q=%E7%A4%BA%E8%8C%83', width: 390, height: 844 },
  // Uyghur, right to left, on a laptop and a phone.
  ...(['home', 'trial', 'report', 'training'] as const).flatMap((name) =>
    [1280, 390].map((width) => ({
      file: `${name}-${width}-ug.png`,
      path: { home: '/', trial: '/trials/1?site=1#entry', report: '/trials/1/report', training: '/projects/2/training' }[name],
      width,
      lang: 'ug' as const,
      height: width === 390 ? 844 : 900,
    })),
  ),
];

const browser = await launchChromium();
try {
  for (const s of shots) {
    const context = await browser.newContext({ viewport: { width: s.width, height: s.height ?? 900 }, deviceScaleFactor: 1, locale: 'zh-CN' });
    await context.addCookies(session);
    if (s.lang) await context.addCookies([{ name: 'lang', value: s.lang, url: base }]);
    const page = await context.newPage();
    await page.goto(base + s.path, { waitUntil: 'load' });
    await page.screenshot({ path: new URL(s.file, OUT).pathname, fullPage: s.full ?? !s.height });
    await context.close();
    console.log(`docs/screenshots/${s.file}`);
  }
  // A refused entry on a phone: the error stands under its cell, the typed values stay.
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, locale: 'zh-CN' });
  await context.addCookies(session);
  const page = await context.newPage();
  await page.goto(`${base}/trials/1?site=3`);
  await page.fill('#f-observedOn', '2017-07-15');
  await page.locator('tr.plot-row', { hasText: '什托-示范1' }).getByLabel('产量').fill('99999');
  await page.locator('tr.plot-row', { hasText: '什托-对照1' }).getByLabel('产量').fill('610');
  await page.getByRole('button', { name: '保存全部' }).click();
  await page.waitForLoadState('load');
  await page.locator('.cell.has-error').scrollIntoViewIfNeeded();
  await page.screenshot({ path: new URL('trial-entry-phone-error.png', OUT).pathname });
  await context.close();
  console.log('docs/screenshots/trial-entry-phone-error.png');
} finally {
  await browser.close();
  server.close();
  await database.close();
}
