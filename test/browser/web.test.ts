import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, skipBrowser } from '../support/browser.js';
import { startTestApp, type TestApp } from '../support/context.js';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

describe.skipIf(skipBrowser)('the web interface in Chromium', { timeout: 90_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    app = await startTestApp({ demo: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await app?.close();
  });

  async function open(viewport: { width: number; height: number }, path: string): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: 'zh-CN', deviceScaleFactor: 1 });
    await context.addCookies(await app.sessionCookies());
    contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    (page as Page & { errors: string[] }).errors = errors;
    await page.goto(app.baseUrl + path);
    return page;
  }
  const pageErrors = (page: Page) => (page as Page & { errors: string[] }).errors;

  const siteRow = async (page: Page, anchor: string, site: string) =>
    (await page.locator(`${anchor} tbody tr`, { hasText: site }).innerText()).replace(/\s+/g, ' ');

  it('takes a day of observations on a phone and the report changes', async () => {
    const before = await open(DESKTOP, '/trials/1/report');
    const yieldBefore = await siteRow(before, '#c3', '什托洛盖镇');
    expect(yieldBefore).toContain('5210');

    const page = await open(PHONE, '/trials/1?site=3');
    const card = page.locator('tr.plot-row', { hasText: '什托-示范1' });
    await expect(card.isVisible()).resolves.toBe(true);
    await page.fill('#f-observedOn', '2017-07-15');
    await page.fill('#f-recordedBy', '阿依古丽');
    await card.getByLabel('产量').fill('900');
    await page.getByRole('button', { name: '保存全部' }).click();
    await page.waitForURL(/saved=1/);
    expect(await page.locator('.alert-ok').innerText()).toContain('已保存 1 条观测');
    await card.locator('details.history summary').first().waitFor();
    const history = card.locator('td', { hasText: '产量' }).locator('details.history');
    expect(await history.innerText()).toContain('已有 6 条');
    expect(pageErrors(page)).toEqual([]);
    // The cell's full history is one link away, each observation with its correction link.
    await history.locator('summary').click();
    await history.getByRole('link', { name: '全部 6 条记录' }).click();
    await page.waitForURL(/\/trials\/1\/cells\?/);
    const items = page.locator('.cell-history li');
    expect(await items.count()).toBe(6);
    expect(await page.locator('.cell-history li', { hasText: '2017-07-15' }).innerText()).toContain('900');
    expect(await page.locator('.cell-history a.h-edit').count()).toBe(6);
    expect(pageErrors(page)).toEqual([]);

    const after = await open(DESKTOP, '/trials/1/report');
    const yieldAfter = await siteRow(after, '#c3', '什托洛盖镇');
    expect(yieldAfter).toContain('6110');
    expect(yieldAfter).not.toEqual(yieldBefore);
  });

  it('shows a bad value next to its cell, keeps every typed value and saves nothing', async () => {
    const countBefore = (await app.get('/api/trials/1/observations')).body.length;
    const page = await open(DESKTOP, '/trials/1');
    await page.fill('#f-observedOn', '2017-07-20');
    await page.fill('#c-1-3', '99999');
    await page.fill('#c-2-3', '512.5');
    await page.selectOption('#c-4-4', '中');
    await page.getByRole('button', { name: '保存全部' }).click();
    await page.waitForLoadState('load');
    const error = page.locator('td:has(#c-1-3) .field-error');
    expect(await error.innerText()).toContain('99999 大于该指标的最大值 30000');
    const [cell, message] = [await page.locator('#c-1-3').boundingBox(), await error.boundingBox()];
    expect(Math.abs(message!.x - cell!.x)).toBeLessThan(20);
    expect(message!.y).toBeGreaterThan(cell!.y);
    expect(message!.y - (cell!.y + cell!.height)).toBeLessThan(40);
    expect(await page.inputValue('#c-1-3')).toBe('99999');
    expect(await page.inputValue('#c-2-3')).toBe('512.5');
    expect(await page.inputValue('#c-4-4')).toBe('中');
    expect(await page.locator('#entry-errors').innerText()).toContain('未保存');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('c-1-3');
    expect((await app.get('/api/trials/1/observations')).body.length).toBe(countBefore);
  });

  it('keeps the chosen language from page to page', async () => {
    const page = await open(DESKTOP, '/');
    expect(await page.locator('h1').innerText()).toBe('示范项目');
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('h1').innerText()).toBe('Demonstration projects');
    await page.getByRole('link', { name: '2017 tomato straw-biodegradation greenhouses' }).first().click();
    await page.waitForLoadState('load');
    expect(await page.locator('#entry-title').innerText()).toBe('Enter observations');
    await page.goto(`${app.baseUrl}/trials/1/report`);
    expect(await page.locator('.summary-box').innerText()).toContain('flowering 3–4 days earlier');
    await page.getByRole('link', { name: '中文' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('.summary-box').innerText()).toContain('开花期提前3–4天');
    await page.goto(`${app.baseUrl}/`);
    expect(await page.locator('h1').innerText()).toBe('示范项目');
  });

  it('fits a 390px phone without sideways scrolling', async () => {
    for (const path of ['/', '/projects/1', '/trials/1', '/trials/2', '/trials/1/report', '/trials/2/report', '/projects/2/training', '/training-sessions/1/edit']) {
      const page = await open(PHONE, path);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, path).toBeLessThanOrEqual(390);
    }
  });

  it('shows every figure column of the training tables at 1280 px, and marks a table that scrolls on a phone', async () => {
    for (const lang of ['en', 'zh', 'ug']) {
      const desk = await open(DESKTOP, `/projects/2/training?lang=${lang}`);
      const boxes = await desk.locator('.table-scroll').evaluateAll((els) =>
        els.map((box) => ({ label: box.getAttribute('aria-labelledby'), scrolls: box.scrollWidth > box.clientWidth + 1, columns: box.querySelectorAll('thead th').length })),
      );
      expect(boxes.map((b) => b.label)).toEqual(['month-title', 'kind-title', 'site-title']);
      // Unique farmers is the last column: in view, not behind a scroll bar.
      for (const b of boxes) expect(b, lang).toMatchObject({ scrolls: false, columns: 5 });
      const phone = await open(PHONE, `/projects/2/training?lang=${lang}`);
      const narrow = await phone.locator('.table-scroll').evaluateAll((els) =>
        els.filter((box) => box.scrollWidth > box.clientWidth + 1).map((box) => getComputedStyle(box).backgroundImage),
      );
      // Where a table is wider than the phone, a shadow at the box's edge says there is more.
      for (const background of narrow) expect(background, lang).toContain('radial-gradient');
    }
  });

  it('prints the report on A4 without navigation or forms', async () => {
    const page = await open(DESKTOP, '/trials/1/report');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.site-header').isVisible()).toBe(false);
    expect(await page.locator('.crumbs').isVisible()).toBe(false);
    expect(await page.locator('.report-actions').isVisible()).toBe(false);
    expect(await page.locator('#c1 .chart-wide svg').isVisible()).toBe(true);
    expect(await page.locator('#c1 .report-table').isVisible()).toBe(true);
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
    expect(pages).toBeGreaterThanOrEqual(2);

    const trial = await open(DESKTOP, '/trials/1');
    await trial.emulateMedia({ media: 'print' });
    // The entry form prints as what is recorded: its grid with each cell's count and latest
    // value, and none of its controls (inputs, selects, buttons, the shared fields).
    expect(await trial.locator('form.entry-form :is(input, select, button, textarea, .common-fields, .actions):visible').count()).toBe(0);
    expect(await trial.locator('form.entry-form .entry-grid').isVisible()).toBe(true);
    expect(await trial.locator('form.entry-form .history summary').first().isVisible()).toBe(true);
    expect(await trial.locator('nav').first().isVisible()).toBe(false);
    expect(await trial.locator('#plots table').first().isVisible()).toBe(true);
  });

  it('finds farmers in the roster picker and counts the ones ticked', async () => {
    const page = await open(DESKTOP, '/projects/2/training-sessions/new');
    const count = page.locator('[data-roster-count]');
    expect(await count.innerText()).toBe('已选 0 人，其中女性 0 人');
    const search = page.locator('[data-roster-filter]');
    await search.fill('阿依古丽');
    const visible = page.locator('li[data-name]:visible');
    expect(await visible.count()).toBeGreaterThan(0);
    for (const name of await visible.allInnerTexts()) expect(name).toContain('阿依古丽');
    // Villages without a match are hidden, and each farmer shows the number the import asks for.
    for (const village of await page.locator('details.village:visible').all()) expect(await village.locator('li[data-name]:visible').count()).toBeGreaterThan(0);
    expect(await page.locator('details.village:visible').count()).toBeLessThan(await page.locator('details.village').count());
    expect(await visible.first().innerText()).toMatch(/#\d+/);
    await visible.first().locator('input').check();
    expect(await count.innerText()).toBe('已选 1 人，其中女性 1 人');
    expect(pageErrors(page)).toEqual([]);
  });
});
