import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, skipBrowser } from '../support/browser.js';
import { startTestApp, type TestApp } from '../support/context.js';

/**
 * Uyghur pages as a reader of Arabic script meets them: laid out right to left, nothing
 * wider than the screen, and every date (2017-04-22) drawn in its own left-to-right order.
 * A date that follows Uyghur words in the same line without an isolate is drawn
 * 22-04-2017 by the Unicode bidirectional algorithm (its digits after Arabic letters become
 * Arabic numbers, and the hyphens between them turn right to left).
 *
 * The same rules move a figure's sign: "−3.57" after Uyghur words is drawn "3.57−", and an
 * interval [−5.93, −1.21] as [1.21− ,5.93−]. So every signed figure must be drawn with its
 * sign on the left of its digits; and a figure followed by Uyghur words ("3 كۈن بالدۇر",
 * three days earlier; "−3.57 پىرسەنت پۇنكىت") must read right to left, the figure first,
 * i.e. drawn to the right of those words, not as a left-to-right cell would put it.
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

/** Where each date, signed figure and figure-before-words of the page is drawn. */
function drawnOrder(page: Page) {
  return page.evaluate(() => {
    const reversed: string[] = [];
    const signs: string[] = [];
    const order: string[] = [];
    let seen = 0;
    let signed = 0;
    let followed = 0;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent ?? '';
      const where = () => `${n!.parentElement?.tagName}.${n!.parentElement?.className}: ${text.trim().slice(0, 60)}`;
      const rect = (from: number, to: number) => {
        const r = document.createRange();
        r.setStart(n!, from);
        r.setEnd(n!, to);
        return r.getClientRects()[0];
      };
      // Not drawn (a closed disclosure, a hidden element) or broken across lines: skipped.
      const sameLine = (a: DOMRect | undefined, b: DOMRect | undefined): a is DOMRect => !!a && !!b && Math.abs(a.top - b.top) <= 2;
      // A sign before a figure (not a hyphen between digits, as in a date or "3-4").
      for (const m of text.matchAll(/(?<![\d.])[−+-](?=\d)/g)) {
        const sign = rect(m.index!, m.index! + 1);
        const digit = rect(m.index! + 1, m.index! + 2);
        if (!sameLine(sign, digit)) continue;
        signed += 1;
        if (sign.left > digit.left) signs.push(where());
      }
      // A figure, then Uyghur words (isolate marks and spaces between them).
      for (const m of text.matchAll(/(\d[\d.,]*%?)([\s\u2066-\u2069]+)(?=[\u0600-\u06ff])/g)) {
        const at = m.index!;
        const figure = rect(at, at + m[1].length);
        const word = rect(at + m[0].length, at + m[0].length + 1);
        if (!sameLine(figure, word)) continue;
        followed += 1;
        if (figure.left < word.left) order.push(where());
      }
      for (const m of text.matchAll(/\d{4}-\d{2}-\d{2}/g)) {
        const at = m.index!;
        const year = rect(at, at + 4);
        const day = rect(at + 8, at + 10);
        // Not drawn (a closed disclosure, a hidden element) or broken across lines.
        if (!year || !day || Math.abs(year.top - day.top) > 2) continue;
        seen += 1;
        if (year.left > day.left) reversed.push(where());
      }
    }
    return { reversed, signs, order, seen, signed, followed, overflow: document.documentElement.scrollWidth - window.innerWidth };
  });
}

/**
 * Where the leading digits of each name are drawn against the word after them: a name is
 * left-to-right text, so "2017 番茄…" keeps its year on the left. Without an isolate of its own
 * direction the right-to-left page draws it "番茄… 2017". Returns the places seen and those
 * drawn the wrong way round.
 */
function namesDrawn(page: Page, names: string[]) {
  return page.evaluate((names) => {
    const reversed: string[] = [];
    const seen: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent ?? '';
      for (const name of names) {
        const digits = /^\d+ /.exec(name)![0].length - 1;
        for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
          const rect = (from: number) => {
            const r = document.createRange();
            r.setStart(n!, from);
            r.setEnd(n!, from + 1);
            return r.getClientRects()[0];
          };
          const year = rect(at);
          const word = rect(at + digits + 1);
          // Not drawn (hidden) or broken across lines: skipped.
          if (!year || !word || Math.abs(year.top - word.top) > 2) continue;
          const where = `${n.parentElement?.tagName}.${n.parentElement?.className}: ${name}`;
          seen.push(where);
          if (year.left > word.left) reversed.push(where);
        }
      }
    }
    return { seen, reversed };
  }, names);
}

