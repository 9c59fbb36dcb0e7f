import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, skipBrowser } from '../support/browser.js';
import { startTestApp, type TestApp } from '../support/context.js';

const hasPoppler = (() => {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const squash = (s: string) => s.replace(/\s+/g, '');

/** Printed reports, read back page by page from the PDF Chromium makes of them. */
describe.skipIf(skipBrowser || !hasPoppler)('the printed report', { timeout: 300_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  let dir: string;
  beforeAll(async () => {
    app = await startTestApp({ demo: true });
    browser = await launchChromium();
    dir = process.env.KEEP_PDF ?? mkdtempSync(join(tmpdir(), 'demoplot-print-'));
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (!process.env.KEEP_PDF) rmSync(dir, { recursive: true, force: true });
  });

  for (const lang of ['zh', 'en'] as const) {
    for (const trial of [1, 2]) {
      it(`prints trial ${trial} in ${lang} on A4 portrait: a cover, running names, page N / M, no heading left at the foot of a page`, async () => {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        await context.addCookies([...(await app.sessionCookies()), { name: 'lang', value: lang, url: app.baseUrl }]);
        const page = await context.newPage();
        await page.goto(`${app.baseUrl}/trials/${trial}/report`);
        const headings = (await page.locator('.comparison h2').allInnerTexts()).map(squash);
        const headlines = (await page.locator('.comparison .headline strong').allInnerTexts()).map(squash);
        const trialName = await page.locator('.report-head h1').innerText();
        const coverHeadlines = (await page.locator('.summary-box .headline-text').allInnerTexts()).map(squash);
        expect(coverHeadlines.length).toBeGreaterThan(0);
        const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
        await context.close();
        const file = join(dir, `report-${trial}-${lang}.pdf`);
        writeFileSync(file, pdf);

        const info = execFileSync('pdfinfo', [file]).toString();
        expect(info).toMatch(/Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)/);
        const pages = Number(/Pages:\s+(\d+)/.exec(info)![1]);
        expect(pages).toBeGreaterThanOrEqual(2);

        const pageNumber = lang === 'zh' ? (n: number) => `第${n}/${pages}页` : (n: number) => `Page${n}of${pages}`;
        const margin = lang === 'zh' ? /^(第\d+\/\d+页|打印于)/ : /^(Page\d+of\d+|Printed)/;
        for (let n = 1; n <= pages; n++) {
          const lines = execFileSync('pdftotext', ['-layout', '-f', String(n), '-l', String(n), file, '-']).toString().split('\n').map(squash).filter(Boolean);
          const text = lines.join('');
          expect(text, `page ${n}`).toContain(pageNumber(n));
          expect(text, `page ${n}`).toContain(squash(trialName));
          // The body's last line: not the running header or footer.
          const body = lines.filter((l) => !margin.test(l) && !l.startsWith(squash(trialName) + '·') && !l.includes(pageNumber(n)));
          const last = body.at(-1) ?? '';
          for (const h of [...headings, ...headlines]) expect(last === h || (h.length > 3 && last.endsWith(h)), `page ${n} ends with "${h}"`).toBe(false);
        }
        // The cover holds the headlines and nothing of the first variable's table.
        const cover = squash(execFileSync('pdftotext', ['-f', '1', '-l', '1', file, '-']).toString());
        for (const h of coverHeadlines) expect(cover).toContain(h.slice(0, 8));
        expect(cover).not.toContain(headings[0]);
      });
    }
  }

  it('keeps a name that starts with digits in its own order in the running header of a Uyghur report', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addCookies([...(await app.sessionCookies()), { name: 'lang', value: 'ug', url: app.baseUrl }]);
    const page = await context.newPage();
    await page.goto(`${app.baseUrl}/trials/1/report`);
    const file = join(dir, 'report-1-ug.pdf');
    writeFileSync(file, await page.pdf({ preferCSSPageSize: true, printBackground: true }));
    await context.close();
    // Words as drawn on page 2, with their boxes; the running header is the top band.
    const xml = execFileSync('pdftotext', ['-bbox', '-f', '2', '-l', '2', file, '-']).toString();
    const words = [...xml.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g)]
      .map((m) => ({ left: Number(m[1]), top: Number(m[2]), right: Number(m[3]), text: m[4].replace(/[\u2066-\u2069]/g, '') }))
      .filter((w) => w.top < 40);
    // Trial 1 is "2017 番茄秸秆生物降解示范棚": its year is drawn just left of its first word.
    const name = words.find((w) => w.text === '番茄秸秆生物降解示范棚');
    const year = words.find((w) => w.text === '2017');
    expect(name, JSON.stringify(words)).toBeDefined();
    expect(year, JSON.stringify(words)).toBeDefined();
    expect(year!.right).toBeLessThanOrEqual(name!.left + 1);
    expect(name!.left - year!.right).toBeLessThan(10);
  });

  for (const role of ['viewer', 'agronomist'] as const) {
    it(`prints a trial's recorded data for a${role === 'agronomist' ? 'n' : ''} ${role}: every variable's column inside the page, each cell's latest value`, async () => {
      const trial = (await app.get('/api/trials/1')).body;
      const user = await app.createUser({ role, projects: [trial.projectId] });
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addCookies([...(await app.sessionCookies(user)), { name: 'lang', value: 'zh', url: app.baseUrl }]);
      const page = await context.newPage();
      await page.goto(`${app.baseUrl}/trials/1`);
      const columns = (await page.locator('.entry-grid thead th[data-variable]').allInnerTexts()).map((t) => squash(t.split('\n')[0]));
      expect(columns.length).toBeGreaterThanOrEqual(4);
      const firstRow = page.locator('tr.plot-row').first();
      const label = await firstRow.locator('.plot-label').innerText();
      // The numbers among the first plot's latest values (dates may break across lines).
      const numbers = (await firstRow.locator('details.history summary').allInnerTexts()).flatMap((t) => t.match(/\d+\.\d+/g) ?? []);
      expect(numbers.length).toBeGreaterThan(0);
      const file = join(dir, `trial-1-${role}.pdf`);
      writeFileSync(file, await page.pdf({ preferCSSPageSize: true, printBackground: true }));
      await context.close();

      const text = squash(execFileSync('pdftotext', [file, '-']).toString());
      for (const c of columns) expect(text).toContain(c);
      expect(text).toContain(squash(label));
      for (const n of numbers) expect(text).toContain(n);
      // Every word inside the A4 page's right margin (12 mm): the grid's scroll box used to cut
      // its last column off at the edge of the printed page.
      const right = Math.max(...[...execFileSync('pdftotext', ['-bbox', file, '-']).toString().matchAll(/xMax="([\d.]+)"/g)].map((m) => Number(m[1])));
      expect(right).toBeLessThanOrEqual(595.3 - (12 / 25.4) * 72 + 1);
    });
  }
});
