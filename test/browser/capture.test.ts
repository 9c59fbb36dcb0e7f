import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULES, parseRoute } from '../../server/accounts/policy.js';
import { PERMISSIONS } from '../../server/accounts/access.js';
import { launchChromium, skipBrowser } from '../support/browser.js';
import { startTestApp, type Role, type TestApp, type TestUser } from '../support/context.js';

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

/** Whether the policy lets a role (a member of the project) make this request. */
function allowed(role: Role, method: string, path: string): boolean {
  for (const rule of RULES) {
    const { methods, path: pattern } = parseRoute(rule.route);
    if (!methods.includes(method)) continue;
    const re = new RegExp(`^${pattern.replace(/:[a-z]+/gi, '[^/]+')}$`);
    if (!re.test(path)) continue;
    if (rule.allow === 'public' || rule.allow === 'signedIn') return true;
    return (PERMISSIONS[rule.allow] as readonly string[]).includes(role);
  }
  return false;
}

describe.skipIf(skipBrowser)('field capture in Chromium', { timeout: 240_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  const users = {} as Record<Role, TestUser>;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    app = await startTestApp({ demo: true });
    browser = await launchChromium();
    for (const role of ['admin', 'agronomist', 'lead', 'viewer'] as Role[]) users[role] = await app.createUser({ role, projects: [1, 2] });
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await app?.close();
  });

  async function open(role: Role, path: string, viewport = DESKTOP): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: 'zh-CN', deviceScaleFactor: 1 });
    await context.addCookies(await app.sessionCookies(users[role]));
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(app.baseUrl + path);
    return page;
  }

  const cell = (page: Page, plot: string, variable: string) => page.locator(`input[data-plot="${plot}"][data-variable="${variable}"]:not([data-reading])`);

  it('keeps typed values through an expired session: sign in again and every value is still in its cell', async () => {
    const page = await open('agronomist', '/trials/1?site=3');
    await page.fill('#f-observedOn', '2017-07-23');
    await page.fill('#f-recordedBy', '阿依古丽');
    await cell(page, '什托-示范1', 'yield_kg_per_mu').fill('８１２');
    await cell(page, '什托-对照1', 'yield_kg_per_mu').fill('745.50');
    await page.context().clearCookies();
    await page.getByRole('button', { name: '保存全部' }).click();
    await page.waitForURL(/\/login/);
    await page.fill('input[name="email"]', users.agronomist.email);
    await page.fill('input[name="password"]', users.agronomist.password);
    await page.locator('form button[type="submit"]').last().click();
    await page.waitForURL(/\/trials\/1/);
    expect(await cell(page, '什托-示范1', 'yield_kg_per_mu').inputValue()).toBe('８１２');
    expect(await cell(page, '什托-对照1', 'yield_kg_per_mu').inputValue()).toBe('745.50');
    const before = (await app.get('/api/trials/1/observations?limit=100000')).body.length;

    await page.fill('#f-observedOn', '2017-07-23');
    await page.fill('#f-recordedBy', '阿依古丽');
    await page.getByRole('button', { name: '保存全部' }).click();
    await page.waitForURL(/saved=2/);
    const after = (await app.get('/api/trials/1/observations?limit=100000')).body as { valueText: string; observedOn: string; recordedBy: string }[];
    expect(after.length).toBe(before + 2);
    expect(after.filter((o) => o.observedOn === '2017-07-23' && ['812', '745.50'].includes(o.valueText)).map((o) => o.valueText).sort()).toEqual(['745.50', '812']);
    // The day and recorder stay for the next plot; the confirmed values are gone from the cells.
    expect(await page.inputValue('#f-observedOn')).toBe('2017-07-23');
    expect(await page.inputValue('#f-recordedBy')).toBe('阿依古丽');
    await page.reload();
    expect(await cell(page, '什托-示范1', 'yield_kg_per_mu').inputValue()).toBe('');
  });

  it('shows a different value for an existing observation under its cell, keeps it, and stores another reading on request', async () => {
    const page = await open('agronomist', '/trials/1?site=3');
    await page.fill('#f-observedOn', '2017-07-23');
    await cell(page, '什托-示范1', 'yield_kg_per_mu').fill('900');
    await page.getByRole('button', { name: '保存全部' }).click();
    await page.waitForLoadState();
    const input = cell(page, '什托-示范1', 'yield_kg_per_mu');
    expect(await input.inputValue()).toBe('900');
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    const error = await page.locator('td.has-error .field-error').first().innerText();
    expect(error).toContain('812');

    await input.fill('');
    const another = page.locator('input[data-plot="什托-示范1"][data-variable="yield_kg_per_mu"][data-reading="next"]');
    await page.locator('td', { has: another }).locator('details.another summary').click();
    await another.fill('900');
    await page.getByRole('button', { name: '保存全部' }).click();
    await page.waitForURL(/saved=1/);
    const obs = (await app.get('/api/trials/1/observations?plot=什托-示范1&variable=yield_kg_per_mu')).body as { observedOn: string; reading: number; valueText: string }[];
    expect(obs.filter((o) => o.observedOn === '2017-07-23').map((o) => [o.reading, o.valueText])).toEqual([
      [1, '812'],
      [2, '900'],
    ]);
    const history = await page.goto(`${app.baseUrl}/trials/1/cells?plot=${(await app.get('/api/trials/1/plots')).body.find((p: { label: string }) => p.label === '什托-示范1').id}&variable=yield_kg_per_mu`);
    expect(history?.status()).toBe(200);
    expect(await page.locator('.cell-history').innerText()).toContain('第 2 次读数');
  });

  it('sends a form once however often Save is pressed', async () => {
    const page = await open('agronomist', '/trials/1?site=3');
    const before = (await app.get('/api/trials/1/observations?limit=100000')).body.length;
    await page.fill('#f-observedOn', '2017-07-18');
    await cell(page, '什托-对照1', 'yield_kg_per_mu').fill('333');
    await page.evaluate(() => {
      const form = document.querySelector('form[data-entry-form]') as HTMLFormElement;
      form.requestSubmit();
      form.requestSubmit();
    });
    await page.waitForURL(/saved=1/);
    expect((await app.get('/api/trials/1/observations?limit=100000')).body.length).toBe(before + 1);
  });

  for (const role of ['admin', 'agronomist', 'lead', 'viewer'] as Role[]) {
    it(`shows a ${role} only links and forms the policy lets through, on every page`, async () => {
      const page = await open(role, '/');
      const seen = new Set<string>();
      const queue = ['/', '/projects/1', '/projects/2', '/trials/1', '/trials/1/report', '/projects/1/training', '/projects/1/farmers'];
      const refused: string[] = [];
      while (queue.length && seen.size < 40) {
        const path = queue.shift()!;
        if (seen.has(path)) continue;
        seen.add(path);
        const res = await page.goto(app.baseUrl + path);
        if (res?.status() === 403) {
          refused.push(`GET ${path}`);
          continue;
        }
        if (!res?.headers()['content-type']?.includes('text/html')) continue;
        const found = await page.evaluate(() => {
          const visible = (el: Element) => !!(el as HTMLElement).offsetParent || getComputedStyle(el).position === 'fixed';
          return {
            links: [...document.querySelectorAll('a[href]')].filter(visible).map((a) => (a as HTMLAnchorElement).href),
            forms: [...document.querySelectorAll('form')].filter(visible).map((f) => ({ method: (f.getAttribute('method') ?? 'get').toUpperCase(), action: (f as HTMLFormElement).action })),
            inputs: document.querySelectorAll('input[data-plot]').length,
          };
        });
        if (path.startsWith('/trials/1') && role !== 'admin' && role !== 'agronomist') expect(found.inputs).toBe(0);
        for (const href of found.links) {
          const url = new URL(href);
          if (url.origin !== app.baseUrl || url.pathname === '/logout') continue;
          if (!allowed(role, 'GET', url.pathname)) refused.push(`link ${url.pathname} on ${path}`);
          const p = url.pathname + url.search;
          if (!url.pathname.startsWith('/api/') && !seen.has(p) && queue.length < 200) queue.push(p);
        }
        for (const f of found.forms) {
          const url = new URL(f.action);
          if (!allowed(role, f.method, url.pathname)) refused.push(`form ${f.method} ${url.pathname} on ${path}`);
        }
      }
      expect(refused).toEqual([]);
      expect(seen.size).toBeGreaterThan(5);
    });
  }

  it('says on the 403 page what the role may do', async () => {
    const page = await open('viewer', '/trials/1/import');
    expect(await page.locator('.error-status').innerText()).toBe('403');
    expect(await page.locator('.role-may').innerText()).toContain('推广中心');
  });

  it('fits a phone and a laptop, in both languages, for the agronomist and the viewer', async () => {
    for (const role of ['agronomist', 'viewer'] as Role[]) {
      for (const viewport of [PHONE, DESKTOP]) {
        for (const lang of ['zh', 'en']) {
          const page = await open(role, `/trials/1?site=3&lang=${lang}`, viewport);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          expect(overflow).toBeLessThanOrEqual(0);
          const text = await page.locator('main').innerText();
          expect(text).not.toMatch(/entry\.[a-z]+|role\.may|_idempotencyKey/);
          if (process.env.CAPTURE_SCREENSHOTS) await page.screenshot({ path: `/tmp/capture-${role}-${viewport.width}-${lang}.png`, fullPage: false });
        }
      }
    }
  });
});
