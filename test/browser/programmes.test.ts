import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, skipBrowser } from '../support/browser.js';
import { startTestApp, type TestApp } from '../support/context.js';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const DEMO = {
  admin: { email: 'admin@demo.example', password: 'demoplot-admin' },
  lead: { email: 'lead@demo.example', password: 'demoplot-lead' },
  viewer: { email: 'viewer@demo.example', password: 'demoplot-viewer' },
};

/** The demonstration programme's page, its filters and its A4 summary, as people see them. */
describe.skipIf(skipBrowser)('the programme pages in Chromium', { timeout: 120_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    app = await startTestApp({ demo: true });
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await app?.close();
  });

  async function open(viewport: { width: number; height: number }, path: string, who: keyof typeof DEMO = 'admin'): Promise<Page & { errors: string[] }> {
    const context = await browser.newContext({ viewport, locale: 'zh-CN', deviceScaleFactor: 1 });
    await context.addCookies(await app.sessionCookies(DEMO[who]));
    contexts.push(context);
    const page = (await context.newPage()) as Page & { errors: string[] };
    page.errors = [];
    page.on('pageerror', (e) => page.errors.push(e.message));
    await page.goto(app.baseUrl + path);
    return page;
  }

  it('reaches the programme from the header and shows its summary, projects and open items in Chinese', async () => {
    const page = await open(DESKTOP, '/');
    await page.locator('header.site-header').getByRole('link', { name: '计划' }).click();
    await page.waitForLoadState('load');
    await page.getByRole('link', { name: '2017年度自治区区域协同创新专项（科技援疆计划）' }).click();
    await page.waitForLoadState('load');
    expect(page.url()).toMatch(/\/programmes\/\d+$/);
    const summary = await page.locator('#summary-text').innerText();
    expect(summary).toContain('2017年度共安排项目3项，新上项目3项，其中面向地州市类的援疆项目2个，面向贫困县项目0个，面向产业化发展类项目1个。');
    expect(summary).toContain('获得2项实用新型专利');
    expect(summary).toContain('尚未整改1条（其中1条已逾期）');
    expect(await page.locator('#project-table tbody tr').count()).toBe(3);
    const openItems = page.locator('#open-items tbody tr');
    expect(await openItems.count()).toBe(1);
    expect(await openItems.innerText()).toContain('整理三次现场观摩会的签到名单');
    expect(await openItems.innerText()).toContain('已逾期');
    expect(await page.locator('#awaiting').innerText()).toContain('秸秆生物降解技术在塔城地区设施农业中的应用示范与推广');
    // Headlines come from each project's trials.
    expect(await page.locator('#results').innerText()).toContain('开花期提前3–4天');
    expect(await page.locator('#outputs').innerText()).toContain('新疆燃煤烟气脱硫脱硝工程技术研究中心');
    expect(await page.locator('#figures svg .bar-status').count()).toBeGreaterThan(0);
    await expect(page.locator('button[data-copy]').first().isVisible()).resolves.toBe(true);
    expect(page.errors).toEqual([]);
  });

  it('filters the projects by status and category', async () => {
    const page = await open(DESKTOP, '/programmes/1');
    await page.locator('form.filters select[name="status"]').selectOption('awaiting_acceptance');
    await page.getByRole('button', { name: '筛选' }).click();
    await page.waitForLoadState('load');
    expect(page.url()).toContain('status=awaiting_acceptance');
    expect(await page.locator('#project-table tbody tr').count()).toBe(1);
    expect(await page.locator('#filter-count').innerText()).toBe('显示 1 / 3 个项目');
    await page.goto(`${app.baseUrl}/programmes/1?category=industrialisation`);
    expect(await page.locator('#project-table tbody tr').innerText()).toContain('燃煤锅炉高温炉渣处理装置立式冷渣机产业化');
  });

  it('shows every figure of the targets table at 1280 px: names wrap, figures stay in view', async () => {
    for (const lang of ['zh', 'en', 'ug']) {
      const page = await open(DESKTOP, `/programmes/1?lang=${lang}`);
      const box = page.locator('#targets .table-scroll');
      const fit = await box.evaluate((el) => {
        const r = el.getBoundingClientRect();
        const heads = [...el.querySelectorAll('thead th')].map((th) => th.getBoundingClientRect());
        return { scrolls: el.scrollWidth > el.clientWidth + 1, columns: heads.length, inside: heads.every((h) => h.left >= r.left - 1 && h.right <= r.right + 1) };
      });
      // Unique farmers, demonstration households and the household target included.
      expect(fit, lang).toEqual({ scrolls: false, columns: 7, inside: true });
    }
  });

  it('speaks English with labels, never raw keys or enum values', async () => {
    const page = await open(DESKTOP, '/programmes/1?lang=en');
    const text = await page.locator('main').innerText();
    expect(text).toContain('In 2017 the programme had 3 projects, 3 of them new: 2 for prefectures and cities, 0 for poverty counties and 1 for industrialisation.');
    expect(text).toContain('Awaiting acceptance');
    expect(text).toContain('Utility-model patents');
    expect(text).not.toMatch(/\b(programme|status|category|outputKind)\.[a-zA-Z_]+/);
    expect(text).not.toMatch(/\b(awaiting_acceptance|in_progress|poor_county|patent_utility|extension_material)\b/);
  });

  for (const who of ['admin', 'lead', 'viewer'] as const) {
    it(`fits a phone for ${who}, with no link that ${who} may not follow`, async () => {
      for (const path of ['/programmes', '/programmes/1', '/programmes/1/summary']) {
        const page = await open(PHONE, path, who);
        expect(await page.locator('h1').count(), `${who} ${path}`).toBe(1);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(width, `${who} ${path}`).toBeLessThanOrEqual(390);
        const hrefs = await page.locator('main a[href^="/"]').evaluateAll((as) => [...new Set(as.map((a) => a.getAttribute('href')!))]);
        for (const href of hrefs) {
          const res = await page.request.get(app.baseUrl + href, { maxRedirects: 0 });
          expect(res.status(), `${who} ${path} → ${href}`).toBeLessThan(400);
        }
      }
    });
  }

  it('prints the annual summary on one A4 page without navigation', async () => {
    const page = await open(DESKTOP, '/programmes/1/summary');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.site-header').isVisible()).toBe(false);
    expect(await page.locator('.page-actions').isVisible()).toBe(false);
    expect(await page.locator('#summary-text').innerText()).toContain('2017年度共安排项目3项');
    const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0).toBe(1);
  });

  it('lets a lead close the open rectification item from the programme page, and never shows viewers the way', async () => {
    const viewer = await open(DESKTOP, '/programmes/1', 'viewer');
    expect(await viewer.locator('#open-items tbody tr').count()).toBe(1);
    expect(await viewer.locator('a[href^="/rectifications/"]').count()).toBe(0);

    const page = await open(DESKTOP, '/programmes/1', 'lead');
    await page.locator('#open-items').getByRole('link', { name: '完成整改' }).click();
    await page.waitForLoadState('load');
    await page.fill('#f-closedOn', '2017-11-01');
    await page.getByRole('button', { name: '完成整改' }).click();
    await page.waitForLoadState('load');
    // Without a note, then before the inspection: refused, naming the field, nothing closed.
    expect(await page.locator('#f-note-error').innerText()).toContain('不能为空');
    await page.fill('#f-note', '签到名单已整理归档');
    await page.getByRole('button', { name: '完成整改' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('#f-closedOn-error').innerText()).toContain('早于查验日期 2017-11-20');
    expect(await page.locator('#f-note').inputValue()).toBe('签到名单已整理归档');
    await page.fill('#f-closedOn', '2018-01-20');
    await page.getByRole('button', { name: '完成整改' }).click();
    await page.waitForURL(/\/programmes\/1/);
    expect(await page.locator('#open-items').count()).toBe(0);
    expect(await page.locator('#summary-text').innerText()).toContain('提出整改建议2条，已整改2条。');
    expect(await page.locator('#inspections').innerText()).toContain('签到名单已整理归档');
  });
});
