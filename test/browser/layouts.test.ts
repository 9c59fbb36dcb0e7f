import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQRModule from 'jsqr';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, skipBrowser } from '../support/browser.js';
import { startTestApp, type TestApp } from '../support/context.js';
import { ensureVariables, makeProject, YIELD } from '../support/factories.js';

// jsqr is CommonJS whose types declare an ES default export; take whichever is there.
const jsQR = ((jsQRModule as unknown as { default?: typeof jsQRModule.default }).default ?? jsQRModule) as unknown as typeof jsQRModule.default;

const PUBLIC = 'https://demoplot.example';
const DPI = 150;

/** The PNG pages of a PDF, rendered by pdftoppm. */
function pdfPages(pdf: Buffer, dir: string, name: string): PNG[] {
  const file = join(dir, `${name}.pdf`);
  writeFileSync(file, pdf);
  execFileSync('pdftoppm', ['-png', '-r', String(DPI), file, join(dir, name)]);
  return readdirSync(dir)
    .filter((f) => f.startsWith(`${name}-`) && f.endsWith('.png'))
    .sort()
    .map((f) => PNG.sync.read(readFileSync(join(dir, f))));
}

/** The QR code inside a rectangle of a page (millimetres from the top left), decoded. */
function qrIn(page: PNG, mm: { x: number; y: number; w: number; h: number }): string | undefined {
  const px = (v: number) => Math.round((v / 25.4) * DPI);
  const [x0, y0, w, h] = [px(mm.x), px(mm.y), px(mm.w), px(mm.h)];
  const out = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    const from = ((y0 + y) * page.width + x0) * 4;
    out.set(page.data.subarray(from, from + w * 4), y * w * 4);
  }
  return jsQR(out, w, h)?.data;
}

/** How far the page's dark pixels reach: a blank page has none. */
function inked(page: PNG): number {
  let n = 0;
  for (let i = 0; i < page.data.length; i += 4) if (page.data[i] < 128 && page.data[i + 1] < 128) n++;
  return n;
}