describe.skipIf(skipBrowser)('Uyghur pages, right to left', { timeout: 600_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    app = await startTestApp({ demo: true });
    browser = await launchChromium();
  });
  /** A signed-in browser page in Uyghur, `width` px wide. */
  async function uyghurPage(width: number) {
    const context = await browser.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
    await context.addCookies([...(await app.sessionCookies()), { name: 'lang', value: 'ug', url: app.baseUrl }]);
    return { context, page: await context.newPage() };
  }
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  for (const width of [390, 1280]) {
    it(`draws every date and signed figure in its own order, reads figures before their words, and fits ${width} px, page by page`, async () => {
      const { context, page } = await uyghurPage(width);
      let dates = 0;
      let signedFigures = 0;
      let figuresBeforeWords = 0;
      for (const path of PAGES) {
        const res = await page.goto(app.baseUrl + path);
        expect(res?.status(), path).toBe(200);
        expect(await page.getAttribute('html', 'dir'), path).toBe('rtl');
        const found = await drawnOrder(page);
        dates += found.seen;
        signedFigures += found.signed;
        figuresBeforeWords += found.followed;
        expect(found.reversed, path).toEqual([]);
        expect(found.signs, path).toEqual([]);
        expect(found.order, path).toEqual([]);
        expect(found.overflow, path).toBeLessThanOrEqual(1);
      }
      // The pages show dates to check: planting, observation, inspection and training days.
      expect(dates).toBeGreaterThan(20);
      // …and signed figures (the reports' differences and intervals) and figures with Uyghur
      // words after them (days earlier, percentage points, sessions without a roster).
      expect(signedFigures).toBeGreaterThan(100);
      expect(figuresBeforeWords).toBeGreaterThan(20);
      await context.close();
    });

    it(`lists Chinese names in Uyghur text right to left, the first on the right, at ${width} px`, async () => {
      const { context, page } = await uyghurPage(width);
      // Where the first letters of two names in one text are drawn.
      const placed = (a: string, b: string) =>
        page.evaluate(
          ([a, b]) => {
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
              const text = n.textContent ?? '';
              if (!text.includes(a) || !text.includes(b)) continue;
              const at = (i: number) => {
                const r = document.createRange();
                r.setStart(n!, i);
                r.setEnd(n!, i + 1);
                return r.getClientRects()[0];
              };
              const first = at(text.indexOf(a));
              const second = at(text.indexOf(b));
              return { sameLine: Math.abs(first.top - second.top) <= 2, firstOnTheRight: first.left > second.left };
            }
            return null;
          },
          [a, b],
        );
      // A project's partners and a trial's arms (listOf), and the titles a programme's summary names.
      await page.goto(`${app.baseUrl}/projects/2`);
      expect(await placed('浙江省科学技术厅', '阿克苏地区科学技术局')).toEqual({ sameLine: true, firstOnTheRight: true });
      await page.goto(`${app.baseUrl}/projects/1`);
      expect(await placed('秸秆降解', '常规')).toEqual({ sameLine: true, firstOnTheRight: true });
      await page.goto(`${app.baseUrl}/programmes/1`);
      const titles = await placed('阿克苏地区“万亩亿元增收工程技术中心”', '新疆燃煤烟气脱硫脱硝工程技术研究中心');
      if (width >= 1280 || titles?.sameLine) expect(titles).toEqual({ sameLine: true, firstOnTheRight: true });
      await context.close();
    });

    it(`draws a name that starts with digits in its own order (titles, trails, links, subtitles) at ${width} px`, async () => {
      const { context, page } = await uyghurPage(width);
      // Demonstration trial 1 is "2017 番茄秸秆生物降解示范棚", in English "2017 tomato straw-…".
      // Its season "2017 春茬" is typed text too.
      const names = ['2017 番茄秸秆生物降解示范棚', '2017 tomato straw-biodegradation greenhouses', '2017 春茬'];
      const where: Record<string, RegExp[]> = {
        '/': [/^A\./],
        '/projects/1': [/^A\./],
        '/trials/1': [/^H1\./, /^P\.other-name/, /^SPAN\.: 2017 春茬/],
        '/trials/1/report': [/^A\./, /^H1\./, /^P\.other-name/, /^DD\.: 2017 春茬/],
        '/trials/1/map': [/^A\./],
        '/programmes/1': [/^A\./],
      };
      for (const [path, expected] of Object.entries(where)) {
        await page.goto(app.baseUrl + path);
        const found = await namesDrawn(page, names);
        for (const place of expected) expect(found.seen.some((s) => place.test(s)), `${path}: ${place} among ${found.seen.join(' | ')}`).toBe(true);
        expect(found.reversed, path).toEqual([]);
      }
      // The tab's title and the trail name the trial with its year first too.
      await page.goto(`${app.baseUrl}/trials/1/report`);
      expect(await page.title()).toContain('\u20682017 番茄秸秆生物降解示范棚\u2069');
      await context.close();
    });

    it(`draws what is typed into a field in its own order at ${width} px`, async () => {
      const { context, page } = await uyghurPage(width);
      await page.goto(`${app.baseUrl}/trials/1`);
      const value = page.locator('input[inputmode="decimal"]:visible').first();
      await value.fill('-5.5');
      // A field's text has no DOM range to measure: the same text is drawn in a probe with the
      // field's own direction, bidi isolation and alignment, where it can be.
      const drawn = async (field: typeof value) =>
        field.evaluate((el: HTMLInputElement) => {
          const style = getComputedStyle(el);
          const probe = document.createElement('div');
          probe.style.cssText = `position:absolute;top:0;left:0;width:20em;font:${style.font};direction:${style.direction};unicode-bidi:${style.unicodeBidi}`;
          probe.textContent = el.value;
          el.parentElement!.append(probe);
          const at = (i: number) => {
            const r = document.createRange();
            r.setStart(probe.firstChild!, i);
            r.setEnd(probe.firstChild!, i + 1);
            return r.getClientRects()[0].left;
          };
          const out = { value: el.value, firstLeftOfSecond: at(0) < at(1), firstLeftOfLast: at(0) < at(el.value.length - 1) };
          probe.remove();
          return out;
        });
      expect(await drawn(value)).toEqual({ value: '-5.5', firstLeftOfSecond: true, firstLeftOfLast: true });
      await page.goto(`${app.baseUrl}/trials/1/edit`);
      const field = page.locator('input[type="text"]:visible, input:not([type]):visible').first();
      await field.fill('2017-04-22');
      expect(await drawn(field)).toEqual({ value: '2017-04-22', firstLeftOfSecond: true, firstLeftOfLast: true });
      await context.close();
    });

    it(`shows a value queued without a connection in its own order at ${width} px`, async () => {
      const { context, page } = await uyghurPage(width);
      await page.goto(`${app.baseUrl}/trials/1`);
      await context.setOffline(true);
      await page.locator('input[inputmode="decimal"]:visible').first().fill('-5.5');
      await page.locator('form.entry-form button[type="submit"]:visible').first().click();
      // The queue's mark beside the cell: "waiting to sync · -5.5", drawn by the page's script.
      const mark = page.locator('[data-queue-mark="pending"]');
      await expect.poll(() => mark.count()).toBe(1);
      expect(await mark.innerText()).toContain('-5.5');
      const found = await drawnOrder(page);
      expect(found.signs).toEqual([]);
      expect(found.signed).toBeGreaterThanOrEqual(1);
      await context.close();
    });

    it(`shows a file's own values in their own order in an import's preview at ${width} px`, async () => {
      const { context, page } = await uyghurPage(width);
      await page.goto(`${app.baseUrl}/trials/1/import`);
      // A negative reading and an impossible date, as typed: the preview shows them and says why.
      const csv = 'plot,variable,value,observed_on\n二工-示范1,yield_kg_per_mu,5100,2017-07-20\n二工-示范1,yield_kg_per_mu,-5,2017-13-01\n';
      await page.setInputFiles('form.import-upload input[type=file]', { name: 'readings.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await Promise.all([page.waitForURL(/\/imports\//), page.click('form.import-upload button[type=submit]')]);
      await expect.poll(() => page.locator('table.import-preview td', { hasText: /^-5$/ }).count()).toBe(1);
      const found = await drawnOrder(page);
      expect(found.signed).toBeGreaterThanOrEqual(2);
      expect(found.signs).toEqual([]);
      expect(found.order).toEqual([]);
      expect(found.reversed).toEqual([]);
      expect(found.overflow).toBeLessThanOrEqual(1);
      await context.close();
    });
  }
});
