import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, skipBrowser } from '../support/browser.js';
import { startTestApp, type TestApp } from '../support/context.js';

/** Every page, in both languages, on a phone and a laptop. */
const PAGES = [
  '/',
  '/projects/1',
  '/projects/1/edit',
  '/projects/new',
  '/projects/1/sites/new',
  '/sites/1/edit',
  '/projects/1/trials/new',
  '/trials/1',
  '/trials/2',
  '/trials/1/edit',
  '/trials/1/plots/new',
  '/plots/1/edit',
  '/observations/1/edit',
  '/variables/new',
  '/trials/1/report',
  '/trials/2/report',
  '/trials/1/import',
  '/projects/2/training',
  '/projects/2/training/import',
  '/projects/2/training-sessions/new',
  '/training-sessions/1/edit',
  '/projects/2/farmers',
  '/projects/2/farmers/new',
  '/farmers/1/edit',
  '/search?q=%E7%A4%BA%E8%8C%83',
  '/no/such/page',
];
const WIDTHS = [390, 1280];
const LANGS = ['zh', 'en'] as const;

describe.skipIf(skipBrowser)('one layout that fits every page', { timeout: 600_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    app = await startTestApp({ demo: true });
    browser = await launchChromium();
    // An import preview with an update, to see its widest table.
    const csv = `plot,variable,value,observed_on\n二工-示范1,yield_kg_per_mu,12345,2017-07-01\n二工-示范2,vigour,中,2017-05-01\n`;
    const preview = await app.post('/api/trials/1/imports?kind=observations&shape=long', csv, { 'content-type': 'text/csv' });
    expect(preview.status).toBe(201);
    PAGES.push(`/imports/${preview.body.id}`);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  for (const lang of LANGS) {
    for (const width of WIDTHS) {
      it(`fits ${width} px in ${lang}: no sideways scrolling, header links on one line, wide tables scroll in a labelled box`, async () => {
        const context = await browser.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
        await context.addCookies([...(await app.sessionCookies()), { name: 'lang', value: lang, url: app.baseUrl }]);
        const page = await context.newPage();
        const problems: string[] = [];
        try {
          for (const path of PAGES) {
            await page.goto(app.baseUrl + path);
            const found = await page.evaluate((viewport) => {
              const out: string[] = [];
              const doc = document.documentElement;
              if (doc.scrollWidth > viewport) out.push(`page is ${doc.scrollWidth} px wide`);
              for (const a of document.querySelectorAll<HTMLElement>('.site-header nav a, .site-header .lang-switch, .site-header button')) {
                const line = parseFloat(getComputedStyle(a).lineHeight) || 24;
                if (a.getBoundingClientRect().height > line * 1.6) out.push(`header "${a.textContent}" wraps`);
              }
              for (const box of document.querySelectorAll<HTMLElement>('.table-scroll')) {
                if (box.scrollWidth > box.clientWidth + 1 && (box.tabIndex !== 0 || !(box.getAttribute('aria-label') || box.getAttribute('aria-labelledby')))) {
                  out.push(`a table scrolls in a box that is not focusable and labelled (${box.querySelector('caption')?.textContent ?? ''})`);
                }
              }
              // Nothing but a scrolling box may be cut off: text running past the right edge.
              for (const el of document.querySelectorAll<HTMLElement>('main th, main td, main h1, main h2, main button, main .btn')) {
                if (el.closest('.table-scroll, .grid-wrap, [hidden], .sr-only, .cell-label')) continue;
                const r = el.getBoundingClientRect();
                if (r.width > 0 && r.right > viewport + 1) out.push(`"${el.textContent!.trim().slice(0, 30)}" runs past the edge`);
              }
              // A button or header cell squeezed to one character per line.
              for (const el of document.querySelectorAll<HTMLElement>('main a.btn, main button, main td > a, main thead th')) {
                const text = el.textContent!.trim();
                if (text.length < 2 || el.closest('[hidden]') || (el.children.length === 1 && el.firstElementChild!.classList.contains('sr-only'))) continue;
                const line = parseFloat(getComputedStyle(el).lineHeight) || 24;
                if (el.getBoundingClientRect().height > line * Math.min(text.length, 3) * 0.95 && el.getBoundingClientRect().width < line * 1.5) out.push(`"${text.slice(0, 20)}" wraps one character per line`);
              }
              return out;
            }, width);
            problems.push(...found.map((f) => `${path}: ${f}`));
          }
        } finally {
          await context.close();
        }
        expect(problems).toEqual([]);
      });
    }
  }
});
