import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { today } from '../../server/web/format.js';
import { launchChromium, skipBrowser } from '../support/browser.js';
import { startTestApp, type TestApp, type TestUser } from '../support/context.js';

/**
 * The entry grid as a person meets it: headers that stay in view, one Tab stop per cell,
 * targets a thumb can hit, a confirmation beside the corrected plot, a "today" button on
 * date cells, and a plot's QR link opening the page that holds it.
 */

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const ALL_VARIABLES = ['flowering_date', 'first_ripening_date', 'yield_kg_per_mu', 'vigour', 'dry_yield_g_per_bag', 'contamination_pct', 'first_harvest_date', 'notes_text'];
/** Treatment plots W-T001… and control plots W-C001…, 125 of each on one site: three grid pages. */
const PER_ARM = 125;
const wlabel = (arm: 'T' | 'C', i: number) => `W-${arm}${String(i).padStart(3, '0')}`;

describe.skipIf(skipBrowser)('the entry grid in Chromium', { timeout: 300_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  let agronomist: TestUser;
  let wide: number;
  let siteId: number;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    app = await startTestApp({ demo: true });
    browser = await launchChromium();
    agronomist = await app.createUser({ role: 'agronomist', projects: [1, 2] });
    const trial = await app.post('/api/projects/1/trials', {
      name: '宽表试验',
      crop: '番茄',
      design: 'crd',
      arms: [{ name: 'T', role: 'treatment' }, { name: 'C', role: 'control' }],
      variables: ALL_VARIABLES,
    });
    expect(trial.status).toBe(201);
    wide = trial.body.id;
    siteId = (await app.get('/api/projects/1/sites')).body[0].id;
    const arms = await app.db.selectFrom('trialArms').select(['id', 'name']).where('trialId', '=', wide).execute();
    const armId = (n: string) => arms.find((a) => a.name === n)!.id;
    const plots = [];
    for (const arm of ['T', 'C'] as const) for (let i = 1; i <= PER_ARM; i++) plots.push({ trialId: wide, siteId, armId: armId(arm), label: wlabel(arm, i) });
    await app.db.insertInto('plots').values(plots).execute();
    const saved = await app.post(`/api/trials/${wide}/observations`, [{ plot: wlabel('C', 10), variable: 'yield_kg_per_mu', value: '500', observedOn: '2017-07-01' }]);
    expect(saved.status).toBe(201);
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await app?.close();
  });

  async function open(path: string, viewport = DESKTOP, lang = 'zh', who: TestUser = agronomist): Promise<Page> {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
    await context.addCookies([...(await app.sessionCookies(who)), { name: 'lang', value: lang, url: app.baseUrl }]);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(app.baseUrl + path);
    return page;
  }
  const shot = async (page: Page, name: string) => {
    if (process.env.GRID_SHOTS) await page.screenshot({ path: `${process.env.GRID_SHOTS}/${name}.png` });
  };
  /** Whether an element's top (and its bottom, unless it is taller than the screen) is on screen,
   * once the page has loaded. */
  const inView = async (page: Page, selector: string) => {
    await page.waitForLoadState('load');
    await page.waitForTimeout(300);
    return page.locator(selector).first().evaluate((el) => {
      const r = el.getBoundingClientRect();
      return r.top >= 0 && r.height > 0 && (r.bottom <= window.innerHeight || r.height > window.innerHeight * 0.8);
    });
  };

  it('keeps the header row and the plot column in view when a wide grid is scrolled', async () => {
    const page = await open(`/trials/${wide}?site=${siteId}`);
    const box = page.locator('.grid-wrap');
    expect(await box.getAttribute('role')).toBe('region');
    const wrap = (await box.boundingBox())!;
    // The grid is wider than its box and taller than the screen: it scrolls inside the box.
    const sizes = await box.evaluate((el) => ({ sw: el.scrollWidth, cw: el.clientWidth, sh: el.scrollHeight, ch: el.clientHeight }));
    expect(sizes.sw).toBeGreaterThan(sizes.cw);
    expect(sizes.sh).toBeGreaterThan(sizes.ch);
    expect(wrap.height).toBeLessThanOrEqual(DESKTOP.height);
    await box.evaluate((el) => el.scrollTo(600, 2000));
    await page.locator('.grid-wrap').evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
    const head = (await page.locator('.entry-grid thead th').nth(3).boundingBox())!;
    expect(Math.abs(head.y - wrap.y)).toBeLessThanOrEqual(2);
    // The plot column stays at the start: the row in view is labelled.
    const corner = (await page.locator('.entry-grid thead th.plot-col').boundingBox())!;
    expect(Math.abs(corner.x - wrap.x)).toBeLessThanOrEqual(2);
    const rowHeads = await page.locator('tr.plot-row th.plot-col').evaluateAll((els, top) => els.map((e) => e.getBoundingClientRect()).filter((r) => r.top > top + 80 && r.top < top + 300).map((r) => r.left), wrap.y);
    expect(rowHeads.length).toBeGreaterThan(0);
    for (const x of rowHeads) expect(Math.abs(x - wrap.x)).toBeLessThanOrEqual(2);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(DESKTOP.width);
    await shot(page, 'grid-sticky-1280');
  });

  it('takes one Tab stop per cell; one button per row opens its histories, and then their links', async () => {
    const page = await open('/trials/1?site=3');
    const first = page.locator('tr.plot-row').first();
    const plot = (await first.locator('.plot-label').innerText()).trim();
    const codes = await first.locator('td.cell [data-variable]:not([data-reading])').evaluateAll((els) => els.map((e) => e.getAttribute('data-variable')));
    expect(codes.length).toBe(4);
    expect(await first.locator('details.history').count()).toBeGreaterThan(0);
    // The elements focus stops on, Tab after Tab (a date input's day, month and year are one).
    await page.evaluate(() => {
      const w = window as unknown as { stops: string[] };
      w.stops = [];
      document.addEventListener('focusin', (e) => {
        const el = e.target as HTMLElement;
        w.stops.push(`${el.tagName}|${el.getAttribute('data-plot') ?? ''}|${el.getAttribute('data-variable') ?? ''}|${el.className}`);
      });
    });
    await first.locator(`[data-variable="${codes[0]}"]:not([data-reading])`).focus();
    for (let i = 0; i < 20; i++) await page.keyboard.press('Tab');
    const stops = await page.evaluate(() => (window as unknown as { stops: string[] }).stops);
    // The row's cells, one stop each and nothing between them; then the next row's controls.
    expect(stops.slice(0, codes.length).map((s) => s.split('|').slice(1, 3))).toEqual(codes.map((c) => [plot, c]));
    expect(stops.some((s) => s.startsWith('SUMMARY'))).toBe(false);
    expect(stops[codes.length].split('|')[1]).not.toBe(plot);
    expect(await page.locator('summary:not([tabindex="-1"])').count()).toBe(0);

    // The row's button opens its histories from the keyboard; 更正 is then next in the Tab order.
    const toggle = first.locator('[data-row-history]');
    await toggle.focus();
    await page.keyboard.press('Enter');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    expect(await first.locator('details.history[open]').count()).toBe(await first.locator('details.history').count());
    let reached = false;
    for (let i = 0; i < 12 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.classList.contains('h-edit') ?? false);
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Shift+Tab');
    await toggle.click();
    expect(await first.locator('details[open]').count()).toBe(0);
  });

  it("names each row's history button for what the reader may do there", async () => {
    const viewer = await app.createUser({ role: 'viewer', projects: [1] });
    for (const [who, text] of [
      [agronomist, 'History & another reading'],
      [viewer, 'History'],
    ] as const) {
      const page = await open('/trials/1', DESKTOP, 'en', who);
      const row = page.locator('tr.plot-row').first();
      const plot = await row.locator('.plot-label').textContent();
      const button = row.locator('[data-row-history]');
      expect(await button.textContent()).toBe(text);
      expect(await button.getAttribute('aria-label')).toBe(`${text === 'History' ? 'History' : 'History and another reading'} of ${plot}`);
      await button.click();
      expect(await row.locator('details.history[open]').count()).toBeGreaterThan(0);
      // A viewer opens histories only: no input for another reading anywhere on the page.
      if (who === viewer) expect(await page.locator('details.another, td.cell input').count()).toBe(0);
    }
  });

  for (const [viewport, min] of [
    [PHONE, 44],
    [DESKTOP, 24],
  ] as const) {
    it(`makes 更正 and the row's history button at least ${min} px square at ${viewport.width} px`, async () => {
      const page = await open('/trials/1?site=3', viewport);
      const first = page.locator('tr.plot-row').first();
      await first.locator('[data-row-history]').click();
      for (const sel of ['[data-row-history]', '.h-edit']) {
        const b = (await first.locator(sel).first().boundingBox())!;
        expect(b.width, sel).toBeGreaterThanOrEqual(min);
        expect(b.height, sel).toBeGreaterThanOrEqual(min);
      }
      const today = (await first.locator('.btn-today').first().boundingBox())!;
      expect(today.height).toBeGreaterThanOrEqual(min);
      await shot(page, `grid-targets-${viewport.width}`);
    });
  }

  it('fills today (in the server time zone) from the 今天 button and from T in a date cell', async () => {
    const page = await open('/trials/1?site=3');
    const first = page.locator('tr.plot-row').first();
    const date = first.locator('input[type="date"][data-variable="flowering_date"]:not([data-reading])');
    await first.locator(`button[data-today-for="${await date.getAttribute('id')}"]`).click();
    expect(await date.inputValue()).toBe(today());
    const other = first.locator('input[type="date"][data-variable="first_ripening_date"]:not([data-reading])');
    await other.focus();
    await page.keyboard.press('t');
    expect(await other.inputValue()).toBe(today());
    // Kept like any typed value.
    const kept = await page.evaluate(() => JSON.stringify(window.localStorage));
    expect(kept).toContain(today());
  });

  it('opens the site and page that hold a plot from its ?plot= link, with its row in view', async () => {
    const label = wlabel('C', 120); // 125 treatment plots first, then this: the third page
    const page = await open(`/trials/${wide}?plot=${encodeURIComponent(label)}`, PHONE);
    expect(await page.locator('.pager .current').first().innerText()).toBe('3');
    const row = page.locator('tr.plot-row.is-target');
    expect((await row.locator('.plot-label').innerText()).trim()).toBe(label);
    expect(await inView(page, 'tr.plot-row.is-target')).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-plot'))).toBe(label);
    // Saving from there comes back to the same page.
    expect(await page.locator('form[data-entry-form] input[name="page"]').inputValue()).toBe('3');
    expect(await page.locator('form[data-entry-form] input[name="site"]').inputValue()).toBe(String(siteId));
    await shot(page, 'grid-plot-link-390');

    const missing = await open(`/trials/${wide}?plot=NO-SUCH`);
    expect(await missing.locator('#entry .alert').innerText()).toContain('NO-SUCH');
  });

  it('after a correction shows the confirmation beside the corrected plot, in view, on its own page', async () => {
    const label = wlabel('C', 10); // on the second page
    const obs = (await app.get(`/api/trials/${wide}/observations?plot=${label}&variable=yield_kg_per_mu`)).body[0];
    const page = await open(`/observations/${obs.id}/edit`, PHONE);
    await page.fill('[name="value"]', '512');
    await page.locator('main form button[type="submit"]').first().click();
    await page.waitForURL(/corrected=1/);
    expect(await page.locator('.pager .current').first().innerText()).toBe('2');
    const flash = page.locator('tr.row-flash .alert');
    expect(await flash.innerText()).toContain('已更正');
    expect(await inView(page, 'tr.row-flash .alert')).toBe(true);
    expect(await flash.evaluate((el) => el.closest('tr')?.previousElementSibling?.querySelector('.plot-label')?.textContent?.trim())).toBe(label);
    // Not repeated at the top of the grid.
    expect(await page.locator('#entry > .alert-ok').count()).toBe(0);
    await shot(page, 'grid-corrected-390');
    const wideShot = await open(new URL(page.url()).pathname + new URL(page.url()).search + new URL(page.url()).hash, DESKTOP);
    expect(await inView(wideShot, 'tr.row-flash .alert')).toBe(true);
    // The grid's box is in view whole, its header row at the top of the box.
    const wrap = (await wideShot.locator('.grid-wrap').boundingBox())!;
    expect(wrap.y).toBeGreaterThanOrEqual(0);
    expect(wrap.y + wrap.height).toBeLessThanOrEqual(DESKTOP.height);
    expect(Math.abs((await wideShot.locator('.entry-grid thead th').first().boundingBox())!.y - wrap.y)).toBeLessThanOrEqual(2);
    await shot(wideShot, 'grid-corrected-1280');
  });

  it('after a delete on a phone shows the confirmation and its undo beside the plot, in view, and the undo works', async () => {
    const label = wlabel('C', 12); // on the second page
    const created = await app.post(`/api/trials/${wide}/observations`, [{ plot: label, variable: 'yield_kg_per_mu', value: '433', observedOn: '2017-07-02' }]);
    const obs = created.body[0];
    const page = await open(`/observations/${obs.id}/edit`, PHONE);
    page.on('dialog', (d) => void d.accept());
    await page.locator('form.danger-zone button[type="submit"]').click();
    await page.waitForURL(/deleted=/);
    const flash = page.locator('tr.row-flash .alert');
    expect(await flash.innerText()).toContain('观测已删除');
    expect(await inView(page, 'tr.row-flash .alert')).toBe(true);
    expect(await inView(page, 'tr.row-flash button')).toBe(true);
    expect(await flash.evaluate((el) => el.closest('tr')?.previousElementSibling?.querySelector('.plot-label')?.textContent?.trim())).toBe(label);
    await shot(page, 'grid-deleted-390');
    await page.locator('tr.row-flash button').click();
    await page.waitForURL(/restored=1/);
    expect(await page.locator('tr.row-flash .alert').innerText()).toContain('已恢复');
    expect(await inView(page, 'tr.row-flash .alert')).toBe(true);
    expect((await app.get(`/api/observations/${obs.id}`)).body.valueText).toBe('433');
  });
});
