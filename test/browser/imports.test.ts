import type { Browser, Page } from 'playwright-core';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, skipBrowser } from '../support/browser.js';
import { startTestApp, type TestApp } from '../support/context.js';
import { observations } from '../support/imports.js';
import { gbkCsv } from '../fixtures/import-files.js';

describe.skipIf(skipBrowser)('the import page in Chromium', { timeout: 90_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    app = await startTestApp({ demo: true });
    browser = await launchChromium();
    dir = mkdtempSync(join(tmpdir(), 'demoplot-import-page-'));
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(path: string, javaScript = true): Promise<Page & { errors: string[] }> {
    const context = await browser.newContext({ locale: 'zh-CN', javaScriptEnabled: javaScript });
    await context.addCookies(await app.sessionCookies());
    const page = (await context.newPage()) as Page & { errors: string[] };
    page.errors = [];
    page.on('pageerror', (e) => page.errors.push(e.message));
    await page.goto(app.baseUrl + path);
    return page;
  }

  function file(name: string, rows: (string | null)[][]): string {
    const path = join(dir, name);
    writeFileSync(path, gbkCsv(rows));
    return path;
  }

  it('uploads with a progress bar, shows the preview and commits it', async () => {
    const before = (await observations(app, 1)).length;
    const page = await open('/trials/1/import');
    await page.setInputFiles('input[type=file]', file('产量.csv', [['小区', '指标', '数值', '观测日期'], ['二工-示范1', '产量', '1,001.5', '2018-04-01'], ['二工-对照1', '产量', '900', '2018年4月1日']]));
    // The script posts to the API (with upload progress), not the plain form address.
    const [sent] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/trials/1/imports')),
      page.waitForURL(/\/imports\/[0-9a-f-]{36}$/),
      page.click('form.import-upload button[type=submit]'),
    ]);
    expect(sent.headers()['content-type']).toMatch(/^multipart\/form-data/);
    expect(await page.locator('.import-summary').innerText()).toMatch(/新增\s*2/);
    expect(await page.locator('table.import-preview tbody tr').count()).toBe(2);
    await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST' && /\/api\/imports\/[0-9a-f-]{36}\/commit$/.test(r.url())),
      page.click('form.import-commit button[type=submit]'),
    ]);
    await page.waitForSelector('.alert-ok');
    expect(await page.locator('.alert-ok').innerText()).toContain('已导入：新增 2，更新 0，未变 0');
    expect((await observations(app, 1)).length).toBe(before + 2);
    expect(page.errors).toEqual([]);
  });

  it('shows every problem of a bad file with its row and column, and offers no commit', async () => {
    const page = await open('/trials/1/import');
    await page.setInputFiles('input[type=file]', file('bad.csv', [['小区', '指标', '数值', '观测日期'], ['二工-示范1', '产量', '1', '2018-04-02'], ['二工-示范1', '产量', 'abc', '2018-04-03'], ['二工-示范1', '产量', '2', '2018-04-04']]));
    await Promise.all([page.waitForURL(/\/imports\//), page.click('form.import-upload button[type=submit]')]);
    expect((await page.locator('table.import-issues tbody').innerText()).replace(/\s+/g, ' ').trim()).toBe('3 数值 不是有效数字，收到“abc”');
    expect(await page.locator('table.import-preview tr.import-error').count()).toBe(2);
    expect(await page.locator('form.import-commit').count()).toBe(0);
  });

  it('works without JavaScript as a plain form post', async () => {
    const before = (await observations(app, 1)).length;
    const page = await open('/trials/1/import', false);
    await page.setInputFiles('input[type=file]', file('nojs.csv', [['小区', '指标', '数值', '观测日期'], ['什托-示范1', '产量', '77', '2018-04-05']]));
    await Promise.all([page.waitForURL(/\/imports\//), page.click('form.import-upload button[type=submit]')]);
    await Promise.all([page.waitForURL(/\/imports\/[0-9a-f-]{36}$/), page.click('form.import-commit button[type=submit]')]);
    expect(await page.locator('.alert-ok').innerText()).toContain('新增 1');
    expect((await observations(app, 1)).length).toBe(before + 1);
  });

  it('reads a Field Book field file through the mapping shown on the preview, and a changed select previews it again', async () => {
    const page = await open('/trials/1/import?kind=plots');
    await page.selectOption('select[name=kind]', 'plots');
    await page.setInputFiles('input[type=file]', file('field.csv', [['plot_id', 'row', 'column', 'pedigree', 'rep'], ['二工-示范1', '91', '1', 'XC-6', '7'], ['二工-对照1', '91', '2', 'local', '7']]));
    await Promise.all([page.waitForURL(/\/imports\/[0-9a-f-]{36}$/), page.click('form.import-upload button[type=submit]')]);
    const first = page.url();
    // Proposed from the names, in Chinese: plot_id is the label, rep the block, pedigree ignored.
    expect(await page.locator('.import-mapping .hint').first().innerText()).toBe('按列名推断，请核对');
    const chosen = async () => page.$$eval('.import-mapping select', (els) => els.map((e) => [(e as HTMLSelectElement).dataset.column, (e as HTMLSelectElement).selectedOptions[0].textContent]));
    expect(await chosen()).toEqual([['plot_id', '小区编号'], ['row', '行'], ['column', '列'], ['pedigree', '不导入'], ['rep', '区组']]);
    expect(await page.locator('table.import-preview thead').innerText()).toMatch(/行\s+列/);
    await page.selectOption('select[data-column=rep]', 'ignore');
    await Promise.all([page.waitForURL((u) => /\/imports\/[0-9a-f-]{36}$/.test(u.pathname) && u.href !== first), page.click('.import-mapping button[type=submit]')]);
    expect(await page.locator('.import-mapping .hint').first().innerText()).toBe('按所选的对应');
    expect((await chosen())[4]).toEqual(['rep', '不导入']);
    await Promise.all([page.waitForURL(/\/imports\/[0-9a-f-]{36}$/), page.click('form.import-commit button[type=submit]')]);
    await page.waitForSelector('.alert-ok');
    const plots = (await app.get('/api/trials/1/plots')).body as { label: string; row: number | null; column: number | null; block: string | null }[];
    expect(plots.filter((p) => p.row === 91).map((p) => [p.label, p.row, p.column]).sort()).toEqual([
      ['二工-对照1', 91, 2],
      ['二工-示范1', 91, 1],
    ]);
    expect(plots.some((p) => p.block === '7')).toBe(false);
    expect(page.errors).toEqual([]);
  });
});