describe.skipIf(skipBrowser)('designing a layout, its field map and its labels in Chromium', { timeout: 120_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  let trialId: number;
  let siteId: number;
  let dir: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    app = await startTestApp({ env: { DEMOPLOT_PUBLIC_URL: `${PUBLIC}/` } });
    browser = await launchChromium();
    dir = mkdtempSync(join(tmpdir(), 'layouts-pdf-'));
    await ensureVariables(app, [YIELD]);
    const { project, sites } = await makeProject(app, ['二工镇']);
    siteId = sites[0].id;
    const trial = await app.post(`/api/projects/${project.id}/trials`, {
      name: '番茄品种比较',
      crop: '番茄',
      design: 'rcbd',
      arms: [
        { name: '新品种甲', role: 'treatment' },
        { name: '新品种乙', role: 'treatment' },
        { name: '当地品种', role: 'control' },
      ],
      variables: [YIELD.code],
    });
    trialId = trial.body.id;
    // A plot entered by hand, without a place in the field.
    expect((await app.post(`/api/trials/${trialId}/plots`, { siteId, label: '补充-1', arm: '当地品种' })).status).toBe(201);
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await app?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function open(path: string, viewport = { width: 1280, height: 900 }, lang?: 'en'): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: 'zh-CN', deviceScaleFactor: 1 });
    await context.addCookies([...(await app.sessionCookies()), ...(lang ? [{ name: 'lang', value: lang, url: app.baseUrl }] : [])]);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(app.baseUrl + path);
    return page;
  }

  it('designs a layout in the form: a bad field is named with the values kept, the preview is drawn, the commit makes the plots', async () => {
    const page = await open(`/trials/${trialId}/layouts/new`);
    await page.fill('#f-blocks', '4');
    await page.fill('#f-rows', '1');
    await page.fill('#f-columns', '3');
    await page.fill('#f-seed', '20261201');
    await page.selectOption('#f-entrance', 'down');
    await page.click('form.form button[type="submit"]');
    await expect(page.locator('#f-rows-error').innerText()).resolves.toContain('需要 12 个小区，但 行 × 列 只有 3 个位置');
    await expect(page.inputValue('#f-seed')).resolves.toBe('20261201');
    await page.fill('#f-rows', '4');
    await page.click('form.form button[type="submit"]');
    await page.waitForURL(/\/layouts\/\d+$/);
    await expect(page.locator('svg.field-map g.plot').count()).resolves.toBe(12);
    await expect(page.locator('h1').innerText()).resolves.toContain('布局预览');
    await expect(page.locator('.meta').innerText()).resolves.toContain('种子 20261201');
    expect(((await app.get(`/api/trials/${trialId}/plots`)).body as unknown[]).length).toBe(1);
    await page.getByRole('button', { name: '按此布局生成小区' }).click();
    await page.waitForURL(/\/trials\/\d+\/map\?site=\d+$/);
    const plots = (await app.get(`/api/trials/${trialId}/plots`)).body as { label: string; row: number | null }[];
    expect(plots.filter((p) => p.row !== null)).toHaveLength(12);
  });

  it('draws the map with the plots in place, blocks outlined, the entrance and north marked, and the unplaced plot beside', async () => {
    const page = await open(`/trials/${trialId}/map?site=${siteId}`);
    await expect(page.locator('svg.field-map g.plot').count()).resolves.toBe(12);
    await expect(page.locator('svg.field-map g.plot[data-label="二工镇-1-01"] text').first().textContent()).resolves.toBe('二工镇-1-01');
    await expect(page.locator('svg.field-map path.block-outline').count()).resolves.toBe(1);
    await expect(page.locator('svg.field-map .entrance text').textContent()).resolves.toBe('入口');
    await expect(page.locator('svg.field-map .north text').textContent()).resolves.toBe('北');
    await expect(page.locator('.unplaced').innerText()).resolves.toContain('补充-1');
    const en = await open(`/trials/${trialId}/map?site=${siteId}`, { width: 390, height: 844 }, 'en');
    await expect(en.locator('.unplaced h2').innerText()).resolves.toBe('Plots without a field position');
    await expect(en.locator('svg.field-map .entrance text').textContent()).resolves.toBe('Entrance');
    // Printed, the map is one landscape A4 page with the drawing on it.
    const pages = pdfPages(await page.pdf({ format: 'A4', landscape: true, printBackground: true, preferCSSPageSize: true }), dir, 'map');
    expect(pages).toHaveLength(1);
    expect(pages[0].width).toBeGreaterThan(pages[0].height);
    expect(inked(pages[0])).toBeGreaterThan(1000);
  });

  it('prints label sheets whose QR codes open the plot on the entry page, with or without the arm', async () => {
    const page = await open(`/trials/${trialId}/labels?site=${siteId}&paper=3x8&arm=1`);
    await expect(page.locator('.sheet .plot-label').count()).resolves.toBe(13);
    await expect(page.locator('.sheet').first().innerText()).resolves.toContain('新品种甲');
    const pages = pdfPages(await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true }), dir, 'labels');
    expect(pages).toHaveLength(1);
    expect(pages[0].height).toBeGreaterThan(pages[0].width);
    // The first label (70 × 37 mm at the sheet's top left) is plot 1 in row 1, column 1.
    expect(qrIn(pages[0], { x: 0, y: 0.5, w: 40, h: 37 })).toBe(`${PUBLIC}/trials/${trialId}?plot=${encodeURIComponent('二工镇-1-01')}`);
    // Labels follow the field: the third of the second row is row 2, column 3, which the
    // serpentine numbering made plot 4.
    expect(qrIn(pages[0], { x: 140, y: 37.5, w: 40, h: 37 })).toBe(`${PUBLIC}/trials/${trialId}?plot=${encodeURIComponent('二工镇-2-04')}`);

    const blind = await open(`/trials/${trialId}/labels?site=${siteId}&paper=2x7`);
    const text = await blind.locator('.sheets').innerText();
    for (const arm of ['新品种甲', '新品种乙', '当地品种']) expect(text).not.toContain(arm);
    await expect(blind.locator('.sheet').count()).resolves.toBe(1);
    const two = pdfPages(await blind.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true }), dir, 'labels-2x7');
    expect(two).toHaveLength(1);
    expect(qrIn(two[0], { x: 4.65, y: 15.15, w: 45, h: 38.1 })).toBe(`${PUBLIC}/trials/${trialId}?plot=${encodeURIComponent('二工镇-1-01')}`);
  });

  it('serves the labels as CSV for label printers, with the QR code text', async () => {
    const res = await fetch(`${app.baseUrl}/api/trials/${trialId}/labels.csv`, { headers: { authorization: `Bearer ${app.admin.token}` } });
    expect(res.status).toBe(200);
    const lines = (await res.text()).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('label,site,arm,block,row,column,url');
    expect(lines).toContain(`二工镇-1-01,二工镇,${(await app.get(`/api/trials/${trialId}/plots`)).body.find((p: { label: string }) => p.label === '二工镇-1-01').arm},1,1,1,${PUBLIC}/trials/${trialId}?plot=${encodeURIComponent('二工镇-1-01')}`);
  });

  it('opens the entry grid at the plot a label points to, on a phone', async () => {
    const page = await open(`/trials/${trialId}?plot=${encodeURIComponent('二工镇-3-08')}`, { width: 390, height: 844 });
    const row = page.locator('tr.plot-row.is-target');
    await expect(row.count()).resolves.toBe(1);
    await expect(row.locator('.plot-label').innerText()).resolves.toBe('二工镇-3-08');
    const box = await row.boundingBox();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y).toBeLessThan(844);
  });
});
