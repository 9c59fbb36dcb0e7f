import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, skipBrowser } from '../support/browser.js';
import { startTestApp, type TestApp } from '../support/context.js';

/**
 * Uyghur pages as a reader of Arabic script meets them: laid out right to left, nothing
 * wider than the screen, and every date (2017-04-22) drawn in its own left-to-right order.
 * A date that follows Uyghur words in the same line without an isolate is drawn
 * 22-04-2017 by the Unicode bidirectional algorithm (its digits after Arabic letters become
 * Arabic numbers, and the hyphens between them turn right to left).
 */
const PAGES = [
  '/',
  '/projects/1',
  '/projects/2',
  '/trials/1',
  '/trials/2',
  '/trials/1/report',
  '/trials/2/report',
  '/trials/1/cells?plot=1&variable=yield_kg_per_mu',
  '/projects/2/training',
  '/projects/2/farmers',
  '/programmes/1',
  '/observations/1/edit',
  '/search?q=%E7%A4%BA%E8%8C%83',
  '/trials/1/map',
  '/trials/1/labels',
  '/programmes',
  '/programmes/1/summary',
  '/projects/2/training-sessions/new',
  '/training-sessions/1/edit',
  '/farmers/1/edit',
  '/trials/1/edit',
  '/plots/1/edit',
  '/projects/1/edit',
  '/trials/1/import',
];

describe.skipIf(skipBrowser)('Uyghur pages, right to left', { timeout: 600_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    app = await startTestApp({ demo: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  for (const width of [390, 1280]) {
    it(`draws every date in its own order and fits ${width} px, page by page`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
      await context.addCookies([...(await app.sessionCookies()), { name: 'lang', value: 'ug', url: app.baseUrl }]);
      const page = await context.newPage();
      let dates = 0;
      for (const path of PAGES) {
        const res = await page.goto(app.baseUrl + path);
        expect(res?.status(), path).toBe(200);
        expect(await page.getAttribute('html', 'dir'), path).toBe('rtl');
        const found = await page.evaluate(() => {
          const reversed: string[] = [];
          let seen = 0;
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const text = n.textContent ?? '';
            for (const m of text.matchAll(/\d{4}-\d{2}-\d{2}/g)) {
              const at = m.index!;
              const rect = (from: number, to: number) => {
                const r = document.createRange();
                r.setStart(n!, from);
                r.setEnd(n!, to);
                return r.getClientRects()[0];
              };
              const year = rect(at, at + 4);
              const day = rect(at + 8, at + 10);
              // Not drawn (a closed disclosure, a hidden element) or broken across lines.
              if (!year || !day || Math.abs(year.top - day.top) > 2) continue;
              seen += 1;
              if (year.left > day.left) reversed.push(`${n.parentElement?.tagName}.${n.parentElement?.className}: ${text.trim().slice(0, 60)}`);
            }
          }
          return { reversed, seen, overflow: document.documentElement.scrollWidth - window.innerWidth };
        });
        dates += found.seen;
        expect(found.reversed, path).toEqual([]);
        expect(found.overflow, path).toBeLessThanOrEqual(1);
      }
      // The pages show dates to check: planting, observation, inspection and training days.
      expect(dates).toBeGreaterThan(20);
      await context.close();
    });
  }
});
